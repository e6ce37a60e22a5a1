"""How the server's processes allocate memory: with mimalloc where it is installed, and so that memory
freed is memory given back.

The engine allocates and frees a great deal while it answers (joined solutions, mostly). mimalloc does
it for less CPU than glibc's malloc: about 5 % per query at 100k quads and 6 % at 1M, for the same peak
memory (docs/performance.md, "The allocator: mimalloc"). It is a C library, not a Python package, so it
is used when the system has it (Debian and Ubuntu: libmimalloc2.0); the server then starts itself again
with it preloaded (:func:`relaunch_with_mimalloc`), since an allocator must be in place before anything
is allocated.

Under glibc's malloc, answers pass through a worker's threads as large byte strings. With glibc's
defaults each thread may get its own arena, and the size above which a block is mapped on its own (and
unmapped when freed) rises to the largest block freed so far: after a few multi-megabyte answers, every
answer is carved from arenas that keep their pages. At 1M quads that held 120–190 MiB per worker under
load; with :func:`tune_for_threads`, about 60 MiB (bench/memory.py). On other C libraries these calls
do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import sys
from functools import lru_cache
from typing import NoReturn

_M_MMAP_THRESHOLD, _M_ARENA_MAX = -3, -8  # mallopt parameters, from glibc's malloc.h
MMAP_THRESHOLD_BYTES = 256 * 2**10
ARENAS = 2
MIMALLOC = "mimalloc"
SYSTEM = "system"  # the C library's malloc
MIMALLOC_PACKAGE = "libmimalloc2.0 on Debian and Ubuntu"
# Set when the server starts itself again with mimalloc preloaded: a second start finding mimalloc still
# not in use (the preload failed) does not try a third time.
_PRELOADED = "ILRS_GRAPH_MIMALLOC_PRELOADED"


@lru_cache(maxsize=1)
def allocator_in_use() -> str:
    """:data:`MIMALLOC` when mimalloc serves this process's malloc (preloaded), else :data:`SYSTEM`."""
    return MIMALLOC if hasattr(ctypes.CDLL(None), "mi_collect") else SYSTEM


def mimalloc_library() -> str | None:
    """The installed mimalloc library's name, as the dynamic loader finds it; None when it is not installed."""
    return ctypes.util.find_library("mimalloc")


def mimalloc_version() -> str | None:
    """The installed mimalloc's version (for the benchmark's report), whether or not this process uses it."""
    library = mimalloc_library()
    if library is None:
        return None
    encoded = ctypes.CDLL(library).mi_version()  # 209 for 2.0.9
    return f"{encoded // 100}.{encoded // 10 % 10}.{encoded % 10}"


def preload_was_tried() -> bool:
    """Whether this process is the server started again for mimalloc (whether or not the preload worked)."""
    return _PRELOADED in os.environ


def relaunch_with_mimalloc(library: str) -> NoReturn:
    """Replace this process with the same command, ``library`` preloaded: returns only by OSError, when the
    interpreter cannot be run. Only a process started from its own command line may do this; nothing it
    opened survives (sockets close on exec)."""
    preloaded = " ".join(filter(None, [library, os.environ.get("LD_PRELOAD")]))
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]],
              {**os.environ, "LD_PRELOAD": preloaded, _PRELOADED: library})


@lru_cache(maxsize=1)
def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None
    libc.mallopt.argtypes, libc.malloc_trim.argtypes = [ctypes.c_int, ctypes.c_int], [ctypes.c_size_t]
    return libc


def tune_for_threads() -> None:
    """Under glibc's malloc, few arenas, and a fixed mapping threshold: blocks from 256 KiB up go back to
    the system when freed. Called in the server process before its workers fork; they and their executors
    inherit it. mimalloc needs none of this: its pages hold blocks of one size, and its free ones go back
when :func:`give_back_freed_memory` asks."""
    libc = _glibc()
    if libc is not None and allocator_in_use() == SYSTEM:
        libc.mallopt(_M_ARENA_MAX, ARENAS)
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


def give_back_freed_memory(*, collect: bool = True) -> None:
    """Return the free pages of the heap to the system (glibc keeps them for reuse otherwise): after
    loading, so that forked workers do not inherit the parsed files the engine no longer needs; after a
    long query, so that an executor does not keep what it built to answer it."""
    if collect:
        gc.collect()
    if allocator_in_use() == MIMALLOC:
        _mimalloc_collect()
        return
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def _mimalloc_collect() -> None:
    """mimalloc's malloc_trim: the free pages of the calling thread's heap, and of threads that have
    ended, go back to the system."""
    collect = ctypes.CDLL(None).mi_collect
    collect.argtypes, collect.restype = [ctypes.c_bool], None
    collect(True)


def resident_bytes() -> int | None:
    """This process's resident memory, or None where /proc does not tell it (not Linux)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
