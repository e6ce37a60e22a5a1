"""Measuring one running target: start-up, answers, latency, throughput (wrk) and peak memory.

Latency is measured with one kept-alive HTTP/1.1 connection from this process (a few tens of
microseconds of client overhead, the same for every target); throughput with wrk, a native load
generator using one thread, which drives 16 connections at well over 10,000 requests/s on one core.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psutil

from .targets import Data, Target

RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
LUA_SCRIPT = Path(__file__).with_name("post.lua")


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    triples: bool  # CONSTRUCT/DESCRIBE: asked for as N-Triples, else SPARQL JSON results

    @property
    def accept(self) -> str:
        return NTRIPLES if self.triples else RESULTS_JSON


def run_salt() -> str:
    """A token no earlier client or wrk run used: it goes into each uncached request's PREFIX name beside
    the request's number, so that a result cache outliving one run cannot answer the next one's requests
    (a new wrk, or a new :class:`Client`, counts from 1 again)."""
    return secrets.token_hex(6)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MemorySampler(threading.Thread):
    """Peak memory of a process and all its children: RSS summed, and PSS summed (shared pages, such
    as those of forked workers, divided among the processes that share them)."""

    def __init__(self, pid: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = 0
        self._finished = threading.Event()

    def run(self) -> None:
        while not self._finished.is_set():
            try:
                root = psutil.Process(self.pid)
                rss, pss = memory_of([root, *root.children(recursive=True)])
                self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            except psutil.Error:  # the target itself has ended
                pass
            self._finished.wait(self.interval)

    def stop(self) -> None:
        self._finished.set()
        self.join()


def memory_of(processes: list[psutil.Process]) -> tuple[int, int]:
    """RSS and PSS summed over ``processes``; one that has ended since it was listed counts for nothing,
    and the others still count (executors come and go most when the memory peaks: under load)."""
    rss = pss = 0
    for process in processes:
        try:
            info = process.memory_full_info()
        except psutil.Error:
            continue
        rss, pss = rss + info.rss, pss + info.pss
    return rss, pss


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    seconds: float
    content_type: str


class Client:
    """One kept-alive connection to a target's SPARQL endpoint."""

    def __init__(self, port: int, path: str, timeout: float):
        self.port, self.path, self.timeout = port, path, timeout
        self._connection: http.client.HTTPConnection | None = None
        self._counter = 0
        self._salt = run_salt()  # another client (the next one on the same server) sends other texts

    def ask(self, query: Query, *, unique: bool = True) -> Reply:
        """Send ``query``; ``unique`` starts its text with a fresh (unused) PREFIX declaration, so that
        no cache can answer it, even one asking by a normal form without comments (as ours does)."""
        self._counter += 1
        text = (f"PREFIX u{self._salt}_{self._counter}: <urn:u:>\n" if unique else "") + query.text
        body = urlencode({"query": text})
        reused = self._connection is not None
        started = time.perf_counter()
        try:
            connection = self._connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            self._connection = connection
            connection.request("POST", self.path, body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Accept": query.accept})
            response = connection.getresponse()
            answer = response.read()
        except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
            self.close()
            if reused:  # the server closed the kept-alive connection while it was idle: HTTP allows that
                return self.ask(query, unique=unique)
            raise
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        return Reply(response.status, answer, time.perf_counter() - started, response.getheader("Content-Type", ""))

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


@dataclass
class Running:
    """A started target: its process, port, log and memory sampler, and the peaks of earlier runs."""

    target: Target
    process: subprocess.Popen
    port: int
    sampler: MemorySampler
    log: Path
    startup_seconds: float = 0.0
    earlier_peaks: tuple[int, int] = (0, 0)  # (RSS, PSS) of the processes a restart replaced

    @property
    def peak_rss(self) -> int:
        return max(self.sampler.peak_rss, self.earlier_peaks[0])

    @property
    def peak_pss(self) -> int:
        return max(self.sampler.peak_pss, self.earlier_peaks[1])

    def restart(self, data: Data, workdir: Path, *, within: float) -> None:
        """Stop and start again (a target still computing an abandoned query), keeping the peaks."""
        self.stop()
        fresh = start(self.target, data, workdir, within=within)
        self.earlier_peaks = (self.peak_rss, self.peak_pss)
        self.process, self.port, self.sampler = fresh.process, fresh.port, fresh.sampler

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        finally:
            self.sampler.stop()


READY = Query("ready", "ASK { ?partnership a <https://w3id.org/ilrs/ontology/Partnership> }", False)


def start(target: Target, data: Data, workdir: Path, *, within: float) -> Running:
    """Start ``target`` and wait for its first right answer (``ASK`` over the data: true)."""
    port = free_port()
    log = workdir / f"{target.name}.log"
    started = time.perf_counter()
    with log.open("w") as output:
        process = subprocess.Popen(target.command(data, port, workdir), stdout=output, stderr=subprocess.STDOUT)
    sampler = MemorySampler(process.pid)
    sampler.start()
    running = Running(target, process, port, sampler, log)
    try:
        fed = target.feed is None
        client = Client(port, target.query_path, timeout=within)
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{target.name} exited with {process.returncode}; see {log}")
            if time.perf_counter() - started > within:
                raise RuntimeError(f"{target.name} did not answer within {within:g} s; see {log}")
            try:
                reply = client.ask(READY)
            except OSError:
                time.sleep(0.05)
                continue
            if reply.status == 200 and not fed:
                target.feed(running.base, data)
                fed = True
            elif reply.status == 200 and json.loads(reply.body).get("boolean") is True:
                break
            else:
                time.sleep(0.05)
        client.close()
    except BaseException:
        running.stop()
        raise
    running.startup_seconds = time.perf_counter() - started
    return running


@dataclass
class Latency:
    median_ms: float
    p95_ms: float
    samples: int


def latency(client: Client, query: Query, *, samples: int, budget_seconds: float) -> Latency:
    """Sequential requests (after one warm-up) until ``samples`` or the time budget is spent."""
    client.ask(query)
    times: list[float] = []
    deadline = time.perf_counter() + budget_seconds
    while len(times) < samples and (not times or time.perf_counter() < deadline):
        reply = client.ask(query)
        if reply.status != 200:
            raise RuntimeError(f"{query.name} answered {reply.status} during the latency run")
        times.append(reply.seconds * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return Latency(statistics.median(times), p95, len(times))


def wait_until_idle(*targets: Running, limit_seconds: float = 180.0) -> float:
    """Wait until the targets' processes together use under 5% of a core: wrk stops sending at the end
    of its run, but a server may still be computing the requests it abandoned, which would slow the next
    run (of any target on the machine). Returns the seconds waited."""
    began = time.perf_counter()
    while time.perf_counter() - began < limit_seconds:
        try:
            processes = []
            for running in targets:
                root = psutil.Process(running.process.pid)
                processes += [root, *root.children(recursive=True)]
            before = sum(sum(p.cpu_times()[:2]) for p in processes)
            time.sleep(0.5)
            after = sum(sum(p.cpu_times()[:2]) for p in processes)
        except psutil.Error:
            continue
        if after - before < 0.025:
            break
    return time.perf_counter() - began


@dataclass
class Throughput:
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    errors: int
    requests: int = 0
    details: dict = field(default_factory=dict)


def throughput(running: Running, queries: list[Query], *, connections: int, seconds: float, unique: bool,
               workdir: Path, idle_first: list[Running] | None = None, passes: int | None = None) -> Throughput:
    """wrk against the target for ``seconds`` with ``connections`` connections, the queries round robin,
    once the target (and the other targets running beside it, ``idle_first``) are idle. With ``passes``,
    the run is a fixed amount of work instead: the queries that many times over, the run ending at the
    last answer (``seconds`` is then only the longest it may take)."""
    wait_until_idle(*(idle_first or [running]))
    requests_file = workdir / "wrk-requests.txt"
    requests_file.write_text("".join(f"{q.accept}\t{urlencode({'query': q.text})}\n" for q in queries))
    environment = {**os.environ, "BENCH_REQUESTS": str(requests_file), "BENCH_PATH": running.target.query_path,
                   "BENCH_UNIQUE": "1" if unique else "0", "BENCH_SALT": run_salt()}
    if passes is not None:
        environment["BENCH_TOTAL"] = str(passes * len(queries))
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "60s", "-s", str(LUA_SCRIPT),
               running.base]
    finished = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=seconds + 120)
    line = next((line for line in finished.stdout.splitlines() if line.startswith("BENCH_JSON ")), None)
    if finished.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({finished.returncode}): {finished.stderr or finished.stdout}")
    result = json.loads(line.removeprefix("BENCH_JSON "))
    errors = result["status_errors"] + result["timeouts"]
    if passes is None:
        errors += result["connect_errors"] + result["read_errors"]
    # else a connection with no request left waits idle, and the server may close it (an idle kept-alive
    # connection), which wrk counts as a read error: not a failed request. The details keep every count.
    rate = (result["requests"] - result["status_errors"]) / (result["duration_us"] / 1e6)
    return Throughput(rate, result["p50_us"] / 1000, result["p95_us"] / 1000, errors, result["requests"], result)
