"""Bounded work, against the real server: a query past its time limit is stopped (its CPU freed) with a
503 that says so; one past its memory limit too, and the server recovers by itself; request bodies,
query length, nesting, answer size and headers are bounded; and while 8 runaway queries run on the
production server, a small query still answers within a second."""

from __future__ import annotations

import json
import re
import select
import socket
import subprocess
import sys
import threading
import time

import psutil
import pytest
import requests

from ilrs_graph import execution, formats
from ilrs_graph.dataset import Dataset
from ilrs_graph.execution import ExecutorPool
from ilrs_graph.query import Limits, QueryError, QueryPlan
from ilrs_graph.store import OxigraphEngine

from .conftest import run_cli
from .server_process import running_server, running_server_process

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CARTESIAN_DISTINCT = "SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# A string doubled 30 times: 16 GiB, reached in well under a second by either engine.
DOUBLING = ('SELECT (STRLEN(?x30) AS ?n) WHERE { BIND("aaaaaaaaaaaaaaaa" AS ?x0) '
            + " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(30)) + " }")
SMALL = "SELECT ?m WHERE { ?m a <https://w3id.org/ilrs/ontology/Mission> } LIMIT "


def new(text: str, tag: object) -> str:
    """``text`` made a query of its own, which no cache answers for another (a comment would not do:
    the result cache asks by the normal form, without comments)."""
    return f"PREFIX new{tag}: <urn:new:>\n{text}"


JSON = {"Accept": "application/json"}


def busy_processes(master: int, seconds: float = 0.5) -> list[int]:
    """The server's processes that used more than a third of a core over ``seconds``."""
    tree = [psutil.Process(master), *psutil.Process(master).children(recursive=True)]
    for process in tree:
        process.cpu_percent(None)
    time.sleep(seconds)
    return [p.pid for p in tree if p.is_running() and p.cpu_percent(None) > 33]


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def limited(request):
    """A server with a short time limit and small memory and answer limits."""
    with running_server_process("--engine", request.param, "--limit", "timeout_seconds=2",
                                "--limit", "max_query_memory_bytes=256M", "--limit", "max_answer_bytes=64K") as served:
        yield served


def test_a_runaway_query_is_stopped_at_its_time_limit_and_its_cpu_freed(limited):
    started = time.monotonic()
    response = requests.get(limited.base + "sparql", params={"query": new(RUNAWAY, "timeout")},
                            headers={**JSON, "Origin": "https://example.org"})
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and 2 <= elapsed < 5
    assert "2 s" in response.json()["message"] and "time limit" in response.json()["message"]
    assert int(response.headers["Retry-After"]) > 0
    # a script of another site may read it (fetch shows it only when CORS exposes it), to wait before it asks again
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"].split(", ")
    assert busy_processes(limited.process.pid) == []
    assert requests.get(limited.base + "sparql", params={"query": SMALL + "1"}).status_code == 200
    # the query page too (it said 503 with no Retry-After)
    page = requests.get(limited.base + "query", params={"query": new(RUNAWAY, "page")})
    assert page.status_code == 503 and int(page.headers["Retry-After"]) > 0 and "time limit" in page.text


def test_a_query_past_the_memory_limit_is_stopped_and_the_server_recovers(limited):
    response = requests.get(limited.base + "sparql", params={"query": DOUBLING}, headers=JSON)
    assert response.status_code == 503 and "256 MiB" in response.json()["message"]
    assert "Retry-After" in response.headers
    # Oxigraph's cartesian DISTINCT grows by hundreds of MiB a second; rdflib's, slowly, till the time limit.
    cartesian = requests.get(limited.base + "sparql", params={"query": CARTESIAN_DISTINCT}, headers=JSON)
    assert cartesian.status_code == 503 and ("256 MiB" in cartesian.text or "time limit" in cartesian.text)
    assert busy_processes(limited.process.pid) == []
    assert requests.get(limited.base + "sparql", params={"query": SMALL + "2"}).status_code == 200
    assert requests.get(limited.base + "healthz").json()["status"] == "ok"


def test_an_answer_past_the_size_limit_is_refused_with_a_message(limited):
    response = requests.get(limited.base + "sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers=JSON)
    assert response.status_code == 400 and "at most 64 KiB" in response.json()["message"]


@pytest.mark.parametrize("text, words", [
    ("SELECT * WHERE " + "{ " * 70 + "}" * 70, "levels deep"),
    ("SELECT * WHERE { ?s ?p " + "[ <urn:p> " * 70 + "?o" + " ]" * 70 + " }", "levels deep"),
    ("SELECT * WHERE { FILTER(" + "!" * 20000 + "true) }", "too complex"),
    ("SELECT (" + "+".join(["1"] * 20000) + " AS ?x) {}", "too complex"),
    ("SELECT * WHERE { ?s <urn:p> (" + " 1" * 2000 + ") }", "too complex"),
])
def test_deep_or_long_chains_are_refused_not_crashed(limited, text, words):
    """Refused by the checks (nesting), by the engine's executor dying of it or by its parser giving up
    (rdflib), or stopped at the time limit when the engine is merely slow on it: never a 500, and the
    server stays up."""
    response = requests.post(limited.base + "sparql", data=text.encode(), headers={
        "Content-Type": "application/sparql-query", **JSON})
    message = response.json()["message"]
    refused = 400 <= response.status_code < 500 and any(
        reason in message for reason in (words, "nests too deeply", "Syntax error"))
    assert refused or (response.status_code == 503 and "time limit" in message), response.text
    assert requests.get(limited.base + "healthz").status_code == 200


def test_request_size_limits(limited):
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 100_000
    too_long = requests.post(limited.base + "sparql", data=long_query.encode(),
                             headers={"Content-Type": "application/sparql-query", **JSON})
    assert too_long.status_code == 413 and "100,000" in too_long.json()["message"]
    huge_body = requests.post(limited.base + "sparql", data=b"query=" + b"x" * (2 * 2**20),
                              headers={"Content-Type": "application/x-www-form-urlencoded", **JSON})
    assert huge_body.status_code == 413 and huge_body.json()["status"] == 413
    big_headers = requests.get(limited.base + "healthz", headers={"X-Padding": "x" * 20_000, **JSON})
    assert big_headers.status_code == 431 and "16,384" in big_headers.json()["message"]


def test_a_query_waits_for_a_busy_executor_within_its_own_time_limit():
    """One executor, held by a runaway: the next query waits, and is answered once the runaway is stopped."""
    with running_server("--limit", "executors=1", "--limit", "max_executors=1", "--limit", "timeout_seconds=2") as base:
        runaway = threading.Thread(target=requests.get, args=(base + "sparql",), kwargs={"params": {"query": RUNAWAY}})
        runaway.start()
        time.sleep(0.5)
        started = time.monotonic()
        waiting = requests.get(base + "sparql", params={"query": SMALL + "3"}, headers=JSON)
        waited = time.monotonic() - started
        runaway.join()
        assert waiting.status_code == 200 and 1.0 < waited < 2.0


def test_a_small_query_answers_within_a_second_while_eight_runaways_run():
    """The production server (2 workers, default limits): 8 runaway queries are stopped at 10 s; the
    small, uncached queries sent meanwhile each answer in under a second."""
    with running_server_process(workers=2) as served:
        statuses: list[int] = []
        runaways = [threading.Thread(target=lambda i=i: statuses.append(requests.get(
            served.base + "sparql", params={"query": new(RUNAWAY, i)}).status_code)) for i in range(8)]
        for thread in runaways:
            thread.start()
        time.sleep(1)
        latencies = []
        for number in range(10):
            started = time.monotonic()
            response = requests.get(served.base + "sparql", params={"query": SMALL + str(number + 10)})
            latencies.append(time.monotonic() - started)
            assert response.status_code == 200
        running = len(psutil.Process(served.process.pid).children(recursive=True))
        for thread in runaways:
            thread.join()
        print(f"small-query latency while 8 runaways run: max {max(latencies) * 1000:.0f} ms, "
              f"median {sorted(latencies)[5] * 1000:.0f} ms; {running} server processes")
        assert max(latencies) < 1.0 and statuses == [503] * 8
        assert busy_processes(served.process.pid) == []


def test_limits_are_checked_when_the_server_starts():
    unknown = run_cli("serve", "--limit", "timeout=3")
    assert unknown.returncode == 2 and "timeout_seconds" in unknown.stderr
    negative = run_cli("serve", "--limit", "max_executors=0")
    assert negative.returncode == 2 and "must be a positive number" in negative.stderr


@pytest.mark.parametrize("setting", ["executors=0.5", "max_executors=2.5", "max_answer_bytes=100.5", "max_nesting_depth=1e-3"])
def test_a_fraction_for_a_limit_that_counts_is_refused_naming_it(setting):
    """executors=0.5 became 0, refused as "not 0", which the person never wrote; 2.5 became 2 unsaid."""
    with pytest.raises(ValueError, match=re.escape(f"needs a whole number, not '{setting.partition('=')[2]}'")):
        Limits().updated([setting])
    assert Limits().updated(["max_answer_bytes=1.5K", "timeout_seconds=0.5"]).max_answer_bytes == 1536


def test_the_longest_time_limit_accepted_is_one_a_query_runs_under():
    """Accepted and then failing every query with an OverflowError (a 500), as timeout_seconds=1e10 did."""
    dataset = Dataset.open(limits=Limits().updated(["timeout_seconds=999999999"]), isolated=True)
    assert dataset.answer(dataset.plan("ASK {}"), formats.by_name("json")).body == b'{"head":{},"boolean":true}'


def test_an_executor_is_replaced_after_its_share_of_answers(monkeypatch, shipped):
    """What an executor's heap gathers over many queries is given back: after ANSWERS_PER_EXECUTOR
    answers it is closed and a fresh one forked, and the pool keeps its size."""
    monkeypatch.setattr(execution, "ANSWERS_PER_EXECUTOR", 3)
    serving = _executor_after_each_answer(shipped, 7)
    assert len(set(serving)) == 3 and serving[0] == serving[1] != serving[2]
    assert psutil.Process(serving[-1]).is_running() and not psutil.pid_exists(serving[0])


def test_a_second_pool_in_the_process_does_not_keep_the_first_ones_executors_alive(shipped):
    """Two pools in one process (a script holding two graphs): the second's forker, forked later, must
    not keep copies of the first pool's sockets, or a retired executor of the first never reads the end
    of its socket, never exits, and the pool waits for it for ever (at its ANSWERS_PER_EXECUTOR-th answer)."""
    engine = OxigraphEngine(shipped.quads, shipped.content_hash)
    first = ExecutorPool(engine, Limits(executors=1, max_executors=1))
    first.start()
    second = ExecutorPool(engine, Limits(executors=1, max_executors=1))
    second.start()
    answered: list[int] = []

    def ask_until_the_executor_is_retired() -> None:
        for _ in range(execution.ANSWERS_PER_EXECUTOR + 1):
            first.run(QueryPlan("ASK { ?s ?p ?o }", "ASK"), formats.by_name("json"))
            answered.append(1)

    asking = threading.Thread(target=ask_until_the_executor_is_retired, daemon=True)
    asking.start()
    asking.join(timeout=60)
    assert len(answered) == execution.ANSWERS_PER_EXECUTOR + 1, f"stuck after {len(answered)} answers"
    second.run(QueryPlan("ASK { ?s ?p ?o }", "ASK"), formats.by_name("json"))  # (and held until here)


def test_a_stuck_executor_lets_one_more_be_forked_which_is_closed_once_it_copied_much(monkeypatch, shipped):
    """A pool of one warm executor, held by a runaway: once the runaway has run STUCK_SECONDS, a small
    query gets an extra executor at once. Having made more than OWN_BYTES_PER_SURPLUS_EXECUTOR its own
    (here: anything), the extra one is closed after its answer, so that it holds no copy of the graph."""
    monkeypatch.setattr(execution, "OWN_BYTES_PER_SURPLUS_EXECUTOR", 0)
    pool = ExecutorPool(OxigraphEngine(shipped.quads, shipped.content_hash),
                        Limits(executors=1, max_executors=3, timeout_seconds=3))
    pool.start()
    outcome: list[int] = []

    def runaway() -> None:
        try:
            pool.run(QueryPlan(RUNAWAY, "SELECT"), formats.by_name("json"))
        except QueryError as error:
            outcome.append(error.status)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(execution.STUCK_SECONDS * 2)
    started = time.monotonic()
    pool.run(QueryPlan("ASK { ?s ?p ?o } # small", "ASK"), formats.by_name("json"))
    assert time.monotonic() - started < 1.0
    assert pool._count == 1 and not pool._idle  # the extra executor is gone; the warm one is busy
    thread.join()
    assert outcome == [503] and pool._count == 1 and len(pool._idle) == 1


def test_no_extra_executor_when_a_copy_of_the_graph_would_not_fit_max_surplus_bytes(shipped):
    """A graph larger than max_surplus_bytes (each extra executor may copy all of it): the runaway
    holding the one executor lets no other be forked; the small query waits for it, and is answered by
    the executor that replaces the runaway's once that one is stopped at the time limit."""
    engine = OxigraphEngine(shipped.quads, shipped.content_hash)
    engine.footprint_bytes = 64 * 2**20  # as a graph of ~120k quads takes
    pool = ExecutorPool(engine, Limits(executors=1, max_executors=3, timeout_seconds=2,
                                       max_surplus_bytes=32 * 2**20))
    pool.start()
    statuses: list[int] = []

    def ask(text: str) -> None:
        try:
            pool.run(QueryPlan(text, "SELECT"), formats.by_name("json"))
            statuses.append(200)
        except QueryError as error:
            statuses.append(error.status)

    runaway = threading.Thread(target=ask, args=(RUNAWAY,))
    runaway.start()
    time.sleep(execution.STUCK_SECONDS * 2)
    small = threading.Thread(target=ask, args=(SMALL + "1",))
    small.start()
    time.sleep(execution.STUCK_SECONDS * 4)
    assert small.is_alive() and pool._count == 1  # waiting: no executor forked beside the stuck one
    runaway.join()
    small.join()
    assert statuses == [503, 200] and pool._count == 1


def test_an_engine_knows_the_memory_its_graph_takes():
    """What the pool's surplus budget is measured against: the resident memory the engine's build added,
    in a process of its own (none of the test run's freed memory to reuse). 50k quads take tens of MiB."""
    program = ("import pyoxigraph as ox; from ilrs_graph.store import OxigraphEngine; "
               "quads = [ox.Quad(ox.NamedNode(f'https://example.org/{i}'), ox.NamedNode('https://example.org/p'), "
               "ox.Literal(f'value {i}'), ox.NamedNode('https://example.org/g')) for i in range(50_000)]; "
               "print(OxigraphEngine(quads, 'v').footprint_bytes)")
    footprint = int(subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                                   check=True).stdout)
    assert 10 * 2**20 < footprint < 200 * 2**20


def _executor_after_each_answer(shipped, answers: int) -> list[int]:
    """The pid of the idle executor after each of ``answers`` queries to a pool of one."""
    pool = ExecutorPool(OxigraphEngine(shipped.quads, shipped.content_hash), Limits(executors=1, max_executors=1))
    serving = []
    for number in range(answers):
        pool.run(QueryPlan(f"ASK {{ ?s ?p ?o }} # {number}", "ASK"), formats.by_name("json"))
        serving.append(pool._idle[0].pid)
    return serving


@pytest.mark.parametrize("half_sent", [
    b"GET /healthz HTTP/1.1\r\nHost: x\r\n",                                       # headers never ended
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    b"Content-Length: 100\r\n\r\nASK",                                             # a body cut short
], ids=["headers", "body"])
def test_clients_that_go_quiet_mid_request_are_let_go(half_sent):
    """More half-sent requests than the server has threads: each connection is closed once it has
    been quiet for client_idle_seconds, and the server answers everyone else meanwhile and after."""
    with running_server_process("--limit", "client_idle_seconds=1", "--limit", "executors=1",
                                "--limit", "max_executors=1") as served:
        stalled = []
        for _ in range(12):  # the one worker has 5 threads
            connection = socket.create_connection(("127.0.0.1", served.port))
            connection.sendall(half_sent)
            stalled.append(connection)
        try:
            started = time.monotonic()
            assert requests.get(served.base + "healthz", timeout=30).status_code == 200
            # 12 stalled on 5 threads, 1 s each: all closed, without an answer, in about 3 s
            open_ones = list(stalled)
            while open_ones and time.monotonic() - started < 10:
                readable, _, _ = select.select(open_ones, [], [], 0.1)
                for connection in readable:
                    assert connection.recv(1024) == b""
                    open_ones.remove(connection)
            assert not open_ones, f"{len(open_ones)} of the stalled connections still open after 10 s"
        finally:
            for connection in stalled:
                connection.close()
        assert "it sent nothing for 1 s" in served.log.read_text()
        assert requests.get(served.base + "healthz", timeout=5).status_code == 200


def test_clients_that_keep_their_side_open_after_connection_close_hold_no_one_up():
    """Ten clients ask for "Connection: close" and never close their side: the server waits for each
    in that connection's thread, not in the worker's main thread (which gunicorn did: 2 s each, during
    which nobody else was answered), and each still gets its whole answer."""
    with running_server_process() as served:
        lingering = []
        for _ in range(10):
            connection = socket.create_connection(("127.0.0.1", served.port))
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            lingering.append(connection)
        try:
            time.sleep(0.5)
            started = time.monotonic()
            assert requests.get(served.base + "healthz", timeout=60).status_code == 200
            assert time.monotonic() - started < 5  # 20 s before
            for connection in lingering:
                connection.settimeout(10)
                answer = b""
                while chunk := connection.recv(4096):
                    answer += chunk
                head, _, body = answer.partition(b"\r\n\r\n")
                length = int(re.search(rb"(?i)\r\ncontent-length: *(\d+)", head).group(1))
                assert head.startswith(b"HTTP/1.1 200") and len(body) == length and json.loads(body)["status"]
        finally:
            for connection in lingering:
                connection.close()


def test_a_stop_waits_for_a_query_running_within_a_time_limit_longer_than_ten_seconds():
    """SIGTERM let a worker finish for 10 s, whatever the time limit: with a limit of 25 s, a query still
    within it was cut, its client getting an empty reply (an operator's review). Now the stop waits for
    the limit, and the client gets the query's answer: here the 503 of its limit, at 12 s."""
    with running_server_process("--limit", "timeout_seconds=12") as served:
        answer = {}
        asking = threading.Thread(target=lambda: answer.update(response=requests.get(
            served.base + "sparql", params={"query": new(RUNAWAY, "stop")}, headers=JSON, timeout=60)))
        asking.start()
        time.sleep(1)
        served.process.terminate()
        asking.join(timeout=60)
        assert answer["response"].status_code == 503 and "12 s" in answer["response"].json()["message"]
        assert served.process.wait(timeout=30) == 0


def test_an_executor_killed_while_idle_does_not_fail_the_next_query(shipped):
    """An idle executor killed from outside (an operator, the OOM killer): the next query never reached
    it, so it is not told it needed too much memory; it runs on the executor forked in its place."""
    pool = ExecutorPool(OxigraphEngine(shipped.quads, shipped.content_hash), Limits(executors=1, max_executors=1))
    pool.start()
    killed = psutil.Process(pool._idle[0].pid)
    killed.kill()
    assert select.select([pool._idle[0].sock], [], [], 5)[0]  # its end closed: gone, all its threads
    answer = pool.run(QueryPlan("ASK { ?s ?p ?o }", "ASK"), formats.by_name("json"))
    assert answer == b'{"head":{},"boolean":true}'
    assert pool._count == 1 and len(pool._idle) == 1 and pool._idle[0].pid != killed.pid
    assert not psutil.pid_exists(killed.pid)  # reaped


def test_a_server_process_whose_forker_was_killed_is_replaced():
    """The forker killed from outside (its executors die with it): the server process cannot fork another
    now that it has threads, so its queries get a 503 that says to try again, never a 500, and it stops;
    gunicorn forks a fresh one, which answers."""
    with running_server_process("--limit", "executors=1", "--limit", "max_executors=2") as served:
        worker, = psutil.Process(served.process.pid).children()
        forker, = worker.children()
        executor, = forker.children()
        forker.kill()
        _wait_for(lambda: not executor.is_running())
        refused = requests.get(served.base + "sparql", params={"query": SMALL + "41"}, headers=JSON)
        assert refused.status_code == 503 and "try again" in refused.json()["message"]
        assert "Retry-After" in refused.headers
        _wait_for(lambda: not worker.is_running(), seconds=30)
        assert requests.get(served.base + "sparql", params={"query": SMALL + "42"}).status_code == 200
        assert "Traceback" not in served.log.read_text()


def _wait_for(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.05)
