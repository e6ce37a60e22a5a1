"""Finding things by name: a reader who does not know an IRI types "pakistan" or "change 7".

Every name the graph gives a thing (its label, other names, a document's title) is compared with the
text without regard to case, spaces or punctuation, so "change-7" finds "Chang'e 7" and "Chang’e-7".
One SPARQL query, run as a client's query is (within the endpoint's limits), so it works the same on an
external store; the best matches first: a whole name, then one it begins, then one it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from . import formats
from .dataset import Dataset, solutions
from .readable import human_label

MAX_TEXT_LENGTH = 200
MOST_MATCHES = 50
# What names are compared without: white space, and the punctuation names are written with or without.
_IGNORED = r"[\s'’‘`´.,;:()\[\]\"“”_/–—-]"
_NAME_PROPERTIES = ("rdfs:label", "skos:prefLabel", "skos:altLabel", "dcterms:title", "foaf:name")


class SearchError(ValueError):
    """The text cannot be looked for; the message says why."""


@dataclass(frozen=True)
class Match:
    iri: str
    name: str                # what the thing is called (its English label, else the name that matched)
    matched: str             # the name that matched the text: another name, when it is not ``name``
    kinds: tuple[str, ...]   # the labels of its classes


def normal_form(text: str) -> str:
    """``text`` as names are compared: lower case, without white space and punctuation."""
    return re.sub(_IGNORED, "", text.lower())


def find(dataset: Dataset, text: str, *, most: int = MOST_MATCHES) -> tuple[list[Match], bool]:
    """The things named like ``text``, the best first, at most ``most``; and whether there were more."""
    if len(text) > MAX_TEXT_LENGTH:
        raise SearchError(f"The text to look for is {len(text):,} characters long; names are looked for by "
                          f"at most {MAX_TEXT_LENGTH}.")
    wanted = normal_form(text)
    if not wanted:
        raise SearchError("Type a name, or part of one, to look for: letters or digits, not only spaces "
                          "and punctuation.")
    words = [w for w in (normal_form(word) for word in text.split()) if w]
    rows = _solutions(dataset, f"""
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX foaf: <http://xmlns.com/foaf/0.1/>
        SELECT DISTINCT ?thing ?matched ?english ?kind ?kindName WHERE {{
          VALUES ?naming {{ {" ".join(_NAME_PROPERTIES)} }}
          ?thing ?naming ?matched .
          FILTER (isIRI(?thing) && isLiteral(?matched))
          BIND (REPLACE(LCASE(STR(?matched)), {ox.Literal(_IGNORED)}, "") AS ?compared)
          FILTER ({" && ".join(f"CONTAINS(?compared, {ox.Literal(word)})" for word in words)})
          OPTIONAL {{ ?thing rdfs:label ?english FILTER (LANGMATCHES(LANG(?english), "en") || LANG(?english) = "") }}
          OPTIONAL {{ ?thing a ?kind OPTIONAL {{ ?kind rdfs:label ?kindName }} }}
        }}""")
    found: dict[str, dict] = {}
    for row in rows:
        thing = found.setdefault(row["thing"].value, {"names": set(), "matched": set(), "kinds": set()})
        thing["matched"].add(row["matched"].value)
        if "english" in row:
            thing["names"].add(row["english"].value)
        if "kind" in row and isinstance(row["kind"], ox.NamedNode):
            thing["kinds"].add(human_label(row["kind"].value, row["kindName"].value if "kindName" in row else None))
    ranked = []
    for iri, thing in found.items():
        matched = min(thing["matched"], key=lambda m: (_closeness(normal_form(m), wanted), len(m), m))
        name = min(thing["names"], key=lambda n: (n != matched, len(n), n)) if thing["names"] else matched
        ranked.append(((_closeness(normal_form(matched), wanted), len(matched), name.lower(), iri),
                       Match(iri, name, matched, tuple(sorted(thing["kinds"])))))
    ranked.sort(key=lambda pair: pair[0])
    return [match for _, match in ranked[:most]], len(ranked) > most


def _solutions(dataset: Dataset, text: str) -> list[dict]:
    """Run the search's query as a client's: the text comes from one, so the query runs within the
    endpoint's limits (in an executor, when the server isolates queries), not as one of the project's own."""
    return solutions(dataset.answer(dataset.plan(text), formats.by_name("json")))


def _closeness(name: str, wanted: str) -> int:
    """0 when the name is the text, 1 when it begins with it, 2 when it holds it, 3 when it holds each
    of its words apart."""
    return 0 if name == wanted else 1 if name.startswith(wanted) else 2 if wanted in name else 3
