"""Files → dataset: parse RDF files into quads and remember where each subject is written.

Parsing is done by Oxigraph's parsers (fast, and their errors carry line and column). Typed literals
are then written in canonical form, as SPARQL stores keep them ("2.0"^^xsd:decimal is "2"): the same
value, so that dumps, query answers, pages and a store's copy all write it alike. The ontology is
placed in its own named graph; a data file's named graphs are kept as they are (one graph per source
document, see the README's provenance model), and whatever a file states outside a named graph lands in
the default graph, where validation reports it as a fact without a source.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import shipped, xml_entities
from .namespaces import ONTOLOGY, RDF, XSD

# File name endings → Oxigraph formats. The one table the loader, the CLI and the server share.
RDF_FILE_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}


class LoadError(Exception):
    """A file could not be read or parsed. ``str()`` gives ``file:line:column: message``."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, column: int | None = None):
        self.path, self.message, self.line, self.column = str(path), message, line, column
        where = self.path + (f":{line}" if line else "") + (f":{column}" if line and column else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Location:
    """Where something is written: a file and a 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class LoadedGraph:
    """The parsed quads of a set of files, with the place each subject is written."""

    quads: list[ox.Quad]
    files: list[Path]
    shown_files: list[str] = field(default_factory=list)  # the files' names as shown to people
    content_hash: str = ""
    # subject (as "<iri>") → the statement that types it (where it is "defined")
    typed_at: dict[str, Location] = field(default_factory=dict)
    # (graph name, "" for the default graph; subject) → the first statement about it in that graph
    first_in_graph: dict[tuple[str, str], Location] = field(default_factory=dict)
    # subject → its first statement anywhere
    first_at: dict[str, Location] = field(default_factory=dict)
    # the files (as shown) holding RDF 1.2 triple terms, which rdflib (pySHACL, --engine rdflib) cannot hold
    triple_term_files: list[str] = field(default_factory=list)

    def refuse_triple_terms(self, reader: str) -> None:
        """Raise LoadError when the data holds RDF 1.2 triple terms, which ``reader`` cannot read."""
        if self.triple_term_files:
            raise LoadError(self.triple_term_files[0], f"holds RDF 1.2 triple terms (<<( s p o )>>, or the "
                            f"annotations ~ and {{| |}}), which {reader} cannot read: it reads RDF 1.1 graphs")

    def location_of(self, subject: str, graph: str | None = None) -> Location | None:
        """Where ``subject`` ("<iri>") is written: in ``graph`` if given, else where it is typed."""
        if graph is not None and (graph, subject) in self.first_in_graph:
            return self.first_in_graph[(graph, subject)]
        return self.typed_at.get(subject) or self.first_at.get(subject)


def load_files(files: list[Path], *, ontology: bool = True, display_root: Path | None = None) -> LoadedGraph:
    """Parse ``files`` (and, unless ``ontology`` is false, the shipped ontology into its own graph).

    ``display_root`` makes the paths in locations and errors relative to it (as a contributor types
    them); by default they are shown relative to the current directory when they lie below it.
    """
    paths = ([shipped.ontology_file()] if ontology else []) + [Path(f) for f in files]
    quads: list[ox.Quad] = []
    digest = hashlib.sha256()
    loaded = LoadedGraph(quads=quads, files=paths)
    for path in paths:
        shown = _display(path, display_root)
        loaded.shown_files.append(shown)
        fmt = RDF_FILE_FORMATS.get(path.suffix.lower())
        if fmt is None:
            known = ", ".join(sorted(RDF_FILE_FORMATS))
            raise LoadError(shown, f"unknown RDF file type '{path.suffix}' (known: {known})")
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise LoadError(shown, "no such file") from None
        except IsADirectoryError:
            raise LoadError(shown, "is a directory, not an RDF file") from None
        except OSError as error:
            raise LoadError(shown, f"cannot read: {error.strerror or error}") from None
        digest.update(path.name.encode() + b"\0" + data + b"\0")
        graph_name = ox.NamedNode(ONTOLOGY) if path == shipped.ontology_file() else None
        parsed = _parse(data, fmt, path, shown, graph_name)
        if any(isinstance(q.object, ox.Triple) for q in parsed):
            loaded.triple_term_files.append(shown)
        quads.extend(parsed)
        if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            _index_subjects(data.decode("utf-8"), shown, loaded, "" if graph_name is None else graph_name.value)
    loaded.quads = _canonical_literals(quads)
    loaded.content_hash = digest.hexdigest()
    return loaded


def load_shipped() -> LoadedGraph:
    """The shipped ontology and data."""
    return load_files(shipped.data_files())


def _display(path: Path, root: Path | None) -> str:
    base = root or Path.cwd()
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def _parse(data: bytes, fmt: ox.RdfFormat, path: Path, shown: str, graph_name: ox.NamedNode | None) -> list[ox.Quad]:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise LoadError(shown, f"not valid UTF-8 (byte {error.start})", line) from None
    if fmt == ox.RdfFormat.RDF_XML and (problem := xml_entities.expansion_problem(data)) is not None:
        raise LoadError(shown, problem)
    try:
        parsed = list(ox.parse(data, format=fmt, base_iri=path.resolve().as_uri()))
    except SyntaxError as error:
        message = re.sub(r"^Parser error at line \d+ column \d+: ", "", str(error))
        if "LoadDocumentCallback" in message:  # Oxigraph's words for a remote JSON-LD context
            message = "its @context names another document, which is never fetched: write the context in the file"
        raise LoadError(shown, message, error.lineno, error.offset) from None
    if graph_name is None:
        return parsed
    return [ox.Quad(q.subject, q.predicate, q.object, graph_name) for q in parsed]


def _canonical_literals(quads: list[ox.Quad]) -> list[ox.Quad]:
    """``quads`` with each typed literal as Oxigraph's store keeps it (its canonical lexical form)."""
    typed = list({q.object for q in quads if isinstance(q.object, ox.Literal) and not q.object.language
                  and q.object.datatype.value != XSD + "string"})
    if not typed:
        return quads
    store, holds = ox.Store(), ox.NamedNode("urn:ilrs-graph:canonical")
    store.extend(ox.Quad(ox.NamedNode(f"urn:ilrs-graph:literal:{index}"), holds, literal)
                 for index, literal in enumerate(typed))
    canonical = {typed[int(q.subject.value.rpartition(":")[2])]: q.object for q in store}
    changed = {literal: form for literal, form in canonical.items() if form != literal}
    if not changed:
        return quads
    return [ox.Quad(q.subject, q.predicate, changed[q.object], q.graph_name) if q.object in changed else q
            for q in quads]


# --- where subjects are written ------------------------------------------------------------------
# A light Turtle/TriG tokenizer: enough to find the token that starts each statement (its subject),
# the graph block it sits in, and whether the statement types the subject. The file is already known
# to parse, so this only has to follow well-formed input.

_TOKEN = re.compile(
    r'''(?P<comment>\#[^\n]*)
      | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\s]*>)
      | (?P<punct>\^\^|[.;,\[\]{}()])
      | (?P<word>[^\s.;,\[\]{}()"'<>\#]+(?:\.[^\s.;,\[\]{}()"'<>\#]+)*)
    ''',
    re.VERBOSE,
)
_UNESCAPE_LOCAL = re.compile(r"\\(.)")
_DIRECTIVES = {"@prefix", "@base", "prefix", "base"}


def _index_subjects(text: str, shown: str, loaded: LoadedGraph, fixed_graph: str) -> None:
    prefixes: dict[str, str] = {}
    base = ""
    tokens = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text) if m.lastgroup != "comment"]
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def line_of(offset: int) -> int:
        lo, hi = 0, len(line_starts)
        while lo + 1 < hi:
            mid = (lo + hi) // 2
            if line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid
        return lo + 1

    def resolve(kind: str, value: str) -> str | None:
        if kind == "iri":
            iri = value[1:-1]
            return f"<{iri if ':' in iri or not base else base + iri}>"
        if kind == "word" and value.startswith("_:"):
            return None  # blank node labels are renamed by the parser
        if kind == "word" and ":" in value:
            prefix, local = value.split(":", 1)
            if prefix in prefixes:
                return "<" + prefixes[prefix] + _UNESCAPE_LOCAL.sub(r"\1", local) + ">"
        return None

    graph = fixed_graph
    i, depth, expect_subject = 0, 0, True
    subject: str | None = None
    subject_line = 0
    expect_predicate = False
    while i < len(tokens):
        kind, value, offset = tokens[i]
        lowered = value.lower()
        if expect_subject and kind == "word" and lowered in _DIRECTIVES:
            # @prefix p: <iri> .   PREFIX p: <iri>   @base <iri> .   BASE <iri>
            if lowered.endswith("prefix") and i + 2 < len(tokens):
                prefixes[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
                i += 3
            elif i + 1 < len(tokens):
                base = tokens[i + 1][1][1:-1]
                i += 2
            if i < len(tokens) and tokens[i][1] == ".":
                i += 1
            continue
        if expect_subject and kind == "word" and lowered == "graph":
            i += 1
            continue
        if kind == "punct" and value == "{":
            name_kind, name_value, _ = tokens[i - 1] if i else ("", "", 0)
            resolved = resolve(name_kind, name_value) if i else None
            graph = resolved[1:-1] if resolved else ""
            expect_subject, subject = True, None
            i += 1
            continue
        if kind == "punct" and value == "}":
            graph, expect_subject, subject = fixed_graph, True, None
            i += 1
            continue
        if kind == "punct" and value in "[(":
            depth += 1
        elif kind == "punct" and value in "])":
            depth -= 1
        elif kind == "punct" and value == "." and depth == 0:
            expect_subject, subject = True, None
            i += 1
            continue
        elif kind == "punct" and value == ";" and depth == 0:
            expect_predicate = True
            i += 1
            continue
        if expect_subject:
            next_value = tokens[i + 1][1] if i + 1 < len(tokens) else ""
            if next_value == "{":  # a TriG graph name, not a subject
                i += 1
                continue
            expect_subject = False
            subject = resolve(kind, value) if depth == 0 else None
            subject_line = line_of(offset)
            if subject:
                location = Location(shown, subject_line)
                loaded.first_in_graph.setdefault((graph, subject), location)
                loaded.first_at.setdefault(subject, location)
            expect_predicate = True
            i += 1
            continue
        if expect_predicate and depth == 0:
            expect_predicate = False
            if subject and (value == "a" or resolve(kind, value) == f"<{RDF}type>"):
                loaded.typed_at.setdefault(subject, Location(shown, subject_line))
        i += 1

