"""What gzip costs a client that asks for it: our server's throughput on the repeated query mix and on
two dumps, with and without ``Accept-Encoding: gzip``, side by side in one run (wrk, alternating rounds).
An answer keeps its gzipped copy (server/encoding.py), so the two should be alike. Every gzipped answer
is first checked to be the uncompressed one, compressed.

    .venv/bin/python -m bench.compression [--seconds 5] [--rounds 3] [--connections 16] [--workers 2]
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import requests

from .measure import LUA_SCRIPT, free_port
from .run import load_mix
from .side_by_side import options, start

BIN = Path(sys.executable).parent
DUMPS = ("/data.nq", "/data.ttl")


def check_answers(base: str, mix) -> None:
    """Each query and dump, gzipped, is its uncompressed answer compressed."""
    for query in mix:
        def ask(coding: str) -> requests.Response:
            return requests.post(base + "/sparql", data={"query": query.text}, stream=True, timeout=60,
                                 headers={"Accept": query.accept, "Accept-Encoding": coding})
        plain, zipped = ask("identity"), ask("gzip")
        body = zipped.raw.read()
        if zipped.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        if plain.status_code != 200 or body != plain.raw.read():
            raise SystemExit(f"{query.name}: the gzipped answer is not the uncompressed one")


def rate(base: str, what: str, coding: str | None, *, seconds: float, connections: int, requests_file: Path) -> float:
    """Requests per second without errors: the query mix round robin (``what`` "mix"), or one dump."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "-s", str(LUA_SCRIPT)]
    environment = {name: value for name, value in os.environ.items() if not name.startswith("BENCH_")}
    if what == "mix":
        command.append(base)
        environment.update(BENCH_REQUESTS=str(requests_file), BENCH_PATH="/sparql", BENCH_UNIQUE="0")
        if coding:
            environment["BENCH_ACCEPT_ENCODING"] = coding
    else:
        command += [*(["-H", f"Accept-Encoding: {coding}"] if coding else []), base + what]
    output = subprocess.run(command, capture_output=True, text=True, env=environment, check=True).stdout
    result = json.loads(next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))[len("BENCH_JSON "):])
    errors = result["status_errors"] + result["timeouts"] + result["connect_errors"] + result["read_errors"]
    if errors:
        raise SystemExit(f"{what} ({coding or 'identity'}): {errors} failed requests")
    return result["requests"] / (result["duration_us"] / 1e6)


def main() -> None:
    args = options(__doc__, seconds=5, connections=16)
    mix, port = load_mix(), free_port()
    base = f"http://127.0.0.1:{port}"
    process = start([str(BIN / "ilrs-graph"), "serve", "--port", str(port), "--workers", str(args.workers)], port)
    runs = [(what, coding) for what in ("mix", *DUMPS) for coding in ("gzip", None)]
    rates: dict[tuple[str, str | None], list[float]] = {run: [] for run in runs}
    try:
        check_answers(base, mix)
        with tempfile.TemporaryDirectory() as workdir:
            requests_file = Path(workdir) / "requests.txt"
            requests_file.write_text("".join(f"{q.accept}\t{urlencode({'query': q.text})}\n" for q in mix))
            for number in range(args.rounds):
                for what, coding in runs if number % 2 == 0 else reversed(runs):
                    rates[(what, coding)].append(rate(base, what, coding, seconds=args.seconds,
                                                      connections=args.connections, requests_file=requests_file))
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(f"{args.rounds} rounds of {args.seconds:g} s, {args.connections} connections, {args.workers} workers; "
          "requests/s, median of the rounds:")
    for what in ("mix", *DUMPS):
        zipped, plain = (statistics.median(rates[(what, coding)]) for coding in ("gzip", None))
        label = "repeated query mix" if what == "mix" else what
        print(f"  {label:20} gzip {zipped:8,.0f}   identity {plain:8,.0f}   gzip/identity {zipped / plain:.2f}")


if __name__ == "__main__":
    main()
