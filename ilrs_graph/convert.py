"""Oxigraph terms → rdflib terms, for the parts of the project that need rdflib (pySHACL, rdflib's engine)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import pyoxigraph as ox
import rdflib
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID


def _not_a_failed_literal_conversion(record: logging.LogRecord) -> bool:
    """rdflib logs a traceback for each ill-typed literal it is given (``"2023-13-45"^^xsd:date``), on
    stderr and in the server's log, naming neither the value nor its file. It keeps the literal, and
    validation reports it where it is written."""
    return not record.getMessage().startswith("Failed to convert Literal lexical form to value")


# Here because every part of the project that hands literals to rdflib imports this module.
logging.getLogger("rdflib.term").addFilter(_not_a_failed_literal_conversion)


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
