"""A real Oxigraph server (`oxigraph serve`, from the PyPI package `oxigraph` in the test extra) on
127.0.0.1, for the tests of an external store."""

from __future__ import annotations

import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from .server_process import free_port, running_store_process


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
    base = f"http://127.0.0.1:{port}"
    with running_store_process([command, "serve", "--location", str(location / "db"), "--bind", f"127.0.0.1:{port}",
                                "--timeout-s", str(timeout_seconds)], log=location / "server.log",
                               ready_url=base + "/query?query=ASK%7B%7D", name="oxigraph serve", seconds=30):
        yield base
