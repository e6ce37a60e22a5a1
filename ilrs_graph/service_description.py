"""The SPARQL 1.1 Service Description of the endpoint: what it speaks, and the dataset it serves,
described in VoID and DCAT (the same description the server publishes at /void)."""

from __future__ import annotations

import pyoxigraph as ox

from . import formats, void
from .dataset import Dataset
from .export import serialize
from .formats import Format

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def service_description(dataset: Dataset, server_root: str, fmt: Format) -> bytes:
    """The description of the endpoint at ``server_root``sparql, serialised in ``fmt``."""
    endpoint = ox.NamedNode(server_root + "sparql")
    served = ox.NamedNode(void.DATASET)  # the VoID dataset is the default dataset
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
        (default_graph, ox.NamedNode(void.VOID + "triples"), dataset.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]),
    ]
    for fmt_offered in formats.RESULT_FORMATS + formats.GRAPH_FORMATS + formats.DATASET_FORMATS:
        triples.append((endpoint, _sd("resultFormat"), ox.NamedNode(fmt_offered.registry_iri)))
    for row in dataset.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"):
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            (served, _sd("namedGraph"), named),
            (named, RDF_TYPE, _sd("NamedGraph")),
            (named, _sd("name"), row["g"]),
            (named, _sd("graph"), graph),
            (graph, RDF_TYPE, _sd("Graph")),
            (graph, ox.NamedNode(void.VOID + "triples"), row["n"]),
        ]
    statements = [ox.Triple(*t) for t in triples] + dataset.description(server_root)
    return serialize(statements, fmt, {**void.PREFIXES, "sd": SD})


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)
