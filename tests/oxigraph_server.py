"""A real Oxigraph server (`oxigraph serve`, from the PyPI package `oxigraph` in the test extra) on
127.0.0.1, for the tests of an external store."""

from __future__ import annotations

import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from .server_process import free_port, running_store_process


def _oxigraph_command() -> str:
    """The `oxigraph` command of the test extra: a test of the external store fails where it is missing,
    rather than be skipped and leave CI green without it."""
    beside_python = Path(sys.executable).parent / "oxigraph"
    found = str(beside_python) if beside_python.exists() else shutil.which("oxigraph")
    if found is None:
        pytest.fail("the oxigraph server binary is missing: install the test extra (pip install -e '.[test]'), "
                    "which holds the PyPI package `oxigraph`")
    return found


@contextmanager
def running_oxigraph(location: Path, *, timeout_seconds: int = 5):
    """Yield the base URL of an Oxigraph server keeping its RocksDB store in ``location``; its own
    query timeout is ``timeout_seconds``."""
    command = _oxigraph_command()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running_store_process([command, "serve", "--location", str(location / "db"), "--bind", f"127.0.0.1:{port}",
                                "--timeout-s", str(timeout_seconds)], log=location / "server.log",
                               ready_url=base + "/query?query=ASK%7B%7D", name="oxigraph serve", seconds=30):
        yield base
