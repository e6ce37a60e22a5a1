"""The server's configuration, in one place: what to serve, how, and within which limits."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from ilrs_graph.namespaces import BASE
from ilrs_graph.query import Limits
from ilrs_graph.remote import StoreEndpoints
from ilrs_graph.resources import iri_term


@dataclass(frozen=True)
class Config:
    # What to serve: None for the shipped ontology + data, or RDF files (any format) and directories of
    # them to serve instead (a directory's files are listed again at each reload).
    data_files: tuple[Path, ...] | None = None
    # Serve the data only if it conforms to the shapes (merged with the ontology); else the last good copy.
    validate: bool = False
    engine: str = "oxigraph"
    # Or answer from an external SPARQL store loaded by `ilrs-graph load --store` (data_files unused).
    store: StoreEndpoints | None = None
    # IRIs under this base are answered by this server: <public_base>id/agency/cnsa ↔ /id/agency/cnsa.
    public_base: str = BASE
    limits: Limits = field(default_factory=Limits)
    result_cache_entries: int = 1024
    # Where clients reach this server's root (serve --base-url), for the URLs it writes: the service
    # description's endpoint, VoID's dumps, the home page's. None: each request's own (its Host header),
    # which behind a proxy is the backend's address unless the proxy passes the client's Host on.
    base_url: str | None = None
    # Access-Control-Allow-Origin for /sparql and the dumps.
    cors_origin: str = "*"
    # Rendering the pages into a static site (ilrs-graph export --site): they offer nothing that needs
    # this server (the query page, the endpoint), and the pictures draw no "today" (the bytes stay the same).
    static_site: bool = False

    def __post_init__(self) -> None:
        if self.base_url is not None and not self.static_site:  # a static site's links are relative: it may sit under a path
            object.__setattr__(self, "base_url", public_url(self.base_url))

    def updated(self, **changes) -> Config:
        return replace(self, **changes)


def public_url(text: str) -> str:
    """``text`` as the URL of a server's root: http or https, a host, no path (the server's links and
    redirects are paths from its root: under a proxy's prefix they would lead out of it), no query or
    fragment, ending in ``/``, and an IRI (the descriptions name the endpoint and dumps by it); ValueError
    otherwise."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment or "?" in text \
            or "#" in text or any(c.isspace() or ord(c) < 32 for c in text) or parts.path not in ("", "/") \
            or iri_term(text) is None:
        raise ValueError(f"must be an http or https URL of the server's root, without a path, query or fragment "
                         f"(the server answers at the root of its address), not '{text}'")
    return text if text.endswith("/") else text + "/"
