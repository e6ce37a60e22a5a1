"""What every response gets: CORS where clients need it, security headers, and an access log line."""

from __future__ import annotations

import logging
import time
from functools import partial

from flask import Flask, Response, g, request

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
    cors = {
        "Access-Control-Allow-Origin": state_of(app).config.cors_origin,
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match",
        "Access-Control-Expose-Headers": "ETag, Content-Location, Location",
        "Access-Control-Max-Age": "86400",
    }
    app.before_request(_start_clock)
    app.after_request(partial(_headers, tuple(cors.items()) + tuple(SECURITY_HEADERS.items()),
                              tuple(SECURITY_HEADERS.items())))
    app.after_request(_access_log)


def _start_clock() -> Response | None:
    g.started = time.perf_counter()
    if request.method == "OPTIONS" and request.path.startswith(CORS_PATHS):
        return Response(status=204)  # a CORS preflight: the headers are added below
    return None


def _headers(with_cors: tuple[tuple[str, str], ...], without: tuple[tuple[str, str], ...],
             response: Response) -> Response:
    """Add the fixed headers a view has not set itself, in one pass over the response's headers."""
    fixed = with_cors if request.path.startswith(CORS_PATHS) else without
    present = {name.lower() for name in response.headers.keys()}
    response.headers.extend([(name, value) for name, value in fixed if name.lower() not in present])
    return response


def _access_log(response: Response) -> Response:
    log_access(request.environ, response.status_code, response.content_length, g.get("started", time.perf_counter()))
    return response


def log_access(environ: dict, status: int | str, length: int | None, started: float) -> None:
    """One line per request: the request line's target as the client sent it (as gunicorn and
    werkzeug keep it; rebuilt from the path and query string elsewhere)."""
    query = environ.get("QUERY_STRING")
    target = environ.get("RAW_URI") or environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
    log.info('%s "%s %s" %s %s %.1fms', environ.get("REMOTE_ADDR"), environ.get("REQUEST_METHOD"), target, status,
             "-" if length is None else length, (time.perf_counter() - started) * 1000)
