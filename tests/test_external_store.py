"""An external store: a real Oxigraph server on 127.0.0.1, loaded by `ilrs-graph load --store`, answers
every competency question as the embedded engine does, through :class:`RemoteEngine`."""

from __future__ import annotations

import socket
import struct
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from ilrs_graph import formats, remote, shipped
from ilrs_graph.load import load_files
from ilrs_graph.query import Limits, QueryError, analyse
from ilrs_graph.remote import MANIFEST_GRAPH, STAGING_PREFIX, RemoteEngine, StoreEndpoints, StoreError
from ilrs_graph.store import OxigraphEngine

from .answers import engine_answers, same_answer
from .conftest import FIXTURES, run_cli
from .oxigraph_server import running_oxigraph
from .server_process import free_port
from .virtuoso_server import running_virtuoso

QUERIES = {path.stem: path for path in shipped.query_files()}
RESULTS_JSON = formats.by_name("json")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The base URL of an Oxigraph server (RocksDB in a temporary directory) on a free port."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph")) as base:
        yield base


def _graphs_in(base: str) -> set[str]:
    answer = requests.get(base + "/query", params={"query": "SELECT ?g WHERE { GRAPH ?g { } }"},
                          headers={"Accept": "application/sparql-results+json"}, timeout=10).json()
    return {row["g"]["value"] for row in answer["results"]["bindings"]}


@pytest.fixture(scope="module")
def loaded_store(store):
    result = run_cli("load", "--store", store)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Loaded ")
    return store


@pytest.fixture(scope="module")
def engines(shipped, loaded_store):
    return OxigraphEngine(shipped.quads, shipped.content_hash), RemoteEngine(StoreEndpoints.of(loaded_store))


def test_the_store_holds_the_version_its_graphs_and_their_merge(engines, shipped, loaded_store):
    local, remote = engines
    assert remote.version == shipped.content_hash
    assert remote.graph_names == local.graph_names and remote.quad_count == local.quad_count
    assert _graphs_in(loaded_store) == local.graph_names | {MANIFEST_GRAPH}
    count = analyse("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # the default graph: each triple once
    assert remote.run(count, RESULTS_JSON) == local.run(count, RESULTS_JSON)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_competency_question_answers_as_the_embedded_engine(engines, name):
    text = QUERIES[name].read_text(encoding="utf-8")
    triples, (local, remote) = engine_answers(engines, text)
    assert same_answer(text, triples, local, remote), (
        f"{name}\n--- embedded\n{local.decode()}\n--- store\n{remote.decode()}")


@pytest.mark.parametrize("fmt", formats.RESULT_FORMATS, ids=lambda f: f.name)
def test_results_come_in_every_results_format_as_the_embedded_engine_writes_them(engines, fmt):
    plan = analyse(QUERIES["partners-timeline"].read_text(encoding="utf-8"))  # ORDER BY: a fixed order
    local, remote = (engine.run(plan, fmt) for engine in engines)
    assert remote == local and b"Kazakhstan" in remote


@pytest.mark.parametrize("fmt", formats.GRAPH_FORMATS + formats.DATASET_FORMATS, ids=lambda f: f.name)
def test_graphs_come_in_every_graph_format(engines, fmt):
    plan = analyse(QUERIES["agreement-network"].read_text(encoding="utf-8"))
    local, remote = (set(ox.parse(engine.run(plan, fmt), format=fmt.oxigraph)) for engine in engines)
    assert remote == local and remote


def test_the_protocol_dataset_reaches_the_store(engines):
    local, remote = engines
    plan = analyse("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    source = "https://w3id.org/ilrs/id/source/space-wiki-ilrs"
    answers = [engine.run(plan, RESULTS_JSON, default_graph_uris=[source]) for engine in engines]
    assert same_answer(plan.text, False, *answers)
    everything = local.run(plan, RESULTS_JSON)
    assert not same_answer(plan.text, False, answers[0], everything)  # the choice of graph did matter


def test_a_syntax_error_is_400_with_the_stores_message_and_position(engines):
    errors = []
    for engine in engines:
        with pytest.raises(QueryError) as raised:
            engine.run(analyse("SELECT * WHERE {\n  ?s ?p }"), RESULTS_JSON)
        errors.append(raised.value)
    local, remote = errors
    assert remote.status == 400 and remote.message.startswith("Syntax error in the query: ")
    assert (remote.line, remote.column) == (local.line, local.column) == (2, 10)


def test_a_query_slower_than_the_timeout_is_503_with_retry_after(loaded_store):
    impatient = RemoteEngine(StoreEndpoints.of(loaded_store), limits=Limits(timeout_seconds=0.05))
    product = analyse("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    with pytest.raises(QueryError) as raised:
        impatient.run(product, RESULTS_JSON)
    assert raised.value.status == 503 and raised.value.retry_after


def test_an_answer_over_the_size_limit_is_refused_before_it_is_read_whole(loaded_store):
    engine = RemoteEngine(StoreEndpoints.of(loaded_store))
    everything = analyse("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match="at most 9.77 KiB") as raised:
        engine.run(everything, RESULTS_JSON, max_answer_bytes=10_000)
    assert raised.value.status == 400
    assert engine.run(analyse("ASK { ?s ?p ?o }"), RESULTS_JSON, max_answer_bytes=10_000)  # the pool still works
    assert len(engine.run(everything, RESULTS_JSON)) > 10_000  # the project's own queries are answered whole


def test_a_store_that_is_not_there_is_a_clear_error():
    endpoints = StoreEndpoints.of(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StoreError, match="cannot reach the SPARQL store"):
        RemoteEngine(endpoints)


def test_endpoints_default_to_oxigraphs_layout_and_refuse_what_is_not_a_url():
    endpoints = StoreEndpoints.of("http://127.0.0.1:7878/", graph_store="http://127.0.0.1:3030/ds/data")
    assert (endpoints.query, endpoints.update, endpoints.graph_store) == (
        "http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update", "http://127.0.0.1:3030/ds/data")
    with pytest.raises(ValueError, match="not an http or https URL"):
        StoreEndpoints.of("127.0.0.1:7878")


def test_load_refuses_bad_arguments_with_exit_2():
    for args in (("--store", "ftp://127.0.0.1/"), ("--store", "http://127.0.0.1:1", "--data", "no-such.trig"),
                 ("--store", "http://127.0.0.1:1", "--timeout", "0")):
        result = run_cli("load", *args)
        assert result.returncode == 2 and "ilrs-graph: error:" in result.stderr and "Traceback" not in result.stderr


def test_a_new_load_replaces_the_previous_version_whole(store, shipped):
    fixture = FIXTURES / "base.trig"
    result = run_cli("load", "--store", store, "--data", fixture)
    assert result.returncode == 0, result.stderr
    replaced = RemoteEngine(StoreEndpoints.of(store))
    assert replaced.version != shipped.content_hash
    assert _graphs_in(store) == replaced.graph_names | {MANIFEST_GRAPH}
    shipped_graphs = {q.graph_name.value for q in shipped.quads if isinstance(q.graph_name, ox.NamedNode)}
    assert replaced.graph_names and not replaced.graph_names & shipped_graphs
    result = run_cli("load", "--store", store)
    assert result.returncode == 0, result.stderr
    assert RemoteEngine(StoreEndpoints.of(store)).version == shipped.content_hash


def test_load_validate_refuses_data_a_server_would_refuse_and_writes_nothing(store, shipped):
    """An operator's review: `load` put into the store data that `serve --validate` refuses, and servers
    over the store served it. With --validate it is refused as serve refuses it (exit 1)."""
    assert run_cli("load", "--store", store).returncode == 0
    bad = FIXTURES / "bad" / "partnership-before-2021.trig"
    refused = run_cli("load", "--store", store, "--validate", "--data", FIXTURES / "base.trig", bad)
    assert refused.returncode == 1 and "does not conform to the shapes" in refused.stderr
    assert "not loading it: the store still holds what it held" in refused.stderr
    assert RemoteEngine(StoreEndpoints.of(store)).version == shipped.content_hash
    assert run_cli("load", "--store", store, "--validate", "--data", FIXTURES / "base.trig").returncode == 0
    assert run_cli("load", "--store", store).returncode == 0  # the shipped data, checked


def test_a_failed_switch_keeps_the_previous_version_and_says_which_graphs_it_left(store, shipped):
    assert run_cli("load", "--store", store).returncode == 0
    result = run_cli("load", "--store", store, "--data", FIXTURES / "base.trig", "--update-url", store + "/nowhere")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "still holds its previous version" in result.stderr and STAGING_PREFIX in result.stderr
    assert RemoteEngine(StoreEndpoints.of(store)).version == shipped.content_hash
    left = {name for name in _graphs_in(store) if name.startswith(STAGING_PREFIX)}
    assert left, "the staging graphs written before the failed switch are still there, as the message says"
    assert run_cli("load", "--store", store).returncode == 0
    assert not {name for name in _graphs_in(store) if name.startswith(STAGING_PREFIX)}


def test_a_failed_put_writes_nothing(store, shipped):
    assert run_cli("load", "--store", store).returncode == 0
    before = _graphs_in(store)
    result = run_cli("load", "--store", store, "--data", FIXTURES / "base.trig",
                     "--graph-store-url", store + "/nowhere")
    assert result.returncode == 1 and "no staging graph was written" in result.stderr
    assert _graphs_in(store) == before


@pytest.mark.parametrize("where", ["a named graph", "the default graph"])
def test_a_store_holding_data_of_others_is_refused_and_left_as_it_was(tmp_path, where):
    """A load replaces the whole dataset: into a store holding graphs or default-graph triples that no
    load of ours wrote, it writes nothing and says why."""
    with running_oxigraph(tmp_path) as other:
        target = "graph=http://example.org/precious" if where == "a named graph" else "default"
        put = requests.post(f"{other}/store?{target}", data=b"<http://example.org/a> <http://example.org/b> \"1\" .\n",
                            headers={"Content-Type": "application/n-triples"}, timeout=10)
        assert put.status_code in (200, 201, 204)
        before = requests.post(other + "/query", data={"query": "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"},
                               headers={"Accept": "text/csv"}, timeout=10).text
        result = run_cli("load", "--store", other)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert "holds data of others" in result.stderr and "nothing was written" in result.stderr
        assert ("http://example.org/precious" in result.stderr) == (where == "a named graph")
        after = requests.post(other + "/query", data={"query": "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"},
                              headers={"Accept": "text/csv"}, timeout=10).text
        assert after == before


def test_a_store_that_cannot_list_its_graphs_as_sparql_does_is_refused_and_left_as_it_was(tmp_path):
    """Virtuoso answers GRAPH ?g { } with one solution binding nothing (and its default graph is the union
    of its graphs, with each triple once per graph): a load cannot know what it would replace."""
    with running_virtuoso(tmp_path) as endpoint:
        count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

        def quads() -> str:
            answer = requests.get(endpoint, params={"query": count},
                                  headers={"Accept": "application/sparql-results+json"}, timeout=10).json()
            return answer["results"]["bindings"][0]["n"]["value"]

        held = quads()
        result = run_cli("load", "--store", endpoint.removesuffix("/sparql"), "--query-url", endpoint,
                         "--update-url", endpoint, "--graph-store-url", endpoint + "-graph-crud")
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert f"the SPARQL store at {endpoint} cannot list its named graphs" in result.stderr
        assert "answered a solution without ?g, which SPARQL 1.1 does not allow" in result.stderr
        assert result.stderr.rstrip().endswith("nothing was written")
        assert quads() == held


def test_triples_in_no_named_graph_are_refused_before_anything_is_written(tmp_path, store):
    """The store's default graph is the merge of the named graphs, rewritten by every load: triples of
    their own there would be served by no dump and lost at the next load."""
    plain = tmp_path / "plain.nt"
    plain.write_text("<http://example.org/a> <http://example.org/b> \"c\" .\n")
    before = _graphs_in(store)
    result = run_cli("load", "--store", store, "--data", plain)
    assert result.returncode == 2 and "in no named graph" in result.stderr and "Traceback" not in result.stderr
    assert _graphs_in(store) == before


@pytest.mark.parametrize("graph", [MANIFEST_GRAPH, STAGING_PREFIX + "0123456789abcdef:0"])
def test_data_in_a_graph_named_as_the_loads_own_is_refused_before_anything_is_written(tmp_path, store, graph):
    """The manifest and the staging graphs are the load's: data in a graph of those names was loaded
    and mixed with them (a GRAPH ?g query saw it as a source graph, the manifest's reader its facts)."""
    data = tmp_path / "reserved.trig"
    data.write_text(f'<http://example.org/a> {{ <http://example.org/a> <http://example.org/b> "c" . }}\n'
                    f'<{graph}> {{ <http://example.org/a> <http://example.org/b> "d" . }}\n')
    assert run_cli("load", "--store", store).returncode == 0
    before = _graphs_in(store)
    result = run_cli("load", "--store", store, "--data", data)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert f"<{graph}>" in result.stderr and "Nothing was written" in result.stderr
    assert _graphs_in(store) == before


def test_a_blank_node_stays_one_node_across_graphs_and_their_merge(tmp_path):
    """A blank node written in two source graphs (and so in the merge too) is one node in the store,
    as in the embedded engine: joins through it find the same answers."""
    data = tmp_path / "blank.trig"
    data.write_text('PREFIX ex: <http://example.org/>\n'
                    'ex:one { _:rim ex:name "Shackleton rim" . }\n'
                    'ex:two { _:rim ex:height 4200 . }\n')
    loaded = load_files([data], ontology=False)
    local = OxigraphEngine(loaded.quads, loaded.content_hash)
    (tmp_path / "store").mkdir()
    with running_oxigraph(tmp_path / "store") as other:
        result = run_cli("load", "--store", other, "--data", data)
        assert result.returncode == 0, result.stderr
        remote = RemoteEngine(StoreEndpoints.of(other))
        for where in ("GRAPH ex:one { ?rim ex:name ?name } GRAPH ex:two { ?rim ex:height ?height }",
                      "?rim ex:name ?name ; ex:height ?height",
                      "GRAPH ?g { ?rim ex:name ?name } ?rim ex:height ?height"):
            plan = analyse(f"PREFIX ex: <http://example.org/> SELECT ?name ?height WHERE {{ {where} }}")
            answers = [engine.run(plan, formats.by_name("csv")) for engine in (local, remote)]
            assert answers[1] == answers[0] == b"name,height\r\nShackleton rim,4200\r\n", where
        assert not {name for name in _graphs_in(other) if name.startswith(STAGING_PREFIX)}


def test_a_failed_load_of_blank_nodes_writes_nothing(tmp_path, store, shipped):
    assert run_cli("load", "--store", store).returncode == 0
    before = _graphs_in(store)
    data = tmp_path / "blank.trig"
    data.write_text('PREFIX ex: <http://example.org/>\nex:one { _:rim ex:name "Shackleton rim" . }\n')
    result = run_cli("load", "--store", store, "--data", data, "--update-url", store + "/nowhere")
    assert result.returncode == 1 and "no staging graph was written" in result.stderr, result.stderr
    assert _graphs_in(store) == before
    assert RemoteEngine(StoreEndpoints.of(store)).version == shipped.content_hash


def test_the_ontology_named_among_the_data_is_loaded_as_the_shipped_one_is(store, shipped):
    """`load --data data ontology/ilrs.ttl` (a relative path, as a fork's CI names it) loads the ontology
    into its graph: the same graphs and quads as the shipped load, nothing refused."""
    root = FIXTURES.parent.parent
    result = run_cli("load", "--store", store, "--data", "data", "ontology/ilrs.ttl", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "note" not in result.stderr
    loaded = RemoteEngine(StoreEndpoints.of(store))
    assert "https://w3id.org/ilrs/ontology" in loaded.graph_names
    assert loaded.graph_names == {q.graph_name.value for q in shipped.quads}
    assert loaded.quad_count == len(shipped.quads)


def test_loading_data_without_an_ontology_says_the_store_now_holds_none(store):
    root = FIXTURES.parent.parent
    result = run_cli("load", "--store", store, "--data", "data", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "https://w3id.org/ilrs/ontology" not in RemoteEngine(StoreEndpoints.of(store)).graph_names
    assert "the --data files hold no ontology" in result.stderr
    assert "--data data ontology/ilrs.ttl" in result.stderr
    assert run_cli("load", "--store", store).returncode == 0


def test_a_load_of_one_graph_says_so_in_the_singular(tmp_path, store):
    one = tmp_path / "one.nq"
    one.write_text('<http://example.org/a> <http://example.org/b> "c" <http://example.org/g> .\n')
    result = run_cli("load", "--store", store, "--data", one)
    assert result.returncode == 0 and "Loaded 1 quad in 1 named graph (default graph: their merge, 1 triple)" \
        in result.stdout, result.stdout + result.stderr
    assert run_cli("load", "--store", store).returncode == 0


def test_a_quad_two_files_state_is_loaded_and_counted_once(tmp_path, store):
    """The shipped data states a few triples twice in one source's graph (a publisher's label in the organisations'
    file and the sources'): the store holds each once, and the count said so only for the merge (4,343 quads
    said, 4,342 held)."""
    for name in ("one.nq", "again.nq"):
        (tmp_path / name).write_text('<http://example.org/a> <http://example.org/b> "c" <http://example.org/g> .\n')
    result = run_cli("load", "--store", store, "--data", tmp_path / "one.nq", tmp_path / "again.nq")
    assert result.returncode == 0 and "Loaded 1 quad in 1 named graph (default graph: their merge, 1 triple)" \
        in result.stdout, result.stdout + result.stderr
    assert run_cli("load", "--store", store).returncode == 0


def test_blank_nodes_loaded_again_after_a_load_stopped_before_its_switch_are_there_once(tmp_path, monkeypatch):
    """A load interrupted before its switch leaves its staging graphs (the message says: run the load again).
    Run again on the same data, it stages under the same names; its blank nodes, inserted into the graphs
    left there, were in the store twice: every count over them doubled, the manifest's quads not."""
    data = tmp_path / "blank.trig"
    data.write_text('PREFIX ex: <http://example.org/>\nex:one { _:rim ex:name "Shackleton rim" ; ex:height 4200 . }\n')
    loaded = load_files([data], ontology=False)
    local = OxigraphEngine(loaded.quads, loaded.content_hash)
    (tmp_path / "store").mkdir()
    with running_oxigraph(tmp_path / "store") as other:
        sent = remote._update

        def interrupted_at_the_switch(http, endpoints, update, timeout):
            if "MOVE GRAPH" in update:
                raise KeyboardInterrupt
            sent(http, endpoints, update, timeout)
        monkeypatch.setattr(remote, "_update", interrupted_at_the_switch)
        with pytest.raises(remote.LoadFailed, match="run the load again"):
            remote.load_into_store(loaded, StoreEndpoints.of(other))
        monkeypatch.undo()
        assert {name for name in _graphs_in(other) if name.startswith(STAGING_PREFIX)}, "left, as a Ctrl-C leaves them"
        result = run_cli("load", "--store", other, "--data", data)
        assert result.returncode == 0, result.stderr
        remote_engine = RemoteEngine(StoreEndpoints.of(other))
        for where in ("?s ?p ?o", "GRAPH ?g { ?s ?p ?o } FILTER(?g != <urn:ilrs-graph:loaded>)"):
            plan = analyse(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
            answers = [engine.run(plan, formats.by_name("csv")) for engine in (local, remote_engine)]
            assert answers[1] == answers[0] == b"n\r\n2\r\n", where


class _Misbehaving:
    """An HTTP server on 127.0.0.1, in a thread, that answers each connection as ``_answer`` does."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self._answer(connection)

    def _answer(self, connection: socket.socket) -> None:
        raise NotImplementedError


class _Trickling(_Misbehaving):
    """Answers every request with a manifest's SPARQL results, one byte every 0.1 s: each read of it
    returns within any time limit, the whole answer only after seconds."""

    BODY = (b'{"head":{"vars":["version","quads","modified","graph"]},"results":{"bindings":[{'
            b'"version":{"type":"literal","value":"v"},"quads":{"type":"literal","value":"1"}}]}}')

    def _answer(self, connection):
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                               b"Content-Length: %d\r\n\r\n" % len(self.BODY))
            try:
                for byte in self.BODY:
                    connection.sendall(bytes([byte]))
                    time.sleep(0.1)
            except OSError:
                pass  # the client gave up


def test_a_store_sending_its_answer_a_byte_at_a_time_is_held_to_the_time_limit():
    """The time limit bounds the whole request, not each read: urllib3's timeout is per read, and a store
    sending a little at a time (a slow query streaming its rows) held the request, and a server's thread,
    for as long as it kept sending (here 16 s for a limit of 1 s)."""
    store = _Trickling()
    started = time.monotonic()
    try:
        with pytest.raises(StoreError, match="did not answer within 1 s"):
            RemoteEngine(StoreEndpoints.of(store.url), limits=Limits(timeout_seconds=1))
    finally:
        store.listener.close()
    assert time.monotonic() - started < 2


class _Resetting(_Misbehaving):
    """Reads a request's first bytes, then resets the connection (RST): the store had the request in hand,
    and may have acted on it, when the connection broke."""

    def _answer(self, connection):
        connection.recv(1024)
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # closed with RST
        connection.close()


def _failed_load_with_a_resetting(store: str, endpoint_option: str, data: Path = FIXTURES / "base.trig") -> str:
    """What `load` of ``data`` into ``store`` says when the endpoint ``endpoint_option`` names resets
    every connection after the request's first bytes: a failure, told without a traceback."""
    assert run_cli("load", "--store", store).returncode == 0
    resetting = _Resetting()
    try:
        result = run_cli("load", "--store", store, "--data", data, endpoint_option, resetting.url)
    finally:
        resetting.listener.close()
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    return result.stderr


def test_a_put_whose_connection_breaks_midway_counts_as_written_and_is_removed(store, shipped):
    """A reset partway through a PUT was taken as a refusal (nothing written): the graph was left out of the
    staging graphs removed, and the message said none had been written. The store may have written it."""
    said = _failed_load_with_a_resetting(store, "--graph-store-url")
    assert "no staging graph was written" not in said
    assert f"the staging graphs it wrote were removed (<{STAGING_PREFIX}" in said, said
    assert RemoteEngine(StoreEndpoints.of(store)).version == shipped.content_hash


def test_a_switch_whose_connection_breaks_midway_is_not_said_to_have_left_the_store_untouched(store, shipped):
    """The switch is one update request: broken after it was sent, it may have been run, whole, as after a
    timeout. The message said the store still held its previous version, untouched."""
    said = _failed_load_with_a_resetting(store, "--update-url")
    assert "untouched" not in said
    assert "but the connection broke before its answer: the store holds either the previous version or the new " \
        "one, whole" in said and "run the load again" in said, said


def test_blank_nodes_whose_insert_breaks_midway_count_as_written(tmp_path, store):
    """Data with blank nodes is staged by one INSERT DATA: broken after it was sent, it may have written
    every staging graph. The message said none had been written; it now names them, left for the next load."""
    data = tmp_path / "blank.trig"
    data.write_text('PREFIX ex: <http://example.org/>\nex:one { _:rim ex:name "Shackleton rim" . }\n')
    said = _failed_load_with_a_resetting(store, "--update-url", data)
    assert "no staging graph was written" not in said
    assert "the staging graphs it wrote could not be removed" in said and STAGING_PREFIX in said, said
