"""Spreading clients' connections evenly over gunicorn's workers.

The workers share one listening socket and whichever is quickest accepts, so keep-alive connections
opened at once (wrk's, a proxy's pool) often all go to one worker, which then answers them alone while
the others idle: on the shipped graph, 3,357 repeated queries/s against 8,545 when they were shared
(the bench run of 2026-12-04 14:47, in the history of bench/RESULTS.md). Here a worker stops
accepting while it holds its share of all the workers' connections (the next one counted), so that
another takes the next one. (gunicorn's ``reuse_port`` spreads them too, by the kernel's hash, but then a reload
resets the connections queued at the old workers' sockets: 28 of 29,780 requests over three SIGHUPs.)
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
import os

from .keep_reading import KeepReadingThreadWorker

# Slots for workers: room for the old ones still finishing their connections during a reload.
SLOTS_PER_WORKER = 4
# How soon a worker that has stopped accepting looks at the table again.
RECHECK_SECONDS = 0.02


class ConnectionTable:
    """Each worker's open connections, in memory the master shares with the workers it forks."""

    def __init__(self, workers: int):
        self._workers = workers
        self._pids = multiprocessing.RawArray(ctypes.c_int, workers * SLOTS_PER_WORKER)
        self._counts = multiprocessing.RawArray(ctypes.c_int, workers * SLOTS_PER_WORKER)
        self._lock = multiprocessing.Lock()

    def claim(self, pid: int) -> int | None:
        """A slot for worker ``pid``; None when all are taken, or when the lock between starting workers
        stays held (its holder was killed): the worker then accepts as gunicorn does."""
        if not self._lock.acquire(timeout=1):
            return None
        try:
            for slot, holder in enumerate(self._pids):
                if holder == 0:
                    self._pids[slot], self._counts[slot] = pid, 0
                    return slot
            return None
        finally:
            self._lock.release()

    def release(self, pid: int) -> None:
        """Free the slot of a worker that has exited. The master calls this, without the lock (a worker
        killed while holding it must not stop the master): it only clears the exited worker's slot,
        which no claim touches."""
        for slot, holder in enumerate(self._pids):
            if holder == pid:
                self._counts[slot] = 0
                self._pids[slot] = 0

    def publish(self, slot: int, connections: int) -> None:
        self._counts[slot] = connections

    def share(self) -> int:
        """How many connections a worker may hold before it lets the others accept: each worker's
        share of all the connections and the next one, rounded up. The one holding fewest can always
        accept; one holding that many cannot. (With "the average plus one" before, wrk's four
        connections went three or four to one worker in 3 runs of 24: with all four on one, 1,795
        requests answered in 2 s against about 3,200; with this share, 2 and 2 in 40 of 40.) The
        share is over all the workers the server runs, even those not started yet: else the first one
        up takes every connection opened meanwhile (and during a reload, over the old ones still
        finishing too)."""
        counts = [count for pid, count in zip(self._pids, self._counts) if pid]
        return math.ceil((sum(counts) + 1) / max(len(counts), self._workers))


def balanced_worker(table: ConnectionTable) -> type[KeepReadingThreadWorker]:
    """gunicorn's threaded worker (keeping a thread on a connection that keeps asking), accepting
    connections only up to its share in ``table``."""

    class BalancedThreadWorker(KeepReadingThreadWorker):
        slot: int | None = None

        def init_process(self) -> None:
            self.slot = table.claim(os.getpid())
            super().init_process()

        def notify(self) -> None:
            """Called at every turn of the worker's loop, just before it decides whether to accept."""
            super().notify()
            if self.slot is not None:
                table.publish(self.slot, self.nr_conns)
                self.worker_connections = min(self.cfg.worker_connections, table.share())

        def wait_for_and_dispatch_events(self, timeout: float) -> None:
            """While not accepting, look again soon: the others' connections change without waking this
            worker, and a client must not wait out gunicorn's 1-s poll for the workers to notice (a
            small query queued 1.2 s behind eight runaways so)."""
            accepting = self.nr_conns < self.worker_connections  # as gunicorn has just decided
            super().wait_for_and_dispatch_events(timeout if accepting else min(timeout, RECHECK_SECONDS))

    return BalancedThreadWorker
