"""IRIs ↔ paths on this server: the data's public base maps onto the server's root."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import current_app, request
from werkzeug.urls import uri_to_iri

from .state import state_of


def public_root() -> str:
    """The URL of this server's root, as its clients reach it: serve --base-url when given, else the
    request's own (from its Host header; X-Forwarded-Host is never read, a client could send any). werkzeug
    reads no host in a name with "_" (nginx's Host for an ``upstream app_server``): that Host is taken as
    written (guards.py has refused one that is no host), not left out ("http:///sparql")."""
    configured = state_of(current_app).config.base_url
    if configured:
        return configured
    written = request.environ.get("HTTP_HOST")
    if request.host or not written:
        return request.url_root
    return uri_to_iri(f"{request.scheme}://{written}/")


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
