"""Files made once and shared by all the processes of a server: the dumps and their gzipped copies.

Writing a dump of a large graph takes seconds and, for a while, as much memory again as the graph.
Made in each worker's heap, every worker paid both for each dump it was asked for and kept the bytes
(at 100k quads, 9 s and 210 MiB per worker for the six dumps /void describes). Here the first process
to ask writes the file while the others wait for it, gives back the memory the writing took, and each
process maps the file: its pages are the system's file cache, one copy however many workers send it.

The directory is made when the dataset is (before the server's workers fork, so they share it) and
removed by the process that made it when the dataset is dropped or the process ends.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import shutil
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path

from . import memory


class KeptFiles:
    """A directory of files, each made by the first process to ask for it."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="ilrs-graph-"))
        weakref.finalize(self, _remove_if_made_here, self.directory, os.getpid())

    def bytes_of(self, name: str, make: Callable[[], bytes | None]) -> memoryview | None:
        """The bytes of file ``name``, made by ``make()`` if no process has made it yet (the others
        wait for it). ``make()`` returning None means it cannot be made: that too is remembered, and
        None returned to every process that asks. What ``make()`` raises reaches the caller, and the
        next asker tries again."""
        path = self.directory / name
        refused = self.directory / f"{name}.cannot"
        self.directory.mkdir(exist_ok=True)  # removed under a worker still serving a replaced version
        with open(self.directory / f"{name}.lock", "wb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists() and not refused.exists():
                _write(path, refused, make)
        return None if refused.exists() else _mapped(path)


def _write(path: Path, refused: Path, make: Callable[[], bytes | None]) -> None:
    body = make()
    if body is None:
        refused.touch()
        return
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(body)
    partial.replace(path)
    del body
    memory.give_back_freed_memory()  # what writing it took: up to the graph's size again


def _mapped(path: Path) -> memoryview:
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size == 0:
            return memoryview(b"")  # an empty file cannot be mapped
        return memoryview(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))


def _remove_if_made_here(directory: Path, maker: int) -> None:
    """Forked workers inherit the finaliser: only the process that made the directory removes it."""
    if os.getpid() == maker:
        shutil.rmtree(directory, ignore_errors=True)
