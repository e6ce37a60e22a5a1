"""Read-only by any route: SPARQL Update as a query, an update, a sparql-update body, and Graph Store
Protocol writes on every path are refused with a 4xx, and afterwards the graph is byte-for-byte the same
(its dumps, and everything the query engine holds)."""

from __future__ import annotations

import pytest
import requests

from .server_process import running_server

UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "insert data { graph <urn:g> { <urn:a> <urn:b> <urn:c> } }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "WITH <https://w3id.org/ilrs/id/source/space-wiki-ilrs> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "PREFIX x: <urn:x:> INSERT DATA { x:a x:b x:c }",
    "# a comment first\nCLEAR ALL",
    "CLEAR DEFAULT", "DROP ALL", "DROP GRAPH <https://w3id.org/ilrs/id/source/space-wiki-ilrs>",
    "CREATE GRAPH <urn:new>", "ADD DEFAULT TO <urn:g>", "MOVE DEFAULT TO <urn:g>", "COPY DEFAULT TO <urn:g>",
    "LOAD <file:///etc/hostname>",
    "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    r"\u0049NSERT DATA { <urn:a> <urn:b> <urn:c> }",
]
WRITE_PATHS = ["sparql", "data.ttl", "data.nq", "id/agency/cnsa", "id/agency/cnsa.ttl", "ontology", "ontology.ttl",
               "store?default", "store?graph=https://w3id.org/ilrs/id/source/space-wiki-ilrs", "store?graph=urn:g",
               "rdf-graph-store?default", "rdf-graph-store?graph=urn:g", "?graph=urn:g", "", "query", "healthz",
               "static/style.css", "openapi.json"]
TURTLE = "<https://w3id.org/ilrs/id/agency/cnsa> <http://www.w3.org/2000/01/rdf-schema#label> \"pwned\" ."
EVERYTHING = "SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def server(request):
    # One worker with one executor: every query meets the same copy of the graph.
    with running_server("--engine", request.param, "--limit", "executors=1", "--limit", "max_executors=1") as base:
        yield base


def snapshot(base: str, tag: str) -> dict[str, bytes]:
    """The dumps, and every quad the engine holds (an uncached query: the tag's prefix makes it a query of
    its own, which a comment would not: the result cache asks by the normal form, without comments)."""
    held = requests.get(base + "sparql", params={"query": f"PREFIX {tag}: <urn:{tag}:>\n{EVERYTHING}"},
                        headers={"Accept": "text/tab-separated-values"})
    assert held.status_code == 200
    header, *rows = held.content.splitlines()
    return {"data.nq": requests.get(base + "data.nq").content, "data.trig": requests.get(base + "data.trig").content,
            "engine": b"\n".join([header, *sorted(rows)])}


def test_no_route_writes_and_the_graph_is_unchanged(server):
    before = snapshot(server, "before")
    refused: list[tuple[str, int]] = []
    for update in UPDATES:
        for response in (requests.get(server + "sparql", params={"query": update}),
                         requests.post(server + "sparql", data={"query": update}),
                         requests.post(server + "sparql", data=update.encode(), headers={"Content-Type": "application/sparql-query"}),
                         requests.post(server + "sparql", data={"update": update}),
                         requests.get(server + "sparql", params={"update": update}),
                         requests.post(server + "sparql", data=update.encode(), headers={"Content-Type": "application/sparql-update"})):
            refused.append((update, response.status_code))
    for path in WRITE_PATHS:
        for method in ("PUT", "POST", "DELETE", "PATCH"):
            response = requests.request(method, server + path, data=TURTLE.encode(), headers={"Content-Type": "text/turtle"})
            refused.append((f"{method} /{path}", response.status_code))
            assert "Traceback" not in response.text
    assert [(what, status) for what, status in refused if not 400 <= status < 500] == []
    assert snapshot(server, "after") == before
    assert b"pwned" not in before["engine"]


def test_updates_are_refused_as_read_only_with_a_message(server):
    response = requests.post(server + "sparql", data={"update": "DROP ALL"}, headers={"Accept": "application/json"})
    assert response.status_code == 403 and "read-only" in response.json()["message"]
    as_query = requests.get(server + "sparql", params={"query": "CLEAR ALL"}, headers={"Accept": "application/json"})
    assert as_query.status_code == 403 and "CLEAR" in as_query.json()["message"]
