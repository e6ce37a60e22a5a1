"""One error type and one handler: every failure becomes a status and a message, in the client's format."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

from flask import Flask, Response, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from ilrs_graph.formats import CannotWrite
from ilrs_graph.query import QueryError
from ilrs_graph.remote import StoreError

from .web import refused

log = logging.getLogger("ilrs_server")

# Oxigraph server answers SPARQL at /query, where this server has its query page: a store or client sent
# there (a store's SERVICE shows its users what it is told) learns where the endpoint is.
NOT_THE_ENDPOINT = "/query is the query page, for browsers; the SPARQL endpoint is /sparql: send the query there."


class ApiError(Exception):
    """A request that cannot be answered: an HTTP status and a message for the person who sent it."""

    def __init__(self, status: int, message: str, *, line: int | None = None, column: int | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.line, self.column = status, message, line, column
        self.headers = headers or {}

    @classmethod
    def from_query_error(cls, error: QueryError) -> ApiError:
        headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
        return _public(cls(error.status, error.message, line=error.line, column=error.column, headers=headers))


def register(app: Flask) -> None:
    app.register_error_handler(ApiError, render)
    app.register_error_handler(QueryError, lambda e: render(ApiError.from_query_error(e)))
    app.register_error_handler(CannotWrite, lambda e: render(ApiError(406, str(e))))
    app.register_error_handler(StoreError, lambda e: render(_public(ApiError(502, f"The SPARQL store failed: {e}"))))
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def _http_error(error: HTTPException) -> Response:
    if error.code == 405:
        # no endpoint is matched when the method is not allowed: the route's own URL tells the query page
        message = NOT_THE_ENDPOINT if request.path == url_for("ui.query_page") else \
            f"The method {request.method} is not allowed here: this URL answers {', '.join(error.valid_methods)}."
        return render(ApiError(405, message, headers=dict(error.get_headers())))
    return render(ApiError(error.code or 500, error.description or error.name))


def _public(error: ApiError) -> ApiError:
    """A store's failure (502) in the log, where the operator looks; to the client, that it failed, without
    the store's address, the connection's error or the store's own error page."""
    if error.status != 502:
        return error
    log.error("%s %s: %s", request.method, request.path, error.message)
    return ApiError(502, "The SPARQL store this endpoint answers from failed or cannot be reached; the "
                         "failure has been logged. Try again later.", headers=error.headers)


def _unexpected(error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.path)
    return render(ApiError(500, "The server failed to answer this request; the failure has been logged."))


def _reason(status: int) -> str:
    """The status's name for a page's heading ("Not Found"), as HTTP gives it."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def render(error: ApiError) -> Response:
    """The error as JSON, HTML or plain text, whichever the client prefers (plain text by default); its
    message goes into the request's access line too."""
    refused(error.message)
    body: dict = {"status": error.status, "message": error.message}
    if error.line is not None:
        body.update(line=error.line, column=error.column)
    preferred = request.accept_mimetypes.best_match(["text/plain", "application/json", "text/html"]) \
        if request.accept_mimetypes else "text/plain"
    if preferred == "application/json" or request.accept_mimetypes.best == "application/sparql-results+json":
        response = Response(json.dumps(body), mimetype="application/json")
    elif preferred == "text/html":
        response = Response(render_template("error.html", error=error, reason=_reason(error.status)),
                            mimetype="text/html")
    else:
        response = Response(as_text(error), mimetype="text/plain")
    response.status_code = error.status
    response.headers["Vary"] = "Accept"  # the format of the message depends on it
    for name, value in error.headers.items():
        if name.lower() in ("allow", "retry-after", "location"):
            response.headers[name] = value
    return response


def as_text(error: ApiError) -> str:
    """The error as plain text: what a client gets that asks for no other format."""
    where = f" (line {error.line}, column {error.column})" if error.line is not None else ""
    return f"{error.status} {_reason(error.status)}: {error.message}{where}\n"
