"""What a data change does to the graph: the facts it removes and adds, grouped by resource.

Each side (an RDF file, or every RDF file directly inside a directory) is parsed and the two are
compared as sets of statements with their graph, so a fact moved from one source's graph to another
shows as removed from the first and added to the second. Blank nodes are canonically named first
(RDFC-1.0): a change next to a blank node may show its whole description as removed and added.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .export import canonical_quads
from .inputs import rdf_files
from .load import LoadedGraph, load_files
from .namespaces import RDFS, XSD, shorten
from .text_table import terminal_safe
from .wording import counted

_LABEL = RDFS + "label"
_PLAIN = {XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}


@dataclass(frozen=True)
class Change:
    """One fact removed (``-``) or added (``+``), as people read it: prefixed names, N-Triples literals."""

    sign: str
    predicate: str
    value: str
    source: str  # the graph that states it (its prefixed name), or "(no source)" for the default graph


@dataclass(frozen=True)
class ResourceChanges:
    resource: str       # prefixed name, or the IRI in <>, or a blank node label
    label: str | None   # its rdfs:label (English first) in the new data, else in the old
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class DataDiff:
    resources: tuple[ResourceChanges, ...]

    def count(self, sign: str) -> int:
        return sum(1 for r in self.resources for c in r.changes if c.sign == sign)

    @property
    def changed(self) -> bool:
        return bool(self.resources)


def load_side(path: Path) -> LoadedGraph:
    """One side of a comparison (a file or a directory), without the shipped ontology: only what it says."""
    return load_files(rdf_files([path]), ontology=False)


def compare(old: LoadedGraph, new: LoadedGraph) -> DataDiff:
    """The facts of ``new`` that ``old`` lacks (+) and those of ``old`` that ``new`` lacks (-)."""
    old_quads, new_quads = canonical_quads(old.quads, merge=False), canonical_quads(new.quads, merge=False)
    before, after = set(old_quads), set(new_quads)
    by_subject: dict[ox.NamedNode | ox.BlankNode, list[Change]] = defaultdict(list)
    for sign, quads in (("-", before - after), ("+", after - before)):
        for quad in quads:
            source = _show(quad.graph_name) if isinstance(quad.graph_name, ox.NamedNode) else "(no source)"
            by_subject[quad.subject].append(Change(sign, _show(quad.predicate), _show(quad.object), source))
    labels = _labels(old_quads) | _labels(new_quads)
    return DataDiff(tuple(
        ResourceChanges(_show(subject), labels.get(subject),
                        tuple(sorted(changes, key=lambda c: (c.predicate, c.sign != "-", c.value, c.source))))
        for subject, changes in sorted(by_subject.items(), key=lambda item: _show(item[0]))))


def text(diff: DataDiff) -> str:
    """For a terminal: each resource with its label, then its facts, ``-`` removed and ``+`` added."""
    lines = []
    for resource in diff.resources:
        lines.append(resource.resource + (f"  ({resource.label})" if resource.label else ""))
        lines += [f"  {c.sign} {c.predicate} {c.value}   [{c.source}]" for c in resource.changes]
        lines.append("")
    return "\n".join(map(terminal_safe, lines + [_summary(diff)])) + "\n"


def markdown(diff: DataDiff) -> str:
    """For a pull-request comment: a heading per resource and a ``diff`` block GitHub colours; control
    characters written out, as :func:`text` writes them."""
    lines = [f"**{_summary(diff)}**"]
    for resource in diff.resources:
        body = [f"{c.sign} {c.predicate} {c.value}   # {c.source}" for c in resource.changes]
        longest_run = max((len(run) for line in body for run in re.findall(r"`+", line)), default=0)
        fence = "`" * max(3, longest_run + 1)
        title = f"`{resource.resource}`" + (f" — {_escape_markdown(resource.label)}" if resource.label else "")
        lines += ["", f"#### {title}", "", fence + "diff", *body, fence]
    return "\n".join(map(terminal_safe, lines)) + "\n"  # a line break in a label would end its heading


FORMATS = {"text": text, "markdown": markdown}


def _summary(diff: DataDiff) -> str:
    if not diff.changed:
        return "No facts added or removed."
    count = len(diff.resources)
    return f"{counted(count, 'resource')} changed: {counted(diff.count('+'), 'fact')} added, {diff.count('-'):,} removed."


def _labels(quads: list[ox.Quad]) -> dict[ox.NamedNode | ox.BlankNode, str]:
    """Each subject's rdfs:label: an English one if it has one, else any, the first in sorted order."""
    candidates: dict = defaultdict(list)
    for quad in quads:
        if quad.predicate.value == _LABEL and isinstance(quad.object, ox.Literal):
            candidates[quad.subject].append((quad.object.language != "en", quad.object.value))
    return {subject: min(found)[1] for subject, found in candidates.items()}


def _show(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.Triple):  # RDF 1.2, as Turtle writes it
        return f"<<( {_show(term.subject)} {_show(term.predicate)} {_show(term.object)} )>>"
    if isinstance(term, ox.Literal) and term.datatype.value not in _PLAIN:
        written = str(term)
        return written[: -len(f"<{term.datatype.value}>")] + shorten(term.datatype.value)
    return str(term)


def _escape_markdown(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)
