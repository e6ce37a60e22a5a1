"""`ilrs-graph serve --store URL`: our server answering from a real Oxigraph server on 127.0.0.1, loaded by
`ilrs-graph load --store`, with the protocol, formats, safety rules and pages of the embedded engine."""

from __future__ import annotations

import math
import signal
import time
from contextlib import ExitStack

import pyoxigraph as ox
import pytest
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, SPARQLWrapper

from ilrs_graph import export, shipped
from ilrs_graph.dataset import Dataset
from ilrs_graph.query import analyse
from ilrs_graph.remote import RemoteEngine, StoreEndpoints
from ilrs_server import Config, create_app, reloading
from ilrs_server.reloading import STORE_CHECK_SECONDS
from ilrs_server.state import state_of

from .answers import same_answer
from .conftest import FIXTURES, run_cli
from .oxigraph_server import running_oxigraph
from .server_process import free_port, running_server, running_server_process
from .test_safety_offline import Trap

QUERIES = {path.stem: path.read_text(encoding="utf-8") for path in shipped.query_files()}
RESULTS_JSON, NTRIPLES = "application/sparql-results+json", "application/n-triples"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """An Oxigraph server holding the shipped graph."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph")) as base:
        loaded = run_cli("load", "--store", base)
        assert loaded.returncode == 0, loaded.stderr
        yield base


@pytest.fixture(scope="module")
def server(store):
    """Our production server (2 workers) over that store."""
    with running_server("--store", store, workers=2) as base:
        yield base


@pytest.fixture(scope="module")
def embedded():
    """What the embedded engine serves, for comparison: the same app over the shipped files."""
    dataset = Dataset.open()
    return dataset, create_app(dataset=dataset).test_client()


def _ask(server: str, query: str) -> tuple[bool, bytes]:
    triples = analyse(query).answers_with_triples
    response = requests.post(server + "sparql", data={"query": query}, timeout=30,
                             headers={"Accept": NTRIPLES if triples else RESULTS_JSON})
    assert response.status_code == 200, response.text
    return triples, response.content


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_competency_question_answers_through_our_endpoint_as_the_embedded_engine(server, embedded, name):
    triples, answer = _ask(server, QUERIES[name])
    expected = embedded[1].post("/sparql", data={"query": QUERIES[name]},
                                headers={"Accept": NTRIPLES if triples else RESULTS_JSON}).data
    assert same_answer(QUERIES[name], triples, expected, answer), f"{name}\n{answer.decode()}"


@pytest.mark.parametrize("text", ["change 7", "cnsa", "suparco rover"])
def test_finding_by_name_over_the_store_finds_what_the_embedded_engine_finds(server, embedded, text):
    found = requests.get(server + "search", params={"q": text}, headers={"Accept": "application/json"}, timeout=30)
    expected = embedded[1].get("/search", query_string={"q": text}, headers={"Accept": "application/json"})
    assert found.status_code == 200 and found.json() == expected.get_json() and found.json()["matches"]


def test_real_clients_read_it(server, embedded):
    client = SPARQLWrapper(server + "sparql")
    client.setQuery(QUERIES["founding-members"])
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert rows
    store = SPARQLStore(server + "sparql", returnFormat="json")
    count = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0]
    assert int(count) == len({q.triple for q in embedded[0].loaded.quads})


@pytest.mark.parametrize("path", ["id/agency/cnsa.ttl", "id/agency/cnsa.nq", "id/agency/cnsa.jsonld",
                                  "ontology.ttl", "context.jsonld",
                                  "store?graph=https://w3id.org/ilrs/id/source/spacewatch-2024-05-13&format=nt",
                                  "store?graph=https://w3id.org/ilrs/ontology&format=trig"])
def test_documents_are_byte_for_byte_those_of_the_embedded_engine(server, embedded, path):
    served = requests.get(server + path, timeout=30)
    assert served.status_code == 200 and served.content == embedded[1].get("/" + path).data


def test_resources_resolve_to_pages(server):
    thing = requests.get(server + "id/agency/cnsa", headers={"Accept": "text/html"}, allow_redirects=False, timeout=30)
    assert thing.status_code == 303 and thing.headers["Location"].endswith("/id/agency/cnsa.html")
    page = requests.get(server + "id/agency/cnsa.html", timeout=30)
    assert page.status_code == 200 and "China National Space Administration" in page.text
    home = requests.get(server, timeout=30)
    assert home.status_code == 200 and "Kazakhstan" in home.text


def test_dumps_are_byte_for_byte_those_of_the_embedded_engine(server, embedded):
    for fmt in export.EXPORT_FORMATS:
        served = requests.get(server + f"data.{fmt.extension}", timeout=60)
        assert served.status_code == 200, fmt.name
        assert served.content == embedded[1].get(f"/data.{fmt.extension}").data, fmt.name
    again = requests.get(server + "data.nq", headers={"If-None-Match": served.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and served.headers["Last-Modified"]


def test_the_dumps_and_void_are_made_from_one_reading_of_the_store(store, monkeypatch):
    """Reading every quad of a large store takes long: /void and its six dumps read them once."""
    readings = []
    monkeypatch.setattr(RemoteEngine, "statements",
                        lambda engine, *args, real=RemoteEngine.statements: readings.append(1) or real(engine, *args))
    client = create_app(dataset=Dataset.from_store(StoreEndpoints.of(store))).test_client()
    assert client.get("/void").status_code == 200 and readings == [1]
    for fmt in export.EXPORT_FORMATS:
        assert client.get(f"/data.{fmt.extension}").status_code == 200
    assert client.get("/void").status_code == 200 and readings == [1]


def test_the_service_description_and_void_describe_the_stores_graph(server, embedded):
    void = ox.Store()
    void.extend(ox.parse(requests.get(server + "void", timeout=60).content, format=ox.RdfFormat.TURTLE))
    triples = next(iter(void.query("SELECT ?n WHERE { <https://w3id.org/ilrs/void#dataset> <http://rdfs.org/ns/void#triples> ?n }")))["n"]
    assert int(triples.value) == len({q.triple for q in embedded[0].loaded.quads})
    description = requests.get(server + "sparql", headers={"Accept": "text/turtle"}, timeout=60)
    assert description.status_code == 200 and b"sparql-service-description" in description.content


@pytest.mark.parametrize("request_args, status, words", [
    ({"data": {"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 403, "read-only"),
    ({"data": {"query": "DROP ALL"}}, 403, "read-only"),
    ({"data": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"}}, 400, "SERVICE"),
    ({"data": {"query": "SELECT * FROM <http://example.org/elsewhere> WHERE { ?s ?p ?o }"}}, 400, "FROM"),
    ({"data": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "line 1"),
    # Oxigraph server answers 500 to a function it does not provide; it was a 502 here, the embedded engine's 400
    ({"data": {"query": "SELECT (<http://www.w3.org/2001/XMLSchema#long>('1') AS ?n) {}"}}, 400,
     "The query cannot be evaluated: The custom function <http://www.w3.org/2001/XMLSchema#long> is not supported. "
     "This engine provides the functions and casts SPARQL 1.1 defines"),
])
def test_the_safety_rules_hold_over_a_store(server, store, request_args, status, words):
    before = requests.get(store + "/store", headers={"Accept": "application/n-quads"}, timeout=30).content
    refused = requests.post(server + "sparql", timeout=30, **request_args)
    assert refused.status_code == status and words in refused.text
    assert requests.get(store + "/store", headers={"Accept": "application/n-quads"}, timeout=30).content == before


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICESILENT<TRAP> { ?s ?p ?o } }",
    "PREFIX service: <urn:x:> PREFIX : <TRAP> SELECT * WHERE { service:sparql { ?s ?p ?o } }",
])
def test_a_service_run_into_what_follows_it_never_makes_the_store_reach_out(server, query):
    """Oxigraph server federates: SERVICE written without a space after it (read as SERVICE by the store's
    parser) passed the check, and the store posted the pattern to the address named, from its own host."""
    trap = Trap()
    try:
        refused = requests.post(server + "sparql", data={"query": query.replace("TRAP", trap.url)}, timeout=30)
        assert refused.status_code == 400 and "SERVICE is not allowed" in refused.text, refused.text
        assert not trap.was_called(wait=1)
    finally:
        trap.listener.close()


def test_a_query_over_the_time_limit_is_503(store):
    with running_server("--store", store, "--limit", "timeout_seconds=0.2") as base:
        slow = requests.post(base + "sparql", timeout=30, data={
            "query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
        assert slow.status_code == 503 and slow.headers["Retry-After"] and "time limit" in slow.text
        assert requests.get(base + "healthz", timeout=10).json()["status"] == "ok"


def test_a_low_answer_size_limit_holds_clients_queries_not_the_pages(store):
    """An operator's review: with a small max_answer_bytes, the pages over a store were 400, their own
    queries held to the limit meant for clients' (over the embedded engine they never were)."""
    with running_server("--store", store, "--limit", "max_answer_bytes=2K") as base:
        for path in ("", "id/agency/cnsa.html", "id/agency/cnsa.ttl", "ontology", "search?q=cnsa"):
            page = requests.get(base + path, timeout=30)
            assert page.status_code == 200, (path, page.text)
        refused = requests.post(base + "sparql", data={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=30)
        assert refused.status_code == 400 and "at most 2 KiB" in refused.text


def _version(server: str) -> str:
    return requests.get(server + "healthz", timeout=10).json()["version"]


def _settles(server: str, version: str, question: str, seconds: float = 30) -> bytes:
    """The answer to ``question`` once every worker of ``server`` serves ``version``: the server says so
    eight times in a row, and once STORE_CHECK_SECONDS have passed every worker reads the store's
    version before its next answer (a worker that /healthz did not reach may not have yet), so eight
    answers then agree."""
    deadline, in_a_row = time.monotonic() + seconds, 0
    while in_a_row < 8:
        assert time.monotonic() < deadline, f"{server} does not settle on version {version}"
        in_a_row = in_a_row + 1 if _version(server) == version else 0
        time.sleep(0.25)
    time.sleep(STORE_CHECK_SECONDS)
    answers = {_ask(server, question)[1] for _ in range(8)}
    assert len(answers) == 1, answers
    return answers.pop()


def test_every_server_follows_a_new_load_into_the_store(store, server):
    """A second server over the same store (as behind a load balancer): both serve a new load within
    seconds, with no signal and no restart, and neither answers from its cache of the old version."""
    shipped_version = _version(server)
    question = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with running_server("--store", store, workers=2) as other:
        before = [_ask(base, question)[1] for base in (server, other)]
        assert before[0] == before[1]
        assert run_cli("load", "--store", store, "--data", FIXTURES / "base.trig").returncode == 0
        try:
            new_version = requests.get(store + "/query", timeout=10, params={
                "query": "SELECT ?v { GRAPH <urn:ilrs-graph:loaded> { ?m <http://purl.org/dc/terms/identifier> ?v } }"},
                headers={"Accept": RESULTS_JSON}).json()["results"]["bindings"][0]["v"]["value"]
            for base in (server, other):
                assert _settles(base, new_version, question) != before[0]
        finally:
            assert run_cli("load", "--store", store).returncode == 0
        for base in (server, other):
            assert _settles(base, shipped_version, question) == before[0]


def test_a_dump_read_while_a_new_version_is_loaded_is_not_sent_as_the_old_version(tmp_path, monkeypatch, embedded):
    """The server reads the store's version every few seconds; a dump read after a new load but before
    it looked would hold the new data under the old version's ETag. It is 503 instead, and the next
    request serves the new version."""
    monkeypatch.setattr(reloading, "STORE_CHECK_SECONDS", 3600)  # the server does not look by itself
    with running_oxigraph(tmp_path) as store:
        assert run_cli("load", "--store", store, "--data", FIXTURES / "base.trig").returncode == 0
        client = create_app(Config(store=StoreEndpoints.of(store))).test_client()
        old_version = client.get("/healthz").json["version"]
        old = Dataset.open([FIXTURES / "base.trig"])
        assert old.version == old_version != embedded[0].version
        assert run_cli("load", "--store", store).returncode == 0
        refused = client.get("/data.nq")
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "1"
        assert "a new version was loaded into the store" in refused.text and store.removeprefix("http://") not in refused.text
        served = client.get("/data.nq")
        expected = embedded[1].get("/data.nq")
        assert served.status_code == 200 and served.data == expected.data
        assert served.headers["ETag"] == expected.headers["ETag"]
        assert served.headers["ETag"] != create_app(dataset=old).test_client().get("/data.nq").headers["ETag"]
        assert client.get("/healthz").json["version"] == embedded[0].version


def test_a_version_loaded_again_after_another_does_not_keep_what_was_read_in_between(tmp_path, monkeypatch):
    """An operator's review: version B loaded, then A again (a rollback) before the server looked; answers
    read from the store meanwhile were B's, kept under A's name, and served as A's for minutes after. The
    same version loaded again is another load: the server starts afresh on it."""
    monkeypatch.setattr(reloading, "STORE_CHECK_SECONDS", 3600)  # the server looks only when told below

    def count(client, variable: str) -> int:
        answer = client.post("/sparql", data={"query": f"SELECT (COUNT(*) AS ?{variable}) WHERE {{ ?s ?p ?o }}"},
                             headers={"Accept": RESULTS_JSON})
        return int(answer.json["results"]["bindings"][0][variable]["value"])

    with running_oxigraph(tmp_path) as store:
        assert run_cli("load", "--store", store, "--data", FIXTURES / "base.trig").returncode == 0
        app = create_app(Config(store=StoreEndpoints.of(store)))
        client = app.test_client()
        in_a = count(client, "a")
        assert run_cli("load", "--store", store).returncode == 0  # B, the shipped data
        assert count(client, "b") != in_a  # read from B, kept under A's version: the window README tells of
        assert run_cli("load", "--store", store, "--data", FIXTURES / "base.trig").returncode == 0  # A again
        state_of(app).store_checked_at = -math.inf  # the server looks before its next answer
        assert count(client, "b") == in_a


def test_a_store_that_goes_away_gets_502_and_healthz_503_says_why(tmp_path):
    with ExitStack() as stores:
        store = stores.enter_context(running_oxigraph(tmp_path))
        assert run_cli("load", "--store", store, "--data", FIXTURES / "base.trig").returncode == 0
        with running_server_process("--store", store) as served:
            base = served.base
            assert requests.get(base + "healthz", timeout=10).json()["status"] == "ok"
            stores.close()  # the store stops; our server does not
            failing = requests.post(base + "sparql", data={"query": "ASK { ?s ?p ?o }"}, timeout=30)
            assert failing.status_code == 502 and "The SPARQL store this endpoint answers from failed" in failing.text
            assert store.removeprefix("http://") not in failing.text  # its address is for the log, not for clients
            deadline = time.monotonic() + 20
            while (health := requests.get(base + "healthz", timeout=10)).json()["status"] != "unavailable":
                assert time.monotonic() < deadline, health.json()
                time.sleep(0.5)
            # 503: a load balancer checking the status alone sends clients elsewhere (an operator's review)
            assert health.status_code == 503 and health.headers["Cache-Control"] == "no-store"
            assert "the SPARQL store cannot be asked" in health.json()["problem"]
            assert store.removeprefix("http://") not in health.text  # the log says where and why
            assert "cannot reach the SPARQL store" in served.log.read_text()
            # the query page needs no data: its footer names the version it knows, without the header's date
            page = requests.get(base + "query", timeout=10)
            assert page.status_code == 200 and "Data version <code>" in page.text, page.text[:300]


def test_a_sighup_while_the_store_fails_keeps_what_the_workers_follow(tmp_path):
    """An operator's review: /healthz's good_since (and version) went back after SIGHUP. The master reads
    the store at start and on SIGHUP only, while its workers follow it; forked anew from a master that
    could not ask the store, they showed the load the server started on. They are kept instead."""
    with ExitStack() as stores:
        store = stores.enter_context(running_oxigraph(tmp_path))
        assert run_cli("load", "--store", store, "--data", FIXTURES / "base.trig").returncode == 0
        with running_server_process("--store", store) as served:
            started_on = requests.get(served.base + "healthz", timeout=10).json()
            assert run_cli("load", "--store", store).returncode == 0
            deadline = time.monotonic() + 20
            while (followed := requests.get(served.base + "healthz", timeout=10).json()) == started_on:
                assert time.monotonic() < deadline, followed
                time.sleep(0.5)
            assert followed["version"] != started_on["version"] and followed["good_since"] > started_on["good_since"]
            stores.close()  # the store stops
            served.process.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 20
            while "SIGHUP: the store cannot be asked" not in served.log.read_text() and "Booting worker" not in \
                    served.log.read_text().partition("Handling signal: hup")[2]:
                assert time.monotonic() < deadline, served.log.read_text()
                time.sleep(0.2)
            time.sleep(STORE_CHECK_SECONDS + 1)  # a new worker, or the old one, has looked at the store by then
            after = requests.get(served.base + "healthz", timeout=10).json()
            assert after["status"] == "unavailable"
            assert (after["version"], after["good_since"]) == (followed["version"], followed["good_since"])
            # The master's log named the version it read at start as the one still served (a second review)
            since_hup = served.log.read_text().partition("Handling signal: hup")[2]
            assert started_on["version"] not in since_hup, since_hup
            assert "SIGHUP: the store cannot be asked (cannot reach the SPARQL store" in since_hup, since_hup


def test_serve_refuses_a_store_it_cannot_use_with_exit_2(tmp_path):
    unreachable = run_cli("serve", "--store", f"http://127.0.0.1:{free_port()}")
    assert unreachable.returncode == 2 and "cannot reach the SPARQL store" in unreachable.stderr
    with running_oxigraph(tmp_path) as empty:
        nothing = run_cli("serve", "--store", empty)
        assert nothing.returncode == 2 and "ilrs-graph load --store" in nothing.stderr
    for args in (("--store", "http://127.0.0.1:1", "--data", str(FIXTURES / "base.trig")),
                 ("--store", "http://127.0.0.1:1", "--engine", "rdflib"), ("--query-url", "http://127.0.0.1:1/q"),
                 ("--store", "ftp://127.0.0.1/")):
        refused = run_cli("serve", *args)
        assert refused.returncode == 2 and "ilrs-graph: error:" in refused.stderr, args
        assert "Traceback" not in refused.stderr


def test_serve_refuses_a_store_whose_manifest_it_cannot_read_with_exit_2(tmp_path):
    """A manifest written by hand (or half-edited) whose count of quads is no integer: a ValueError, a traceback."""
    with running_oxigraph(tmp_path) as store:
        written = requests.post(store + "/update", timeout=10, headers={"Content-Type": "application/sparql-update"},
                                data=b'INSERT DATA { GRAPH <urn:ilrs-graph:loaded> { <urn:ilrs-graph:loaded> '
                                     b'<http://purl.org/dc/terms/identifier> "v1" ; <http://rdfs.org/ns/void#triples> "many" } }')
        assert written.status_code == 204, written.text
        refused = run_cli("serve", "--store", store, "--port", str(free_port()), timeout=60)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr
        assert "'many'" in refused.stderr and "urn:ilrs-graph:loaded" in refused.stderr
