"""A real Oxigraph server (`oxigraph serve`, from the PyPI package `oxigraph` in the test extra) on
127.0.0.1, for the tests of an external store."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from .server_process import free_port


def _oxigraph_command() -> str | None:
    beside_python = Path(sys.executable).parent / "oxigraph"
    found = str(beside_python) if beside_python.exists() else shutil.which("oxigraph")
    if found is None:
        return None
    try:
        subprocess.run([found, "--version"], check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return found


@contextmanager
def running_oxigraph(location: Path, *, timeout_seconds: int = 5):
    """Yield the base URL of an Oxigraph server keeping its RocksDB store in ``location``; its own
    query timeout is ``timeout_seconds``. Skips the test where the binary cannot run."""
    command = _oxigraph_command()
    if command is None:
        pytest.skip("the oxigraph server binary (PyPI package `oxigraph`, in the test extra) cannot run here")
    port = free_port()
    log = (location / "server.log").open("w")
    process = subprocess.Popen([command, "serve", "--location", str(location / "db"),
                                "--bind", f"127.0.0.1:{port}", "--timeout-s", str(timeout_seconds)],
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, f"oxigraph serve exited with {process.returncode}"
            try:
                if requests.get(base + "/query", params={"query": "ASK {}"}, timeout=1).ok:
                    break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "oxigraph serve did not answer in 30 s"
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()
