"""The server allocates with mimalloc where it is installed (ilrs_graph/memory.py): it starts itself again
with the library preloaded, every process it forks inherits it, and memory freed is still given back.

The tests that need mimalloc are skipped, saying why, where it is not installed (`apt-get install
libmimalloc2.0`; .ci/run does it)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests

from ilrs_graph import cli, memory

from .conftest import FIXTURES, run_cli
from .server_process import free_port, running_server_process

LIBRARY = memory.mimalloc_library()
needs_mimalloc = pytest.mark.skipif(LIBRARY is None, reason=f"mimalloc is not installed ({memory.MIMALLOC_PACKAGE})")
# A server started in this process (by cli.main) goes as far as serving when this process has mimalloc.
in_a_process_without_mimalloc = pytest.mark.skipif(memory.allocator_in_use() == memory.MIMALLOC,
                                                   reason="the tests run with mimalloc preloaded")


def _processes_with_mimalloc(root: psutil.Process) -> dict[int, bool]:
    """For the server's main process and each process under it: whether mimalloc is mapped into it."""
    found = {}
    for process in [root, *root.children(recursive=True)]:
        try:
            found[process.pid] = "libmimalloc" in Path(f"/proc/{process.pid}/maps").read_text()
        except (FileNotFoundError, ProcessLookupError):  # an executor closed meanwhile
            pass
    return found


def _answer_a_query(base: str) -> None:
    """So that the server's executors are forked and have answered."""
    answered = requests.get(base + "sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                            headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert answered.status_code == 200, answered.text


@needs_mimalloc
def test_the_server_allocates_with_mimalloc_where_installed_in_every_process_it_starts():
    """The main process keeps its id when it starts itself again (signals and the log's 'Listening at'
    name it); its workers, the forker and the executors are forked from it, mimalloc in place."""
    with running_server_process("--data", FIXTURES / "base.trig", workers=2) as served:
        _answer_a_query(served.base)
        deadline = time.monotonic() + 30
        while True:  # each worker forks its forker, and that its warm executors, once it has started
            with_mimalloc = _processes_with_mimalloc(psutil.Process(served.process.pid))
            if len(with_mimalloc) >= 7 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        log = served.log.read_text()
    assert "(2 workers; allocator mimalloc)" in log, log
    assert len(with_mimalloc) >= 7, with_mimalloc  # main, two workers, their forkers and an executor each
    assert all(with_mimalloc.values()), with_mimalloc
    assert log.count("Serving the ILRS Knowledge Graph") == 1, log


@needs_mimalloc
def test_allocator_system_keeps_the_c_librarys_malloc():
    with running_server_process("--data", FIXTURES / "base.trig", "--allocator", "system") as served:
        _answer_a_query(served.base)
        with_mimalloc = _processes_with_mimalloc(psutil.Process(served.process.pid))
        log = served.log.read_text()
    assert "(1 worker; allocator system)" in log, log
    assert with_mimalloc and not any(with_mimalloc.values()), with_mimalloc


@needs_mimalloc
def test_a_preload_that_failed_is_said_and_not_tried_again(tmp_path):
    """The server started again finds mimalloc still not in use (here: it is told it was started again,
    with nothing preloaded): by default it serves with the C library's malloc and says why; --allocator
    mimalloc refuses to serve (exit 2). Neither starts itself a third time."""
    env = {**os.environ, "ILRS_GRAPH_MIMALLOC_PRELOADED": LIBRARY}
    env.pop("LD_PRELOAD", None)
    with running_server_process("--data", FIXTURES / "base.trig", env=env) as served:
        _answer_a_query(served.base)
        log = served.log.read_text()
    assert f"(1 worker; allocator system: {LIBRARY} could not be preloaded)" in log, log
    refused = run_cli("serve", "--port", free_port(), "--allocator", "mimalloc", "--data", FIXTURES / "base.trig",
                      env=env)
    assert refused.returncode == 2, refused
    assert refused.stderr == f"ilrs-graph: error: --allocator mimalloc: {LIBRARY} could not be preloaded\n"


@in_a_process_without_mimalloc
def test_mimalloc_insisted_on_where_it_is_not_installed_is_refused(monkeypatch, capsys):
    """Its absence cannot be arranged on a machine that has it: the lookup is made to find nothing."""
    monkeypatch.setattr(memory, "mimalloc_library", lambda: None)
    assert cli.main(["serve", "--port", str(free_port()), "--allocator", "mimalloc"]) == 2
    assert capsys.readouterr().err == ("ilrs-graph: error: --allocator mimalloc: mimalloc is not installed "
                                       f"({memory.MIMALLOC_PACKAGE})\n")


@needs_mimalloc
@in_a_process_without_mimalloc
def test_a_server_started_from_python_does_not_start_itself_again(capsys):
    """Only a process that is the command itself may be replaced: here it is the test run."""
    assert cli.main(["serve", "--port", str(free_port()), "--allocator", "mimalloc"]) == 2
    assert capsys.readouterr().err == ("ilrs-graph: error: --allocator mimalloc: a server started from Python "
                                       f"cannot start itself again: preload it (LD_PRELOAD={LIBRARY})\n")



@needs_mimalloc
@in_a_process_without_mimalloc
def test_a_server_that_cannot_run_its_interpreter_again_says_why(monkeypatch, capsys):
    """An interpreter gone since the server started cannot be arranged here: execve fails as it then does.
    The server says so in one line (exit 2 under --allocator mimalloc) instead of a traceback."""
    def interpreter_gone(path, argv, env):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)

    monkeypatch.setattr(os, "execve", interpreter_gone)
    monkeypatch.setattr(sys, "argv", ["ilrs-graph", "serve", "--port", str(free_port()), "--allocator", "mimalloc"])
    assert cli.main() == 2
    assert capsys.readouterr().err == ("ilrs-graph: error: --allocator mimalloc: the server could not start itself "
                                       "again: No such file or directory\n")

@needs_mimalloc
def test_memory_freed_under_mimalloc_is_given_back():
    """mimalloc keeps freed pages for reuse, as glibc's malloc does; after loading and after a long query
    the server asks it to return them (here 200 MB in 1-KB blocks, which Python leaves to malloc)."""
    script = ("from ilrs_graph import memory\n"
              "assert memory.allocator_in_use() == memory.MIMALLOC\n"
              "held = [bytes(1000) + bytes([i % 256]) for i in range(200_000)]\n"
              "del held\n"
              "before = memory.resident_bytes()\n"
              "memory.give_back_freed_memory()\n"
              "print(before - memory.resident_bytes())\n")
    given_back = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                                env={**os.environ, "LD_PRELOAD": LIBRARY}, check=True)
    assert int(given_back.stdout) > 150 * 2**20, given_back
