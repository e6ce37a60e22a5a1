"""What every response gets: CORS where clients need it, security headers, and an access log line."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import NamedTuple

from flask import Flask, Response, current_app, request

from .state import state_of

log = logging.getLogger("ilrs_server.access")

# What an access line adds to the request's target, left in the WSGI environ by whoever knows it: the query
# a POST carried (a GET's is in its target) and why a request was refused, each cut to SHOWN_CHARACTERS.
POSTED_QUERY, REFUSAL = "ilrs.posted_query", "ilrs.refusal"
SHOWN_CHARACTERS = 200
# C1 controls, and the marks, embeddings, overrides and isolates that turn text's direction (Unicode's Bidi_Control)
_DRAWN_OTHERWISE = re.compile("[\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def refused(message: str) -> None:
    """Say why this request is refused, for its access line: every view answering a refusal itself calls it."""
    request.environ[REFUSAL] = message


# Open to scripts of any site (as Oxigraph server, Fuseki and Wikidata are): the endpoint, which takes POST
# too, and every document of the data and the search by name, which are only read.
QUERY_PATHS = ("/sparql",)
DOCUMENT_PATHS = ("/data.", "/context.jsonld", "/void", "/store", "/id/", "/ontology", "/shapes", "/openapi.json",
                  "/search")
CORS_PATHS = QUERY_PATHS + DOCUMENT_PATHS
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
}


class FixedHeaders(NamedTuple):
    """The headers every response gets unless its view set them."""
    for_queries: tuple[tuple[str, str], ...]    # QUERY_PATHS
    for_documents: tuple[tuple[str, str], ...]  # DOCUMENT_PATHS
    for_the_rest: tuple[tuple[str, str], ...]


def register(app: Flask) -> None:
    app.before_request(_preflight)
    app.after_request(partial(_headers, fixed_headers(state_of(app).config.cors_origin)))


def fixed_headers(cors_origin: str) -> FixedHeaders:
    cors = {
        "Access-Control-Allow-Origin": cors_origin,
        "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match, If-Match, If-Modified-Since, "
                                        "If-Unmodified-Since, Range, If-Range",
        "Access-Control-Expose-Headers": "ETag, Content-Location, Location, Content-Range, Retry-After",
        "Access-Control-Max-Age": "86400",
    }
    security = tuple(SECURITY_HEADERS.items())
    query, document = ({**cors, "Access-Control-Allow-Methods": methods} for methods in ("GET, HEAD, POST, OPTIONS",
                                                                                         "GET, HEAD, OPTIONS"))
    return FixedHeaders(tuple(query.items()) + security, tuple(document.items()) + security, security)


def _preflight() -> Response | None:
    """A CORS preflight: 204 with Allow (RFC 9110, 9.3.7), the methods the path answers; the CORS headers
    are added below. (OPTIONS elsewhere is Flask's own answer, with Allow too.)"""
    if request.method != "OPTIONS" or not request.path.startswith(CORS_PATHS) or request.routing_exception:
        return None
    response = current_app.make_default_options_response()
    response.status_code = 204
    del response.headers["Content-Type"]  # Flask's default; a 204 has no body to have a type
    return response


def _headers(headers: FixedHeaders, response: Response) -> Response:
    """Add the fixed headers a view has not set itself, in one pass over the response's headers."""
    path = request.path
    fixed = headers.for_queries if path.startswith(QUERY_PATHS) \
        else headers.for_documents if path.startswith(DOCUMENT_PATHS) else headers.for_the_rest
    present = {name.lower() for name in response.headers.keys()}
    response.headers.extend([(name, value) for name, value in fixed if name.lower() not in present])
    return response


class AccessLog:
    """WSGI middleware, outermost: one line per request, whoever answered it (Flask, or
    server/plain_queries.py before it), with the request line's target as the client sent it (as gunicorn and werkzeug
    keep it; rebuilt from the path and query string elsewhere), the status, the body's length and the time
    taken to answer; then the query a POST carried and why a refused request was refused, on the same line."""

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
        notes = "".join(f" {name}={_shown(environ[key])}"
                        for name, key in (("query", POSTED_QUERY), ("message", REFUSAL)) if environ.get(key))
        log.info('%s "%s %s" %s %s %.1fms%s', environ.get("REMOTE_ADDR"), environ.get("REQUEST_METHOD"), target,
                 status[:3], length, (time.perf_counter() - started) * 1000, notes)
        return body


def _shown(text: str) -> str:
    """``text`` on one line, in quotes (escaped as JSON: a client's text cannot forge a line or a field;
    nor, with the characters a screen draws otherwise than they stand, make one read as another), cut to
    SHOWN_CHARACTERS."""
    folded = " ".join(text.split())
    quoted = json.dumps(folded if len(folded) <= SHOWN_CHARACTERS else folded[:SHOWN_CHARACTERS] + "…",
                        ensure_ascii=False)
    return _DRAWN_OTHERWISE.sub(lambda found: f"\\u{ord(found.group()):04x}", quoted)
