"""Shared fixtures: the real command line and the shipped graph, loaded once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from ilrs_graph.load import load_shipped

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def ilrs_graph_command() -> str:
    """The installed console script, as a user runs it."""
    beside_python = Path(sys.executable).parent / "ilrs-graph"
    found = str(beside_python) if beside_python.exists() else shutil.which("ilrs-graph")
    assert found, "the ilrs-graph console script is not installed (pip install -e .)"
    return found


def run_cli(*args: str | Path, cwd: Path = ROOT, timeout: float = 120,
            env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``ilrs-graph ARGS`` in a subprocess (in ``env``, else this one's environment) and capture its output."""
    return subprocess.run([ilrs_graph_command(), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


_CACHE = pytest.StashKey[str]()  # the run's own cache directory


def pytest_configure(config: pytest.Config) -> None:
    """The servers and commands the tests start keep their last good copies and validation marks in a
    cache of the run's own (their environment's XDG_CACHE_HOME), not in the user's: the server prunes its
    cache, and the copies of the tests' passing data would crowd the user's."""
    os.environ["XDG_CACHE_HOME"] = config.stash[_CACHE] = tempfile.mkdtemp(prefix="ilrs-graph-tests-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _CACHE in config.stash:
        shutil.rmtree(config.stash[_CACHE], ignore_errors=True)


@pytest.fixture(scope="session")
def shipped():
    """The shipped ontology and data, parsed once for the whole run."""
    return load_shipped()


def counting_query(characters: int) -> tuple[str, int]:
    """A query of exactly ``characters`` characters, one string a line, and the count it answers: in a URL
    its quotes, braces and line ends take three bytes each, past gunicorn's 8,190 from 6,000 characters on."""
    head, tail = 'SELECT (COUNT(*) AS ?n) WHERE {\n  VALUES ?x {', "\n  }\n}\n"
    values = []
    while len(head + "\n    ".join(["", *values, f'"{len(values)}"']) + tail) <= characters:
        values.append(f'"{len(values)}"')
    return (head + "\n    ".join(["", *values])).ljust(characters - len(tail)) + tail, len(values)
