"""Pages and routes, against the real server serving data written to attack them (fixtures/hostile.trig):
every page shows what comes from the data, the IRIs or the request as text, never as markup or script;
no route reads files outside the app; redirects stay on this site and carry no injected header; and
every answer has the security headers."""

from __future__ import annotations

import http.client
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
import requests

from .conftest import FIXTURES
from .server_process import running_server

RESOURCES = ["test/script", "test/it's", "test/javascript:alert(document.domain)",
             "test/%0D%0ALocation:%20https:%2F%2Fevil.example%2F"]
HOSTILE_TEXT = ["<script>alert('label')</script>", "it's \"quoted\" & <b>bold</b>", "<svg onload=alert('incoming')>",
                "\"><img src=x onerror=alert('description')></textarea><script>alert(1)</script>"]


@pytest.fixture(scope="module")
def server():
    with running_server("--data", FIXTURES / "hostile.trig") as base:
        yield base


class Markup(HTMLParser):
    """What a browser would run or follow in a page: script elements, event handlers, link targets."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []
        self.handlers: list[str] = []
        self.targets: list[str] = []
        self.followed: list[str] = []  # targets a click or a frame follows (not an icon's or an image's)
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        targets = [value or "" for name, value in attrs if name in ("href", "src", "action", "formaction")]
        self.targets += targets
        if tag not in ("link", "img"):
            self.followed += targets

    def handle_data(self, data):
        self.text.append(data)


def page(url: str, **kwargs) -> tuple[requests.Response, Markup]:
    response = requests.get(url, headers={"Accept": "text/html"}, **kwargs)
    markup = Markup()
    markup.feed(response.text)
    return response, markup


def assert_inert(markup: Markup) -> None:
    assert all(script.get("src", "").startswith("/static/") for script in markup.scripts), markup.scripts
    assert markup.handlers == []
    assert not [t for t in markup.targets if t.lower().lstrip().startswith(("javascript:", "vbscript:"))]
    schemes = {urlsplit(target).scheme for target in markup.followed}
    assert schemes <= {"", "http", "https"}, schemes


def pages_of(base: str) -> list[str]:
    hostile_query = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } # </textarea><script>alert(2)</script>"
    return ([base + "id/" + quote(name) + ".html" for name in RESOURCES]
            + [base, base + "query?" + requests.compat.urlencode({"query": hostile_query}),
               base + "query?" + requests.compat.urlencode({"query": "<script>alert(3)</script>"}),
               base + "id/" + quote("<script>alert(4)</script>"), base + "sparql?query=%3Cscript%3Ealert(5)"])


def test_every_page_shows_hostile_data_and_requests_as_text(server):
    shown = ""
    for url in pages_of(server):
        response, markup = page(url)
        assert response.headers["Content-Type"].startswith("text/html"), url
        assert_inert(markup)
        assert "<script>alert" not in response.text.replace("&lt;script&gt;", ""), url
        shown += "".join(markup.text)
    for text in HOSTILE_TEXT + ["<script>alert(4)</script>", "</textarea><script>alert(2)</script>"]:
        assert text in shown, text  # shown, as text


def test_links_to_script_iris_are_not_followable(server):
    _, markup = page(server + "id/test/script.html")
    assert not [t for t in markup.followed if t.lower().lstrip().startswith(("javascript:", "data:"))]
    assert "/id/test/it%27s" in markup.targets or "/id/test/it's" in markup.targets
    describe = [t for t in markup.targets if "javascript" in t and t.startswith("/sparql?query=DESCRIBE")]
    assert describe and requests.get(server + describe[0].lstrip("/"), headers={"Accept": "text/turtle"}).status_code == 200
    assert "//evil.example/" not in {urlsplit(t).netloc for t in markup.targets if t.startswith("/")}


@pytest.mark.parametrize("name", RESOURCES)
def test_a_redirect_stays_here_carries_no_injected_header_and_arrives(server, name):
    response = requests.get(server + "id/" + quote(name), headers={"Accept": "text/html"}, allow_redirects=False)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/id/") and not location.startswith("//")
    assert "\r" not in location and "\n" not in location and set(response.headers) & {"Set-Cookie"} == set()
    assert requests.get(server + location.lstrip("/")).status_code == 200


@pytest.mark.parametrize("path", ["/static/../../etc/passwd", "/static/..%2f..%2fetc%2fpasswd",
                                  "/static/%2e%2e/%2e%2e/pyproject.toml", "/id/../../../etc/passwd",
                                  "/id/..%2f..%2f..%2fetc%2fpasswd", "/ontology/..%2f..%2fpyproject.toml",
                                  "/data.ttl/../../../etc/passwd", "/static//etc/passwd", "/id//test/script",
                                  "//evil.example/", "/static/..\\..\\pyproject.toml"])
def test_no_path_reaches_files_outside_the_app_or_redirects_away(server, path):
    host, port = urlsplit(server).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path, headers={"Host": "evil.example"})  # sent as written, not normalised
    response = connection.getresponse()
    body = response.read()
    assert response.status in (400, 404), (path, response.status)
    assert b"root:" not in body and b"[project]" not in body and response.getheader("Location") is None


@pytest.mark.parametrize("path", ["", "id/test/script.html", "id/test/script.ttl", "sparql?query=ASK%7B%7D",
                                  "id/nowhere", "query?query=SELEC", "data.nt", "healthz", "openapi.json", "id/test/script"])
def test_every_answer_has_the_security_headers(server, path):
    response = requests.get(server + path, allow_redirects=False)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
