"""IRIs ↔ paths on this server: the data's public base maps onto the server's root."""

from __future__ import annotations

from flask import current_app

from .state import state_of


def iri_for_path(path: str) -> str:
    """The IRI a request path stands for: <public base> + path."""
    return state_of(current_app).config.public_base + path.lstrip("/")


def local_href(iri: str) -> str:
    """Where a browser on this server finds ``iri``: its path here if it lives under the public base."""
    base = state_of(current_app).config.public_base
    return "/" + iri[len(base):] if iri.startswith(base) else iri
