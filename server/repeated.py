"""A repeated query to /sparql answered before Flask: the same bytes and headers, less work.

Most of a cached answer's cost is Flask's (request context, routing, hooks, a Response object). When a
query (GET, or POST with its body) has been answered 200 with a cached answer (or its kept gzipped copy),
this remembers which answer went out and with which headers, by what decides them (method, query string,
body and its type, Accept and Accept-Encoding, and the data version); the same request again gets them
replayed, as long as the result cache still keeps that answer. Everything else goes to Flask as before:
conditional requests, requests without Host or with one naming no host, volatile answers, errors,
oversized headers or bodies, a new data version, an answer the cache let go, and (over a store) the
request due to look at the store's version.
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

from ilrs_graph.dataset import Answer

from .guards import header_bytes, lacks_host, names_no_host
from .parameters import content_coding
from .reloading import store_check_due
from .state import state_of
from .web import POSTED_QUERY

# Where the /sparql view leaves the data version and the answer it sent, for the replay to find.
ANSWER_SENT = "ilrs.answer"
# Requests remembered, and the bytes of what identifies them at most (the answers' bytes are the
# result cache's: a replay only points to them).
REMEMBERED, REMEMBERED_BYTES = 1024, 4 * 2**20


class _Sent(NamedTuple):
    """What went out for a request: from which data version, which answer, with which status and headers,
    and the query a POST carried (for its access line)."""
    version: str
    answer: weakref.ref[Answer]
    status: str
    headers: list[tuple[str, str]]
    posted_query: str | None


class RepeatedAnswers:
    """WSGI middleware around ``app.wsgi_app``."""

    def __init__(self, app: Flask):
        self.app, self.wsgi_app = app, app.wsgi_app
        self._sent: OrderedDict[tuple, _Sent] = OrderedDict()
        self._sent_bytes = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        state = state_of(self.app)
        key = _replayable(environ, state.config.limits.max_request_bytes)
        if key is None or store_check_due(state):
            return self.wsgi_app(environ, start_response)
        with self._lock:
            sent = self._sent.get(key)
            if sent is not None:
                self._sent.move_to_end(key)
        answer = sent.answer() if sent is not None and sent.version == state.dataset.version else None
        if answer is None or header_bytes(environ) > state.config.limits.max_header_bytes:
            return self.wsgi_app(environ, lambda status, headers, *exc: self._remember(
                environ, key, status, headers, start_response, exc))
        if sent.posted_query is not None:
            environ[POSTED_QUERY] = sent.posted_query
        start_response(sent.status, list(sent.headers))
        return [answer.body]

    def _remember(self, environ: dict, key: tuple, status: str, headers: list[tuple[str, str]],
                  start_response: Callable, exc: tuple) -> Callable:
        version, answer = environ.get(ANSWER_SENT, (None, None))
        # The answer's own bytes went out (gzipped or not) when its ETag went out unchanged.
        if answer is not None and status.startswith("200") and (
                ("ETag", f'"{answer.etag}"') in headers):
            entry = _Sent(version, weakref.ref(answer), status, list(headers), environ.get(POSTED_QUERY))
            with self._lock:
                earlier = self._sent.get(key)
                self._sent_bytes += _size(key, entry) - (_size(key, earlier) if earlier else 0)
                self._sent[key] = entry
                self._sent.move_to_end(key)
                while len(self._sent) > REMEMBERED or self._sent_bytes > REMEMBERED_BYTES:
                    self._sent_bytes -= _size(*self._sent.popitem(last=False))
        return start_response(status, headers, *exc)


def _replayable(environ: dict, max_body_bytes: int) -> tuple | None:
    """What decides the answer to this request, if it is one that may be replayed. A POST's body is
    read here, and put back for Flask."""
    method = environ.get("REQUEST_METHOD")
    if method not in ("GET", "POST") or environ.get("PATH_INFO") != "/sparql" or lacks_host(environ) \
            or names_no_host(environ) \
            or any(name.startswith("HTTP_IF_") for name in environ) \
            or content_coding(environ) is not None:
        return None  # (a body with a content coding is refused by the view: 415)
    body = b""
    if method == "POST":
        length = environ.get("CONTENT_LENGTH")
        if not length or not length.isdigit() or int(length) > max_body_bytes:
            return None  # chunked, absent or too long: Flask says so
        body = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(body)
    elif not environ.get("QUERY_STRING"):
        return None
    return (method, environ.get("QUERY_STRING"), environ.get("CONTENT_TYPE"), body,
            environ.get("HTTP_ACCEPT"), environ.get("HTTP_ACCEPT_ENCODING"))


def _size(key: tuple, sent: _Sent) -> int:
    """What a remembered request holds of its own: its parts and a POST's query (its answer is the result
    cache's, held there)."""
    query = 0 if sent.posted_query is None else sys.getsizeof(sent.posted_query)  # 1 to 4 bytes a character
    return sum(len(part) for part in key if part is not None) + query
