"""Gzip, where the client accepts it. An answer with an ETag (a query answer, a dump, /void, the
Service Description, /context.jsonld) is gzipped once and the gzipped copy kept beside it
(:meth:`~ilrs_graph.dataset.Dataset.gzipped`): asking again costs no compression (and a query answer's
copy can be replayed before Flask, plain_queries.py). flask-compress gzips the rest (pages, assets,
resource documents, volatile answers). Either way a gzipped answer's ETag ends in ``:gzip``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask import Flask, Response, request
from flask_compress import Compress

from ilrs_graph.dataset import Answer, Dataset

from . import negotiation

COMPRESSED = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
              "text/tab-separated-values", "text/turtle", "application/n-triples", "application/ld+json",
              "application/rdf+xml", "application/trig", "application/n-quads", "text/html", "text/css",
              "application/json", "text/plain", "application/javascript"]
MIN_SIZE = 512  # bytes; a smaller body gains less than the gzip header costs
PIECE = 2**20  # bytes of a dump's file sent at a time


def register(app: Flask) -> None:
    """Register after conditional.py: Flask runs after-request functions last registered first, and the
    preconditions are judged on the ETag that goes out."""
    # gzip alone, streamed answers (assets) too: the one coding the Accept-Encoding check below judges
    app.config.update(COMPRESS_MIMETYPES=COMPRESSED, COMPRESS_ALGORITHM=["gzip"], COMPRESS_ALGORITHM_STREAMING=["gzip"],
                      COMPRESS_MIN_SIZE=MIN_SIZE)
    app.before_request(_gzip_only_where_accepted)
    Compress(app)


def answer_response(answer: Answer, dataset: Dataset,
                    headers: Iterable[tuple[str, str]] = ()) -> tuple[Response, Answer]:
    """A response sending ``answer`` (with its own headers, answer_headers, unless ``headers`` name them
    otherwise), gzipped from the kept copy when the client accepts gzip; and the answer whose bytes go
    out. (Without an ETag, a volatile answer: flask-compress gzips it.)"""
    sent = copy_to_send(answer, dataset, request.environ.get("HTTP_ACCEPT_ENCODING", ""))
    response = Response(headers=answer_headers(answer, sent))
    response.headers.update(headers)
    _set_body(response, sent.body)
    return response, sent


def answer_headers(answer: Answer, sent: Answer) -> list[tuple[str, str]]:
    """What a response says of ``sent`` (``answer`` or its gzipped copy), sent through Flask or before it
    (plain_queries.py): its type and coding, and its ETag, asked for again each time (as
    with_validators has it)."""
    headers = [("Content-Type", answer.format.content_type)]
    if sent is not answer:
        headers.append(("Content-Encoding", "gzip"))
    if sent.etag is not None:
        headers += [("ETag", f'"{sent.etag}"'), ("Cache-Control", "public, no-cache")]
    return headers


def copy_to_send(answer: Answer, dataset: Dataset, accept_encoding: str) -> Answer:
    """``answer``, or its kept gzipped copy where the client accepts gzip and gzip gains something."""
    if (answer.etag is not None and len(answer.body) >= MIN_SIZE and answer.format.media_type in COMPRESSED
            and accepts_gzip(accept_encoding)):
        return dataset.gzipped(answer)
    return answer


class Pieces:
    """A dump's bytes (a memoryview of a file the server's processes share), sent a piece at a time: the
    WSGI server wants bytes, and copying the whole would make a copy per worker again."""

    def __init__(self, body: memoryview):
        self.body = body

    def __iter__(self) -> Iterator[bytes]:
        return (bytes(self.body[start:start + PIECE]) for start in range(0, len(self.body), PIECE))


def _set_body(response: Response, body: bytes | memoryview) -> None:
    """``body`` as ``response``'s: a memoryview in :class:`Pieces`."""
    if isinstance(body, bytes):
        response.set_data(body)
        return
    response.response = Pieces(body)
    response.content_length = len(body)


def _gzip_only_where_accepted() -> None:
    """flask-compress gzips whenever Accept-Encoding names gzip or *, even with q=0, which refuses it
    (RFC 9110, 12.5.3): such a request is shown to it as asking for no encoding at all."""
    header = request.environ.get("HTTP_ACCEPT_ENCODING")
    if header and not accepts_gzip(header):
        request.environ["HTTP_ACCEPT_ENCODING"] = "identity"


def accepts_gzip(header: str) -> bool:
    qualities = {coding: quality for coding, _, quality in negotiation.weighted(header)}
    return qualities.get("gzip", qualities.get("x-gzip", qualities.get("*", 0.0))) > 0
