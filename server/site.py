"""A static copy of the linked-data site (``ilrs-graph export --site DIR``), for any static host.

The pages are the server's own: the real application (with ``Config.static_site``) renders them through
Flask's test client, so they never drift from what the server shows. Each is written where a host that
cannot negotiate content finds it: a resource's page at ``id/<kind>/<slug>.html`` beside its documents
(``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``, ``.trig``, ``.nq``, named as the server names them), the home
page at ``index.html``, the ontology's documentation at ``ontology.html``; then the dumps,
``context.jsonld``, ``void.ttl`` (describing a site with no SPARQL endpoint) and ``SHA256SUMS`` as
``ilrs-graph export`` writes them, the application's ``static/`` assets, and ``sitemap.xml``. Every
link is made relative to its page and points at a file; a link to what no static file can be (the query
page, the endpoint, an IRI the server has no page for) keeps its text and loses its link.
"""

from __future__ import annotations

import html
import posixpath
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from xml.sax.saxutils import escape

import pyoxigraph as ox
from flask.testing import FlaskClient

from ilrs_graph import shipped
from ilrs_graph.dataset import Dataset
from ilrs_graph.export import DESCRIPTION_FILE, EXPORT_FORMATS, export_files
from ilrs_graph.load import LoadedGraph
from ilrs_graph.namespaces import ONTOLOGY
from ilrs_graph.wording import counted

from . import create_app
from .config import Config
from .linked_data import DUMP_FORMATS
from .links import path_for

HOME_PAGE = "index.html"
SITEMAP_FILE = "sitemap.xml"
SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"

# An <a> whose href is a path on the server (autoescaped attributes hold no '"' or '>', and <a> does not nest).
_ANCHOR = re.compile(r'<a\b[^>]*?\shref="(?P<href>/[^"]*)"[^>]*>(?P<content>.*?)</a>', re.S)
# Any other reference to a path on the server: stylesheets, alternate documents.
_REFERENCE = re.compile(r'(?<=\s)(?P<attribute>href|src)="(?P<href>/[^"]*)"')


class SiteError(Exception):
    """The site cannot be written where asked, or the application failed to render a part of it."""


@dataclass(frozen=True)
class SiteSummary:
    pages: int
    files: int
    bytes: int
    case_clashes: tuple[tuple[str, ...], ...] = ()  # files whose names differ only in case (ontology/Country.html…)


def write_site(loaded: LoadedGraph, out_dir: Path, base_url: str) -> SiteSummary:
    """Write the static site of ``loaded``, to be published at ``base_url`` (ending in ``/``), into
    ``out_dir``, which must be new or empty: a page left from an earlier export would be served too."""
    if out_dir.exists() and any(out_dir.iterdir()):
        raise SiteError(f"{out_dir}: is not empty; write the site into a new or empty directory, "
                        f"so that no file of an earlier export is published with it")
    files = site_files(loaded, base_url)
    clashes = _case_clashes(files)
    if clashes and _ignores_case(out_dir):
        more = f" (and {counted(len(clashes) - 1, 'other pair')})" if len(clashes) > 1 else ""
        raise SiteError(f"{out_dir}: this file system takes {clashes[0][0]} and {clashes[0][1]}{more} for one "
                        f"file, so one of each would overwrite the other; write the site on a file system that "
                        f"tells upper from lower case (Linux's; on macOS, a case-sensitive APFS volume)")
    existed = out_dir.exists()
    try:
        for name, body in files.items():
            path = out_dir / unquote(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
    except OSError as error:  # a full disk: no half site to publish, and the folder can be written again
        _remove_all_in(out_dir, existed)
        raise SiteError(f"{out_dir}: cannot write: {error.strerror or error}; what was written is removed, and "
                        f"{out_dir} is as it was") from None
    pages = sum(1 for name in files if name.endswith(".html"))
    return SiteSummary(pages, len(files), sum(len(body) for body in files.values()), clashes)


def _remove_all_in(out_dir: Path, existed: bool) -> None:
    """Remove the site written into ``out_dir``, which was empty (or was not) before."""
    if not existed:
        shutil.rmtree(out_dir, ignore_errors=True)
        return
    for child in out_dir.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _case_clashes(files: dict[str, bytes]) -> tuple[tuple[str, ...], ...]:
    """The files whose names differ only in case (IRIs do: ilrs:Country and ilrs:country), grouped."""
    by_folded: dict[str, list[str]] = defaultdict(list)
    for name in files:
        by_folded[unquote(name).casefold()].append(unquote(name))
    return tuple(tuple(sorted(names)) for _, names in sorted(by_folded.items()) if len(names) > 1)


def _ignores_case(out_dir: Path) -> bool:
    """Whether the file system the site goes to takes "a" and "A" for one name (macOS's and Windows' by
    default): asked of a file made for the purpose, in the nearest folder that exists."""
    folder = next(parent for parent in (out_dir, *out_dir.parents) if parent.is_dir())
    with tempfile.NamedTemporaryFile(prefix="ilrs-case-probe-", dir=folder) as probe:
        name = Path(probe.name).name
        return (folder / name.upper()).exists()


def site_files(loaded: LoadedGraph, base_url: str) -> dict[str, bytes]:
    """Every file of the site by its path in the site, percent-encoded as a link names it."""
    config = Config(static_site=True, base_url=base_url)  # the address the pages cite
    app = create_app(config, dataset=Dataset.of(loaded))
    client = app.test_client()
    files = export_files(loaded, EXPORT_FORMATS, base_url, static_site=True)
    static = Path(app.static_folder)
    for asset in sorted(path for path in static.rglob("*") if path.is_file()):  # the stylesheet…
        files[quote(f"{app.static_url_path}/{asset.relative_to(static).as_posix()}"[1:])] = asset.read_bytes()
    where = {"/" + name: name for name in files}  # a path on the server → the file of the site holding it
    where["/void"] = DESCRIPTION_FILE
    where["/"] = HOME_PAGE
    pages = {HOME_PAGE: _body(client, "/")}
    # documents with no page: the shapes (validation reports name them) and the ontology's earlier versions
    for path in ["/shapes", *(f"/ontology/{version}" for version in shipped.ontology_versions())]:
        for suffix in DUMP_FORMATS:
            files[f"{path[1:]}.{suffix}"] = _body(client, f"{path}.{suffix}")
        where[path] = f"{path[1:]}.ttl"
    moved = {}
    for name in _documented_names(loaded, config.public_base):
        path = path_for(name)
        answer = client.get(path + ".html")
        if answer.status_code == 303:  # documented on another page (the ontology's version IRI)
            moved[path] = urlsplit(answer.location).path
            continue
        if answer.status_code != 200:
            continue
        where[path] = page = path[1:] + ".html"
        pages[page] = answer.get_data()
        for suffix in DUMP_FORMATS:
            document = f"{path}.{suffix}"
            where[document] = document[1:]
            files[document[1:]] = _body(client, document)
    where.update({path: where[target] for path, target in moved.items() if target in where})
    for page, body in pages.items():
        files[page] = _relative_links(body.decode(), page, where).encode()
    files[SITEMAP_FILE] = _sitemap(base_url, sorted(pages))
    return files


def _documented_names(loaded: LoadedGraph, public_base: str) -> Iterator[str]:
    """The names (IRIs without the public base) that the server may have a page for, each once, sorted:
    the ontology (every page's menu links to it) and every IRI of the data under the base that can be a
    file's path (no empty, '.' or '..' segment: nothing is written outside the site)."""
    iris = {ONTOLOGY} | {term.value for quad in loaded.quads for term in quad
                         if isinstance(term, ox.NamedNode) and term.value.startswith(public_base)}
    for iri in sorted(iris):
        name = iri[len(public_base):]
        if all(segment not in ("", ".", "..") for segment in name.split("/")):
            yield name


def _body(client: FlaskClient, path: str) -> bytes:
    answer = client.get(path)
    if answer.status_code != 200:
        raise SiteError(f"{path}: the application answered {answer.status}, not the document")
    return answer.get_data()


def _relative_links(page_html: str, page: str, where: dict[str, str]) -> str:
    """The page with every link to a path on the server made relative to ``page``, at the site's file;
    an <a> whose target the site does not hold is replaced by its content."""
    def target(href: str) -> str | None:
        path, query, fragment = _split(html.unescape(href))
        if path not in where:
            return None
        relative = posixpath.relpath(where[path], posixpath.dirname(page) or ".")
        return html.escape(relative + query + fragment)

    def anchor(match: re.Match) -> str:
        return match.group(0) if target(match.group("href")) else match.group("content")

    def reference(match: re.Match) -> str:
        relative = target(match.group("href"))
        if relative is None:
            raise SiteError(f"{page}: refers to {match.group('href')}, which the site does not hold")
        return f'{match.group("attribute")}="{relative}"'

    return _REFERENCE.sub(reference, _ANCHOR.sub(anchor, page_html))


def _split(href: str) -> tuple[str, str, str]:
    """'/a?b#c' → ('/a', '?b', '#c')."""
    rest, hash_mark, fragment = href.partition("#")
    path, question_mark, query = rest.partition("?")
    return path, question_mark + query, hash_mark + fragment


def _sitemap(base_url: str, pages: list[str]) -> bytes:
    """The Sitemaps 0.9 document listing every page at its address under ``base_url``."""
    urls = "".join(f"  <url><loc>{escape(base_url + page)}</loc></url>\n" for page in pages)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NAMESPACE}">\n{urls}</urlset>\n').encode()
