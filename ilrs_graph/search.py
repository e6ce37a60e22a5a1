"""Finding things by name: a reader who does not know an IRI types "pakistan", "cnsa" or "change 7".

The names the graph gives things (labels, other names, documents' titles) are read once per version of
the data, by two queries (so from an external store too), and folded as the text typed is: without case,
accents or punctuation, letters apart from digits ("Chang’e-7" → "change 7", "ＣＮＳＡ" → "cnsa").
Each word typed must begin a word of the same name ("nasa" does not find "Samaddin Asadov"), or the
words typed run on through the name's words ("chang e7" finds "Chang'e 7"). The best first: the whole
name, then a name it begins, then names holding each word whole, then the rest; among those, the
programme's things before the documents that report on them; the ontology's terms after all of those.
Each name keeps its language tag, so that a page can mark 塞尔维亚贝尔格莱德天文台 as Chinese.
"""

from __future__ import annotations

import bisect
import difflib
import math
import re
import sys
import unicodedata
from array import array
from dataclasses import dataclass
from typing import NamedTuple

import pyoxigraph as ox

from .dataset import Dataset
from .namespaces import ILRS, RESOURCE, SOURCE
from .readable import human_label

MAX_TEXT_LENGTH = 200
MAX_WORDS = 10  # each word is one more pass over every name
MOST_MATCHES = 50
SUGGESTION_CUTOFF = 0.75  # difflib's ratio, 2 × letters in common / letters in both, that a close word reaches
# One letter wrong in a word of n letters scores (n - 1) / n, which reaches the cutoff from 4 letters on; a
# shorter word is close only by a letter missing or added: to a word that holds it ("nsa": "nasa", but also
# "bin": "bian", "basin") or that it holds ("in"). Among several words typed, such a short one is mostly a
# particle of a name ("bin", "de") and brings no suggestions; typed alone, it is a name misspelt.
SHORTEST_WORD_TO_SUGGEST_FOR = math.ceil(1 / (1 - SUGGESTION_CUTOFF))
ONTOLOGY_TERMS = 3  # the group of the ontology's terms
_PUBLISHER = ILRS + "Publisher"  # a kind that says what else an organisation does: named last
_IN_WORD = re.compile(r"['’‘`´ʼ]")                      # apostrophes join: Chang'e is one word
_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")
_WORDLESS_SCRIPT = re.compile("([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af])")  # kana, Han, Hangul
_BETWEEN_LETTERS_AND_DIGITS = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
# Names a thing is called by (the first, what it is called) and by which it is found besides: its other
# names, and a document's title.
_CALLED = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
           "http://xmlns.com/foaf/0.1/name")
_TITLE = "http://purl.org/dc/terms/title"
_ALSO = ("http://www.w3.org/2004/02/skos/core#altLabel", _TITLE)
_ONTOLOGY_KINDS = {"http://www.w3.org/2002/07/owl#Class": "class of the ontology",
                   "http://www.w3.org/2002/07/owl#ObjectProperty": "property of the ontology",
                   "http://www.w3.org/2002/07/owl#DatatypeProperty": "property of the ontology",
                   "http://www.w3.org/2002/07/owl#AnnotationProperty": "property of the ontology",
                   "http://www.w3.org/2002/07/owl#NamedIndividual": None}


class SearchError(ValueError):
    """The text cannot be looked for; the message says why."""


@dataclass(frozen=True)
class Match:
    iri: str
    name: str                # what the thing is called
    matched: str             # the name the text was found in: another name, when it is not ``name``
    kinds: tuple[str, ...]   # what it is, the most precise kinds only
    language: str | None          # ``name``'s language tag as the data gives it, None for a plain string
    matched_language: str | None  # ``matched``'s
    matched_title: bool           # whether ``matched`` is its title (a document's, an agreement's), not another name


class Suggestion(NamedTuple):
    """A word of the names close to a word typed, with its language: that of every name holding it, when
    they are all in one other than English (None otherwise), so that a page can mark "лавочкина" as Russian;
    and the text to look for instead, the words typed with this one in place of the one it is close to
    ("university of sharjah" for "Univercity of Sharjah"), so that a reader is offered the name."""
    word: str
    language: str | None
    instead: str


@dataclass(frozen=True)
class Found:
    matches: list[Match]     # the best first, at most as many as asked for
    more: bool               # whether there were more
    suggestions: tuple[Suggestion, ...] = ()  # when nothing is found: names' words close to the words typed

    @property
    def language(self) -> str | None:
        """The language the text typed is taken to be in, for a page that shows it again: that of every name
        it was found in or, found in none, of every word suggested, when they are all in one."""
        languages = {match.matched_language for match in self.matches} or {s.language for s in self.suggestions}
        return next(iter(languages)) if len(languages) == 1 else None


@dataclass(frozen=True)
class NameIndex:
    """Every name of one version of the data, folded, one line each in one text (" change 7\\n…"),
    which a regular expression scans in C: at 1M generated quads 111,799 names take a few tens of MB
    and a scan some 50 ms, where an object per name took 125 MB."""

    text: str                    # the folded names, each line a space, then its words with a space after each
    line_starts: array           # where each line begins in ``text``
    names: tuple[str, ...]       # each line's name as the data writes it
    languages: tuple[str | None, ...]  # each line's language tag, None for a plain string
    is_called: bytes             # for each line, 1 if it is what the thing is called (not another name, a title)
    is_title: bytes              # for each line, 1 if it is the thing's title
    owners: array                # for each line, its thing (an index into ``things``)
    things: tuple[tuple[str, str, int, str | None], ...]  # (IRI, what it is called, group, its language), see _group
    vocabulary: dict[str, str | None]  # every word of every name, for suggestions, with its language (Suggestion)


def words(text: str) -> tuple[str, ...]:
    """``text`` folded into the words it is compared by: no case, accents or punctuation; letters apart
    from digits."""
    if text.isascii():  # most names: the same, quicker (and no invisible characters)
        return tuple(_NOT_ASCII_WORD.sub(" ", _BETWEEN_LETTERS_AND_DIGITS.sub(" ", _IN_WORD.sub("", text.lower()))).split())
    text = "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf")  # zero-width…
    text = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    text = _BETWEEN_LETTERS_AND_DIGITS.sub(" ", _IN_WORD.sub("", text))
    text = _WORDLESS_SCRIPT.sub(r" \1 ", text)  # written without spaces: each character a word
    return tuple("".join(c if c.isalnum() else " " for c in text).split())


def find(dataset: Dataset, text: str, *, most: int = MOST_MATCHES) -> Found:
    """The things named like ``text``; :class:`SearchError` for text that cannot be looked for."""
    if len(text) > MAX_TEXT_LENGTH:
        raise SearchError(f"The text to look for is {len(text):,} characters long; type at most {MAX_TEXT_LENGTH}.")
    typed = tuple(dict.fromkeys(words(text)))  # a word typed twice is looked for once
    if not typed:
        raise SearchError("Type a name, or part of one: letters or digits, not only spaces and punctuation.")
    if len(typed) > MAX_WORDS or len("".join(typed)) > MAX_TEXT_LENGTH:  # "ﷺ" is 18 letters once folded
        raise SearchError(f"Type at most {MAX_WORDS} words, of at most {MAX_TEXT_LENGTH} letters and digits in all: "
                          "a name, or part of one.")
    index = dataset.derived("search names", lambda: _index(dataset))
    best: dict[int, tuple] = {}  # thing → how close its closest name, and which
    for line in _lines_matching(index, typed):
        name = index.names[line]
        closeness = _closeness(index.text[index.line_starts[line]:index.text.index("\n", index.line_starts[line])].split(),
                               typed)
        rank = (closeness, not index.is_called[line], len(name), name, line)
        owner = index.owners[line]
        if owner not in best or rank < best[owner]:
            best[owner] = rank
    ranked = sorted(((index.things[owner][2] == ONTOLOGY_TERMS, rank[0], index.things[owner][2], *rank[1:3],
                      index.things[owner][1].casefold(), index.things[owner][0]), owner, rank[4])
                    for owner, rank in best.items())
    shown = ranked[:most]
    kinds = _kinds(dataset, [index.things[owner][0] for _, owner, _ in shown])
    found = [Match(index.things[owner][0], index.things[owner][1], index.names[line], kinds.get(index.things[owner][0], ()),
                   index.things[owner][3], index.languages[line], bool(index.is_title[line]))
             for _, owner, line in shown]
    return Found(found, len(ranked) > most, () if found else _suggestions(index, typed))


def _lines_matching(index: NameIndex, typed: tuple[str, ...]) -> set[int]:
    """The lines where each word typed begins a word, or where the words typed run on through the line's
    words from the start of one ("chang e7" in " change 7")."""
    each_word = "".join(f"(?=[^\\n]* {re.escape(word)})" for word in typed)
    run_on = " " + " ?".join(re.escape(c) for c in "".join(typed))
    found = set()
    for pattern in (f"^{each_word}", f"^(?=[^\\n]*{run_on})"):
        for match in re.finditer(pattern, index.text, re.MULTILINE):
            found.add(bisect.bisect_right(index.line_starts, match.start()) - 1)
    return found


def _closeness(name: list[str], typed: tuple[str, ...]) -> int:
    """How close a matching name's words are to the words typed, the closest 0: they are the same (0),
    however they were run on; its first words are they (1); each is one of its words (2), or begins one
    (3); they run on through its words (4)."""
    joined, wanted = "".join(name), "".join(typed)
    if joined == wanted:
        return 0
    if _starts_with_words(name, wanted):
        return 1
    if all(t in name for t in typed):
        return 2
    if all(any(word.startswith(t) for word in name) for t in typed):
        return 3
    return 4


def _starts_with_words(name: list[str], wanted: str) -> bool:
    """Whether the first of ``name``'s words run together are ``wanted``, ending where a word does."""
    joined = ""
    for word in name:
        joined += word
        if joined == wanted:
            return True
        if not wanted.startswith(joined):
            return False
    return False


def _suggestions(index: NameIndex, typed: tuple[str, ...]) -> tuple[Suggestion, ...]:
    """For each word typed that begins no word of any name, and is not a short one among several, the
    closest words of the names; not one another begins ("azerbaijans" beside "azerbaijan"), whose names
    the shorter finds too."""
    close: dict[str, str] = {}  # a close word → the text with it in place of the word typed
    for word in typed:
        if (len(typed) == 1 or len(word) >= SHORTEST_WORD_TO_SUGGEST_FOR) \
                and not any(known.startswith(word) for known in index.vocabulary):
            for near in difflib.get_close_matches(word, index.vocabulary, n=3, cutoff=SUGGESTION_CUTOFF):
                close.setdefault(near, " ".join(near if each == word else each for each in typed))
    return tuple(Suggestion(word, index.vocabulary[word], instead) for word, instead in close.items()
                 if not any(word != other and word.startswith(other) for other in close))


def _index(dataset: Dataset) -> NameIndex:
    # thing → name → (what it is called, in English, its language tag, its title): a name written alike in
    # two languages is one name, in English if it is in English at all
    names: dict[str, dict[str, tuple[bool, bool, str, bool]]] = {}
    for row in dataset.select(f"""
            SELECT ?thing ?naming ?name WHERE {{
              VALUES ?naming {{ {" ".join(f"<{p}>" for p in _CALLED + _ALSO)} }}
              ?thing ?naming ?name .
              FILTER (isIRI(?thing) && isLiteral(?name))
            }}"""):
        language = sys.intern(row["name"].language or "")  # one string per language, not one per name
        known = names.setdefault(row["thing"].value, {})
        known[row["name"].value] = max(known.get(row["name"].value, (False, False, "", False)),
                                       (row["naming"].value in _CALLED, language in ("", "en"), language,
                                        row["naming"].value == _TITLE))
    only_publishers = {row["thing"].value for row in dataset.select(f"""
        SELECT ?thing WHERE {{ ?thing a <{_PUBLISHER}> FILTER NOT EXISTS {{ ?thing a ?other FILTER (?other != <{_PUBLISHER}>) }} }}""")}
    lines, line_names, line_languages, owners, things = [], [], [], array("I"), []
    line_called, line_titles = bytearray(), bytearray()
    word_languages: dict[str, set[str]] = {}
    for owner, (iri, known) in enumerate(names.items()):
        called = min((name for name, (is_called, *_) in known.items() if is_called),
                     key=lambda name: (not known[name][1], len(name), name), default=min(known))
        things.append((iri, called, _group(iri, iri in only_publishers), known[called][2] or None))
        for name, (is_called, _, language, is_title) in known.items():
            folded = words(name)
            if not folded:
                continue
            for word in folded:
                word_languages.setdefault(word, set()).add(language)
            lines.append(" " + " ".join(folded) + " ")
            line_names.append(name)
            line_languages.append(language or None)
            line_called.append(is_called)
            line_titles.append(is_title)
            owners.append(owner)
    starts, at = array("I"), 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    return NameIndex("\n".join(lines) + "\n", starts, tuple(line_names), tuple(line_languages), bytes(line_called),
                     bytes(line_titles), owners, tuple(things), {word: _one_other_language(languages) for word, languages in word_languages.items()})


def _one_other_language(languages: set[str]) -> str | None:
    """The language of names all in one other than English ("" a plain string, taken as English)."""
    return next(iter(languages)) if len(languages) == 1 and languages.isdisjoint(("", "en")) else None


def _kinds(dataset: Dataset, iris: list[str]) -> dict[str, tuple[str, ...]]:
    """What each of ``iris`` is: its most precise kinds (a memorandum, not also an agreement), the
    publisher's role after what else it is."""
    found: dict[str, dict[str, str | None]] = {}
    wider: dict[str, set[str]] = {}
    for row in dataset.select(kept=False, text=f"""
            SELECT ?thing ?kind ?kindName ?wider WHERE {{
              VALUES ?thing {{ {" ".join(str(ox.NamedNode(iri)) for iri in iris)} }}
              ?thing a ?kind .
              OPTIONAL {{ ?kind <http://www.w3.org/2000/01/rdf-schema#label> ?kindName }}
              OPTIONAL {{ ?kind <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?wider }}
            }}""") if iris else []:
        if not isinstance(row["kind"], ox.NamedNode):
            continue
        kind, thing = row["kind"].value, row["thing"].value
        found.setdefault(thing, {})[kind] = _ONTOLOGY_KINDS.get(
            kind, human_label(kind, row["kindName"].value if "kindName" in row else None))
        if "wider" in row:
            wider.setdefault(thing, set()).add(row["wider"].value)
    return {thing: tuple(dict.fromkeys(label for kind, label in sorted(kinds.items(), key=lambda k: (k[0] == _PUBLISHER, k[1] or ""))
                                       if label and kind not in wider.get(thing, ())))
            for thing, kinds in found.items()}


def _group(iri: str, only_publisher: bool) -> int:
    """0 the programme's things, 1 statements and partnerships, 2 documents (the sources and the reports
    they copy) and their publishers, 3 the ontology's terms (always after the data's things)."""
    if iri.startswith(ILRS):
        return ONTOLOGY_TERMS
    if iri.startswith((SOURCE, RESOURCE + "report/")) or only_publisher:
        return 2
    return 1 if iri.startswith((RESOURCE + "statement/", RESOURCE + "partnership/")) else 0
