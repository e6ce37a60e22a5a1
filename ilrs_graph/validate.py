"""Validation: the data (merged with the ontology) against the SHACL shapes, with pySHACL.

SHACL sees one graph, so the named graphs (one per source document) are merged for it. To let a shape
check that every fact has a source, each data triple is also written out as an ``rdf:Statement`` with a
``prov:wasDerivedFrom`` link to every source graph that states it (none for a triple written outside a
source graph); an ontology's graph holds terms, not facts, and is left out of this. Each result is then
traced back to the ``file:line`` where its focus node is written.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyparsing import ParseException
from pyshacl import validate as pyshacl_validate
from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, RuleLoadError, ShapeLoadError
from rdflib.namespace import OWL, PROV, RDF, RDFS, SH
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from . import __version__, convert, rdflib_fixes, shipped  # noqa: F401 (pySHACL evaluates with the fixed evaluator, as serve does)
from .load import LoadedGraph, LoadError, Location, load_files
from .namespaces import shorten

KEPT_MARKS = 64  # conformance marks kept, the most recently used: one more costs a validation, not a wrong answer
SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass(frozen=True)
class Finding:
    """One SHACL result, in the terms a contributor needs to fix it."""

    severity: str          # violation, warning or info
    focus: str             # the node (IRI, or for a statement "<s> <p> <o>") the result is about
    path: str | None       # the property checked
    value: str | None      # the offending value, in N-Triples form
    message: str
    shape: str | None      # the shape that produced it
    constraint: str        # the SHACL constraint component, e.g. sh:MinCountConstraintComponent
    location: Location | None

    def as_dict(self) -> dict:
        record = asdict(self)
        record["location"] = {"file": self.location.path, "line": self.location.line} if self.location else None
        return record


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    files: tuple[str, ...]
    triples: int
    shapes: dict[str, str] = field(default_factory=dict)  # each node shape checked ("<iri>") → its label

    @property
    def conforms(self) -> bool:
        """True when nothing is a violation (warnings and infos need a look, but do not fail)."""
        return not any(f.severity == "violation" for f in self.findings)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def validate(loaded: LoadedGraph, shapes_path: Path | None = None) -> Report:
    """Validate parsed data (see :func:`ilrs_graph.load.load_files`) against the shapes."""
    shapes_path = shapes_path or shipped.shapes_file()
    shapes = _read_shapes(shapes_path)
    if not _targets_something(shapes):  # pySHACL would say "conforms": validation silently off
        raise LoadError(shapes_path, "no SHACL shapes (no shape with a target: sh:targetClass, "
                                     "sh:targetNode, sh:targetSubjectsOf, sh:targetObjectsOf, or a class that is "
                                     "a sh:NodeShape), so nothing would be checked")
    loaded.refuse_triple_terms("validation (pySHACL)")
    data = convert.graph(loaded.quads, _ParsingEachQueryOnce())
    triples = len(data)
    statements = _add_statement_provenance(data, loaded)
    logging.getLogger("pyshacl-validate").disabled = True  # its lines on stderr say again what LoadError says
    try:  # in place: the graph is this call's own, and a copy would double the memory
        _, results_graph, _ = pyshacl_validate(
            data, shacl_graph=shapes, inference="none", advanced=True, inplace=True,
            allow_warnings=True, allow_infos=True)
    except (ConstraintLoadError, ShapeLoadError, RuleLoadError, ReportableRuntimeError, ParseException) as error:
        raise LoadError(shapes_path, f"cannot use the shapes: {_first_line(error)}") from None
    except re.error as error:  # pySHACL compiles an sh:pattern when it first checks the shape
        raise LoadError(shapes_path, f"cannot use the shapes: {_broken_pattern(shapes, error)}") from None
    except Exception as error:  # rdflib's bare Exception for a SPARQL-based constraint's undeclared prefix
        if not str(error).startswith("Unknown namespace prefix"):
            raise
        prefix = str(error).rsplit(":", 1)[-1].strip()
        raise LoadError(shapes_path, f"cannot use the shapes: a SPARQL-based constraint uses the prefix {prefix}: "
                                     "without declaring it (sh:prefixes, or PREFIX in its query)") from None
    if not isinstance(results_graph, rdflib.Graph):  # pyshacl's ValidationFailure: a constraint it could not run
        raise LoadError(shapes_path, f"cannot use the shapes: {_first_line(results_graph)}")
    findings = sorted(
        (_finding(results_graph, result, statements, loaded, shapes)
         for result in results_graph.subjects(RDF.type, SH.ValidationResult)),
        key=lambda f: (f.location.path if f.location else "~", (f.location.line or 0) if f.location else 0,
                       f.severity, f.focus, f.path or "", f.message))
    return Report(tuple(findings), tuple(loaded.shown_files), triples, _node_shapes(shapes))


class _ParsingEachQueryOnce(rdflib.Graph):
    """A graph that parses each SPARQL text once. pySHACL runs a SPARQL constraint once per focus node,
    as text, and rdflib parses the text every time: parsing took two thirds of validating 10k facts."""

    def __init__(self) -> None:
        super().__init__()
        self._parsed: dict[str, object] = {}

    def query(self, query_object, processor="sparql", result="sparql", initNs=None, initBindings=None,  # noqa: N803
              use_store_provided=True, **kwargs):
        if isinstance(query_object, str) and initNs is None and not kwargs:  # a base would change the parse
            if query_object not in self._parsed:
                self._parsed[query_object] = translateQuery(parseQuery(query_object), None, dict(self.namespaces()))
            query_object = self._parsed[query_object]
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def _broken_pattern(shapes: rdflib.Graph, error: re.error) -> str:
    """Which shape's sh:pattern is not a regular expression, and why: re.error names neither the shape nor
    the file (nor whether it came from an sh:pattern or a REGEX in a SPARQL-based constraint)."""
    holder = next((s for s, pattern in shapes.subject_objects(SH.pattern) if str(pattern) == error.pattern), None)
    if holder is None:  # a REGEX() in a SPARQL-based constraint, say
        return f'"{error.pattern}" is not a regular expression ({error})'
    shape = _named_shape(shapes, holder)
    name = shape.n3(shapes.namespace_manager) if isinstance(shape, rdflib.URIRef) else "a shape"
    return f'{name}: sh:pattern "{error.pattern}" is not a regular expression ({error})'


def _named_shape(shapes: rdflib.Graph, shape):
    """A property shape is a blank node: name the node shape it belongs to, as the shapes file does."""
    if isinstance(shape, rdflib.BNode):
        return shapes.value(predicate=SH.property, object=shape) or shape
    return shape


def _first_line(error: object) -> str:
    return (str(getattr(error, "message", "") or error).strip().splitlines() or ["(no message)"])[0]


def validate_unless_known(loaded: LoadedGraph, cache_dir: Path | None = None) -> Report | None:
    """Validate ``loaded``, unless this exact data was found to conform before (then None).

    Start-up validates the shipped data; remembering conforming content (by the hash of the data, the
    shapes and this version of the code) keeps an unchanged graph from being revalidated at each start.
    """
    shapes = shipped.shapes_file()
    key = hashlib.sha256(b"\0".join([loaded.content_hash.encode(), shapes.read_bytes(), __version__.encode()])).hexdigest()
    cache = cache_dir or user_cache_dir()
    marker = None if cache is None else cache / f"conforms-{key}"  # no cache: validated every time
    if marker is not None and _used(marker):
        return None
    report = validate(loaded, shapes)
    if report.conforms and marker is not None:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(f"{len(report.files)} files, {report.triples} facts, {report.count('warning')} warnings\n")
            _remove_oldest_marks(marker.parent)
        except OSError:
            pass  # an unwritable cache only costs a revalidation next time
    return report


def _used(marker: Path) -> bool:
    """Whether ``marker`` is there; its time made now, so that the marks kept are those used last."""
    try:
        os.utime(marker)
    except FileNotFoundError:
        return False
    except OSError:  # a cache that can be read, not written
        return marker.exists()
    return True


def _remove_oldest_marks(cache: Path) -> None:
    """Keep the KEPT_MARKS marks used last: one per version found conforming would grow without end."""
    def last_used(mark: Path) -> float:
        try:
            return mark.stat().st_mtime
        except OSError:  # removed meanwhile, by another process doing the same
            return 0.0

    for mark in sorted(cache.glob("conforms-*"), key=last_used, reverse=True)[KEPT_MARKS:]:
        mark.unlink(missing_ok=True)


def user_cache_dir() -> Path | None:
    """Where the project keeps what it can recompute: conformance markers, the last good data. None for a
    user with neither XDG_CACHE_HOME nor a home (no HOME, and no entry in the passwd file, as a container's
    arbitrary user id), for whom Python's Path.home() raises: that costs what the cache keeps, no more."""
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "ilrs-graph"
    try:
        return Path.home() / ".cache" / "ilrs-graph"
    except RuntimeError:
        return None


def _node_shapes(shapes: rdflib.Graph) -> dict[str, str]:
    """The named node shapes with their labels: the checks a report lists, passed or failed."""
    named = (s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, rdflib.URIRef))
    return {_n3(shape): str(shapes.value(shape, RDFS.label) or "") for shape in sorted(named)}


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def _targets_something(shapes: rdflib.Graph) -> bool:
    """Whether a shape of ``shapes`` has a focus node to check: one with a target, or a node shape that is
    also a class (an implicit class target). Shapes without targets validate nothing."""
    if any(True for target in _TARGETS for _ in shapes.triples((None, target, None))):
        return True
    classes = set(shapes.subjects(RDF.type, RDFS.Class)) | set(shapes.subjects(RDF.type, OWL.Class))
    return any(node in classes for node in shapes.subjects(RDF.type, SH.NodeShape))


def _read_shapes(path: Path) -> rdflib.Graph:
    try:
        return rdflib.Graph().parse(path, format="turtle")
    except FileNotFoundError:
        raise LoadError(path, "no such shapes file") from None
    except BadSyntax as error:  # its str() quotes the bytes around the error as Python writes bytes
        raise LoadError(path, f"cannot read the shapes as Turtle: {getattr(error, '_why', error)}",
                        error.lines + 1) from None
    except Exception as error:  # rdflib's parsers raise many types; all mean "not readable shapes"
        raise LoadError(path, f"cannot read the shapes: {error}") from None


def validate_files(files: list[Path], shapes_path: Path | None = None) -> Report:
    """Load ``files`` (with the shipped ontology) and validate them. Raises LoadError on bad input."""
    return validate(load_files(files), shapes_path)


def _add_statement_provenance(data: rdflib.Graph, loaded: LoadedGraph) -> dict[rdflib.BNode, tuple[ox.Quad, ...]]:
    """Add an rdf:Statement per distinct data triple, derived from each source graph that states it."""
    by_triple: dict[tuple, list[ox.Quad]] = {}
    ontologies = {ox.NamedNode(iri) for iri in loaded.ontology_graphs}  # terms, not facts: no source needed
    for quad in loaded.quads:
        if quad.graph_name in ontologies:
            continue
        by_triple.setdefault((quad.subject, quad.predicate, quad.object), []).append(quad)
    statements: dict[rdflib.BNode, tuple[ox.Quad, ...]] = {}
    for number, (triple, stating) in enumerate(by_triple.items()):
        node = rdflib.BNode(f"statement{number}")
        statements[node] = tuple(stating)
        subject, predicate, obj = (convert.term(t) for t in triple)
        data.add((node, RDF.type, RDF.Statement))
        data.add((node, RDF.subject, subject))
        data.add((node, RDF.predicate, predicate))
        data.add((node, RDF.object, obj))
        for quad in stating:
            if isinstance(quad.graph_name, ox.NamedNode):
                data.add((node, PROV.wasDerivedFrom, rdflib.URIRef(quad.graph_name.value)))
    return statements


def _finding(results: rdflib.Graph, result, statements, loaded: LoadedGraph, shapes: rdflib.Graph) -> Finding:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    shape = _named_shape(shapes, results.value(result, SH.sourceShape))
    message = results.value(result, SH.resultMessage)
    component = results.value(result, SH.sourceConstraintComponent)
    if focus in statements:  # a result about a fact: point at the fact's own line
        quad = next((q for q in statements[focus] if not isinstance(q.graph_name, ox.NamedNode)),
                    statements[focus][0])
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        focus_text = f"{quad.subject} {quad.predicate} {quad.object}"
        location = loaded.location_of(str(quad.subject), graph)
    else:
        focus_text = _n3(focus)
        location = loaded.location_of(_n3(focus)) if isinstance(focus, rdflib.URIRef) else None
    return Finding(
        severity=SEVERITIES.get(results.value(result, SH.resultSeverity), "violation"),
        focus=focus_text,
        path=_n3(path) if isinstance(path, rdflib.URIRef) else None,
        value=_n3(value) if value is not None else None,
        message=str(message) if message else "",
        shape=_n3(shape) if isinstance(shape, rdflib.URIRef) else None,
        constraint=shorten(str(component)) if component else "",
        location=location,
    )


def _n3(node) -> str:
    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    return node.n3() if node is not None else ""
