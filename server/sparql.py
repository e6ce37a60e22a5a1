"""The SPARQL 1.1 Protocol at /sparql: queries by GET and POST, answers in the negotiated format.

Read-only: updates are refused whichever way they come. With no query, GET /sparql describes the
service (RDF clients) or sends a browser to the query page.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, current_app, redirect, request, url_for
from werkzeug.http import parse_options_header

from ilrs_graph import formats
from ilrs_graph.dataset import Answer, Dataset
from ilrs_graph.formats import Format
from ilrs_graph.query import QueryError, QueryPlan
from ilrs_graph.service_description import service_description

from . import negotiation
from .encoding import answer_response
from .errors import ApiError
from .links import public_root
from .parameters import content_coding, decoded, request_body, utf8
from .state import dataset_of, state_of
from .web import POSTED_QUERY

blueprint = Blueprint("sparql", __name__)

QUERY_TYPE = "application/sparql-query"
FORM_TYPE = "application/x-www-form-urlencoded"
UPDATE_TYPE = "application/sparql-update"
READ_ONLY = "This endpoint is read-only: SPARQL Update is not accepted."
# An answer varies with the Accept header; caches may keep it but must ask again (answer_headers says so).
ANSWER_HEADERS = (("Vary", "Accept"),)
# A volatile query's answer (NOW(), RAND()…) is never the same twice: no cache keeps it.
VOLATILE_ANSWER_HEADERS = (("Vary", "Accept"), ("Cache-Control", "no-store"))
# What the view leaves in the WSGI environ for server/plain_queries.py to replay the request: the data
# version and the answer it sent; and what plain_queries.py leaves for the view: what running the query
# raised there (the view reports it, as if it had raised here, rather than run the query again).
ANSWER_SENT, RAISED_BEFORE_FLASK = "ilrs.answer", "ilrs.raised"


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    limit = state_of(current_app).config.limits.max_request_bytes
    params = protocol_parameters(request.environ, lambda: request_body(limit))
    text = the_query(request.environ, params)
    if text is None:
        return _describe_service(params)
    dataset = dataset_of(current_app)
    plan, fmt = prepared(dataset, text, params, request.environ.get("HTTP_ACCEPT", ""))
    try:
        answer = run(dataset, plan, fmt, params, request.environ)
    except QueryError as error:
        raise ApiError.from_query_error(error) from None
    if answer.etag is None:
        return answer_response(answer, dataset, VOLATILE_ANSWER_HEADERS)[0]
    response, sent = answer_response(answer, dataset, ANSWER_HEADERS)
    request.environ[ANSWER_SENT] = (dataset.version, sent)  # for replaying this request (server/plain_queries.py)
    return response


# The protocol read from the WSGI environ, not Flask's request: the plainest requests are answered before
# Flask, by these same functions (server/plain_queries.py).

def protocol_parameters(environ: dict, body: Callable[[], bytes]) -> dict[str, list[str]]:
    """The protocol's parameters, from the URL and (for POST) ``body()``, as the media type says."""
    params = decoded(environ.get("QUERY_STRING", "").encode("latin-1"))
    if environ.get("REQUEST_METHOD", "").upper() != "POST":
        return params
    media_type, options = parse_options_header(environ.get("CONTENT_TYPE", ""))
    media_type = media_type.lower()
    if (coding := content_coding(environ)) is not None:  # RFC 9110, 8.4: one not read is 415
        raise ApiError(415, f"The body is sent with Content-Encoding {coding}, which this endpoint does not "
                            "decode: send it as it is.")
    charset = options.get("charset", "utf-8").lower()
    if media_type in (FORM_TYPE, QUERY_TYPE) and charset not in ("utf-8", "utf8", "us-ascii"):
        raise ApiError(415, f"The body is said to be in {charset}; this endpoint reads queries in UTF-8 "
                            f"(the SPARQL protocol's encoding).")
    if media_type == FORM_TYPE:
        decoded(body(), into=params)
    elif media_type == QUERY_TYPE:
        if "query" in params:
            raise ApiError(400, "With Content-Type application/sparql-query the query is the body; "
                                "do not also send a 'query' parameter.")
        params["query"] = [utf8(body(), "request body")]
    elif media_type == UPDATE_TYPE:
        raise ApiError(403, READ_ONLY)
    elif not media_type:
        raise ApiError(415, f"A POST to /sparql needs a Content-Type: {QUERY_TYPE} or {FORM_TYPE}.")
    else:
        raise ApiError(415, f"Content-Type {media_type} is not part of the SPARQL protocol; "
                            f"send {QUERY_TYPE} or {FORM_TYPE}.")
    return params


def the_query(environ: dict, params: dict[str, list[str]]) -> str | None:
    """The one query the request carries (a POST's noted for its access line); None for none, when a GET
    asks for the service's description."""
    queries = params.get("query", [])
    post = environ.get("REQUEST_METHOD", "").upper() == "POST"
    if post and queries:
        environ[POSTED_QUERY] = queries[0]
    if params.get("update"):
        if queries:
            raise ApiError(400, "A request carries either a query or an update, not both.")
        raise ApiError(403, READ_ONLY)
    if len(queries) > 1:
        raise ApiError(400, "A request carries exactly one 'query' parameter; this one has several.")
    if not queries and post:
        raise ApiError(400, f"A POST to /sparql carries a query: a 'query' parameter ({FORM_TYPE}), or the "
                            f"query itself as the body ({QUERY_TYPE}).")
    return queries[0] if queries else None


def prepared(dataset: Dataset, text: str, params: dict[str, list[str]], accept: str) -> tuple[QueryPlan, Format]:
    """The checked query and the format of its answer (``accept``: the request's Accept header)."""
    try:
        plan = dataset.plan(text)
    except QueryError as error:
        raise ApiError.from_query_error(error) from None
    offered = (formats.GRAPH_FORMATS + formats.DATASET_FORMATS) if plan.answers_with_triples else formats.RESULT_FORMATS
    default = formats.by_name("turtle") if plan.answers_with_triples else formats.by_name("json")
    return plan, negotiation.choose(offered, default, explicit=negotiation.requested(params), accept=accept)


def run(dataset: Dataset, plan: QueryPlan, fmt: Format, params: dict[str, list[str]], environ: dict) -> Answer:
    """The query's answer; or, when running it for this request already failed before Flask
    (plain_queries.py), that failure again: a query is not run twice for one request."""
    raised = environ.pop(RAISED_BEFORE_FLASK, None)
    if raised is not None:
        raise raised
    return dataset.answer(plan, fmt, default_graph_uris=params.get("default-graph-uri", []),
                          named_graph_uris=params.get("named-graph-uri", []))


def _describe_service(params: dict[str, list[str]]) -> Response:
    """The service description for RDF clients; a browser goes to the query page (both vary with Accept);
    a client asking for query results gets 400: it forgot its query."""
    described_in = formats.GRAPH_FORMATS + formats.DATASET_FORMATS
    explicit = negotiation.requested(params)
    if not explicit and negotiation.prefers_page(described_in, formats.by_name("turtle")):
        response = redirect(url_for("ui.query_page"), code=303)
        response.headers["Vary"] = "Accept"
        return response
    try:
        fmt = negotiation.choose(described_in, formats.by_name("turtle"), explicit=explicit)
    except ApiError as refused:
        try:
            negotiation.choose(formats.RESULT_FORMATS, formats.by_name("json"), explicit=explicit)
        except ApiError:
            raise refused from None
        raise ApiError(400, "The query is missing: send it as the 'query' parameter (GET /sparql?query=…), or "
                            "POST it. Without a query, /sparql describes the service in RDF.") from None
    dataset = dataset_of(current_app)
    root = public_root()
    answer = dataset.document(("service description", root), fmt, lambda: service_description(dataset, root, fmt))
    response = answer_response(answer, dataset)[0]
    response.headers["Vary"] = "Accept"
    return response
