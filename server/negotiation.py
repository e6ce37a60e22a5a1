"""Content negotiation: the format a client gets, from ?format=, the Accept header (with q-values), or the default."""

from __future__ import annotations

from flask import request

from ilrs_graph import formats
from ilrs_graph.formats import Format

from .errors import ApiError


def choose(offered: tuple[Format, ...], default: Format, *, explicit: str | None = None) -> Format:
    """The best of ``offered`` for this request; 406 when the client accepts none of them.

    ``explicit`` (a ?format= value or a file suffix) wins over the Accept header; no Accept header at
    all means ``default``.
    """
    if explicit:
        chosen = formats.by_name(explicit, offered)
        if chosen is None:
            names = ", ".join(f.name for f in offered)
            raise ApiError(406, f"Unknown or unsuitable format '{explicit}' here; choose one of: {names}.")
        return chosen
    if "Accept" not in request.headers or not request.headers["Accept"].strip():
        return default
    candidates: list[str] = []
    owner: dict[str, Format] = {}
    for fmt in (default, *offered):
        for media_type in fmt.media_types:
            if media_type not in owner:
                owner[media_type] = fmt
                candidates.append(media_type)
    best = request.accept_mimetypes.best_match(candidates)
    if best is None:
        offered_types = ", ".join(f.media_type for f in offered)
        raise ApiError(406, f"None of the media types in the Accept header can be served here; "
                            f"available: {offered_types}.")
    return owner[best]
