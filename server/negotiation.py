"""Content negotiation: the format a client gets, from ?format=, the Accept header (with q-values), or the default."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from flask import request

from ilrs_graph import formats
from ilrs_graph.formats import Format

from .errors import ApiError
from .parameters import decoded

# A resource's or the ontology's page, as one more format a client may choose (by Accept or ?format=html).
PAGE = Format("html", "text/html", "page", formats.by_name("turtle").oxigraph, "html", ("application/xhtml+xml",))


def choose(offered: tuple[Format, ...], default: Format, *, explicit: Sequence[str] = (),
           accept: str | None = None) -> Format:
    """The best of ``offered`` for this request (``accept``: its Accept header, read from the request when
    not given); 406 when the client accepts none of them.

    ``explicit`` (?format= / ?output= values, names or media types, some clients sending several) wins
    over the Accept header: the first one that names an offered format. No Accept header at all means
    ``default``.
    """
    if explicit:
        wanted = [name for value in explicit for name in value.split(",") if name.strip()]
        for name in wanted:
            chosen = formats.by_name(name, offered)
            if chosen is not None:
                return chosen
        names = ", ".join(f.name for f in offered)
        raise ApiError(406, f"Unknown or unsuitable format '{explicit[0]}' here; choose one of: {names}.")
    accept = _accept_header(accept)
    if not accept:
        return default
    if PAGE not in offered and prefers_page(offered, default, accept=accept):
        return default  # a browser shows it; what its application/xml;q=0.9 names (RDF/XML) it would download
    chosen = _best_accepted(offered, default, accept)
    if chosen is None:
        offered_types = ", ".join(f.media_type for f in offered)
        raise ApiError(406, f"None of the media types in the Accept header can be served here; "
                            f"available: {offered_types}.")
    return chosen


def prefers_page(offered: tuple[Format, ...], default: Format, *, tie_goes_to_page: bool = False,
                 accept: str | None = None) -> bool:
    """Whether the client rates an HTML page above every one of ``offered``: a browser. (werkzeug's
    ``accept_mimetypes.best`` names Chromium's application/signed-exchange;v=b3;q=0.7, the most specific
    of its ranges, not its text/html.) A tie goes to ``offered``: an RDF client naming text/html as
    highly is not sent a page. Where the page is what the URL is for (the query page), a tie (``*/*``),
    no Accept header and one naming neither go to the page instead."""
    accept = _accept_header(accept)
    if tie_goes_to_page:
        return not accept or _best_accepted((PAGE, *offered), PAGE, accept) in (PAGE, None)
    return bool(accept) and _best_accepted((*offered, PAGE), default, accept) is PAGE


def _accept_header(given: str | None) -> str:
    """The Accept header a caller read (the WSGI environ's, before Flask: plain_queries.py), else the request's."""
    return (request.headers.get("Accept", "") if given is None else given).strip()


def names_a_format(offered: tuple[Format, ...]) -> bool:
    """Whether the URL's ``format`` or ``output`` names one of ``offered``, as /sparql would take it: for the
    query page, which takes neither, to tell a client naming one where to go. Read leniently (werkzeug's
    decoding keeps a stray '%' as it is), as the page reads its query: a broken parameter names no format,
    and the page is not refused for it."""
    named = request.args.getlist("format") + request.args.getlist("output")
    return any(formats.by_name(name.strip(), offered) for value in named for name in value.split(","))


def requested(params: dict[str, list[str]] | None = None) -> list[str]:
    """The formats a request names by ``format`` and ``output``, for ``choose``'s ``explicit``: from
    ``params`` where the caller has decoded its parameters (/sparql, /store), else from the URL, read
    strictly as /sparql reads it, but only when it names one: a document takes no other parameter, so a
    malformed one (a crawler's, a mail client's) is none of its business."""
    if params is None:
        if b"format" not in request.query_string and b"output" not in request.query_string:
            return []
        params = decoded(request.query_string)
    return params.get("format", []) + params.get("output", [])


def named_instead(current: Format, offered: tuple[Format, ...]) -> Format | None:
    """For a document whose URL names its format by a suffix (/id/x.ttl, /data.nq): the other format
    ?format= (or ?output=) names, to be sent to; None when it names this one, or none is named; 406, as
    on /sparql, when what it names is not offered."""
    explicit = requested()
    if not explicit:
        return None
    chosen = choose(offered, current, explicit=explicit)
    return None if chosen == current else chosen


@lru_cache(maxsize=256)  # clients send few distinct Accept headers: each is parsed and matched once
def _best_accepted(offered: tuple[Format, ...], default: Format, accept: str) -> Format | None:
    """The format the Accept header rates highest (RFC 9110, 12.5.1), the default first among equals.

    A format is rated by the most specific range its media type falls in (parameters other than q do
    not decide whether a range matches: ``text/turtle; charset=utf-8`` is Turtle), and refused when
    that range says q=0. Its aliases (``application/json`` for SPARQL JSON results…) count only when
    named exactly: a wildcard never makes the server answer a media type the client did not ask for."""
    ranges = [(main, sub or "*", others, quality) for value, others, quality in weighted(accept)
              for main, _, sub in [value.partition("/")]]
    best: tuple[float, int] = (0.0, -1)
    chosen = None
    for fmt in dict.fromkeys((default, *offered)):
        if fmt not in offered:
            continue
        rating = _rating(fmt.media_type, ranges, exact_only=False)
        if rating is not None and rating[0] == 0:
            continue  # refused by name, or by the most specific range it falls in
        for alias in fmt.aliases:
            named = _rating(alias, ranges, exact_only=True)
            if named is not None and (rating is None or named > rating):
                rating = named
        if rating is not None and rating[0] > 0 and rating > best:
            best, chosen = rating, fmt
    return chosen


def weighted(header: str) -> list[tuple[str, int, float]]:
    """The elements of an Accept-style header (Accept, Accept-Encoding): each one's value, lower-cased,
    its number of parameters other than q, and its q; an empty element, or one whose q is no number,
    left out rather than guessed at."""
    elements = []
    for item in header.split(","):
        value, *parameters = [part.strip() for part in item.split(";")]
        quality, others = 1.0, 0
        for parameter in parameters:
            name, _, number = parameter.partition("=")
            if name.strip().lower() != "q":
                others += 1 if name.strip() else 0
                continue
            try:
                quality = min(max(float(number.strip()), 0.0), 1.0)
            except ValueError:
                break
            if math.isnan(quality):
                break
        else:
            if value:
                elements.append((value.lower(), others, quality))
    return elements


def _rating(media_type: str, ranges: list[tuple[str, str, int, float]], *, exact_only: bool) -> tuple[float, int] | None:
    """(q, how it is named: 3 by its type, 2 by ``type/*``, 1 by ``*/*``) of the most specific range
    ``media_type`` falls in; None when in none. Parameters choose among ranges naming the type, but do not
    make it rate above another type named as plainly: ``text/html;charset=utf-8`` is no stronger a wish
    than ``application/ld+json``."""
    main, _, sub = media_type.partition("/")
    found: tuple[int, float] | None = None
    for range_main, range_sub, parameters, quality in ranges:
        if (range_main, range_sub) == (main, sub):
            specificity = 3 * 100 + parameters
        elif exact_only:
            continue
        elif range_main == main and range_sub == "*":
            specificity = 2 * 100
        elif range_main == "*" and range_sub == "*":
            specificity = 1 * 100
        else:
            continue
        if found is None or specificity > found[0] or (specificity == found[0] and quality > found[1]):
            found = (specificity, quality)
    return None if found is None else (found[1], found[0] // 100)
