"""No outbound requests, ever: SERVICE, FROM / FROM NAMED with foreign IRIs, LOAD and the protocol's
default-graph-uri / named-graph-uri are refused, on both engines, and a trap listening on 127.0.0.1
receives no connection; executors cannot even open a socket."""

from __future__ import annotations

import select
import socket

import pytest
import requests

from ilrs_graph import formats
from ilrs_graph.execution import ExecutorPool
from ilrs_graph.query import Limits, QueryError, QueryPlan
from ilrs_graph.store import OxigraphEngine

from .server_process import running_server


class Trap:
    """A listener on 127.0.0.1 that records whether anything connected to it."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/"

    def was_called(self, wait: float = 0.2) -> bool:
        readable, _, _ = select.select([self.listener], [], [], wait)
        if readable:
            self.listener.accept()[0].close()
        return bool(readable)


@pytest.fixture(scope="module")
def trap():
    trap = Trap()
    yield trap
    trap.listener.close()


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def server(request):
    with running_server("--engine", request.param) as base:
        yield base


# (query with TRAP for the trap's URL, expected status, the clause the message must name)
QUERIES = [
    ("SELECT * WHERE { SERVICE <TRAP> { ?s ?p ?o } }", 400, "SERVICE"),
    ("select * where { service silent <TRAP> { ?s ?p ?o } }", 400, "SERVICE"),
    ("SELECT * WHERE { VALUES ?e { <TRAP> } SERVICE ?e { ?s ?p ?o } }", 400, "SERVICE"),
    ("PREFIX t: <TRAP> SELECT * WHERE { SERVICE t: { ?s ?p ?o } }", 400, "SERVICE"),
    (r"SELECT * WHERE { \u0053ERVICE <TRAP> { ?s ?p ?o } }", 400, "SERVICE"),
    (r"SELECT * WHERE { \U00000053ERVICE <TRAP> { ?s ?p ?o } }", 400, "SERVICE"),
    ('SELECT * WHERE { ?s ?p "", """x" . SERVICE <TRAP> { ?s ?p ?o } }', 400, "SERVICE"),  # rdflib: "" and "x"
    ("ASK { ?s ?p ?o OPTIONAL { SERVICE <TRAP> { ?s ?q ?r } } }", 400, "SERVICE"),
    ("PREFIX ex: <urn:x:> SELECT * WHERE { ?s ?p ex:a\\# . SERVICE <TRAP> { ?s ?p ?o } }", 400, "SERVICE"),
    ("PREFIX ex: <urn:x:> SELECT * WHERE { ?s ?p ex:a\\' . SERVICE <TRAP> { ?s ?p ?o } }", 400, "SERVICE"),
    ('SELECT * WHERE { ?s ?p "a\r . SERVICE <TRAP> { ?s ?p ?o } }', 400, "SERVICE"),  # a string ends at a CR
    ("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <TRAP> { ?s ?p ?o } }", 400, "SERVICE"),
    # Oxigraph reads a keyword run into what follows it: SERVICE SILENT <TRAP>, and SERVICE :sparql
    ("SELECT * WHERE { SERVICESILENT<TRAP> { ?s ?p ?o } }", 400, "SERVICE"),
    ("PREFIX service: <urn:x:> PREFIX : <TRAP> SELECT * WHERE { service:sparql { ?s ?p ?o } }", 400, "SERVICE"),
    ("SELECT * FROM <TRAP> WHERE { ?s ?p ?o }", 400, "FROM"),
    ("SELECT * FROM NAMED <TRAP> WHERE { GRAPH ?g { ?s ?p ?o } }", 400, "FROM NAMED"),
    # Oxigraph reads a keyword run into what follows it: FROM :graph, and FROM NAMED <TRAP>
    ("PREFIX FROM: <urn:x:> PREFIX : <TRAP> SELECT * FROM:graph WHERE { ?s ?p ?o }", 400, "FROM"),
    ("SELECT * FROMNAMED<TRAP> WHERE { GRAPH ?g { ?s ?p ?o } }", 400, "FROM NAMED"),
    ("PREFIX t: <TRAP> SELECT * FROM t:graph WHERE { ?s ?p ?o }", 400, "FROM"),
    ("BASE <TRAP> SELECT * FROM <graph.ttl> WHERE { ?s ?p ?o }", 400, "FROM"),
    (r"SELECT * \u0046ROM <TRAP> WHERE { ?s ?p ?o }", 400, "FROM"),
    ("CONSTRUCT { ?s ?p ?o } FROM <TRAP> WHERE { ?s ?p ?o }", 400, "FROM"),
    ("ASK FROM <file:///etc/passwd> { ?s ?p ?o }", 400, "FROM"),
    ("LOAD <TRAP>", 403, "LOAD"),
    ("LOAD SILENT <TRAP> INTO GRAPH <urn:x>", 403, "LOAD"),
]


@pytest.mark.parametrize("text, status, clause", QUERIES, ids=[q[0][:50] for q in QUERIES])
def test_queries_that_would_reach_out_are_refused_naming_the_clause(server, trap, text, status, clause):
    response = requests.post(server + "sparql", data={"query": text.replace("TRAP", trap.url)},
                             headers={"Accept": "application/json"})
    assert response.status_code == status, response.text
    assert clause in response.json()["message"]
    assert not trap.was_called()


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_protocol_graph_parameters_never_fetch(server, trap, parameter):
    response = requests.get(server + "sparql", params={"query": "ASK { ?s ?p ?o }", parameter: trap.url})
    assert response.status_code == 400 and parameter in response.text
    assert not trap.was_called()


def test_an_update_by_any_route_fetches_nothing(server, trap):
    load = f"LOAD <{trap.url}>"
    routes = [requests.post(server + "sparql", data={"update": load}),
              requests.get(server + "sparql", params={"update": load}),
              requests.post(server + "sparql", data=load, headers={"Content-Type": "application/sparql-update"})]
    assert [r.status_code for r in routes] == [403, 403, 403]
    assert not trap.was_called()


def test_the_query_page_never_fetches_either(server, trap):
    page = requests.get(server + "query", params={"query": f"SELECT * WHERE {{ SERVICE <{trap.url}> {{ ?s ?p ?o }} }}"})
    assert "SERVICE is not allowed" in page.text
    assert not trap.was_called()


def test_describe_of_a_foreign_iri_answers_from_the_graph_alone(server, trap):
    response = requests.get(server + "sparql", params={"query": f"DESCRIBE <{trap.url}>"},
                            headers={"Accept": "application/n-triples"})
    assert response.status_code == 200 and response.text.strip() == ""
    assert not trap.was_called()


def test_the_trap_does_catch_a_connection(trap):
    """The check the tests above rely on: a connection to the trap is seen."""
    socket.create_connection(("127.0.0.1", trap.listener.getsockname()[1])).close()
    assert trap.was_called()


class _EngineThatDialsOut(OxigraphEngine):
    """An engine that, whatever it is asked, connects to ``target``: what a SERVICE would do."""

    target: tuple[str, int] = ("127.0.0.1", 0)

    def _run(self, plan, fmt, default_graph_uris, named_graph_uris, max_answer_bytes):
        socket.create_connection(self.target, timeout=2).close()
        return b"reached"


def test_an_executor_cannot_open_a_socket_whatever_its_engine_does(trap):
    engine = _EngineThatDialsOut([], "test")
    engine.target = ("127.0.0.1", trap.listener.getsockname()[1])
    pool = ExecutorPool(engine, Limits(executors=1, max_executors=1))
    with pytest.raises(QueryError) as refused:
        pool.run(QueryPlan("SELECT * {}", "SELECT"), formats.by_name("json"))
    assert refused.value.status == 500 and "PermissionError" in refused.value.message
    assert not trap.was_called()
