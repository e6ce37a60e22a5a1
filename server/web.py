"""What every response gets: CORS where clients need it, security headers, and an access log line."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from functools import partial

from flask import Flask, Response, request

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
        "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match, If-Match, If-Modified-Since, If-Unmodified-Since",
        "Access-Control-Expose-Headers": "ETag, Content-Location, Location",
        "Access-Control-Max-Age": "86400",
    }
    app.before_request(_preflight)
    app.after_request(partial(_headers, tuple(cors.items()) + tuple(SECURITY_HEADERS.items()),
                              tuple(SECURITY_HEADERS.items())))


def _preflight() -> Response | None:
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


class AccessLog:
    """WSGI middleware, outermost: one line per request, whoever answered it (Flask, or a replay of
    server/repeated.py), with the request line's target as the client sent it (as gunicorn and werkzeug
    keep it; rebuilt from the path and query string elsewhere), the status, the body's length and the time
    taken to answer."""

    def __init__(self, wsgi_app: Callable):
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        sent: list[tuple[str, list[tuple[str, str]]]] = []

        def start(status: str, headers: list[tuple[str, str]], *exc_info) -> Callable:
            sent.append((status, headers))
            return start_response(status, headers, *exc_info)

        body = self.wsgi_app(environ, start)
        status, headers = sent[-1] if sent else ("-", [])
        length = next((value for name, value in headers if name.lower() == "content-length"), "-")
        query = environ.get("QUERY_STRING")
        target = environ.get("RAW_URI") or environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
        log.info('%s "%s %s" %s %s %.1fms', environ.get("REMOTE_ADDR"), environ.get("REQUEST_METHOD"), target,
                 status[:3], length, (time.perf_counter() - started) * 1000)
        return body
