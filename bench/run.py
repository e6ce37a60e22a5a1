"""The benchmark: every target, on the same data and queries, in one run.

    python -m bench.run [--quick] [--sizes shipped,10000,100000,1000000]

For each size (the shipped graph, and generated ones): write the dataset (generated ones seeded; kept
in bench/results/data), compute the reference answers
with the embedded engine, then for each target: start it (start-up to first answer), check every
answer against the reference, measure each query's latency, stop it. Then start the targets again, side
by side, and measure throughput with wrk at 1, 4 and 16 connections (every request a new text: no cache
can answer) and at 16 connections repeating the same texts (what a result cache can answer), the targets
taking turns, in rounds (the median round is kept); on the full mix and, when some target is not right
on every query, on the common mix of the queries all answer right.
Memory is sampled all along. Figures go to stdout, bench/RESULTS.md and bench/results/results.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import multiprocessing
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import rdflib

from ilrs_graph import shipped
from ilrs_graph.load import load_shipped
from ilrs_graph.query import analyse
from ilrs_graph.store import OxigraphEngine
from tests.answers import engine_answers, same_answer

from . import report
from .generate import generate, write
from .measure import Client, Query, Reply, Running, Throughput, latency, start, throughput
from .targets import TARGETS, Data, Target, missing

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
RDF_SYNTAXES = {"application/n-triples": "nt", "text/plain": "nt", "text/turtle": "turtle",
                "application/rdf+xml": "xml", "application/xml": "xml", "application/ld+json": "json-ld",
                "application/trig": "trig", "application/n-quads": "nquads"}
MIX_QUORUM = 0.5  # a target right on fewer queries than this share gets no throughput run


@dataclass(frozen=True)
class Settings:
    latency_samples: int
    latency_budget_seconds: float
    wrk_seconds: float
    answer_timeout_seconds: float
    rounds: int  # of each throughput figure, targets taking turns; the median round is kept
    startup_limit_seconds: float = 300.0


FULL = Settings(latency_samples=30, latency_budget_seconds=3.0, wrk_seconds=5.0, answer_timeout_seconds=30.0,
                rounds=3)
QUICK = Settings(latency_samples=10, latency_budget_seconds=1.0, wrk_seconds=3.0, answer_timeout_seconds=15.0,
                 rounds=1)
CONNECTIONS = (1, 4, 16)
MEASUREMENTS = [("uncached", connections) for connections in CONNECTIONS] + [("repeated", 16)]
# A throughput run lasts at least long enough for the fastest target to answer the mix this many times
# over, one query after another. Shorter, it counts mostly which queries were still unfinished when it
# stopped: at 100k quads the mix holds a 2-s query, and with 5-s runs Oxigraph's 16-connection figure
# was 80 requests/s against 34 with 15-s runs (its 4-connection one: 22 and 25).
MIX_PASSES_PER_RUN = 5
# Where that lengthens the runs (a pass of the mix takes seconds), a run of a set time still counts mostly
# how many passes fit (at 100k quads about five: one more or less moves a figure by a fifth) and throws
# away the work of the requests unanswered at its end. There an uncached run is a fixed amount of work
# instead, as BSBM's query mixes per hour are: MIX_PASSES_PER_RUN passes, timed to the last answer, and
# lasting at most FIXED_WORK_CAP times the set time.
FIXED_WORK_CAP = 10
SHIPPED = "shipped"  # the size that is the project's own graph (ontology and data), not a generated one


@dataclass
class TargetResult:
    name: str
    skipped: str | None = None
    prepare_seconds: float | None = None
    startup_seconds: float | None = None
    peak_rss_mb: float = 0.0
    peak_pss_mb: float = 0.0
    answers: dict[str, str] = field(default_factory=dict)  # query → ok / wrong / HTTP n / timeout
    latency: dict[str, dict] = field(default_factory=dict)
    throughput: dict[str, dict] = field(default_factory=dict)  # "uncached-4", "repeated-16"…
    failure: str | None = None


def load_mix() -> list[Query]:
    """queries/*.rq (the competency questions) and bench/queries/*.rq (heavier analytical ones)."""
    paths = [*shipped.query_files(), *sorted((ROOT / "queries").glob("*.rq"))]
    mix = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        mix.append(Query(path.stem, text, analyse(text).answers_with_triples))
    return mix


def dataset(size: int | str, settings: Settings) -> tuple[Data, dict[str, bytes | None]]:
    """The files of ``size`` generated quads (or of the shipped graph, for SHIPPED) and the reference
    answers to every query (None for a query the embedded engine does not answer within the time a
    target is given)."""
    quads = load_shipped().quads if size == SHIPPED else generate(size)
    trig, nquads = write(quads, RESULTS / "data", f"ilrs-{size}")
    engine = OxigraphEngine(quads, f"bench-{size}")
    data = Data(len(quads), trig, nquads)
    del quads
    answers = {query.name: _answer_within(engine, query, settings.answer_timeout_seconds) for query in load_mix()}
    del engine
    gc.collect()
    return data, answers


def _answer_within(engine: OxigraphEngine, query: Query, seconds: float) -> bytes | None:
    """The engine's answer, computed in a forked child (a query cannot be interrupted, a process can)."""
    receiving, sending = multiprocessing.get_context("fork").Pipe(duplex=False)

    def answer() -> None:
        sending.send_bytes(engine_answers([engine], query.text)[1][0])

    child = multiprocessing.get_context("fork").Process(target=answer, daemon=True)
    child.start()
    sending.close()
    body = receiving.recv_bytes() if receiving.poll(seconds) else None
    child.kill()
    child.join()
    return body


def check_answers(running: Running, data: Data, workdir: Path, mix: list[Query], reference: dict[str, bytes],
                  settings: Settings, result: TargetResult) -> None:
    """Ask every query once; a target that times out is restarted (it may still be computing)."""
    client = Client(running.port, running.target.query_path, timeout=settings.answer_timeout_seconds)
    for query in mix:
        try:
            reply = client.ask(query)
        except TimeoutError:
            result.answers[query.name] = "timeout"
            running.restart(data, workdir, within=settings.startup_limit_seconds)
            client = Client(running.port, running.target.query_path, timeout=settings.answer_timeout_seconds)
            continue
        if reply.status != 200:
            result.answers[query.name] = f"HTTP {reply.status}"
            continue
        try:
            body = as_ntriples(reply) if query.triples else reply.body
            right = same_answer(query.text, query.triples, reference[query.name], body)
        except Exception as error:  # whatever the parsers raise on a malformed answer
            result.answers[query.name] = f"unreadable {reply.content_type}: {type(error).__name__}"
            continue
        result.answers[query.name] = "ok" if right else "wrong"
    client.close()


def as_ntriples(reply: Reply) -> bytes:
    """A graph answer in whichever RDF syntax the server chose (its Content-Type), as N-Triples."""
    media_type = reply.content_type.split(";")[0].strip().lower()
    syntax = RDF_SYNTAXES.get(media_type)
    if syntax is None:
        raise ValueError(f"not an RDF media type: {media_type!r}")
    return rdflib.Graph().parse(data=reply.body, format=syntax).serialize(format="nt", encoding="utf-8")


def _keep_memory(running: Running, result: TargetResult) -> None:
    result.peak_rss_mb = max(result.peak_rss_mb, running.peak_rss / 2**20)
    result.peak_pss_mb = max(result.peak_pss_mb, running.peak_pss / 2**20)


def first_pass(target: Target, data: Data, mix: list[Query], reference: dict[str, bytes], settings: Settings) -> TargetResult:
    """Start-up, answers and latency of one target."""
    result = TargetResult(target.name)
    reason = missing(target)
    if reason is None and target.max_quads is not None and data.quads > target.max_quads:
        reason = f"not attempted above {target.max_quads:,} quads (its queries take minutes there)"
    if reason:
        result.skipped = reason
        return result
    workdir = _workdir(data, target)
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    try:
        if target.prepare is not None:
            began = time.perf_counter()
            target.prepare(data, workdir)
            result.prepare_seconds = time.perf_counter() - began
        running = start(target, data, workdir, within=settings.startup_limit_seconds)
        result.startup_seconds = running.startup_seconds
        try:
            check_answers(running, data, workdir, mix, reference, settings, result)
            client = Client(running.port, target.query_path, timeout=settings.answer_timeout_seconds)
            for query in mix:
                if result.answers[query.name] == "ok":
                    result.latency[query.name] = asdict(latency(client, query, samples=settings.latency_samples,
                                                                budget_seconds=settings.latency_budget_seconds))
            client.close()
        finally:
            _stop(running, result)
    except Exception as error:  # a target that breaks is reported, and the others still run
        result.failure = f"{type(error).__name__}: {error}"
    return result


def run_seconds(settings: Settings, results: list[TargetResult], mix: list[Query]) -> float:
    """How long each throughput run lasts on this data: ``settings.wrk_seconds``, or longer when the
    fastest target needs more than a fifth of that to answer the mix once (MIX_PASSES_PER_RUN), in
    whole seconds (wrk takes no fractions)."""
    once = [sum(result.latency[query.name]["median_ms"] for query in mix) / 1000 for result in results
            if all(query.name in result.latency for query in mix)]
    return max(settings.wrk_seconds, math.ceil(round(MIX_PASSES_PER_RUN * min(once, default=0.0), 3)))


def uncached_passes(settings: Settings, seconds: float) -> int | None:
    """How many passes of the mix an uncached run is, where it is a fixed amount of work (see
    FIXED_WORK_CAP); None where it is a run of ``seconds``."""
    return MIX_PASSES_PER_RUN if seconds > settings.wrk_seconds else None


def throughput_pass(measured: list[tuple[Target, TargetResult, dict[str, list[Query]]]], data: Data,
                    settings: Settings, seconds: float, passes: int | None = None) -> None:
    """Throughput of the measured targets side by side, each on its mixes: all are started, then every
    measurement (uncached at 1, 4 and 16 connections, repeated at 16) is taken from each target in turn,
    in ``settings.rounds`` rounds that each begin with another target. A figure is its median round, so
    that other work on the machine during one run weighs on no target alone. With ``passes``, uncached
    runs are that many passes of the mix (``uncached_passes``)."""
    running: dict[str, Running] = {}
    for target, result, _ in measured:
        try:
            running[target.name] = start(target, data, _workdir(data, target), within=settings.startup_limit_seconds)
        except Exception as error:
            result.failure = f"{type(error).__name__}: {error}"
    try:
        for mix_name in ("full", "common"):
            for kind, connections in MEASUREMENTS:
                key = f"{mix_name}-{kind}-{connections}"
                rounds: dict[str, list[Throughput]] = {}
                fixed = passes if kind == "uncached" else None
                for number in range(settings.rounds):
                    turn = number % len(measured)
                    for target, result, mixes in measured[turn:] + measured[:turn]:
                        if mix_name not in mixes or target.name not in running:
                            continue
                        try:
                            rounds.setdefault(target.name, []).append(throughput(
                                running[target.name], mixes[mix_name], connections=connections,
                                seconds=seconds * FIXED_WORK_CAP if fixed else seconds, passes=fixed,
                                unique=kind == "uncached", workdir=_workdir(data, target),
                                idle_first=list(running.values())))
                        except Exception as error:  # a target that breaks is reported; the others go on
                            result.failure = f"{type(error).__name__}: {error}"
                            _stop(running.pop(target.name), result)
                for target, result, _ in measured:
                    if rounds.get(target.name):
                        result.throughput[key] = _median_round(rounds[target.name])
    finally:
        for target, result, _ in measured:
            if target.name in running:
                _stop(running.pop(target.name), result)


def _median_round(rounds: list[Throughput]) -> dict:
    """The round with the median rate (the lower middle one of an even number), every round's rate, and
    the failed requests of all rounds."""
    middle = sorted(rounds, key=lambda measured: measured.requests_per_second)[(len(rounds) - 1) // 2]
    return {**asdict(middle), "rounds": [measured.requests_per_second for measured in rounds],
            "errors_in_all_rounds": sum(measured.errors for measured in rounds)}


def _workdir(data: Data, target: Target) -> Path:
    return RESULTS / "work" / str(data.quads) / target.name


def _stop(running: Running, result: TargetResult) -> None:
    _keep_memory(running, result)
    running.stop()


def run_size(size: int | str, settings: Settings) -> dict:
    began = time.perf_counter()
    load_average = {"before": os.getloadavg()}
    print(f"\n== {size if size == SHIPPED else f'{size:,} quads'}: the data and the reference answers", flush=True)
    data, reference = dataset(size, settings)
    title = f"The shipped graph ({data.quads:,} quads)" if size == SHIPPED else f"{data.quads:,} generated quads"
    mix = [query for query in load_mix() if reference[query.name] is not None]
    too_slow = [name for name, answer in reference.items() if answer is None]
    if too_slow:
        print(f"   left out, the embedded engine takes over {settings.answer_timeout_seconds:g} s: "
              + ", ".join(too_slow), flush=True)
    results: list[TargetResult] = []
    for target in TARGETS:
        print(f"-- {target.name}: start-up, answers, latency", flush=True)
        results.append(first_pass(target, data, mix, reference, settings))
        _say(results[-1])
    # The full mix for the targets right on every query; and, if some measured target is not, the
    # common mix (the queries every measured target answers right) for all, so ratios stay like for like.
    measured = [r for r in results if not r.skipped and not r.failure
                and sum(v == "ok" for v in r.answers.values()) >= MIX_QUORUM * len(mix)]
    common = [q for q in mix if all(r.answers.get(q.name) == "ok" for r in measured)]
    jobs = []
    for target, result in zip(TARGETS, results):
        if result in measured:
            mixes = {"full": mix} if all(v == "ok" for v in result.answers.values()) else {}
            if len(common) < len(mix):
                mixes["common"] = common
            jobs.append((target, result, mixes))
            print(f"-- {target.name}: throughput on " + ", ".join(f"the {name} mix ({len(queries)} queries)"
                                                               for name, queries in mixes.items()), flush=True)
    seconds = run_seconds(settings, [result for _, result, _ in jobs], mix)
    passes = uncached_passes(settings, seconds)
    length = (f"uncached runs of {passes} passes of the mix (at most {seconds * FIXED_WORK_CAP:.0f} s), "
              f"repeated runs of {seconds:.0f} s" if passes else f"runs of {seconds:.0f} s")
    print(f"-- throughput, side by side: {settings.rounds} round(s) per figure and target, {length}", flush=True)
    throughput_pass(jobs, data, settings, seconds, passes)
    load_average["after"] = os.getloadavg()
    return {"quads": data.quads, "title": title, "load_average": load_average, "run_seconds": seconds,
            "uncached_passes": passes,
            "files": {"trig_bytes": data.trig.stat().st_size, "nquads_bytes": data.nquads.stat().st_size},
            "mix": [q.name for q in mix], "common_mix": [q.name for q in common], "too_slow": too_slow,
            "questions": [path.stem for path in shipped.query_files()],  # queries/*.rq: the latency targets
            "targets": [asdict(r) for r in results], "seconds": time.perf_counter() - began}


def _say(result: TargetResult) -> None:
    if result.skipped or result.failure:
        print(f"   {result.skipped or result.failure}", flush=True)
        return
    right = sum(v == "ok" for v in result.answers.values())
    print(f"   start-up {result.startup_seconds:.2f} s, {right}/{len(result.answers)} answers right", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the SPARQL servers on ILRS-shaped data.")
    parser.add_argument("--quick", action="store_true", help="the shipped graph only, fewer samples, shorter wrk runs")
    parser.add_argument("--sizes", default=f"{SHIPPED},10000,100000,1000000",
                        help=f"comma-separated numbers of generated quads, or '{SHIPPED}' for the shipped graph")
    parser.add_argument("--output", type=Path, default=ROOT / "RESULTS.md")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("bench: wrk is not installed (make bench installs it: apt-get install wrk)", file=sys.stderr)
        return 2
    try:
        sizes = [SHIPPED] if args.quick else [size if size == SHIPPED else int(size)
                                              for size in args.sizes.replace(" ", "").split(",")]
    except ValueError:
        print(f"bench: --sizes takes numbers or '{SHIPPED}' separated by commas, not '{args.sizes}'", file=sys.stderr)
        return 2
    settings = QUICK if args.quick else FULL
    command = "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    began = time.perf_counter()
    runs = [run_size(size, settings) for size in sizes]
    summary = {"command": command.strip(), "settings": asdict(settings), "runs": runs,
               "seconds": time.perf_counter() - began, "environment": report.environment()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "results.json").write_text(json.dumps(summary, indent=1))
    text = report.markdown(summary)
    args.output.write_text(text)
    print("\n" + report.ratios_text(summary))
    print("Against the issue's targets:\n" + report.verdicts_text(summary))
    print(f"Written: {args.output} and {RESULTS / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
