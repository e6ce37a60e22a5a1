"""A plain query to /sparql answered before Flask: the same bytes and headers as Flask would send, for
about 40 % less of a worker's CPU.

Most of the work of answering a query, beside running it, is Flask's: its request context, routing, hooks,
a Response object and its headers (on the shipped graph ~250 of ~600 µs of a worker's CPU a query, engine
aside). A plain request (GET or POST, to /sparql, with a query, no conditional header, none the guards
refuse, no content coding, a body of declared length in a type the protocol reads) is answered here by
the view's own functions (server/sparql.py) and the headers Flask's hooks would add (web.fixed_headers,
and flask-compress's Vary); one that has been answered 200 before is replayed: the headers that went
out, and the result cache's bytes, as long as it keeps them. Everything else goes to Flask: requests
refused for any reason (Flask says why, the query not run), volatile queries (NOW(), RAND()…, which
flask-compress gzips), and (over a store) the request due to look at the store's version. A query that
fails as it runs here is not run again: the view reports what it raised (sparql.RAISED_BEFORE_FLASK).
tests/test_plain_queries.py holds both ways to the same bytes and headers.
"""

from __future__ import annotations

import io
import sys
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import NamedTuple

from flask import Flask
from gunicorn.http.errors import ParseException
from werkzeug.http import parse_options_header

from ilrs_graph.dataset import Answer
from ilrs_graph.query import Limits

from .encoding import answer_headers, copy_to_send
from .guards import refusal
from .parameters import content_coding
from .reloading import store_check_due
from .sparql import (ANSWER_HEADERS, ANSWER_SENT, FORM_TYPE, QUERY_TYPE, RAISED_BEFORE_FLASK, prepared,
                     protocol_parameters, run, the_query)
from .state import ServerState, state_of
from .web import POSTED_QUERY, fixed_headers

# Requests remembered for replays, and the bytes of what identifies them at most (the answers' bytes are
# the result cache's: a replay only points to them).
REMEMBERED, REMEMBERED_BYTES = 1024, 4 * 2**20
# flask-compress's word on every answer it could gzip: whether it did depends on Accept-Encoding.
VARY = ", ".join(value for name, value in ANSWER_HEADERS if name == "Vary") + ", Accept-Encoding"


class _Sent(NamedTuple):
    """What went out for a request: from which data version, which answer, with which status and headers,
    and the query a POST carried (for its access line)."""
    version: str
    answer: weakref.ref[Answer]
    status: str
    headers: list[tuple[str, str]]
    posted_query: str | None


class PlainQueries:
    """WSGI middleware around ``app.wsgi_app``."""

    def __init__(self, app: Flask):
        self.app, self.wsgi_app = app, app.wsgi_app
        self._fixed = fixed_headers(state_of(app).config.cors_origin).for_queries
        self._sent: OrderedDict[_Request, _Sent] = OrderedDict()
        self._sent_bytes = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        state = state_of(self.app)
        key = _plain(environ, state.config.limits)
        if key is None or store_check_due(state):
            return self.wsgi_app(environ, start_response)
        with self._lock:
            remembered = self._sent.get(key)
            if remembered is not None:
                self._sent.move_to_end(key)
        if remembered is not None and remembered.version == state.dataset.version \
                and (answer := remembered.answer()) is not None:
            if remembered.posted_query is not None:
                environ[POSTED_QUERY] = remembered.posted_query
            start_response(remembered.status, list(remembered.headers))
            return [answer.body]
        answered = self._answer(environ, state, key.body)
        if answered is None:
            return self.wsgi_app(environ, lambda status, headers, *exc: self._remember(
                environ, key, status, headers, start_response, exc))
        sent, answer = answered
        self._keep(key, sent)
        start_response(sent.status, list(sent.headers))
        return [answer.body]

    def _answer(self, environ: dict, state: ServerState, body: bytes) -> tuple[_Sent, Answer] | None:
        """What Flask would send (and the answer, or its gzipped copy, held here while it is sent); None to
        leave the request to Flask."""
        dataset = state.dataset  # the one answering, whatever a reload puts in its place meanwhile
        try:
            params = protocol_parameters(environ, lambda: body)
            text = the_query(environ, params)
            if text is None:
                return None
            plan, fmt = prepared(dataset, text, params, environ.get("HTTP_ACCEPT", ""))
        except Exception:  # refused (or failing): Flask says why, the query not run
            return None
        if plan.volatile:
            return None
        try:
            answer = run(dataset, plan, fmt, params, environ)
        except Exception as error:  # Flask's handlers answer it (a QueryError, a store's failure…)
            environ[RAISED_BEFORE_FLASK] = error
            return None
        sent = copy_to_send(answer, dataset, environ.get("HTTP_ACCEPT_ENCODING", ""))
        headers = [("Vary", VARY), *answer_headers(answer, sent), ("Content-Length", str(len(sent.body))),
                   *self._fixed]
        return _Sent(dataset.version, weakref.ref(sent), "200 OK", headers, environ.get(POSTED_QUERY)), sent

    def _remember(self, environ: dict, key: _Request, status: str, headers: list[tuple[str, str]],
                  start_response: Callable, exc: tuple) -> Callable:
        version, answer = environ.get(ANSWER_SENT, (None, None))
        # The answer's own bytes went out (gzipped or not) when its ETag went out unchanged.
        if answer is not None and status.startswith("200") and (
                ("ETag", f'"{answer.etag}"') in headers):
            self._keep(key, _Sent(version, weakref.ref(answer), status, list(headers), environ.get(POSTED_QUERY)))
        return start_response(status, headers, *exc)

    def _keep(self, key: _Request, entry: _Sent) -> None:
        with self._lock:
            earlier = self._sent.get(key)
            self._sent_bytes += _size(key, entry) - (_size(key, earlier) if earlier else 0)
            self._sent[key] = entry
            self._sent.move_to_end(key)
            while len(self._sent) > REMEMBERED or self._sent_bytes > REMEMBERED_BYTES:
                self._sent_bytes -= _size(*self._sent.popitem(last=False))


class _Request(NamedTuple):
    """What decides the answer to a plain request (Host aside: it must only name a host)."""
    method: str
    query_string: str | None
    content_type: str | None
    body: bytes
    accept: str | None
    accept_encoding: str | None


class _Unreadable:
    """A body whose reading failed before Flask: Flask reads it again to the same failure, and says so."""

    def __init__(self, error: Exception):
        self.error = error

    def read(self, *size: int) -> bytes:
        raise self.error


def _plain(environ: dict, limits: Limits) -> _Request | None:
    """The request, if it is a plain one. A POST's body is read here, and put back for whoever reads it next."""
    method = environ.get("REQUEST_METHOD")
    if method not in ("GET", "POST") or environ.get("PATH_INFO") != "/sparql" \
            or any(name.startswith("HTTP_IF_") for name in environ) \
            or content_coding(environ) is not None \
            or refusal(environ, limits.max_header_bytes) is not None:
        return None  # (a body with a content coding is refused by the view: 415)
    body = b""
    if method == "POST":
        length = environ.get("CONTENT_LENGTH") or ""
        if not (length.isascii() and length.isdigit()) or int(length) > limits.max_request_bytes \
                or parse_options_header(environ.get("CONTENT_TYPE", ""))[0].lower() not in (FORM_TYPE, QUERY_TYPE):
            return None  # chunked, absent or too long; or refused unread (415, 403): Flask says so
        try:
            body = environ["wsgi.input"].read(int(length))
        except (ParseException, OSError) as error:  # a client gone quiet mid-body…: Flask's 400, and access line
            environ["wsgi.input"] = _Unreadable(error)
            return None
        environ["wsgi.input"] = io.BytesIO(body)
    elif not environ.get("QUERY_STRING"):
        return None
    return _Request(method, environ.get("QUERY_STRING"), environ.get("CONTENT_TYPE"), body,
                    environ.get("HTTP_ACCEPT"), environ.get("HTTP_ACCEPT_ENCODING"))


def _size(key: _Request, sent: _Sent) -> int:
    """What a remembered request holds of its own: its parts and a POST's query (its answer is the result
    cache's, held there)."""
    query = 0 if sent.posted_query is None else sys.getsizeof(sent.posted_query)  # 1 to 4 bytes a character
    return sum(len(part) for part in key if part is not None) + query
