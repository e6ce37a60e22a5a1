"""Content negotiation: the format a client gets, from ?format=, the Accept header (with q-values), or the default."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from flask import request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ilrs_graph import formats
from ilrs_graph.formats import Format

from .errors import ApiError


def choose(offered: tuple[Format, ...], default: Format, *, explicit: Sequence[str] = ()) -> Format:
    """The best of ``offered`` for this request; 406 when the client accepts none of them.

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
    accept = request.headers.get("Accept", "").strip()
    if not accept:
        return default
    chosen = _best_accepted(offered, default, accept)
    if chosen is None:
        offered_types = ", ".join(f.media_type for f in offered)
        raise ApiError(406, f"None of the media types in the Accept header can be served here; "
                            f"available: {offered_types}.")
    return chosen


@lru_cache(maxsize=256)  # clients send few distinct Accept headers: each is parsed and matched once
def _best_accepted(offered: tuple[Format, ...], default: Format, accept: str) -> Format | None:
    candidates: list[str] = []
    owner: dict[str, Format] = {}
    for fmt in (default, *offered):
        for media_type in fmt.media_types:
            if media_type not in owner:
                owner[media_type] = fmt
                candidates.append(media_type)
    best = parse_accept_header(accept, MIMEAccept).best_match(candidates)
    return None if best is None else owner[best]
