"""`ilrs-graph export --site`: a static linked-data site that a plain static file server hosts.

The site is exported for the address of a real `python -m http.server`, then crawled from index.html
through that server like a browser would: every link and reference must resolve, fragments included.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.namespace import DCAT, RDF, RDFS, VOID, XSD

from ilrs_graph import shipped
from ilrs_graph.dataset import Dataset
from ilrs_graph.namespaces import BASE, ILRS, RESOURCE
from ilrs_server import Config, create_app

from .conftest import ROOT, ilrs_graph_command, run_cli

SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
OWL_VERSIONS = ("http://www.w3.org/2002/07/owl#versionIRI", "http://www.w3.org/2002/07/owl#priorVersion")


class _Links(HTMLParser):
    """The links (a, area) and references (link, script, img…) of a page, and the ids it defines."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.references: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag in ("a", "area") and "href" in attributes:
            self.links.append(attributes["href"])
        elif attributes.get("href") is not None:
            self.references.append(attributes["href"])
        if attributes.get("src") is not None:
            self.references.append(attributes["src"])


def _parsed(page: str) -> _Links:
    parser = _Links()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The site, exported for and served by a plain static file server on a free port: (folder, base URL)."""
    root = tmp_path_factory.mktemp("site")
    server = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                               "--directory", str(root)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = re.search(r"\((http://127\.0\.0\.1:\d+/)\)", server.stdout.readline()).group(1)
        result = run_cli("export", "--site", root, "--base-url", base)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"Static site written to {root}: ")
        yield root, base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def crawled(served):
    """Every URL reached from index.html by following links and references: URL → (status, body)."""
    _, base = served
    session = requests.Session()
    seen: dict[str, tuple[int, bytes]] = {}
    pending = [base + "index.html"]
    while pending:
        url = pending.pop()
        if url in seen:
            continue
        answer = session.get(url)
        seen[url] = (answer.status_code, answer.content)
        if answer.status_code == 200 and url.endswith(".html"):
            page = _parsed(answer.text)
            for href in page.links + page.references:
                target = urldefrag(urljoin(url, href)).url
                if target.startswith(base):
                    pending.append(target)
    return seen


@pytest.fixture(scope="module")
def minted(shipped) -> list[str]:
    """Every IRI the data mints that names a resource of its own (the ontology's version IRI is the
    ontology's, whose page is ontology.html; an earlier version's names its documents)."""
    versions = {q.object.value for q in shipped.quads if q.predicate.value in OWL_VERSIONS}
    iris = {t.value for q in shipped.quads for t in (q.subject, q.object, q.graph_name)
            if isinstance(t, ox.NamedNode) and t.value.startswith((RESOURCE, ILRS))}
    return sorted(iris - versions)


def test_every_link_and_reference_from_the_home_page_resolves(served, crawled):
    root, base = served
    failures = {url: status for url, (status, _) in crawled.items() if status != 200}
    assert failures == {}
    pages = {url: _parsed(body.decode()) for url, (_, body) in crawled.items() if url.endswith(".html")}
    assert len(pages) > 370 and len(crawled) > 2000
    missing_anchors = []
    for url, page in pages.items():
        for href in page.links + page.references:
            assert not href.startswith(("/", base)), f"{url}: {href} is not relative"
            target, fragment = urldefrag(urljoin(url, href))
            if not target.startswith(base):
                assert urlsplit(href).scheme in ("http", "https", "data"), f"{url}: {href}"
            elif fragment and target.endswith(".html") and fragment not in pages[target].ids:
                missing_anchors.append(f"{url} → {href}")
    assert missing_anchors == []


def test_the_links_of_a_page_are_relative_and_lead_to_html_files(served):
    root, _ = served
    page = (root / "id" / "agency" / "cnsa.html").read_text()
    links = _parsed(page).links
    assert "../country/china.html" in links and "../../index.html" in links and "../../ontology.html" in links
    assert {"cnsa.ttl", "cnsa.jsonld"} <= set(links)
    assert not [href for href in links if re.fullmatch(r"(\.\./)*[a-z]+/[a-z0-9-]+", href)], "a link without .html"


def test_every_resource_of_the_data_has_its_page_and_its_documents(served, minted):
    root, _ = served
    assert len(minted) > 300
    for iri in minted:
        path = iri[len(BASE):]
        for suffix in ("html", "ttl", "jsonld", "nt", "rdf", "trig", "nq"):
            assert (root / f"{path}.{suffix}").is_file(), f"{iri}: no .{suffix}"


def test_the_shapes_and_each_earlier_version_of_the_ontology_are_in_the_site_as_shipped(served):
    root, _ = served
    for name, shipped_file in [("shapes", shipped.shapes_file()),
                               *((f"ontology/{version}", path) for version, path in shipped.ontology_versions().items())]:
        assert (root / f"{name}.ttl").read_bytes() == shipped_file.read_bytes()
        assert (root / f"{name}.nt").is_file() and not (root / f"{name}.html").exists()


def test_the_documents_of_each_resource_hold_its_statements(served, minted):
    root, base = served
    dump = rdflib.Graph().parse(root / "data.nt", format="nt")
    session = requests.Session()
    for iri in minted:
        subject = rdflib.URIRef(iri)
        expected = set(dump.predicate_objects(subject))
        for suffix, rdflib_format in (("ttl", "turtle"), ("jsonld", "json-ld")):
            body = session.get(f"{base}{iri[len(BASE):]}.{suffix}").content
            document = rdflib.Graph().parse(data=body, format=rdflib_format)
            assert set(document.predicate_objects(subject)) == expected, f"{iri}.{suffix}"
    china = rdflib.Graph().parse(root / "id" / "country" / "china.ttl", format="turtle")
    assert (rdflib.URIRef(RESOURCE + "country/china"), RDFS.label, rdflib.Literal("China", lang="en")) in china


def test_the_sitemap_lists_every_page_at_its_address(served, crawled):
    root, base = served
    sitemap = ElementTree.parse(root / "sitemap.xml").getroot()
    assert sitemap.tag == SITEMAP + "urlset"
    listed = [url.findtext(SITEMAP + "loc") for url in sitemap.findall(SITEMAP + "url")]
    written = {base + str(path.relative_to(root)) for path in root.rglob("*.html")}
    assert len(listed) == len(set(listed)) and set(listed) == written
    reached = {url for url in crawled if url.endswith(".html")}
    assert reached <= set(listed) and base + "index.html" in reached and base + "ontology.html" in reached
    session = requests.Session()
    assert all(session.head(url).status_code == 200 for url in sorted(set(listed) - reached))


def test_the_dumps_match_their_checksums(served):
    _, base = served
    sums = requests.get(base + "SHA256SUMS").text.splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in sums)
    assert {"data.ttl", "data.nt", "data.nq", "data.trig", "data.jsonld", "data.rdf", "context.jsonld",
            "void.ttl"} == set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256(requests.get(base + name).content).hexdigest() == digest, name


def test_the_description_points_at_the_dumps_beside_the_pages_and_names_no_endpoint(served):
    _, base = served
    description = rdflib.Graph().parse(data=requests.get(base + "void.ttl").text, format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/ilrs/void#dataset")
    assert (dataset, RDF.type, VOID.Dataset) in description
    assert description.value(dataset, DCAT.landingPage) == rdflib.URIRef(base)
    assert description.value(dataset, VOID.sparqlEndpoint) is None
    assert not list(description.subjects(RDF.type, DCAT.DataService))
    assert "no SPARQL endpoint" in str(description.value(dataset, RDFS.comment))
    downloads = sorted(description.objects(dataset, DCAT.distribution))
    assert len(downloads) == 6
    for distribution in downloads:
        url = str(description.value(distribution, DCAT.downloadURL))
        assert url.startswith(base) and "/" not in url[len(base):]
        checksum = description.value(description.value(distribution, SPDX.checksum), SPDX.checksumValue)
        assert checksum.datatype == XSD.hexBinary
        assert hashlib.sha256(requests.get(url).content).hexdigest() == str(checksum)


def test_the_pages_offer_nothing_that_needs_a_server(served, crawled):
    root, base = served
    pages = {url: body.decode() for url, (_, body) in crawled.items() if url.endswith(".html")}
    for url, page in pages.items():
        targets = [urljoin(url, href) for href in _parsed(page).links]
        assert not [t for t in targets if urlsplit(t).path.endswith(("/query", "/sparql"))], url
        assert "127.0.0.1" not in page.replace(base, "") and "localhost" not in page, url
    home = pages[base + "index.html"]
    assert ">Query</a>" not in home and "no SPARQL endpoint" in home
    citation = re.search(r'<p class="citation">(.*?)</p>', home, re.S).group(1)
    assert f" {base}. " in citation and f"url          = {{{base}}}," in home  # the site's address, cited
    assert 'class="today"' not in home  # a picture of a static site has no "today": its bytes do not change
    source = pages[base + "id/source/space-wiki-ilrs.html"]
    assert "is the source of" in source and "list them" not in source


def test_the_pages_are_the_servers_with_their_links_made_relative(served, shipped):
    root, _ = served
    client = create_app(Config(static_site=True), dataset=Dataset.of(shipped)).test_client()
    for path in ("id/agency/cnsa.html", "ontology/Partnership.html", "id/payload/inrri.html"):
        from_server = client.get("/" + path).get_data(as_text=True)
        from_site = (root / path).read_text()
        links = re.compile(r'(href|src)="[^"]*"')
        assert links.sub(r'\1=""', from_site) == links.sub(r'\1=""', from_server), path


def test_exporting_twice_gives_identical_bytes(served, tmp_path):
    root, base = served
    again = tmp_path / "again"
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}  # sets and dicts in another order
    result = subprocess.run([ilrs_graph_command(), "export", "--site", str(again), "--base-url", base], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, env=environment)
    assert result.returncode == 0, result.stderr
    first = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_a_link_the_site_cannot_follow_keeps_its_text_and_loses_its_link(tmp_path):
    data = tmp_path / "odd.trig"
    data.write_text("""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:example:sources:1> {
  <https://w3id.org/ilrs/id/thing/kept> rdfs:label "Kept" ;
      rdfs:seeAlso <urn:example:elsewhere>, <https://w3id.org/ilrs/id/thing/nowhere>,
                   <https://w3id.org/ilrs/id/thing/described> .
  <https://w3id.org/ilrs/id/thing/described> rdfs:label "Described" .
  <https://w3id.org/ilrs/id/thing/x/../../../../escaped> rdfs:label "Escaped" .
}
""")
    site = tmp_path / "site"
    result = run_cli("export", data, "--site", site)
    assert result.returncode == 0, result.stderr
    page = (site / "id" / "thing" / "kept.html").read_text()
    links = _parsed(page).links
    assert "urn:example:elsewhere" in page and "thing/nowhere" in page  # shown, not linked:
    assert not [href for href in links if "sparql" in href or "elsewhere" in href or "nowhere" in href]
    assert not (site / "id" / "thing" / "nowhere.html").exists()  # the server has no page for it either
    assert "described.html" in links and (site / "id" / "thing" / "described.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.trig", "site"]  # nothing written outside
    assert not list(site.rglob("escaped*"))


def test_a_directory_in_use_is_refused_and_left_as_it_is(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = run_cli("export", "--site", tmp_path)
    assert result.returncode == 2 and "is not empty" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("args, message", [
    (["--format", "ttl"], "--site writes every format"),
    (["-o", "dumps"], "not allowed with argument --site"),
    (["no-such-file.trig"], "no such file"),
])
def test_bad_arguments_exit_2_with_a_message(tmp_path, args, message):
    result = run_cli("export", "--site", tmp_path / "site", *args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


CASE_CLASH = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:example:sources:1> {
  <https://w3id.org/ilrs/id/thing/Moon> rdfs:label "Moon (the body)" .
  <https://w3id.org/ilrs/id/thing/moon> rdfs:label "moon (any satellite)" .
}
"""


def test_files_whose_names_differ_only_in_case_are_named_where_the_site_keeps_them(tmp_path):
    """IRIs differ in case (ilrs:Country, ilrs:country): on this file system both files are written, and
    the export says which ones a host ignoring case (macOS's, Windows') would keep only one of."""
    data = tmp_path / "clash.trig"
    data.write_text(CASE_CLASH)
    result = run_cli("export", data, "--site", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "differ only in case (id/thing/Moon.html and id/thing/moon.html…)" in result.stderr
    assert {p.name for p in (tmp_path / "site" / "id" / "thing").glob("*.html")} == {"Moon.html", "moon.html"}
    assert not list(tmp_path.rglob("ilrs-case-probe-*"))  # the probe is gone


def test_a_file_system_that_ignores_case_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    """A case-insensitive file system cannot be made here: the probe's answer is given instead."""
    from ilrs_graph.load import load_files
    from ilrs_server import site

    data = tmp_path / "clash.trig"
    data.write_text(CASE_CLASH)
    assert site._ignores_case(tmp_path) is False  # this one tells them apart
    monkeypatch.setattr(site, "_ignores_case", lambda out_dir: True)
    with pytest.raises(site.SiteError, match=r"takes id/thing/Moon\.html and id/thing/moon\.html \(and [\d,]+ other "
                                             r"pairs\) for one file"):
        site.write_site(load_files([data]), tmp_path / "site", "https://w3id.org/ilrs/")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clash.trig"]


@pytest.mark.parametrize("existed", [False, True])
def test_a_disk_that_fills_up_midway_leaves_the_folder_as_it_was(tmp_path, monkeypatch, existed):
    """An operator's review: on a full disk the export left a cut data.ttl, which a sync would publish,
    and then refused the folder it had made itself as not empty. A full disk cannot be made here without
    root: the 20th file written fails as the disk would."""
    from ilrs_graph.load import load_files
    from ilrs_server import site

    data = tmp_path / "clash.trig"
    data.write_text(CASE_CLASH)
    out = tmp_path / "site"
    if existed:
        out.mkdir()
    written, write_bytes = [], Path.write_bytes

    def until_full(path, body):
        if len(written) == 20:
            raise OSError(28, "No space left on device")
        written.append(path)
        return write_bytes(path, body)

    monkeypatch.setattr(Path, "write_bytes", until_full)
    with pytest.raises(site.SiteError, match=r"cannot write: No space left on device; what was written is removed"):
        site.write_site(load_files([data]), out, "https://w3id.org/ilrs/")
    assert written and (list(out.iterdir()) == [] if existed else not out.exists())
