"""The SPARQL 1.1 Service Description of the endpoint: what it speaks and which dataset it serves."""

from __future__ import annotations

import pyoxigraph as ox

from . import formats
from .dataset import Dataset
from .formats import Format

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def service_description(dataset: Dataset, server_root: str, fmt: Format) -> bytes:
    """The description of the endpoint at ``server_root``sparql, serialised in ``fmt``."""
    endpoint = ox.NamedNode(server_root + "sparql")
    served = ox.NamedNode(server_root + "sparql#dataset")
    default_graph = ox.NamedNode(server_root + "sparql#default-graph")
    triples = [
        (endpoint, RDF_TYPE, _sd("Service")),
        (endpoint, _sd("endpoint"), endpoint),
        (endpoint, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        (endpoint, _sd("feature"), _sd("UnionDefaultGraph")),
        (endpoint, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        (endpoint, _sd("defaultDataset"), served),
        (served, RDF_TYPE, _sd("Dataset")),
        (served, _sd("defaultGraph"), default_graph),
        (default_graph, RDF_TYPE, _sd("Graph")),
        (default_graph, ox.NamedNode(VOID + "triples"), _count(dataset, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")),
    ]
    for fmt_offered in formats.RESULT_FORMATS + formats.GRAPH_FORMATS + formats.DATASET_FORMATS:
        triples.append((endpoint, _sd("resultFormat"), ox.NamedNode(fmt_offered.oxigraph.iri)))
    for row in dataset.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"):
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            (served, _sd("namedGraph"), named),
            (named, RDF_TYPE, _sd("NamedGraph")),
            (named, _sd("name"), row["g"]),
            (named, _sd("graph"), graph),
            (graph, RDF_TYPE, _sd("Graph")),
            (graph, ox.NamedNode(VOID + "triples"), row["n"]),
        ]
    statements = [ox.Triple(*t) for t in triples]
    if fmt.kind == "dataset":
        statements = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in statements]
    return ox.serialize(statements, format=fmt.oxigraph,
                        prefixes={"sd": SD, "void": VOID} if fmt.name in ("turtle", "trig") else None)


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def _count(dataset: Dataset, query: str) -> ox.Literal:
    return dataset.select(query)[0]["n"]
