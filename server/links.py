"""IRIs ↔ paths on this server: the data's public base maps onto the server's root."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import current_app, request

from .state import state_of


def public_root() -> str:
    """The URL of this server's root, as its clients reach it: serve --base-url when given, else the
    request's own (from its Host header; X-Forwarded-Host is never read, a client could send any)."""
    return state_of(current_app).config.base_url or request.url_root


def iri_for_path(path: str) -> str:
    """The IRI a request path stands for: <public base> + path."""
    return state_of(current_app).config.public_base + path.lstrip("/")


def local_href(iri: str) -> str:
    """Where a browser on this server finds ``iri``: its path here if it lives under the public base; a
    web IRI elsewhere as it is; any other IRI (``javascript:``, ``data:``…) never as a link target, but
    as a query describing it."""
    base = state_of(current_app).config.public_base
    if iri.startswith(base) and not iri[len(base):].startswith("/"):
        return path_for(iri[len(base):])
    if iri.lower().startswith(("http://", "https://")):
        return iri
    return "/sparql?" + urlencode({"query": f"DESCRIBE <{iri}>"})


def path_for(name: str) -> str:
    """The request path that names ``name`` (an IRI's part under the public base), percent-encoded so
    that it comes back as ``name``: a redirect's Location holds no raw CR, LF or ``%``."""
    return "/" + quote(name, safe="/:@!$&'()*+,;=~")
