"""Files made once and shared by all the processes of a server: the dumps and their gzipped copies.

Writing a dump of a large graph takes seconds and, for a while, as much memory again as the graph.
Made in each worker's heap, every worker paid both for each dump it was asked for and kept the bytes
(at 100k quads, 9 s and 210 MiB per worker for the six dumps /void describes). Here the first process
to ask writes the file while the others wait for it, gives back the memory the writing took, and each
process maps the file: its pages are the system's file cache, one copy however many workers send it.

The directory is made with the dataset (before the server's workers fork, so they share it). A
process that uses it holds a shared lock on its ``in-use`` file, through a descriptor of its own
(opened at its first use, so the executors a worker forked before do not inherit it). When the maker
drops the dataset (a reload), the directory stays while that lock is held (old workers finish their
requests with it) and is removed once it is not: tried then, whenever :func:`remove_released` is
called (the server does when a worker ends), and without condition when the maker exits. A process
finding no directory (none could be made, or it was removed) makes what it is asked for in its own
memory, as before.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import mmap
import os
import shutil
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from . import memory

log = logging.getLogger("ilrs_graph.kept_files")
IN_USE = "in-use"
# Directories this process made, by its pid (forked children inherit the dict; the pid tells them apart),
# and those of them it no longer uses.
_made: dict[Path, int] = {}
_released: set[Path] = set()


class KeptFiles:
    """A directory of files, each made by the first process to ask for it."""

    def __init__(self) -> None:
        self.directory: Path | None = None
        self._in_use: dict[int, BinaryIO] = {}  # by pid: the file a process holds its shared lock through
        try:
            directory = Path(tempfile.mkdtemp(prefix="ilrs-graph-"))
            (directory / IN_USE).touch()
        except OSError as error:
            log.warning("no directory for the dumps (%s): each process will write its own, in memory", error)
            return
        self.directory = directory
        _made[directory] = os.getpid()
        weakref.finalize(self, _release, directory, self._in_use).atexit = False  # at exit: _remove_made_here

    def bytes_of(self, name: str, make: Callable[[], bytes | None]) -> memoryview | None:
        """The bytes of file ``name``, made by ``make()`` if no process has made it yet (the others
        wait for it). ``make()`` returning None means it cannot be made: that too is remembered, and
        None returned to every process that asks. What ``make()`` raises reaches the caller, and the
        next asker tries again."""
        if self.directory is None:
            return _in_memory(make())
        path, refused = self.directory / name, self.directory / f"{name}.cannot"
        try:
            self._use()
            lock = open(self.directory / f"{name}.lock", "wb")
        except FileNotFoundError:  # removed: by a cleaner of old temporary files, or as its version was replaced
            return _in_memory(make())
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists() and not refused.exists():
                body = make()
                if body is None:
                    refused.touch()
                elif not _written(path, body):
                    return _in_memory(body)
                del body
                memory.give_back_freed_memory()  # what making it took: up to the graph's size again
        return None if refused.exists() else _mapped(path)

    def _use(self) -> None:
        if os.getpid() not in self._in_use:
            in_use = open(self.directory / IN_USE, "rb")
            fcntl.flock(in_use, fcntl.LOCK_SH)
            self._in_use[os.getpid()] = in_use


def remove_released() -> None:
    """Remove the directories this process made and dropped that no process uses any more."""
    for directory in list(_released):
        if _made.get(directory) != os.getpid():
            continue
        try:
            with open(directory / IN_USE, "rb") as in_use:
                fcntl.flock(in_use, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(directory, ignore_errors=True)  # under the lock: nobody starts using it meanwhile
        except BlockingIOError:
            continue  # a worker of the replaced version still serves from it
        except FileNotFoundError:
            pass  # gone already
        _released.discard(directory)
        del _made[directory]


def _release(directory: Path, in_use: dict[int, BinaryIO]) -> None:
    held = in_use.pop(os.getpid(), None)
    if held is not None:
        held.close()
    if _made.get(directory) == os.getpid():
        _released.add(directory)
        remove_released()


@atexit.register
def _remove_made_here() -> None:
    """The process that made the directories is ending: its workers have ended before it."""
    for directory, maker in list(_made.items()):
        if maker == os.getpid():
            shutil.rmtree(directory, ignore_errors=True)


def _written(path: Path, body: bytes) -> bool:
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_bytes(body)
        partial.replace(path)
    except OSError as error:  # a full disk: the answer is still given
        log.warning("could not keep %s (%s): this process sends it from its own memory", path.name, error)
        partial.unlink(missing_ok=True)
        return False
    return True


def _in_memory(body: bytes | None) -> memoryview | None:
    return None if body is None else memoryview(body)


def _mapped(path: Path) -> memoryview:
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size == 0:
            return memoryview(b"")  # an empty file cannot be mapped
        return memoryview(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))
