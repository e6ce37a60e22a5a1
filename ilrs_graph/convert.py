"""Oxigraph terms → rdflib terms, for the parts of the project that need rdflib (pySHACL, rdflib's engine)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID


def term(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    if isinstance(node, ox.NamedNode):
        return rdflib.URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return rdflib.BNode(node.value)
    if node.language:
        return rdflib.Literal(node.value, lang=node.language)
    return rdflib.Literal(node.value, datatype=rdflib.URIRef(node.datatype.value))


def graph(quads: Iterable[ox.Quad], merged: rdflib.Graph | None = None) -> rdflib.Graph:
    """All the quads' triples merged into one graph (graph names dropped): ``merged``, or a new one."""
    merged = rdflib.Graph() if merged is None else merged
    for quad in quads:
        merged.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return merged


def dataset(quads: Iterable[ox.Quad]) -> rdflib.Dataset:
    """A dataset keeping the named graphs, whose default graph is the union of all graphs."""
    result = rdflib.Dataset(default_union=True)
    for quad in quads:
        name = DATASET_DEFAULT_GRAPH_ID if isinstance(quad.graph_name, ox.DefaultGraph) else term(quad.graph_name)
        result.add((term(quad.subject), term(quad.predicate), term(quad.object), name))
    return result
