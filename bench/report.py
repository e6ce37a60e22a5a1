"""The benchmark's figures as text: ratios for the terminal, bench/RESULTS.md for people."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata

import psutil

from ilrs_graph import memory

from .targets import OURS, REFERENCE, program

ROCKSDB = "oxigraph-rocksdb"
RDFLIB_ENDPOINT = "rdflib-endpoint"
LARGE = 100_000  # generated graphs from this size on are judged by the large-graph targets
MEMORY_LIMIT_BYTES = 2 * 10**9  # "all server processes together peak under 2 GB"


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
                         "mimalloc (ours' allocator)": memory.mimalloc_version() or "not installed",
                         "wrk": output("wrk", "--version")}}


def _by_name(run: dict) -> dict[str, dict]:
    return {target["name"]: target for target in run["targets"]}


def _rate(target: dict, key: str) -> float | None:
    measured = target["throughput"].get(key)
    return None if measured is None else measured["requests_per_second"]


def _mixes(run: dict) -> dict[str, list[str]]:
    """The mixes throughput was measured on: the full one, and the common one when it differs."""
    mixes = {"full": run["mix"]}
    if len(run["common_mix"]) < len(run["mix"]):
        mixes["common"] = run["common_mix"]
    return mixes


def _median_latency(target: dict, queries: list[str]) -> float | None:
    """The median over ``queries`` of each query's median latency (None unless all were measured)."""
    medians = [target["latency"][q]["median_ms"] for q in queries if q in target["latency"]]
    return statistics.median(medians) if medians and len(medians) == len(queries) else None


def _loads(averages: list[float]) -> str:
    return ", ".join(f"{average:.1f}" for average in averages)


def _ratio(value: float | None, against: float | None) -> str:
    return "–" if value is None or not against else f"{value / against:.2f}×"


def _number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _digits(rate: float) -> int:
    """Decimals enough to show a ratio between two rates: none from 100 requests/s up, one below."""
    return 0 if rate >= 100 else 1


def ratios_text(summary: dict) -> str:
    """Throughput and latency of every target against Oxigraph server (in memory, and on RocksDB)."""
    lines = []
    for run in summary["runs"]:
        targets = _by_name(run)
        reference, rocksdb = targets.get(REFERENCE), targets.get(ROCKSDB)
        for mix, queries in _mixes(run).items():
            key = f"{mix}-uncached-4"
            lines.append(f"{run['title']}, {mix} mix ({len(queries)} queries): throughput (req/s, uncached, "
                         f"4 connections) and median latency, against {REFERENCE} / {ROCKSDB}:")
            for name, target in targets.items():
                if target["skipped"] or target["failure"]:
                    lines.append(f"  {name:28} {target['skipped'] or target['failure']}")
                    continue
                rate, median = _rate(target, key), _median_latency(target, queries)
                lines.append(
                    f"  {name:28} {_number(rate):>10} req/s  {_ratio(rate, reference and _rate(reference, key)):>7}"
                    f" / {_ratio(rate, rocksdb and _rate(rocksdb, key)):>7}    median {_number(median, 2):>8} ms"
                    f"  {_ratio(median, reference and _median_latency(reference, queries)):>7}"
                    f" / {_ratio(median, rocksdb and _median_latency(rocksdb, queries)):>7}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Verdict:
    """One of the issue's targets, as this run measured it."""

    graph: str  # the run's title
    what: str
    target: str
    measured: str
    met: bool | None  # None: not measured in this run


def verdicts(summary: dict) -> list[Verdict]:
    """The issue's targets against this run's figures, each computed from them: throughput with 4
    connections, uncached (repeated: 16), on the full mix where the targets compared are right on every
    query, else the common one; latency over queries/*.rq (``run["questions"]``, all of them or not
    measured) as the median of each query's median, and each query's median against Oxigraph's."""
    found = []
    for run in summary["runs"]:
        targets, title = _by_name(run), run["title"]
        ours = targets.get(OURS)
        if ours is None or ours["skipped"] or ours["failure"]:
            continue

        def judge(what: str, target: str, measured: float | None, against: str | None, limit: float,
                  at_most: bool = False, unit: str = "×") -> None:
            if measured is None:
                found.append(Verdict(title, what, target, "not measured", None))
                return
            met = measured <= limit if at_most else measured >= limit
            found.append(Verdict(title, what, target, _on_its_side(measured, limit, met, at_most) + unit
                                 + (f" ({against})" if against else ""), met))

        def throughput_ratio(other: str, kind: str) -> tuple[float | None, str | None]:
            for mix in _mixes(run):
                key = f"{mix}-{kind}"
                mine, theirs = _rate(ours, key), targets.get(other) and _rate(targets[other], key)
                if mine is not None and theirs:
                    against = f"{_number(mine, _digits(mine))} against {_number(theirs, _digits(theirs))} req/s, {mix} mix"
                    # A rate counts the answered requests only: say when some were not (e.g. 503 at a time limit).
                    failed = [target["throughput"][key].get("errors_in_all_rounds", 0) for target in (ours, targets[other])]
                    if any(failed):
                        against += f"; failed requests, all rounds: {failed[0]} against {failed[1]}"
                    return mine / theirs, against
            return None, None

        if run["title"].startswith("The shipped graph"):
            for other, kind, limit, what in (
                    (ROCKSDB, "uncached-4", 1.0, "throughput vs Oxigraph server on RocksDB"),
                    (REFERENCE, "uncached-4", 0.4, "throughput vs Oxigraph server in memory"),
                    (REFERENCE, "repeated-16", 1.0, "repeated queries (result cache, 16 connections) vs Oxigraph in memory"),
                    (RDFLIB_ENDPOINT, "uncached-4", 8.0, "throughput vs rdflib-endpoint")):
                ratio, against = throughput_ratio(other, kind)
                judge(what, f"≥ {limit:.1f}×", ratio, against, limit)
            # "Median latency of every queries/*.rq": the competency questions, not bench/queries' heavy ones.
            rocksdb, questions = targets.get(ROCKSDB), run["questions"]
            mine, theirs = _median_latency(ours, questions), rocksdb and _median_latency(rocksdb, questions)
            judge("median latency over queries/*.rq (each query's median) vs Oxigraph server on RocksDB", "≤ 1.5×",
                  mine / theirs if mine and theirs else None,
                  f"{mine:.2f} against {theirs:.2f} ms" if mine and theirs else None, 1.5, at_most=True)
            ratios = {q: ours["latency"][q]["median_ms"] / rocksdb["latency"][q]["median_ms"]
                      for q in questions if rocksdb and q in ours["latency"] and q in rocksdb["latency"]}
            worst = max(ratios, key=ratios.get, default=None)
            judge("each query's median latency vs Oxigraph server on RocksDB's", "≤ 1.5×",
                  ratios[worst] if worst and len(ratios) == len(questions) else None,
                  f"the most, {worst}; {sum(r <= 1.5 for r in ratios.values())} of {len(ratios)} queries within"
                  if worst else None, 1.5, at_most=True)
            judge("start-up to first answer", "< 2 s", ours["startup_seconds"], None, 2.0, at_most=True, unit=" s")
        elif run["quads"] >= LARGE:
            ratio, against = throughput_ratio(REFERENCE, "uncached-4")
            judge("throughput vs Oxigraph server in memory", "≥ 0.9×", ratio, against, 0.9)
            if run["quads"] >= 10 * LARGE:
                judge("load to first answer", "< 60 s", ours["startup_seconds"], None, 60.0, at_most=True, unit=" s")
                judge("peak memory of all its processes (PSS)", f"< {MEMORY_LIMIT_BYTES / 1e9:g} × 10⁹ bytes",
                      ours["peak_pss_mb"] * 2**20 / 1e9, f"{ours['peak_pss_mb']:,.0f} MiB", MEMORY_LIMIT_BYTES / 1e9,
                      at_most=True, unit=" × 10⁹ bytes")
    return found


def _on_its_side(measured: float, limit: float, met: bool, at_most: bool) -> str:
    """``measured`` with two decimals, or as many more as it takes not to be shown on the other side of
    ``limit`` (0.999× is not "1.00×" beside "not met")."""
    for digits in range(2, 7):
        shown = float(f"{measured:.{digits}f}")
        if (shown <= limit if at_most else shown >= limit) == met:
            break
    return f"{measured:,.{digits}f}"


def _verdicts_markdown(summary: dict) -> list[str]:
    found = verdicts(summary)
    if not found:
        return []
    met = {True: "met", False: "**not met**", None: "not measured"}
    return ["## Against the issue's targets", "",
            f"`{OURS}` (ours, on all cores), computed from the figures below: throughput with 4 connections,",
            "uncached (repeated: 16 connections), on the full mix where both targets are right on every query,",
            "else on the common mix; latency is one client's, on the queries of queries/*.rq (not the heavier",
            "ones of bench/queries), read two ways: the median over them of each query's median, and each",
            "query's median against the same query's. A figure near its target moves from run to run with the",
            "machine.", "",
            "| graph | target | | measured | |", "|---|---|---|---|---|",
            *(f"| {v.graph} | {v.what} | {v.target} | {v.measured} | {met[v.met]} |" for v in found), ""]


def verdicts_text(summary: dict) -> str:
    """The issue's targets, a line each, for the terminal."""
    met = {True: "met", False: "NOT MET", None: "not measured"}
    return "".join(f"  {met[v.met]:12} {v.graph}: {v.what} {v.target}: {v.measured}\n" for v in verdicts(summary))


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
        "(median and 95th percentile). *Throughput* is wrk (one thread) for a set time (`wrk_seconds`, or",
        "longer where the fastest target needs over a fifth of it to answer the mix once) with 1, 4 and 16",
        "connections sending a mix round robin; where the runs are longer, an uncached run is a fixed amount",
        "of work instead (as BSBM's query mixes per hour): passes of the mix (each size says how many),",
        "timed to the last answer, so that a figure neither counts how many of a few passes fit nor loses the",
        "work unanswered at its end. The targets run side by side and take turns, in",
        f"rounds ({summary['settings']['rounds']}; each begins with another target): a figure is the target's median round, so that",
        "other work on the machine during one run weighs on no target alone. Each run starts once every",
        "target is idle again (a server may still be computing what the previous run abandoned);",
        "*uncached* requests each start with a new (unused) PREFIX declaration so",
        "that no two queries are equal and no result cache can answer; *repeated* sends the same texts again",
        "(a result cache may answer). *Memory* is the peak over the run of all the target's processes: RSS",
        "summed, and PSS summed (pages shared by forked workers counted once). Answers are checked against",
        "the embedded engine (tests/answers.py: multisets, order where ORDER BY fixes it, graphs isomorphic).",
        "Throughput is measured on the *full mix* for the targets right on every query, and, when a measured",
        "target is not, on the *common mix* (the queries every measured target answers right) for all of them.",
        "*plain-flask* is the issue's reference point, gunicorn + Flask + pyoxigraph written plainly",
        "(`bench/plain_server.py`: each query run in the request's thread, no checks, limits, executors or cache).",
        "",
        *_verdicts_markdown(summary),
    ]
    for run in summary["runs"]:
        out += _run_markdown(run)
    return "\n".join(out) + "\n"


def _rounds_markdown(run: dict) -> list[str]:
    """Every round of the figures the targets are judged by (×4 uncached, repeated ×16): the spread."""
    keys = [f"{mix}-{kind}" for mix in _mixes(run) for kind in ("uncached-4", "repeated-16")]
    rows = []
    for name, target in _by_name(run).items():
        rounds = [target["throughput"].get(key, {}).get("rounds", []) for key in keys]
        if any(len(measured) > 1 for measured in rounds):
            rows.append(f"| {name} | " + " | ".join(" / ".join(f"{rate:,.0f}" for rate in measured) or "–"
                                                   for measured in rounds) + " |")
    if not rows:
        return []
    return ["", "Each round, requests/s, in the order measured (the tables above show the median):", "",
            "| target | " + " | ".join(key.replace("-", " ", 1).replace("-", " ×") for key in keys) + " |",
            "|---|" + "---|" * len(keys), *rows]


def _run_markdown(run: dict) -> list[str]:
    targets = _by_name(run)
    reference, rocksdb = targets.get(REFERENCE), targets.get(ROCKSDB)
    out = [f"## {run['title']}",
           "",
           f"Files: TriG {run['files']['trig_bytes'] / 2**20:.1f} MiB, N-Quads with the merged default graph "
           f"{run['files']['nquads_bytes'] / 2**20:.1f} MiB. Mix: {len(run['mix'])} queries"
           + (f" (left out, the embedded engine took longer than a target is given: {', '.join(run['too_slow'])})"
              if run["too_slow"] else "")
           + f"; common mix: {len(run['common_mix'])}."
           + (f" Throughput: uncached runs of {run['uncached_passes']} passes of the mix, timed to the last "
              f"answer; repeated runs of {run['run_seconds']:.0f} s." if run.get("uncached_passes")
              else f" Throughput runs of {run['run_seconds']:.0f} s.")
           + f" This size took {run['seconds'] / 60:.1f} minutes; the machine's load average "
           f"(1, 5, 15 min) was {_loads(run['load_average']['before'])} before and "
           f"{_loads(run['load_average']['after'])} after (other work on the machine shows there).",
           "",
           "| target | answers right | prepare s | start-up s | peak RSS MiB | peak PSS MiB |",
           "|---|---|---|---|---|---|"]
    for name, target in targets.items():
        if target["skipped"]:
            out.append(f"| {name} | skipped: {target['skipped']} | | | | |")
            continue
        right = sum(v == "ok" for v in target["answers"].values())
        out.append(f"| {name} | {right}/{len(target['answers'])} | {_number(target['prepare_seconds'], 2)} | "
                   f"{_number(target['startup_seconds'], 2)} | {_number(target['peak_rss_mb'], 0)} | "
                   f"{_number(target['peak_pss_mb'], 0)} |")
    failures = [(name, t["failure"]) for name, t in targets.items() if t["failure"]]
    out += [""] + [f"- **{name}** failed: {failure}" for name, failure in failures]
    for mix, queries in _mixes(run).items():
        out += ["", f"Throughput on the {mix} mix ({len(queries)} queries), requests/s; latency is the median over "
                    "the mix of each query's median (one client):", "",
                "| target | ×1 | ×4 | ×16 | repeated ×16 | ×4 vs Oxigraph memory | ×4 vs Oxigraph RocksDB "
                "| failed requests (all rounds) | median latency ms | vs Oxigraph memory | vs Oxigraph RocksDB |",
                "|---|---|---|---|---|---|---|---|---|---|---|"]
        for name, target in targets.items():
            rates = [_rate(target, f"{mix}-{key}") for key in ("uncached-1", "uncached-4", "uncached-16", "repeated-16")]
            if all(rate is None for rate in rates):
                continue
            errors = sum(t["errors_in_all_rounds"] for key, t in target["throughput"].items() if key.startswith(mix))
            median = _median_latency(target, queries)
            out.append(" | ".join([
                f"| {name}", *(_number(rate, 0) for rate in rates),
                _ratio(rates[1], reference and _rate(reference, f"{mix}-uncached-4")),
                _ratio(rates[1], rocksdb and _rate(rocksdb, f"{mix}-uncached-4")), str(errors), _number(median, 2),
                _ratio(median, reference and _median_latency(reference, queries)),
                _ratio(median, rocksdb and _median_latency(rocksdb, queries))]) + " |")
    out += _rounds_markdown(run)
    wrong = {name: {q: v for q, v in t["answers"].items() if v != "ok"} for name, t in targets.items()}
    wrong = {name: answers for name, answers in wrong.items() if answers}
    if wrong:
        out += ["", "Answers that were not right (so not in the common mix):", ""]
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
