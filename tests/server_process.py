"""Starting the real servers the tests drive, on free ports of 127.0.0.1: ours (`ilrs-graph serve`,
gunicorn), and a store's."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import requests

from .conftest import ilrs_graph_command


class Served(NamedTuple):
    base: str
    port: int
    process: subprocess.Popen
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(*args: str | Path, workers: int = 1, startup_seconds: float = 60.0, env: dict | None = None):
    """Yield the base URL of a server started with ``ilrs-graph serve ARGS``; stop it afterwards."""
    with running_server_process(*args, workers=workers, startup_seconds=startup_seconds, env=env) as served:
        yield served.base


@contextmanager
def running_server_process(*args: str | Path, workers: int = 1, startup_seconds: float = 60.0,
                           env: dict | None = None):
    """Yield the base URL, the port, the process (gunicorn's master) and the log of ``ilrs-graph serve ARGS``."""
    port = free_port()
    command = [ilrs_graph_command(), "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), *map(str, args)]
    # The server's log goes to a file: an unread pipe fills up and blocks the server mid-request.
    log = tempfile.NamedTemporaryFile(mode="w+", prefix="ilrs-server-", suffix=".log")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True, env=env)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + startup_seconds
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read()}")
            try:
                if requests.get(base + "healthz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /healthz in time")
            time.sleep(0.1)
        yield Served(base, port, process, Path(log.name))
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()



@contextmanager
def running_store_process(command: list[str], *, log: Path, ready_url: str, name: str, seconds: float,
                          cwd: Path | None = None, kill: bool = False):
    """Run a store's server (``command``) until the block ends, from the moment a GET of ``ready_url`` is
    answered 2xx; stopped by SIGTERM, or SIGKILL (``kill``: its data is thrown away anyway)."""
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + seconds
            while True:
                assert process.poll() is None, f"{name} exited with {process.returncode}"
                try:
                    if requests.get(ready_url, timeout=1).ok:
                        break
                except requests.ConnectionError:
                    pass
                assert time.monotonic() < deadline, f"{name} did not answer in {seconds:g} s"
                time.sleep(0.1)
            yield
        finally:
            process.kill() if kill else process.terminate()
            process.wait(timeout=15)
