"""The benchmark's figures as text: ratios for the terminal, bench/RESULTS.md for people."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from datetime import datetime, timezone
from importlib import metadata

import psutil

from .targets import REFERENCE, program

ROCKSDB = "oxigraph-rocksdb"


def environment() -> dict:
    """The machine and the versions of everything measured."""
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    def output(*command: str) -> str:
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=30)
            return (done.stdout or done.stderr).splitlines()[0].strip()
        except (OSError, IndexError, subprocess.SubprocessError):
            return "not installed"

    return {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "cpu": cpu,
            "cores": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "os": platform.platform(), "python": platform.python_version(),
            "versions": {"ilrs-graph": version("ilrs-graph"), "pyoxigraph": version("pyoxigraph"),
                         "oxigraph server": output(program("oxigraph") or "oxigraph", "--version"),
                         "rdflib": version("rdflib"), "rdflib-endpoint": version("rdflib-endpoint"),
                         "gunicorn": version("gunicorn"), "flask": version("flask"),
                         "wrk": output("wrk", "--version")}}


def _by_name(run: dict) -> dict[str, dict]:
    return {target["name"]: target for target in run["targets"]}


def _rate(target: dict, key: str) -> float | None:
    measured = target["throughput"].get(key)
    return None if measured is None else measured["requests_per_second"]


def _median_latency(target: dict, queries: list[str]) -> float | None:
    medians = [target["latency"][q]["median_ms"] for q in queries if q in target["latency"]]
    return statistics.median(medians) if medians and len(medians) == len(queries) else None


def _ratio(value: float | None, against: float | None) -> str:
    return "–" if value is None or not against else f"{value / against:.2f}×"


def _number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def ratios_text(summary: dict) -> str:
    """Throughput and latency of every target against Oxigraph server (in memory, and on RocksDB)."""
    lines = []
    for run in summary["runs"]:
        targets = _by_name(run)
        reference, rocksdb = targets.get(REFERENCE), targets.get(ROCKSDB)
        lines.append(f"{run['quads']:,} quads — throughput (req/s, uncached, 4 connections) and median latency "
                     f"of the common mix ({len(run['common_mix'])} queries), against {REFERENCE} / {ROCKSDB}:")
        for name, target in targets.items():
            if target["skipped"] or target["failure"]:
                lines.append(f"  {name:28} {target['skipped'] or target['failure']}")
                continue
            rate = _rate(target, "uncached-4")
            median = _median_latency(target, run["common_mix"])
            lines.append(
                f"  {name:28} {_number(rate):>10} req/s  {_ratio(rate, reference and _rate(reference, 'uncached-4')):>7}"
                f" / {_ratio(rate, rocksdb and _rate(rocksdb, 'uncached-4')):>7}    median {_number(median, 2):>8} ms"
                f"  {_ratio(median, reference and _median_latency(reference, run['common_mix'])):>7}"
                f" / {_ratio(median, rocksdb and _median_latency(rocksdb, run['common_mix'])):>7}")
    return "\n".join(lines) + "\n"


def markdown(summary: dict) -> str:
    env = summary["environment"]
    out = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run.py`); every figure below is what that run measured, on this",
        "machine, with every target started in the same run on the same generated data and queries.",
        "",
        f"- **Command:** `{summary['command']}` — {summary['seconds'] / 60:.1f} minutes, {env['date']}",
        f"- **Machine:** {env['cpu']}, {env['cores']} cores, {env['memory_gib']} GiB, {env['os']}, Python {env['python']}",
        "- **Versions:** " + ", ".join(f"{name} {value}" for name, value in env["versions"].items()),
        f"- **Settings:** {summary['settings']}",
        "",
        "How it measures: *start-up* is from launching the server to its first right answer (for Oxigraph in",
        "memory, that includes sending it the data over HTTP; for Oxigraph on RocksDB the `oxigraph load` before",
        "is shown apart as *prepare*). *Latency* is one client, one kept-alive connection, each query repeated",
        "(median and 95th percentile). *Throughput* is wrk (one thread) for the set time with 1, 4 and 16",
        "connections sending the common mix round robin; *uncached* requests each end with a new comment so",
        "that no two texts are equal and no result cache can answer; *repeated* sends the same texts again",
        "(a result cache may answer). *Memory* is the peak over the run of all the target's processes: RSS",
        "summed, and PSS summed (pages shared by forked workers counted once). Answers are checked against",
        "the embedded engine (tests/answers.py: multisets, order where ORDER BY fixes it, graphs isomorphic);",
        "throughput uses only the queries every measured target answered right (the *common mix*).",
        "",
    ]
    for run in summary["runs"]:
        out += _run_markdown(run)
    return "\n".join(out) + "\n"


def _run_markdown(run: dict) -> list[str]:
    targets = _by_name(run)
    reference = targets.get(REFERENCE)
    out = [f"## {run['quads']:,} quads",
           "",
           f"Files: TriG {run['files']['trig_bytes'] / 2**20:.1f} MiB, N-Quads with the merged default graph "
           f"{run['files']['nquads_bytes'] / 2**20:.1f} MiB. Mix: {len(run['mix'])} queries; common mix: "
           f"{len(run['common_mix'])}. This size took {run['seconds'] / 60:.1f} minutes.",
           "",
           "| target | answers right | prepare s | start-up s | peak RSS MiB | peak PSS MiB | req/s ×1 | ×4 | ×16 "
           "| repeated ×16 | ×4 vs Oxigraph mem | median latency ms |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, target in targets.items():
        if target["skipped"]:
            out.append(f"| {name} | skipped: {target['skipped']} |" + " |" * 10)
            continue
        right = sum(v == "ok" for v in target["answers"].values())
        rates = [_rate(target, key) for key in ("uncached-1", "uncached-4", "uncached-16", "repeated-16")]
        errors = sum(t["errors"] for t in target["throughput"].values())
        out.append(" | ".join([
            f"| {name}", f"{right}/{len(target['answers'])}", _number(target["prepare_seconds"], 2),
            _number(target["startup_seconds"], 2), _number(target["peak_rss_mb"], 0), _number(target["peak_pss_mb"], 0),
            *(_number(rate, 0) for rate in rates),
            _ratio(rates[1], reference and _rate(reference, "uncached-4")),
            _number(_median_latency(target, run["common_mix"]), 2)]) + " |")
        if target["failure"]:
            out.append(f"| ↳ {name} failed: {target['failure']} |" + " |" * 11)
        if errors:
            out.append(f"| ↳ {name}: {errors} requests failed during the throughput runs |" + " |" * 11)
    wrong = {name: {q: v for q, v in t["answers"].items() if v != "ok"} for name, t in targets.items()}
    wrong = {name: answers for name, answers in wrong.items() if answers}
    if wrong:
        out += ["", "Answers that were not right (left out of the common mix when the target is measured):", ""]
        out += [f"- **{name}**: " + ", ".join(f"`{q}` ({v})" for q, v in answers.items()) for name, answers in wrong.items()]
    measured = [name for name, t in targets.items() if t["latency"]]
    out += ["", "Per-query latency, median / p95 in ms (one client):", "",
            "| query | " + " | ".join(measured) + " |", "|---|" + "---|" * len(measured)]
    for query in run["mix"]:
        cells = []
        for name in measured:
            measured_latency = targets[name]["latency"].get(query)
            cells.append("–" if measured_latency is None
                         else f"{measured_latency['median_ms']:.2f} / {measured_latency['p95_ms']:.2f}")
        out.append(f"| {query} | " + " | ".join(cells) + " |")
    return out + [""]
