"""CPU per request, side by side: which server spends more of the machine on the same work.

`make bench` says which server answers more; on a graph where the mix takes seconds the reason may be
CPU spent (the engine waiting for memory, process overhead) or CPU left idle (a long query holding up
others). Here each target in turn answers the same fixed work, passes of the benchmark's mix over 4
connections, each request a new text, and the machine's CPU time is read from /proc/stat around each
run: the requests per second, the CPU-seconds spent per request, and how many cores were busy on
average (docs/performance.md, "Where the CPU goes at 100k quads"). Each round begins with another
target, and every target is also set against the first one round by round. Linux only. The
benchmark's memory sampler is stopped during the runs: it reads every process's memory four times a
second, CPU counted here (as wrk's is, alike for every target). Targets are those of
bench/targets.py, and ours again with other limits (--ours-with)::

    .venv/bin/python -m bench.cpu_cost [--size 100000] [--passes 3] [--rounds 3] [--connections 4] \\
        [--target oxigraph-memory --target ilrs-graph-2-workers] [--ours-with executors=1,max_executors=1] \\
        [--together]

With --together the targets answer the same work at the same time, each with its own wrk, and each
one's CPU is read from its own processes (those that ended counted through the parent that reaped
them): the machine's speed, which drifts between runs minutes apart by more than the differences
sought, then weighs on all of them alike. Their requests per second are then shares of one machine;
the CPU per request is the figure to compare. Each round after the first starts the servers anew: a
server keeps its standing for as long as it runs (a few percent either way, as where its memory lies
moves its speed), so one pair of servers can mislead however many rounds it runs. Sharing the cores,
a long query takes longer than alone: a server that stops it at a time limit then spends less on it,
so give ours a longer one (--ours-with timeout_seconds=60).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from ilrs_graph.load import load_shipped

from .generate import write
from .memory import dataset
from .measure import Query, Running, start, throughput, wait_until_idle
from .run import RESULTS, SHIPPED, load_mix
from .targets import CORES, OURS, REFERENCE, TARGETS, Data, Target, missing, our_server

# /proc/stat's first line: user nice system idle iowait irq softirq steal (guest time is within user).
_BUSY_FIELDS = (0, 1, 2, 5, 6)


def busy_cpu_seconds() -> float:
    """CPU-seconds the machine's cores have spent busy since boot; not idle, nor taken by the hypervisor
    (steal)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields[i] for i in _BUSY_FIELDS) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Round:
    requests_per_second: float
    cpu_seconds_per_request: float
    busy_cores: float  # CPU-seconds spent over the seconds between the two readings
    failed: int


@dataclass(frozen=True)
class Against:
    """One target against another round by round: the machine's speed moves between rounds by more
    than the differences sought (docs/performance.md), so each round's two runs, minutes apart, are
    compared with each other rather than each target's median round with the other's."""
    requests_per_second: float  # the median of the rounds' ratios
    cpu_per_request: float
    rounds_ahead: int  # rounds where it answered more requests per second
    rounds_cheaper: int  # rounds where it spent less CPU per request
    rounds: int

    def wording(self, other: str) -> str:
        return (f"against {other} round by round: {self.requests_per_second:.2f}x the requests/s and "
                f"{self.cpu_per_request:.2f}x the CPU per request (medians), ahead in {self.rounds_ahead} "
                f"and cheaper in {self.rounds_cheaper} of {self.rounds} rounds")


def against(mine: list[Round], theirs: list[Round]) -> Against | None:
    """None when the other target has no round to compare with (nothing answered, or under /proc/stat's
    10-ms tick spent)."""
    pairs = [(m, t) for m, t in zip(mine, theirs, strict=True) if t.requests_per_second and t.cpu_seconds_per_request]
    if not pairs:
        return None
    return Against(statistics.median(m.requests_per_second / t.requests_per_second for m, t in pairs),
                   statistics.median(m.cpu_seconds_per_request / t.cpu_seconds_per_request for m, t in pairs),
                   sum(m.requests_per_second > t.requests_per_second for m, t in pairs),
                   sum(m.cpu_seconds_per_request < t.cpu_seconds_per_request for m, t in pairs), len(pairs))


def ours_with(limits: str) -> Target:
    """Our server on all cores with ``limits`` ("name=value,name=value") as its --limit options."""
    return Target(f"{OURS} ({limits})", "/sparql", our_server(CORES, [limit.strip() for limit in limits.split(",")]),
                  needs=("ilrs-graph",))


def measure(running: Running, everyone: list[Running], mix: list[Query], passes: int, connections: int,
            workdir: Path) -> Round:
    """One fixed-work run of ``passes`` of ``mix`` against ``running``, once every target is idle."""
    wait_until_idle(*everyone)
    busy, began = busy_cpu_seconds(), time.perf_counter()
    result = throughput(running, mix, connections=connections, seconds=600, unique=True, workdir=workdir,
                        idle_first=everyone, passes=passes)
    spent, seconds = busy_cpu_seconds() - busy, time.perf_counter() - began
    return Round(result.requests_per_second, spent / max(result.requests, 1), spent / seconds, result.errors)


def tree_cpu_seconds(pid: int) -> float:
    """CPU-seconds spent by process ``pid`` and its descendants: each living one's own, and those that
    have ended (a closed executor, a replaced worker) through the children's times of their parent."""
    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:  # ended since it was listed: its parent counts it once reaped
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def measure_together(everyone: list[Running], mix: list[Query], passes: int, connections: int,
                     workdir: Path) -> list[Round]:
    """One fixed-work run of ``passes`` of ``mix`` against every target at once, each with its own wrk;
    each target's CPU from its own processes, counted until its last answer."""
    wait_until_idle(*everyone)
    done: list[Round | BaseException | None] = [None] * len(everyone)

    def run(index: int, running: Running, spent_before: float) -> None:
        try:
            began = time.perf_counter()
            result = throughput(running, mix, connections=connections, seconds=600, unique=True,
                                workdir=workdir / str(index), idle_first=[running], passes=passes)
            spent, seconds = tree_cpu_seconds(running.process.pid) - spent_before, time.perf_counter() - began
            done[index] = Round(result.requests_per_second, spent / max(result.requests, 1), spent / seconds,
                                result.errors)
        except BaseException as failed:  # told in the main thread
            done[index] = failed

    for index in range(len(everyone)):
        (workdir / str(index)).mkdir(exist_ok=True)
    threads = [threading.Thread(target=run, args=(index, running, tree_cpu_seconds(running.process.pid)))
               for index, running in enumerate(everyone)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in done:
        if isinstance(result, BaseException):
            raise result
    return done


def options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100000", help=f"generated quads, or '{SHIPPED}' for the shipped graph")
    parser.add_argument("--passes", type=int, default=3, help="of the mix in each run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--target", action="append", choices=[target.name for target in TARGETS],
                        help=f"repeat for several (default: {REFERENCE} and {OURS})")
    parser.add_argument("--ours-with", action="append", default=[], metavar="LIMITS",
                        help="also ours with these --limit options, e.g. executors=1,max_executors=1")
    parser.add_argument("--together", action="store_true",
                        help="every target answers the same work at the same time; compare CPU per request")
    args = parser.parse_args(argv)
    if args.size != SHIPPED and not args.size.isdigit():
        parser.error(f"--size: a number of quads or '{SHIPPED}', not {args.size!r}")
    if min(args.passes, args.rounds, args.connections) < 1:
        parser.error("--passes, --rounds and --connections must be at least 1")
    if shutil.which("wrk") is None or not Path("/proc/stat").exists():
        parser.exit(2, "wrk and Linux's /proc/stat are needed (Debian: apt-get install wrk)\n")
    return args


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    targets = [next(t for t in TARGETS if t.name == name) for name in args.target or (REFERENCE, OURS)]
    targets += [ours_with(limits) for limits in args.ours_with]
    for target in targets:
        if (why := missing(target)) is not None:
            print(f"{target.name}: {why}", file=sys.stderr)
            return 2
    if args.size == SHIPPED:
        quads = load_shipped().quads
        data = Data(len(quads), *write(quads, RESULTS / "data", f"ilrs-{SHIPPED}"))
        del quads
    else:
        data = dataset(int(args.size))  # the files of an earlier run, when there are some
    workdir = RESULTS / "cpu-cost"
    workdir.mkdir(parents=True, exist_ok=True)
    mix = load_mix()
    running: list[Running] = []
    rounds: dict[str, list[Round]] = {target.name: [] for target in targets}
    try:
        for target in targets:
            if target.prepare:
                target.prepare(data, workdir)
            try:
                running.append(start(target, data, workdir, within=300))
            except RuntimeError as failed:  # it exited (a --limit it refuses, say) or never answered
                print(failed, file=sys.stderr)
                return 2
            running[-1].sampler.stop()
        for number in range(1, args.rounds + 1):
            if args.together:
                if number > 1:  # a server keeps its standing for its life: each round has fresh ones
                    for each in running:
                        each.restart(data, workdir, within=300)
                        each.sampler.stop()
                measured = zip(running, measure_together(running, mix, args.passes, args.connections, workdir))
            else:
                turn = (number - 1) % len(running)  # each round begins with another target, as make bench's do
                measured = ((each, measure(each, running, mix, args.passes, args.connections, workdir))
                            for each in running[turn:] + running[:turn])
            for each, done in measured:
                rounds[each.target.name].append(done)
                print(f"round {number}  {each.target.name:50} {done.requests_per_second:9.2f} req/s  "
                      f"{done.cpu_seconds_per_request * 1000:9.2f} CPU-ms/request  {done.busy_cores:4.2f} cores busy"
                      + (f"  {done.failed} failed" if done.failed else ""), flush=True)
    finally:
        for each in running:
            each.stop()
    how = "all targets at once" if args.together else "the targets taking turns"
    print(f"\n{data.quads:,} quads, {args.passes} passes of the mix a run, {args.connections} connections, "
          f"{how}, medians of {args.rounds} rounds ({os.cpu_count()} cores):")
    first = targets[0].name
    for name, done in rounds.items():
        print(f"  {name:50} {statistics.median(r.requests_per_second for r in done):9.2f} req/s  "
              f"{statistics.median(r.cpu_seconds_per_request for r in done) * 1000:9.2f} CPU-ms/request  "
              f"{statistics.median(r.busy_cores for r in done):4.2f} cores busy")
        if name != first and (compared := against(done, rounds[first])) is not None:
            print(f"  {'':50} {compared.wording(first)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
