"""What every response gets: CORS where clients need it, security headers, and an access log line."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, current_app, g, request

from .state import state_of

log = logging.getLogger("ilrs_server.access")

CORS_PATHS = ("/sparql", "/data.", "/context.jsonld", "/void")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
}


def register(app: Flask) -> None:
    app.before_request(_start_clock)
    app.after_request(_headers)
    app.after_request(_access_log)


def _start_clock() -> Response | None:
    g.started = time.perf_counter()
    if request.method == "OPTIONS" and request.path.startswith(CORS_PATHS):
        return Response(status=204)  # a CORS preflight: the headers are added below
    return None


def _headers(response: Response) -> Response:
    if request.path.startswith(CORS_PATHS):
        response.headers["Access-Control-Allow-Origin"] = state_of(current_app).config.cors_origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, If-None-Match"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Content-Location, Location"
        response.headers["Access-Control-Max-Age"] = "86400"
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _access_log(response: Response) -> Response:
    elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    log.info('%s "%s %s" %s %s %.1fms', request.remote_addr, request.method, request.full_path.rstrip("?"),
             response.status_code, response.content_length if response.content_length is not None else "-", elapsed)
    return response

