"""What the side-by-side measurements (isolation_overhead.py, compression.py) share: their command
line, and starting a server until its /healthz answers."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time

import requests


def options(doc: str, *, seconds: float, connections: int) -> argparse.Namespace:
    """--seconds, --rounds, --connections and --workers, with the script's docstring as its help; exits
    when wrk is missing."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=seconds, help="of each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=connections)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (Debian: apt-get install wrk)")
    return args


def start(command: list[str], port: int) -> subprocess.Popen:
    """Run ``command`` (a server listening on ``port``) until its /healthz answers."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{command[0]} did not start")
