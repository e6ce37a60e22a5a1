"""Serving the app on gunicorn, a production WSGI server: N worker processes forked after the graph
is loaded (preload), so they share one copy of it and work on all cores."""

from __future__ import annotations

import logging
import math
import socket
import sys

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.glogging import Logger

from ilrs_graph import kept_files, memory

from . import reloading
from .balance import ConnectionTable, balanced_worker
from .guards import REQUEST_LINE_LIMIT
from .state import dataset_of, state_of

SPARE_THREADS = 4
BACKLOG = 2048  # connections waiting to be accepted: gunicorn's default, set here as the port listens before it runs
GRACE_SECONDS = 5  # for a stopping worker to send the answer of a query that ended at its time limit


class _Gunicorn(BaseApplication):
    def __init__(self, app: Flask, options: dict):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application

    def run(self) -> None:
        """gunicorn's own run (a RuntimeError of its one line on stderr, exit 1), with our SIGHUP."""
        try:
            _Arbiter(self).run()
        except RuntimeError as error:
            sys.exit(f"ilrs-graph: error: {error}")


class _Arbiter(Arbiter):
    def handle_hup(self) -> None:
        """SIGHUP: load the data again in the master, then have gunicorn replace the workers with forks of
        it (with threads for the new graph's executors); but keep them when the store the server answers
        from cannot be asked: they follow it themselves, and may know a newer load than the master, which
        reads the store only at start and on SIGHUP."""
        if not reloading.reload(self.app.application):
            return
        self.app.options["threads"] = _threads(self.app.application)
        super().handle_hup()


def claimed_port(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, before the data is loaded: a port taken is said at once, not after the
    loading, and a program binding it meanwhile is refused (unless it too sets SO_REUSEADDR, which a
    restart needs while the last run's connections linger). It listens (:func:`listen`) once the data is
    loaded, so that a client is refused while it loads rather than kept waiting. OSError if it cannot be bound."""
    claimed = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        claimed.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        claimed.bind((host, port))
    except OSError:
        claimed.close()
        raise
    return claimed


def listen(claimed: socket.socket) -> None:
    """Start listening on the claimed port; OSError when another server bound it too and listens already."""
    claimed.listen(BACKLOG)


def serve(app: Flask, *, listener: socket.socket, workers: int, timeout: int = 60) -> None:
    """Serve ``app`` on ``listener`` (a port claimed, listening) until interrupted. Access lines come from the
    app's own log (status and duration)."""
    log_to_stderr()
    memory.tune_for_threads()
    limits = state_of(app).config.limits
    connections = ConnectionTable(workers)
    _Gunicorn(app, {
        "bind": f"fd://{listener.detach()}",  # gunicorn serves on it, and names its address in the log
        "backlog": BACKLOG,
        "workers": workers,
        "worker_class": balanced_worker(connections),
        "child_exit": lambda arbiter, worker: _worker_ended(connections, worker),
        "threads": _threads(app),
        "preload_app": True,
        "post_worker_init": _start_executors,
        "timeout": timeout,
        # A stop (SIGTERM) waits for the queries running to end within their time limit, and their
        # answers to go out; 10 s when the limit is shorter (an operator's review: a 25-s limit was cut at 10).
        "graceful_timeout": max(10, math.ceil(limits.timeout_seconds) + GRACE_SECONDS),
        "keepalive": 5,
        # gunicorn's own ceilings, answered beyond in our words (keep_reading.py): the request line at its
        # most (0 would read one without end); header fields high enough that limits.max_header_bytes is
        # checked by the app.
        "limit_request_line": REQUEST_LINE_LIMIT,
        "limit_request_fields": 200,
        "limit_request_field_size": 4 * limits.max_header_bytes,
        "accesslog": None,
        "control_socket_disable": True,  # one fixed path per user: several servers would collide
    }).run()


def _worker_ended(connections: ConnectionTable, worker) -> None:
    """Free its share of the connections; the dumps of a version it was the last to serve go."""
    connections.release(worker.pid)
    kept_files.remove_released()


def _threads(app: Flask) -> int:
    """Threads per worker: one for each query its executors can run at once, and a few more, so that
    cached answers, pages and dumps do not wait behind the queries running. Requests beyond these wait
    in gunicorn's queue (where a query's time limit does not run yet), not for an executor."""
    executors = dataset_of(app).executors
    return (executors.capacity if executors else state_of(app).config.limits.max_executors) + SPARE_THREADS


def log_to_stderr() -> None:
    """The app's log lines (loading, reloads, access) on stderr, beside gunicorn's and in its format (time,
    process, level), so that one reader takes them all; the name of the part writing a line follows the level."""
    logging.basicConfig(level=logging.INFO, format=Logger.error_fmt.replace("%(message)s", "%(name)s: %(message)s"),
                        datefmt=Logger.datefmt)


def _start_executors(worker) -> None:
    """A worker forks its query executors while it is still single-threaded (ilrs_graph.execution)."""
    executors = dataset_of(worker.wsgi).executors
    if executors is not None:
        executors.start()
