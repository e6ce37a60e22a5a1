"""Peak memory of our server under load: the target of issue 4 is under 2 GB for all its processes
at 1M quads. Starts ``ilrs-graph serve`` as the benchmark does, drives the uncached query mix with wrk,
samples every second the PSS of every server process by role, and prints the peak and the req/s.

    .venv/bin/python -m bench.memory [--quads 1000000] [--workers 1,2] [--seconds 45] [--connections 16]
                                     [--source DIR ...] [--limit NAME=VALUE ...]

``--source`` runs the server from another checkout (e.g. ``git archive`` of an older commit), one run per
source, alternating, so that before and after are measured side by side under the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
from dataclasses import dataclass, field

import psutil

from . import measure
from .generate import generate, write
from .run import RESULTS, load_mix
from .targets import Data, Target, our_server

MiB = 2**20
ROLES = ("master", "worker", "forker", "executors")


@dataclass
class Peak:
    total: int = 0
    by_role: dict[str, int] = field(default_factory=dict)  # PSS, at the total's peak
    own_by_role: dict[str, int] = field(default_factory=dict)  # USS (memory not shared), at the peak
    executors: int = 0  # how many at the total's peak
    largest_executor_uss: int = 0  # over the whole run


class RoleSampler(threading.Thread):
    """Total PSS of a server's process tree every ``interval`` s, split into its roles by depth."""

    def __init__(self, pid: int, interval: float = 1.0):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, Peak()
        self._finished = threading.Event()

    def run(self) -> None:
        while not self._finished.is_set():
            self._sample()
            self._finished.wait(self.interval)

    def _sample(self) -> None:
        by_role, own_by_role, executors, total = dict.fromkeys(ROLES, 0), dict.fromkeys(ROLES, 0), 0, 0
        generation = [psutil.Process(self.pid)]
        for role in ROLES:
            children = []
            for process in generation:
                try:  # executors come and go: one that ended while being read counts for nothing
                    info = process.memory_full_info()
                    children += process.children()
                except psutil.Error:
                    continue
                by_role[role] += info.pss
                own_by_role[role] += info.uss
                total += info.pss
                if role == "executors":
                    executors += 1
                    self.peak.largest_executor_uss = max(self.peak.largest_executor_uss, info.uss)
            generation = children
        if total > self.peak.total:
            self.peak.total, self.peak.by_role, self.peak.own_by_role, self.peak.executors = \
                total, by_role, own_by_role, executors

    def stop(self) -> Peak:
        self._finished.set()
        self.join()
        return self.peak


def dataset(quads: int) -> Data:
    directory = RESULTS / "data"
    trig, nquads = directory / f"ilrs-{quads}.trig", directory / f"ilrs-{quads}.nq"
    if not trig.exists():
        trig, nquads = write(generate(quads), directory, f"ilrs-{quads}")
    return Data(quads, trig, nquads)


def one_run(data: Data, workers: int, source: str | None, limits: list[str], mix, seconds: float,
            connections: int) -> dict:
    target = Target(f"ilrs-graph-{workers}", "/sparql",
                    our_server(workers, limits))
    workdir = RESULTS / "work" / "memory"
    workdir.mkdir(parents=True, exist_ok=True)
    environment = dict(os.environ)
    if source:
        os.environ["PYTHONPATH"] = source
    try:
        running = measure.start(target, data, workdir, within=300)
    finally:
        os.environ.clear()
        os.environ.update(environment)
    try:
        measure.wait_until_idle(running)
        sampler = RoleSampler(running.process.pid)
        sampler.start()
        measured = measure.throughput(running, mix, connections=connections, seconds=seconds, unique=True,
                                      workdir=workdir)
        peak = sampler.stop()
    finally:
        running.stop()
    return {"workers": workers, "source": source or "this checkout", "limits": limits,
            "peak_pss_mib": round(peak.total / MiB),
            "pss_by_role_mib": {role: round(size / MiB) for role, size in peak.by_role.items()},
            "uss_by_role_mib": {role: round(size / MiB) for role, size in peak.own_by_role.items()},
            "executors_at_peak": peak.executors, "largest_executor_uss_mib": round(peak.largest_executor_uss / MiB),
            "requests_per_second": round(measured.requests_per_second, 1), "errors": measured.errors,
            "p95_ms": round(measured.p95_ms)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Peak PSS of ilrs-graph serve under the uncached mix.")
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--workers", default="1,2", help="comma-separated numbers of workers")
    parser.add_argument("--seconds", type=float, default=45)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--source", action="append", default=[],
                        help="run the server from this checkout (repeatable; default: this one)")
    parser.add_argument("--limit", action="append", default=[], help="passed on to ilrs-graph serve")
    parser.add_argument("--skip", default="latest-mission-status",
                        help="comma-separated queries left out (the benchmark leaves out those over 30 s)")
    args = parser.parse_args(argv)
    data = dataset(args.quads)
    skipped = set(args.skip.split(","))
    mix = [query for query in load_mix() if query.name not in skipped]
    for workers in (int(w) for w in args.workers.split(",")):
        for source in args.source or [None]:
            result = one_run(data, workers, source, args.limit, mix, args.seconds, args.connections)
            print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
