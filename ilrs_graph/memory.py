"""How the server's processes use glibc's allocator, so that memory freed is memory given back.

Answers pass through a worker's threads as large byte strings. With glibc's defaults each thread may
get its own arena, and the size above which a block is mapped on its own (and unmapped when freed)
rises to the largest block freed so far: after a few multi-megabyte answers, every answer is carved
from arenas that keep their pages. At 1M quads that held 120–190 MiB per worker under load; with
:func:`tune_for_threads`, about 60 MiB (bench/memory.py). On other C libraries these calls do nothing.
"""

from __future__ import annotations

import ctypes
import gc
import os
from functools import lru_cache

_M_MMAP_THRESHOLD, _M_ARENA_MAX = -3, -8  # mallopt parameters, from glibc's malloc.h
MMAP_THRESHOLD_BYTES = 256 * 2**10
ARENAS = 2


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
    """Few arenas, and a fixed mapping threshold: blocks from 256 KiB up go back to the system when
    freed. Called in the server process before its workers fork; they and their executors inherit it."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, ARENAS)
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


def give_back_freed_memory(*, collect: bool = True) -> None:
    """Return the free pages of the heap to the system (glibc keeps them for reuse otherwise): after
    loading, so that forked workers do not inherit the parsed files the engine no longer needs; after a
    long query, so that an executor does not keep what it built to answer it."""
    if collect:
        gc.collect()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def resident_bytes() -> int | None:
    """This process's resident memory, or None where /proc does not tell it (not Linux)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
