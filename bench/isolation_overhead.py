"""What running each query in an executor process costs: the throughput of a simple, repeated but
uncached query (a counter in an unused PREFIX declaration makes every query new) on the production server, and on the same
server answering in its own process, side by side in one run (wrk, alternating rounds).

    .venv/bin/python -m bench.isolation_overhead [--seconds 10] [--rounds 3] [--connections 4] [--workers 2]
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from .measure import free_port, run_salt
from .side_by_side import options, start

BIN = Path(sys.executable).parent
QUERY = "SELECT ?m WHERE { ?m a <https://w3id.org/ilrs/ontology/Mission> } LIMIT 5"
# The same app, its queries answered in the gunicorn worker itself (no executors): the "before".
IN_PROCESS = """
import sys
from ilrs_graph.dataset import Dataset
from ilrs_server import Config, create_app
from ilrs_server.run import claimed_port, listen, serve
listener = claimed_port("127.0.0.1", int(sys.argv[1]))
app = create_app(Config(), dataset=Dataset.open())
listen(listener)
serve(app, listener=listener, workers=int(sys.argv[2]))
"""
# The PREFIX name holds the run's SALT, the wrk thread's number (each thread has its own Lua state, and
# so its own counter) and the counter: no text is sent twice, in one run or over the rounds.
WRK_SCRIPT = """
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("lane", threads)
end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/sparql?query=PREFIX+u" .. os.getenv("SALT") .. "_" .. lane .. "_" .. counter
                    .. "%3A+%3Curn%3Au%3A%3E%0A" .. os.getenv("QUERY"), {["Accept"] = "application/sparql-results+json"})
end
"""


def wrk(port: int, seconds: float, connections: int, script: Path) -> tuple[float, float]:
    """Requests per second and median latency (ms)."""
    from urllib.parse import quote
    output = subprocess.run(["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds:g}s", "--latency",
                             "-s", str(script), f"http://127.0.0.1:{port}"],
                            capture_output=True, text=True, env={"QUERY": quote(QUERY), "SALT": run_salt()}, check=True).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"errors during the run:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    median = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[median.group(2)]
    return rate, float(median.group(1)) * scale


def main() -> None:
    args = options(__doc__, seconds=10, connections=4)
    isolated_port, in_process_port = free_port(), free_port()
    servers = {
        "executors (production)": (start([str(BIN / "ilrs-graph"), "serve", "--port", str(isolated_port),
                                          "--workers", str(args.workers)], isolated_port), isolated_port),
        "in-process (no isolation)": (start([sys.executable, "-c", IN_PROCESS, str(in_process_port),
                                             str(args.workers)], in_process_port), in_process_port),
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in servers}
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        try:
            for _ in range(args.rounds):
                for name, (_, port) in servers.items():
                    results[name].append(wrk(port, args.seconds, args.connections, Path(script.name)))
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(timeout=30)
    print(f"{args.rounds} rounds of {args.seconds:g} s, {args.connections} connections, {args.workers} workers, "
          f"each request a new query text:")
    rates = {}
    for name, runs in results.items():
        rates[name] = statistics.mean(rate for rate, _ in runs)
        print(f"  {name:28} {rates[name]:8.0f} req/s   median {statistics.mean(m for _, m in runs):.2f} ms   "
              f"(rounds: {', '.join(f'{rate:.0f}' for rate, _ in runs)})")
    isolated, in_process = rates.values()
    print(f"  executors cost {100 * (1 - isolated / in_process):.1f} % of the in-process throughput "
          f"({1e6 / isolated - 1e6 / in_process:.0f} µs of server time per query)")


if __name__ == "__main__":
    main()
