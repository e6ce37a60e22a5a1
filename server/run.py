"""Serving the app on gunicorn, a production WSGI server: N worker processes forked after the graph
is loaded (preload), so they share one copy of it and work on all cores."""

from __future__ import annotations

import logging

from flask import Flask
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, app: Flask, options: dict):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def serve(app: Flask, *, host: str, port: int, workers: int, threads: int = 4, timeout: int = 60) -> None:
    """Serve ``app`` until interrupted. Access lines come from the app's own log (status and duration)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _Gunicorn(app, {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,
        "timeout": timeout,
        "graceful_timeout": 10,
        "keepalive": 5,
        "limit_request_line": 16384,
        "limit_request_field_size": 16384,
        "accesslog": None,
        "control_socket_disable": True,  # one fixed path per user: several servers would collide
    }).run()
