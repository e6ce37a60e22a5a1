"""Conditional GETs, judged once for every answer with a validator (dumps, query answers, assets), in
the order of RFC 9110 §13.2.2: If-Match, else If-Unmodified-Since (412 when it fails), then
If-None-Match, else If-Modified-Since (304 when it holds).

It runs after compression, so that the ETag judged is the one sent (flask-compress gives a gzipped
answer its own). werkzeug's ``make_conditional``, which flask-compress called, answered a failed
If-Match with 412 and the whole body, refused ``If-Match: *``, ignored If-Unmodified-Since, and let a
matching If-Match turn a matching If-None-Match into a 200.
"""

from __future__ import annotations

from flask import Flask, Response, request

from .errors import ApiError, render


def register(app: Flask) -> None:
    """Register before flask-compress: Flask runs after-request functions last registered first."""
    app.config["COMPRESS_EVALUATE_CONDITIONAL_REQUEST"] = False
    app.after_request(_judge_preconditions)


PRECONDITIONS = ("HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


def _judge_preconditions(response: Response) -> Response:
    if (request.method not in ("GET", "HEAD") or response.status_code != 200
            or not any(name in request.environ for name in PRECONDITIONS)):
        return response
    etag, _ = response.get_etag()
    last_modified = response.last_modified
    if etag is None and last_modified is None:
        return response
    failed = None
    if request.if_match:
        if not (request.if_match.star_tag or (etag and request.if_match.contains(etag))):
            failed = f'If-Match names no current version of this answer: its ETag is now "{etag}".'
    elif request.if_unmodified_since and last_modified and last_modified > request.if_unmodified_since:
        failed = f"It changed after the If-Unmodified-Since date: it was last modified {response.headers['Last-Modified']}."
    if failed:
        response.close()
        return render(ApiError(412, failed))
    if request.if_none_match:
        if request.if_none_match.star_tag or (etag and request.if_none_match.contains_weak(etag)):
            response.status_code = 304  # werkzeug then sends no body and no content headers
    elif request.if_modified_since and last_modified and last_modified <= request.if_modified_since:
        response.status_code = 304
    return response
