"""Conditional GETs, judged once for every answer with a validator (query answers, dumps, /void, the
Service Description, /context.jsonld, assets; resource and ontology documents and /openapi.json, which
``with_validators`` tags by their bytes), in the order of RFC 9110 §13.2.2: If-Match, else
If-Unmodified-Since (412 when it fails), then If-None-Match, else If-Modified-Since (304 when it holds).
An answer without a validator (a volatile query's) matches no If-Match but ``*``, as RFC 9110 13.1.1 has it.

It runs after compression, so that the ETag judged is the one sent (a gzipped answer has its own,
ending in ``:gzip``: encoding.py). werkzeug's ``make_conditional``, which flask-compress and Flask's asset view called,
answered a failed If-Match with 412 and the whole body, refused ``If-Match: *``, ignored
If-Unmodified-Since, and let a matching If-Match turn a matching If-None-Match into a 200.

Then a response offering byte ranges (``Accept-Ranges: bytes``: the dumps and /store's documents) that
is still a 200 sends the one range a ``Range`` header asks for (RFC 9110, 14), of the bytes it sends
(gzipped, when they are): 206 with Content-Range, 416 for a range past the end, and the whole when
``If-Range`` names another version or several ranges are asked for (a server may ignore Range).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import partial

from flask import Flask, Response, request, send_from_directory

from .encoding import Pieces
from .errors import ApiError, render

PRECONDITIONS = ("HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


def register(app: Flask) -> None:
    """Register before flask-compress: Flask runs after-request functions last registered first."""
    app.config["COMPRESS_EVALUATE_CONDITIONAL_REQUEST"] = False
    app.view_functions["static"] = partial(_asset, app)
    app.after_request(_judge)


def with_validators(response: Response, modified: datetime | None = None) -> Response:
    """A document made anew at each request, given a strong ETag made from its bytes (so it changes with
    them, whatever made them change: the data, a template), ``modified`` as its Last-Modified, and to be
    asked for again each time unless it says otherwise."""
    if response.status_code != 200:  # a refusal is no version of the document
        return response
    if response.get_etag()[0] is None:
        response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    if modified is not None:
        response.last_modified = modified
    if "Cache-Control" not in response.headers:  # asked again each time (a 304 is cheap): without it, a browser
        response.headers["Cache-Control"] = "public, no-cache"  # reuses a dated page for a while unasked
    return response


def _asset(app: Flask, filename: str) -> Response:
    """Flask's asset view, leaving the preconditions to this module."""
    return send_from_directory(app.static_folder, filename, max_age=app.get_send_file_max_age(filename),
                               conditional=False)


def _judge(response: Response) -> Response:
    response = _judge_preconditions(response)
    if response.status_code == 200 and "HTTP_RANGE" in request.environ:
        return _ranged(response)
    return response


def _ranged(response: Response) -> Response:
    """The one byte range asked for, of a response that offers ranges; else the response as it is."""
    wanted, length = request.range, response.content_length
    if (request.method not in ("GET", "HEAD") or response.headers.get("Accept-Ranges") != "bytes"
            or length is None or wanted is None or wanted.units != "bytes" or len(wanted.ranges) != 1
            or not _same_version(response)):
        return response
    span = wanted.range_for_length(length)
    if span is None:
        refused = _refused(response, ApiError(416, f"The range asked for lies past the end: this representation has "
                                                   f"{length:,} bytes."))
        refused.headers["Content-Range"] = f"bytes */{length}"
        return refused
    start, stop = span
    if isinstance(response.response, Pieces):
        response.response = Pieces(response.response.body[start:stop])
        response.content_length = stop - start
    else:
        response.set_data(response.get_data()[start:stop])
    response.status_code = 206
    response.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{length}"
    return response


def _same_version(response: Response) -> bool:
    """No If-Range, or one naming this version: its strong ETag, or exactly its Last-Modified date."""
    if "HTTP_IF_RANGE" not in request.environ:
        return True
    named = request.if_range
    if named.etag is not None:
        etag, weak = response.get_etag()
        return not weak and not request.environ["HTTP_IF_RANGE"].strip().startswith("W/") and named.etag == etag
    return named.date is not None and response.last_modified == named.date


def _refused(response: Response, error: ApiError) -> Response:
    """The refusal sent instead of ``response``, varying as it did: a cache keying the answer by Accept
    or Accept-Encoding keys the refusal alike."""
    response.close()
    refused = render(error)
    if "Vary" in response.headers:
        refused.headers["Vary"] = response.headers["Vary"]
    return refused


def _judge_preconditions(response: Response) -> Response:
    if (request.method not in ("GET", "HEAD") or response.status_code != 200
            or not any(name in request.environ for name in PRECONDITIONS)):
        return response
    etag, weak = response.get_etag()
    last_modified = response.last_modified
    failed = None
    if request.if_match:  # strong comparison: a weak ETag never matches
        if not (request.if_match.star_tag or (etag and not weak and request.if_match.contains(etag))):
            failed = ("If-Match names no current version of this answer"
                      + (f': its ETag is now "{etag}".' if etag and not weak else ", which has no strong ETag."))
    elif request.if_unmodified_since and last_modified and last_modified > request.if_unmodified_since:
        failed = f"It changed after the If-Unmodified-Since date: it was last modified {response.headers['Last-Modified']}."
    if failed:
        return _refused(response, ApiError(412, failed))
    if etag is None and last_modified is None:  # a volatile answer: no version to match or date to compare
        return response
    if request.if_none_match:
        if request.if_none_match.star_tag or (etag and request.if_none_match.contains_weak(etag)):
            response.status_code = 304  # werkzeug then sends no body and no content headers
    elif request.if_modified_since and last_modified and last_modified <= request.if_modified_since:
        response.status_code = 304
    return response
