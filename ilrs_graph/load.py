"""Files → dataset: parse RDF files into quads and remember where each subject is written.

Parsing is done by Oxigraph's parsers (fast, and their errors carry line and column). Typed literals
are then written in canonical form, as SPARQL stores keep them ("2.0"^^xsd:decimal is "2"): the same
value, so that dumps, query answers, pages and a store's copy all write it alike.

Where a triple goes is decided by the file's content, never by its path: a file's named graphs are kept
as they are (one graph per source document, see the README's provenance model); what a file states
outside a named graph goes into the default graph, where validation reports it as a fact without a
source, except when the file declares an ontology there (``<iri> a owl:Ontology``, as
``ontology/ilrs.ttl`` does, whichever path names it): then what it says of the ontology and of its terms
(``rdfs:isDefinedBy <iri>``, or declared: typed owl:Class, rdf:Property…) goes into the graph named by the
ontology's IRI. The shipped ontology is added (``ontology=True``) unless the files already hold its graph
(a fork's own copy of ``ilrs.ttl``, or a dump that carries it), which then stands in its place.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import shipped, xml_entities
from .namespaces import ONTOLOGY, OWL, RDF, RDFS, XSD

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
    """Where something is written: a file and a 1-based line (None where the format has no lines to
    point at: RDF/XML and JSON-LD, whose statements the parser does not place)."""

    path: str
    line: int | None

    def __str__(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


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
    # the graphs that hold an ontology's terms, not facts (validation asks no source of them): those the
    # loader made from an ontology declared outside a named graph, or a dump's named graph like them, that
    # hold nothing but the ontology and its terms. Never a graph only because it calls itself an owl:Ontology.
    ontology_graphs: set[str] = field(default_factory=set)

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
    """Parse ``files`` (and, unless ``ontology`` is false or the files hold it already, the shipped
    ontology into its own graph).

    ``display_root`` makes the paths in locations and errors relative to it (as a contributor types
    them); by default they are shown relative to the current directory when they lie below it.
    """
    given = [_read(Path(f), shown_path(Path(f), display_root)) for f in files]
    if ontology and not any(q.graph_name == _SHIPPED_GRAPH for file in given for q in file.quads):
        given.insert(0, _read(shipped.ontology_file(), shown_path(shipped.ontology_file(), display_root)))
    quads: list[ox.Quad] = []
    loaded = LoadedGraph(quads=quads, files=[file.path for file in given])
    for file in given:
        loaded.shown_files.append(file.shown)
        if any(isinstance(q.object, ox.Triple) for q in file.quads):
            loaded.triple_term_files.append(file.shown)
        quads.extend(file.quads)
        if file.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            _index_subjects(file.data.decode("utf-8"), file.shown, loaded, file.ontology or "")
        else:
            _index_statements(file, loaded)
    # a statement two files make in one graph (or in two lexical forms of one value) is one quad, as a store holds it
    loaded.quads = list(dict.fromkeys(_canonical_literals(quads)))
    loaded.content_hash = _content_hash(given)
    loaded.ontology_graphs = _ontology_graphs(quads)
    return loaded


def _content_hash(files: list[_ReadFile]) -> str:
    """The version of what ``files`` hold: their names and bytes, in whatever order they were given
    (``load --data data ontology/ilrs.ttl`` is the same version as ``load``)."""
    digest = hashlib.sha256()
    for name, data in sorted((file.path.name.encode(), file.data) for file in files):
        digest.update(name + b"\0" + data + b"\0")
    return digest.hexdigest()


_SHIPPED_GRAPH = ox.NamedNode(ONTOLOGY)
_A, _ONTOLOGY_CLASS = ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + "Ontology")
_DEFINED_BY, _IMPORTS = ox.NamedNode(RDFS + "isDefinedBy"), ox.NamedNode(OWL + "imports")
# What declares a term of an ontology (a class, a property, a datatype, an individual): a file declaring an
# ontology counts such subjects among its terms, whether or not they say rdfs:isDefinedBy.
_TERM_TYPES = frozenset(ox.NamedNode(iri) for iri in (
    RDFS + "Class", RDFS + "Datatype", RDF + "Property",
    *(OWL + name for name in ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "OntologyProperty",
                              "FunctionalProperty", "InverseFunctionalProperty", "TransitiveProperty",
                              "SymmetricProperty", "AsymmetricProperty", "ReflexiveProperty", "IrreflexiveProperty",
                              "NamedIndividual", "DeprecatedClass", "DeprecatedProperty"))))


@dataclass
class _ReadFile:
    path: Path
    shown: str
    data: bytes
    format: ox.RdfFormat
    quads: list[ox.Quad]
    ontology: str | None  # the ontology the file declares outside its named graphs, whose graph they went to


def _read(path: Path, shown: str) -> _ReadFile:
    """One file parsed, its default graph's triples placed in the graph of the ontology it declares."""
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
    parsed = _parse(data, fmt, path, shown)
    unnamed = [q for q in parsed if isinstance(q.graph_name, ox.DefaultGraph)]
    ontology = _declared_ontology(unnamed, shown)
    if ontology is not None:
        terms = _ontology_terms(unnamed, ontology)
        parsed = [ox.Quad(q.subject, q.predicate, q.object, ontology)
                  if isinstance(q.graph_name, ox.DefaultGraph) and q.subject in terms else q for q in parsed]
    return _ReadFile(path, shown, data, fmt, parsed, None if ontology is None else ontology.value)


def _declared_ontology(unnamed: list[ox.Quad], shown: str) -> ox.NamedNode | None:
    """The ontology a file declares outside its named graphs (``unnamed``), whose IRI names the graph its
    terms go to. A file declaring several (the ontologies it owl:imports, typed as such) means the one that
    no other of them imports; LoadError when that leaves none or more than one."""
    declared = sorted({q.subject.value for q in unnamed if q.predicate == _A and q.object == _ONTOLOGY_CLASS
                       and isinstance(q.subject, ox.NamedNode)})
    if len(declared) <= 1:
        return ox.NamedNode(declared[0]) if declared else None
    imported = {q.object.value for q in unnamed if q.predicate == _IMPORTS and isinstance(q.object, ox.NamedNode)}
    importing = [iri for iri in declared if iri not in imported]
    if len(importing) == 1:
        return ox.NamedNode(importing[0])
    named = ", ".join(f"<{iri}>" for iri in (importing or declared))
    why = (f"{len(importing)} of them ({named}) are imported (owl:imports) by no other" if importing
           else f"each of them ({named}) is imported (owl:imports) by another")
    raise LoadError(shown, f"declares {len(declared)} ontologies outside a named graph and {why}, so it is not "
                           "clear whose graph its triples go to: the graph is named by the one ontology the others "
                           "of the file do not import (import the others from it, or give each ontology a file "
                           "of its own)")


def _ontology_terms(quads: list[ox.Quad], ontology: ox.NamedNode) -> set:
    """The ontology, its terms and the blank nodes they hold (OWL restrictions, lists), among ``quads`` (one
    graph's): the subjects whose statements an ontology's graph holds. Its terms are those that say
    ``rdfs:isDefinedBy`` it and those declared as terms (IRIs typed owl:Class, rdf:Property…: _TERM_TYPES);
    what the file says of the ontologies it imports (owl:imports, at any depth) goes with it too. What else
    the file says (a dump merging the ontology with data, say) are facts, which need a source."""
    terms = {ontology} | {q.subject for q in quads if (q.predicate == _DEFINED_BY and q.object == ontology)
                          or (q.predicate == _A and q.object in _TERM_TYPES and isinstance(q.subject, ox.NamedNode))}
    objects: dict = {}
    imports: dict = {}
    for quad in quads:
        objects.setdefault(quad.subject, []).append(quad.object)
        if quad.predicate == _IMPORTS and isinstance(quad.object, ox.NamedNode):
            imports.setdefault(quad.subject, []).append(quad.object)
    waiting = [ontology]
    while waiting:
        for imported in imports.get(waiting.pop(), ()):
            if imported not in terms:
                terms.add(imported)
                waiting.append(imported)
    waiting = list(terms)
    while waiting:
        for value in objects.get(waiting.pop(), ()):
            if isinstance(value, ox.BlankNode) and value not in terms:
                terms.add(value)
                waiting.append(value)
    return terms


def _ontology_graphs(quads: list[ox.Quad]) -> set[str]:
    """The named graphs ``<g>`` holding an ontology as the loader places one (or as a dataset dump keeps it):
    ``<g> a owl:Ontology`` in ``<g>``, and nothing but the ontology and its terms. A graph that also states
    other things is a graph of facts, whatever it calls itself."""
    by_graph: dict[ox.NamedNode, list[ox.Quad]] = {}
    for quad in quads:
        if isinstance(quad.graph_name, ox.NamedNode):
            by_graph.setdefault(quad.graph_name, []).append(quad)
    return {graph.value for graph, held in by_graph.items() if _only_an_ontology(graph, held)}


def _only_an_ontology(graph: ox.NamedNode, quads: list[ox.Quad]) -> bool:
    if ox.Quad(graph, _A, _ONTOLOGY_CLASS, graph) not in quads:
        return False
    terms = _ontology_terms(quads, graph)
    return all(quad.subject in terms for quad in quads)


def load_shipped() -> LoadedGraph:
    """The shipped ontology and data."""
    return load_files(shipped.data_files())


def shown_path(path: Path, root: Path | None = None) -> str:
    """``path`` as people are shown it (and would type it): relative to ``root`` (by default the current
    directory) when it lies below it, else as given."""
    base = root or Path.cwd()
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def _parse(data: bytes, fmt: ox.RdfFormat, path: Path, shown: str) -> list[ox.Quad]:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise LoadError(shown, f"not valid UTF-8 (byte {error.start})", line) from None
    if fmt == ox.RdfFormat.RDF_XML and (problem := xml_entities.expansion_problem(data)) is not None:
        raise LoadError(shown, problem)
    try:
        # A blank node label is the file's own: _:b1 in two files is two nodes (RDF 1.1 Concepts, 3.4).
        parsed = list(ox.parse(data, format=fmt, base_iri=path.resolve().as_uri(), rename_blank_nodes=True))
    except SyntaxError as error:
        message = re.sub(r"^Parser error at line \d+ column \d+: ", "", str(error))
        if "LoadDocumentCallback" in message:  # Oxigraph's words for a remote JSON-LD context
            message = "its @context names another document, which is never fetched: write the context in the file"
        raise LoadError(shown, message, error.lineno, error.offset) from None
    return parsed


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


def _index_statements(file: _ReadFile, loaded: LoadedGraph) -> None:
    """Where each subject of an N-Triples or N-Quads file is written: a statement per line, in the order
    the parser gives them. RDF/XML and JSON-LD statements are only placed in their file."""
    if file.format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        lines = (number for number, text in enumerate(file.data.split(b"\n"), 1)
                 if text.strip() and not text.lstrip().startswith(b"#"))
    else:
        lines = iter(())
    for quad in file.quads:
        location = Location(file.shown, next(lines, None))
        if not isinstance(quad.subject, ox.NamedNode):
            continue
        subject = str(quad.subject)
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        loaded.first_in_graph.setdefault((graph, subject), location)
        loaded.first_at.setdefault(subject, location)
        if quad.predicate == _A:
            loaded.typed_at.setdefault(subject, location)


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

