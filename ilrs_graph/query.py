"""Checking a SPARQL query before any engine sees it.

Engines follow ``SERVICE`` (and rdflib also fetches ``FROM`` IRIs), cannot be interrupted, and may
recurse on deep nesting; so every query goes through :func:`analyse` first. It reads the query's
tokens (not a full parse, and in time linear in its length: fast enough for every request) to find its
form, refuse updates, ``SERVICE`` and ``LOAD``, collect its ``FROM``/``FROM NAMED`` graphs, and enforce
the size and depth limits. It also gives the query's normal form, which the result cache asks by, and
tells whether its answer may change from one run to the next. A query of the common kind is read with
operations over its whole text (``_read_common``), any other token by token (``_read``), to the same
result. The engine's own parser then reports syntax errors with their line and column.
"""

from __future__ import annotations

import math
import re
import string
import sys
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache

from .namespaces import PREFIXES
from .wording import counted, size


class QueryError(Exception):
    """Why a query cannot be answered: an HTTP-style status and a message for the person who sent it."""

    def __init__(self, message: str, status: int = 400, *, line: int | None = None, column: int | None = None,
                 retry_after: int | None = None):
        super().__init__(message)
        self.message, self.status, self.line, self.column = message, status, line, column
        self.retry_after = retry_after  # seconds, for a limit the server hit (503) rather than a bad query


def answer_too_large(max_answer_bytes: int) -> QueryError:
    """A client's answer past its limit (``Limits.max_answer_bytes``), and what to ask instead."""
    return QueryError(f"This endpoint sends answers of at most {size(max_answer_bytes)}, and this one is larger: "
                      "ask for less with LIMIT, or download the whole graph from /data.nt.")


def is_seconds(value: float) -> bool:
    """A duration a timer can wait: above 0, finite, and below 10⁹ s (past about 9.2·10⁹ s, Python's socket
    and lock timeouts overflow: a time limit meaning "none" failed every query)."""
    return 0 < value < 1e9


@dataclass(frozen=True)
class Limits:
    """What one request, one query and one server process may use: every limit of the endpoint, in one
    place. Defaults suit a public endpoint; ``ilrs-graph serve --limit NAME=VALUE`` changes any of them."""

    max_query_length: int = 100_000              # characters
    max_nesting_depth: int = 64                  # of { } ( ) [ ]
    timeout_seconds: float = 10.0                # per query; then its executor is killed (503)
    max_query_memory_bytes: int = 1024 * 2**20   # per query executor, beyond the graph it shares (503)
    max_answer_bytes: int = 64 * 2**20           # one answer, serialised (400 beyond)
    max_request_bytes: int = 1 * 2**20           # one request body (413 beyond)
    max_header_bytes: int = 16 * 2**10           # all of one request's header lines (431 beyond)
    client_idle_seconds: float = 10.0            # a client sending or reading nothing mid-request is let go
    executors: int = 1                           # query executors kept warm, per server process
    max_executors: int = 10                      # executors per server process at the busiest
    max_surplus_bytes: int = 512 * 2**20         # of the graph, copied by the executors beyond the warm ones
    max_cache_bytes: int = 16 * 2**20            # of answers (and gzipped copies) kept, per server process

    def __post_init__(self):
        for name, value in vars(self).items():
            if not 0 < value < math.inf:
                raise ValueError(f"the limit {name} must be a positive number, not {value}")
            if name.endswith("_seconds") and not is_seconds(value):
                raise ValueError(f"the limit {name} must be below 1e9 seconds (about 31 years), not {value:g}")
        if self.executors > self.max_executors:
            raise ValueError(f"executors ({self.executors}) cannot exceed max_executors ({self.max_executors})")

    def updated(self, settings: Sequence[str]) -> Limits:
        """These limits with ``NAME=VALUE`` settings applied; sizes may end in K, M or G (powers of 1024)."""
        changes: dict[str, int | float] = {}
        for setting in settings:
            name, _, value = setting.partition("=")
            kind = {f.name: f.type for f in fields(self)}.get(name.strip())
            if kind is None:
                raise ValueError(f"no limit called '{name}'; the limits are: {', '.join(f.name for f in fields(self))}")
            number = value.strip().upper()
            scale = 1024 ** ("KMG".index(number[-1]) + 1) if number[-1:] in ("K", "M", "G") else 1
            try:
                amount = float(number[:-1] if scale > 1 else number) * scale  # one unit: "10MG" is a typo
            except ValueError:
                raise ValueError(f"the limit {name} needs a number, not '{value}'") from None
            if not math.isfinite(amount):
                raise ValueError(f"the limit {name} needs a finite number, not '{value}'")
            if kind != "float" and not amount.is_integer():  # int() made executors=0.5 a 0, refused as such
                raise ValueError(f"the limit {name} needs a whole number, not '{value}'")
            changes[name.strip()] = amount if kind == "float" else int(amount)
        return replace(self, **changes)


@dataclass(frozen=True)
class QueryPlan:
    """What :func:`analyse` learnt about a query."""

    text: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()
    # The text without comments and with each run of whitespace as one space (strings and IRIs as
    # written): texts differing only there are the same query. Empty when the plan was not read.
    normal_form: str = ""
    # Calls NOW(), RAND(), UUID(), STRUUID() or BNODE(): each run may answer differently.
    volatile: bool = False

    @property
    def answers_with_triples(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


_TOKEN = re.compile(
    r"""(?P<space>(?:\s+|\#[^\r\n]*)++)
      | (?P<long_string>"{3}|'{3})
      | (?P<string>"(?:[^"\\\r\n]|\\.)*"?|'(?:[^'\\\r\n]|\\.)*'?)
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040\u00c0-\uffff]+)
      | (?P<word>[A-Za-z_]\w*+(?![.\-:\u00c0-\uffff])|_\w*)
      | (?P<name>[A-Za-z\u00c0-\uffff][\w.\-\u00c0-\uffff]*+(?!:))
      | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00c0-\uffff]*+)?:(?:[\w\-:%\u00c0-\uffff]|\\.|\.(?=[\w\-:%\\\u00c0-\uffff]))*)
      | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
      | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
# A comment, and a short string, ends at the end of its line, a line feed or a carriage return (SPARQL
# 1.1, 19.4 and 19.8: Oxigraph ends them there; read on to a line feed, "#c\rSERVICE…" hid the SERVICE).
# Read so that the time stays linear in the query's length, whatever it holds:
# - a short string left open runs to the end of its line: the engine refuses it (no other token starts
#   with a quote), and a quote within it does not start another string reading to the end again;
# - a long string's end is found by _long_string_end, which never walks the same stretch twice; one
#   left open is no token, and its quotes are read as shorter strings, as rdflib reads them;
# - a run of name characters with no colon after it is no prefixed name, but its words and the rest,
#   one character each, as if read one by one (the prefixed-name pattern, tried at each of its
#   letters, would read to its end every time);
# - a backslash in a prefixed name escapes the character after it (ex:a\# is no comment, ex:a\' no string).
_NAME_PARTS = re.compile(r"(?P<word>[A-Za-z_]\w*)|(?P<other>.)", re.DOTALL)

LARGEST_COUNT = sys.maxsize  # rdflib's LIMIT and OFFSET (itertools.islice); Oxigraph's go to 2**64 - 1
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
VOLATILE_FUNCTIONS = ("NOW", "RAND", "UUID", "STRUUID", "BNODE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING")
BYTE_ORDER_MARK = "\ufeff"


def analyse(text: str, limits: Limits = Limits()) -> QueryPlan:
    """Check ``text`` and tell what it is; raise :class:`QueryError` when it may not run. A byte order mark
    before it is its file's, not the query's (a Windows editor's, sent on by ``curl --data-binary @q.rq`` or
    ``--data-urlencode query@q.rq``): left out, as Jena's parser and ``ilrs-graph query`` leave it out."""
    text = text.removeprefix(BYTE_ORDER_MARK)
    if len(text) > limits.max_query_length:
        raise QueryError(f"The query is {len(text):,} characters long; this endpoint accepts at most "
                         f"{limits.max_query_length:,}.", 413)
    return _analyse(text, limits.max_nesting_depth)


_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@lru_cache(maxsize=1024)  # as many as the result cache keeps answers: a repeated query is analysed once
def _analyse(text: str, max_depth: int) -> QueryPlan:
    plan = _read_common(text, max_depth) or _read(text, max_depth)
    if _CODEPOINT_ESCAPE.search(text):
        # SPARQL decodes \u escapes anywhere before parsing (rdflib does: "\u0053ERVICE" is SERVICE to it);
        # Oxigraph only inside strings and IRIs. Both readings are checked; the graphs of both are kept.
        decoded = _read(_CODEPOINT_ESCAPE.sub(_codepoint, text), max_depth)
        plan = replace(plan, from_graphs=plan.from_graphs + decoded.from_graphs,
                       from_named_graphs=plan.from_named_graphs + decoded.from_named_graphs,
                       volatile=plan.volatile or decoded.volatile)
    return plan


def _codepoint(escape: re.Match) -> str:
    number = int(escape.group(1) or escape.group(2), 16)
    return chr(number) if number <= 0x10FFFF else "\ufffd"


def _read(text: str, max_depth: int) -> QueryPlan:
    if not text.strip():
        raise QueryError("The query is empty.")
    words: list[tuple[str, int]] = []  # (upper-cased keyword, offset)
    prefixes: dict[str, str] = {}
    from_graphs: list[str] = []
    from_named: list[str] = []
    depth = 0
    undeclared: tuple[str, int] | None = None  # the first prefix used undeclared (rdflib knows some; SPARQL none)
    too_large: tuple[str, int] | None = None  # a LIMIT or OFFSET beyond what the engines count to
    tokens, normal_form = _tokens(text)
    for index, (kind, value, offset) in enumerate(tokens):
        if kind == "other" and value in "{([":
            depth += 1
            if depth > max_depth:
                raise QueryError(f"The query nests {{ }}, ( ) and [ ] more than {counted(max_depth, 'level')} deep.",
                                 **_position(text, offset))
        elif kind == "other" and value in "})]":
            depth -= 1
        elif kind == "pname":
            if value[:7].upper() == "SERVICE" and tokens[index + 1:index + 2] and tokens[index + 1][1] == "{" \
                    and not (index and tokens[index - 1][1].upper() == "GRAPH"):
                words.append(("SERVICE", offset))  # Oxigraph reads SERVICE:x { … } as SERVICE :x { … }, but
                # GRAPH service:x { … } as the graph <…x> of a prefix service:
            graphs = []
            if value[:4].upper() == "FROM" and depth == 0 and _is_prefixed_name(tokens, index):
                graphs = _dataset_clause(tokens, index, prefixes)  # FROM:g is FROM :g to both engines
                for named, iri in graphs:
                    (from_named if named else from_graphs).append(iri)
            if undeclared is None and not graphs and value.split(":", 1)[0] not in prefixes \
                    and _is_prefixed_name(tokens, index):
                undeclared = (value.split(":", 1)[0], offset)
        elif kind == "word":
            words.append((value.upper(), offset))
            keyword = value.upper()
            if keyword in ("LIMIT", "OFFSET") and too_large is None and _count_after(tokens, index) > LARGEST_COUNT:
                too_large = (keyword, offset)
            if keyword == "PREFIX" and index + 2 < len(tokens) and tokens[index + 2][0] == "iri":
                prefixes[tokens[index + 1][1].rstrip(":")] = tokens[index + 2][1][1:-1]
            elif keyword.startswith("FROM"):  # Oxigraph reads FROMNAMED<g> as FROM NAMED <g>
                for named, iri in _dataset_clause(tokens, index, prefixes):
                    (from_named if named else from_graphs).append(iri)
    for word, offset in words:
        if word in UPDATE_KEYWORDS:
            raise QueryError(f"This endpoint is read-only: SPARQL Update ({word}) is not accepted.", 403,
                             **_position(text, offset))
        if word.startswith("SERVICE"):  # Oxigraph reads SERVICESILENT<…> as SERVICE SILENT <…>
            raise QueryError("SERVICE is not allowed: this endpoint never sends requests to other "
                             "endpoints. Query this dataset's own graphs instead.", **_position(text, offset))
    form = next((word for word, _ in words if word in FORMS), None)
    if form is None:
        raise QueryError("This is not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE.")
    if too_large is not None:
        keyword, offset = too_large
        raise QueryError(f"This {keyword} is more than this endpoint counts to ({LARGEST_COUNT:,}).",
                         **_position(text, offset))
    if undeclared is not None:
        prefix, offset = undeclared
        namespace = f"<{PREFIXES[prefix]}>" if prefix in PREFIXES else "<…>"
        raise QueryError(f"The prefix {prefix}: is not declared: add PREFIX {prefix}: {namespace} before the query.",
                         **_position(text, offset))
    volatile = any(word in VOLATILE_FUNCTIONS for word, _ in words)
    return QueryPlan(text, form, tuple(from_graphs), tuple(from_named), normal_form, volatile)


# For _read_common: comments (group 1), and strings and IRIs (group 2), as _TOKEN reads them in a text
# without backslashes or long strings; everything else of the text is the query's code.
_LITERALS = re.compile(r"""(\#[^\r\n]*)|("[^"\r\n]*"?|'[^'\r\n]*'?|<[^<>"{}|^`\\\x00-\x20]*>)""")
_IRI_MARK, _STRING_MARK = "\x01", "\x02"  # what stands for an IRI and a string in the code
# In the code (ASCII, so that no case folds past it; literals marked): one declaration of the prologue;
# the form after it; the words after it that only the full read may judge; a number past any count.
_DECLARATION = re.compile(r"\s*(?:(PREFIX)(?![\w.\-:])\s*([A-Za-z][\w.\-]*)?:|BASE)\s*\x01", re.I)
_FORM = re.compile(r"\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w.\-:])", re.I)
# (searched in the code upper-cased, as ASCII it keeps its length: re.I made the search 2.7 times as long)
_FULL_READ_WORDS = re.compile(r"(?<![A-Z_?$@])(?:(?:" + "|".join(UPDATE_KEYWORDS + VOLATILE_FUNCTIONS)
                              + r")(?!\w)|SERVICE|FROM)")  # SERVICE and FROM, even run into what follows
_LARGE_NUMBER = re.compile(r"[1-9][0-9]{%d}" % (len(str(LARGEST_COUNT)) - 1))
_NAME_CHARACTERS = string.ascii_letters + string.digits + "_.-"


def _read_common(text: str, max_depth: int) -> QueryPlan | None:
    """What :func:`_read` finds, for the common query, found with operations over the whole text instead
    of token by token (that costs ~0.1 ms a query, an eighth of a request's work): a prologue of PREFIX
    and BASE, then the form, and nothing the check refuses or must look at closely. None for any other
    text, which :func:`_read` then reads: one with backslashes, long strings, or other than ASCII outside
    its strings, IRIs and comments; one using a prefix it may not have declared, or with a word after the
    prologue that is refused, volatile or names graphs (SERVICE, NOW, FROM…); one that may nest
    past the limit or count past LIMIT's largest. It accepts nothing the full read refuses, and its plan
    is the full read's (tests/test_query_check.py compares the two on generated texts)."""
    if "\\" in text or '"""' in text or "'''" in text or _IRI_MARK in text or _STRING_MARK in text:
        return None
    parts = _LITERALS.split(text)  # code, comment, string or IRI, code, …
    normal: list[str] = []
    code: list[str] = []
    iris: list[str] = []
    stretch: list[str] = []  # code and comments since the last string or IRI: each gap in it becomes one space
    for index in range(0, len(parts) - 1, 3):
        comment, literal = parts[index + 1], parts[index + 2]
        stretch.append(parts[index])
        code.append(parts[index])
        if comment is not None:
            stretch.append(" ")
            code.append(" ")
        else:
            normal.extend((_one_space_a_gap("".join(stretch)), literal))
            stretch = []
            if literal[0] == "<":
                iris.append(literal[1:-1])
                code.append(_IRI_MARK)
            else:
                code.append(_STRING_MARK)
    stretch.append(parts[-1])
    code.append(parts[-1])
    last = _one_space_a_gap("".join(stretch))
    normal_form = "".join(normal) + last
    normal_form = normal_form[normal_form.startswith(" "):]
    if last.endswith(" "):  # the text ends with a gap
        normal_form = normal_form.removesuffix(" ")
    code_text = "".join(code)
    if not code_text.isascii():
        return None
    prefixes: dict[str, str] = {}
    start, declared = 0, 0
    while (declaration := _DECLARATION.match(code_text, start)) is not None:
        if declaration.group(1):  # PREFIX, not BASE; its IRI is the prologue's next
            prefixes[declaration.group(2) or ""] = iris[declared]
        declared += 1
        start = declaration.end()
    form = _FORM.match(code_text, start)
    if form is None or _FULL_READ_WORDS.search(code_text.upper(), start) or _LARGE_NUMBER.search(code_text, start) \
            or sum(map(code_text.count, "{([")) > max_depth:
        return None
    for before_colon in code_text[form.end():].split(":")[:-1]:
        # Right before each colon, a declared prefix (or none, if "" is declared), not after ?, $ or @: then
        # every prefixed name the full read checks uses one, whatever else a colon is part of (a local name).
        name_start = len(before_colon.rstrip(_NAME_CHARACTERS))
        if before_colon[name_start - 1:name_start] in ("?", "$", "@") or before_colon[name_start:] not in prefixes:
            return None
    return QueryPlan(text, form.group(1).upper(), normal_form=normal_form)


def _one_space_a_gap(stretch: str) -> str:
    """``stretch`` with each run of whitespace as one space: ``re.sub(r"\\s+", " ", stretch)``, 5× as fast."""
    words = stretch.split()
    if not words:
        return " " if stretch else ""
    return " " * stretch[0].isspace() + " ".join(words) + " " * stretch[-1].isspace()


def _count_after(tokens: list[tuple[str, str, int]], keyword: int) -> int:
    """The number written after the keyword token at index ``keyword`` (comments between left out; its
    digits are one token each), or 0; a number too long to read is taken as more than any count."""
    index, digits = keyword + 1, ""
    while index < len(tokens) and tokens[index][0] == "other" and tokens[index][1] in "0123456789" \
            and (not digits or tokens[index][2] == tokens[index - 1][2] + 1):
        digits += tokens[index][1]
        index += 1
    digits = digits.lstrip("0")
    return int(digits or 0) if len(digits) <= len(str(LARGEST_COUNT)) else LARGEST_COUNT + 1


def _is_prefixed_name(tokens: list[tuple[str, str, int]], index: int) -> bool:
    """Whether the pname token at ``index`` uses a prefix: not one being declared (after PREFIX), not a
    blank node's label (``_:b``), not the inside of an IRI the tokens could not read (``<http://x/\\u00e9>``:
    escapes are no IRI characters until decoded)."""
    if index == 0:
        return True
    kind, value, offset = tokens[index - 1]
    adjacent = offset + len(value) == tokens[index][2]
    return not ((kind, value.upper()) == ("word", "PREFIX") or (adjacent and (kind, value) in (("word", "_"), ("other", "<"))))


def _tokens(text: str) -> tuple[list[tuple[str, str, int]], str]:
    """The tokens (kind, text, offset) other than whitespace and comments, and the normal form."""
    if '"""' in text or "'''" in text:
        found = _with_long_strings(text)
    else:
        found = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text)]
    # Whitespace and comments come as one token per run, each written as one space in the normal form.
    normal_form = "".join(" " if kind == "space" else value for kind, value, _ in found)
    if found and found[-1][0] == "space":
        normal_form = normal_form[:-1]
    if found and found[0][0] == "space":
        normal_form = normal_form[1:]
    tokens = [token for token in found if token[0] != "space"]
    if any(kind == "name" for kind, _, _ in tokens):
        tokens = [part for token in tokens for part in _name_parts(token)]
    return tokens, normal_form


def _name_parts(token: tuple[str, str, int]) -> list[tuple[str, str, int]]:
    kind, value, offset = token
    if kind != "name":
        return [token]
    return [(part.lastgroup, part.group(), offset + part.start()) for part in _NAME_PARTS.finditer(value)]


def _with_long_strings(text: str) -> list[tuple[str, str, int]]:
    found: list[tuple[str, str, int]] = []
    long_string_ends: dict[str, dict[int, int]] = {'"': {}, "'": {}}
    offset = 0
    while offset < len(text):
        for match in _TOKEN.finditer(text, offset):
            kind, value, offset = match.lastgroup, match.group(), match.start()
            if kind == "long_string":  # read on from its end, or from after its first two quotes
                end = _long_string_end(text, offset + 3, value, long_string_ends[value[0]])
                value = text[offset:end] if end > 0 else value[:2]
                found.append(("string", value, offset))
                offset += len(value)
                break
            found.append((kind, value, offset))
        else:
            break
    return found


def _long_string_end(text: str, start: int, closing: str, known: dict[int, int]) -> int:
    """Where the long string whose content starts at ``start`` ends (after ``closing``), or -1 if it
    does not. The walk from any offset is the same, so where it leads is kept in ``known`` for the
    next string's walk, which stops where it meets this one's."""
    walked, offset = [], start
    while True:
        if offset in known:
            end = known[offset]
            break
        if offset >= len(text):
            end = -1
            break
        walked.append(offset)
        if text[offset] == "\\":
            offset += 2
        elif text.startswith(closing, offset):
            end = offset + 3
            break
        else:
            offset += 1
    for step in walked:
        known[step] = end
    return end


def _dataset_clause(tokens: list[tuple[str, str, int]], index: int, prefixes: dict[str, str]) -> list[tuple[bool, str]]:
    """The graphs the FROM clause starting with the token at ``index`` may name, each (named, IRI), as
    either engine reads it. Oxigraph matches FROM and NAMED without looking past their last letters:
    FROM:g is FROM :g (to rdflib too), FROMNAMED<g> is FROM NAMED <g>, and FROM NAMED:g is FROM <NAMED:g>
    when that prefix is declared, else FROM NAMED :g (rdflib: always the first). Both readings are kept."""
    target, after = _after_keyword(tokens, tokens[index], index + 1, "FROM")
    readings = [(False, target)]
    if target is not None and target[1][:5].upper() == "NAMED":
        readings.append((True, _after_keyword(tokens, target, after, "NAMED")[0]))
    iris = [(named, _iri(token, prefixes) if token is not None else None) for named, token in readings]
    return [(named, iri) for named, iri in iris if iri is not None]


def _after_keyword(tokens: list[tuple[str, str, int]], token: tuple[str, str, int], next_index: int,
                   keyword: str) -> tuple[tuple[str, str, int] | None, int]:
    """What follows ``keyword`` at the start of ``token``: the rest of the token, read as a token of its
    own, or else the next token; and the index of the token after that."""
    _, value, offset = token
    if len(value) > len(keyword):
        rest = value[len(keyword):]
        return ("pname" if ":" in rest else "word", rest, offset + len(keyword)), next_index
    return (tokens[next_index], next_index + 1) if next_index < len(tokens) else (None, next_index)


def _iri(token: tuple[str, str, int], prefixes: dict[str, str]) -> str | None:
    kind, value, _ = token
    if kind == "iri":
        return value[1:-1]
    if kind == "pname":
        prefix, local = value.split(":", 1)
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None


def _position(text: str, offset: int) -> dict[str, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return {"line": line, "column": column}


_ENGINE_POSITION = re.compile(r"(?:error at|at line) (\d+)[: ](?:column )?(\d+)")
# What Oxigraph's parser expected, one item each: a "token", a [character class], a KEYWORD or a sentence.
_EXPECTED = re.compile(r'"(?:[^"\\]|\\.)*"|\[(?:\'[^\']*\'|[^\]\'])*\]|[^,]+')
# Not offered as what could come next: SERVICE is refused here; LATERAL is Oxigraph's own, not SPARQL 1.1.
_NOT_SUGGESTED = ("SERVICE", "LATERAL")


def syntax_error(error: Exception) -> QueryError:
    """A :class:`QueryError` for an engine's parse error, keeping its line and column."""
    message = str(error)
    found = _ENGINE_POSITION.search(message)
    line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
    if found is not None and found.start() == 0:  # shown apart, beside the message: not twice
        message = message[found.end():].lstrip(": ")
    if message.startswith("expected "):
        message = _expected(message.removeprefix("expected ").removeprefix("one of "))
    return QueryError(f"Syntax error in the query: {message}", 400, line=line, column=column)


def _expected(items_text: str) -> str:
    """Oxigraph's list of what it expected, for a person: its own sentences where it has some ("The query
    limit should be a non negative integer"), else its tokens and keywords without the Unicode ranges
    that name and number characters are spelt with."""
    items = [item.strip() for item in _EXPECTED.findall(items_text) if item.strip()]
    sentences = [item for item in items if " " in item and item[0] not in "[\"" and not item.isupper()]
    if sentences:
        return "; ".join(sentences) + "."
    shown = [item for item in items if not item.startswith("[") and item not in _NOT_SUGGESTED]
    if any(item.startswith("[") for item in items):
        shown.append("a name, number or other term")
    if not shown:
        return "the query cannot be read on from here."
    return f"expected {shown[0]}." if len(shown) == 1 else f"expected one of {', '.join(shown[:-1])} or {shown[-1]}."


