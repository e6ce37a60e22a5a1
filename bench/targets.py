"""The SPARQL servers the benchmark measures: how to prepare, start and feed each one.

Each target is one :class:`Target` in :data:`TARGETS`; adding a server is adding an entry. Every
target serves the same generated dataset: the named graphs of the sources plus, as the default graph,
their merge (Oxigraph gets it precomputed in the N-Quads file; our server and rdflib-endpoint compute
the union themselves from the TriG file).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Data:
    """One generated dataset, in the two files the targets read."""

    quads: int
    trig: Path
    nquads: Path


@dataclass(frozen=True)
class Target:
    name: str
    query_path: str
    command: Callable[[Data, int, Path], list[str]]
    # Before start: work that does not count as start-up (e.g. building an on-disk store); returns nothing.
    prepare: Callable[[Data, Path], None] | None = None
    # After the server listens, before it can answer: e.g. sending the data to an in-memory store.
    feed: Callable[[str, Data], None] | None = None
    max_quads: int | None = None  # larger datasets are not attempted (said in the report)
    needs: tuple[str, ...] = field(default=())  # programs that must exist (in the venv or on PATH)


def program(name: str) -> str | None:
    """A program of the venv (oxigraph, rdflib-endpoint, ilrs-graph), else one on PATH."""
    beside = BIN / name
    return str(beside) if beside.exists() else shutil.which(name)


def missing(target: Target) -> str | None:
    """Why ``target`` cannot run here, or None."""
    for name in target.needs:
        if program(name) is None:
            return f"`{name}` is not installed (make bench installs it)"
    if target.name.startswith("ilrs-graph") and not _has_serve():
        return "`ilrs-graph serve` does not exist yet"
    return None


def _has_serve() -> bool:
    found = program("ilrs-graph")
    return found is not None and subprocess.run([found, "serve", "--help"], capture_output=True).returncode == 0


def _oxigraph_load(data: Data, workdir: Path) -> None:
    subprocess.run([program("oxigraph"), "load", "--location", str(workdir / "rocksdb"), "--file", str(data.nquads)],
                   check=True, capture_output=True)


def _post_nquads(base: str, data: Data) -> None:
    with data.nquads.open("rb") as body:
        response = requests.post(base + "/store", data=body, headers={"Content-Type": "application/n-quads"},
                                 timeout=600)
    response.raise_for_status()


def our_server(workers: int, limits: Sequence[str] = ()) -> Callable[[Data, int, Path], list[str]]:
    """The command line of ``ilrs-graph serve`` with ``workers`` workers and ``limits`` ("name=value")."""
    options = [part for limit in limits for part in ("--limit", limit)]
    return lambda data, port, _: [program("ilrs-graph"), "serve", "--data", str(data.trig), "--host", "127.0.0.1",
                                  "--port", str(port), "--workers", str(workers), *options]


def _plain_server(data: Data, port: int, _: Path) -> list[str]:
    """gunicorn serving bench/plain_server.py, configured as its docstring shows."""
    return [program("gunicorn"), "--workers", str(CORES), "--worker-class", "gthread", "--threads",
            str(PLAIN_THREADS), "--preload", "--bind", f"127.0.0.1:{port}", "--pythonpath", str(Path(__file__).parent),
            f"plain_server:create_app({str(data.nquads)!r})"]


CORES = os.cpu_count() or 2
PLAIN_THREADS = 4

TARGETS: list[Target] = [
    Target("oxigraph-memory", "/query", lambda data, port, _: [program("oxigraph"), "serve", "--bind", f"127.0.0.1:{port}"],
           feed=_post_nquads, needs=("oxigraph",)),
    Target("oxigraph-rocksdb", "/query",
           lambda data, port, workdir: [program("oxigraph"), "serve-read-only", "--location", str(workdir / "rocksdb"),
                                        "--bind", f"127.0.0.1:{port}"],
           prepare=_oxigraph_load, needs=("oxigraph",)),
    Target("rdflib-endpoint", "/",  # its command line serves the endpoint at /
           lambda data, port, _: [program("rdflib-endpoint"), "serve", str(data.trig), "--host", "127.0.0.1",
                                  "--port", str(port)],
           max_quads=100_000, needs=("rdflib-endpoint",)),
    # The reference point: gunicorn + Flask + pyoxigraph written plainly (no checks or limits).
    Target(f"plain-flask-{CORES}-workers", "/sparql", _plain_server, needs=("gunicorn",)),
    Target("ilrs-graph-1-worker", "/sparql", our_server(1), needs=("ilrs-graph",)),
    Target(f"ilrs-graph-{CORES}-workers", "/sparql", our_server(CORES), needs=("ilrs-graph",)),
]

REFERENCE = "oxigraph-memory"  # ratios are given against it (and against oxigraph-rocksdb)
OURS = f"ilrs-graph-{CORES}-workers"  # the server the targets judge: ours on all cores
