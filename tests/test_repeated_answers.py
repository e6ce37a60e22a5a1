"""A repeated query answered before Flask (server/repeated.py): byte for byte what Flask sent, and
only when nothing in the request asks for something else.

The app is the real one, driven in-process; a hook of its own counts the requests Flask handles."""

from __future__ import annotations

import gzip
import re

import pytest
from flask import request

from ilrs_graph.dataset import Dataset
from ilrs_graph.query import Limits
from ilrs_server import Config, create_app
from ilrs_server.state import state_of

from .conftest import FIXTURES

PARTNERS = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?partner ?name WHERE { ?partnership org:member ?partner . ?partner rdfs:label ?name } ORDER BY ?name"""
CONSTRUCT = """PREFIX org: <http://www.w3.org/ns/org#>
CONSTRUCT { ?partnership org:member ?partner } WHERE { ?partnership org:member ?partner }"""


@pytest.fixture
def app(shipped):
    app = create_app(Config(), dataset=Dataset.of(shipped))
    app.handled = []
    app.before_request(lambda: app.handled.append(request.method))
    return app


def ask(client, how: str, query: str, headers: dict):
    if how == "GET":
        return client.get("/sparql", query_string={"query": query}, headers=headers)
    if how == "form":
        return client.post("/sparql", data={"query": query}, headers=headers)
    return client.post("/sparql", data=query.encode(), headers={**headers, "Content-Type": "application/sparql-query"})


def sent(response) -> tuple:
    """What a response says, but its Date: the server (gunicorn) dates each reply itself."""
    return response.status, sorted((n, v) for n, v in response.headers.items() if n != "Date"), response.get_data()


@pytest.mark.parametrize("how", ["GET", "form", "direct"])
@pytest.mark.parametrize("query, accept", [(PARTNERS, None), (PARTNERS, "text/csv"),
                                           (PARTNERS, "application/sparql-results+xml"), (CONSTRUCT, "text/turtle")])
def test_a_repeated_query_gets_what_flask_sent_without_flask(app, how, query, accept):
    client = app.test_client()
    headers = {"Accept": accept} if accept else {}
    first = ask(client, how, query, headers)
    assert first.status_code == 200 and len(app.handled) == 1
    again = ask(client, how, query, headers)
    assert sent(again) == sent(first) and "Date" not in again.headers  # not the first reply's date
    assert len(app.handled) == 1, "answered before Flask"
    other_format = ask(client, how, query, {"Accept": "application/n-triples" if query is CONSTRUCT else "text/tab-separated-values"})
    assert other_format.status_code == 200 and len(app.handled) == 2


def test_conditional_requests_and_oversized_headers_still_reach_flask(app):
    client = app.test_client()
    first = ask(client, "GET", PARTNERS, {})
    assert ask(client, "GET", PARTNERS, {"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert len(app.handled) == 2
    assert ask(client, "GET", PARTNERS, {"X-Padding": "x" * 20_000}).status_code == 431  # Flask's guard


@pytest.mark.parametrize("how", ["GET", "form"])
def test_a_gzipped_answer_is_replayed_from_its_kept_copy(app, how):
    client = app.test_client()
    plain = ask(client, how, PARTNERS, {})
    compressed = [ask(client, how, PARTNERS, {"Accept-Encoding": "gzip"}) for _ in range(2)]
    assert sent(compressed[1]) == sent(compressed[0]) and len(app.handled) == 2, "the second gzipped one replayed"
    assert compressed[0].headers["Content-Encoding"] == "gzip"
    assert compressed[0].headers["ETag"] == plain.headers["ETag"][:-1] + ':gzip"'
    assert gzip.decompress(compressed[0].get_data()) == plain.get_data()


def test_errors_and_volatile_answers_are_not_replayed(app):
    client = app.test_client()
    errors = [ask(client, "GET", "SELECT ?x WHERE {", {}) for _ in range(2)]
    assert [r.status_code for r in errors] == [400, 400]
    volatile = [ask(client, "GET", "SELECT ?s (RAND() AS ?r) WHERE { ?s ?p ?o } LIMIT 50", {"Accept-Encoding": "gzip"})
                for _ in range(2)]
    assert [(r.status_code, r.headers["Content-Encoding"]) for r in volatile] == [(200, "gzip")] * 2
    assert len(app.handled) == 4


def test_a_request_refusing_gzip_is_replayed_uncompressed(app):
    client = app.test_client()
    refusing = [ask(client, "GET", PARTNERS, {"Accept-Encoding": "gzip;q=0"}) for _ in range(2)]
    assert sent(refusing[1]) == sent(refusing[0]) and len(app.handled) == 1
    assert "Content-Encoding" not in refusing[1].headers and not refusing[1].headers["ETag"].endswith(':gzip"')


def test_a_new_data_version_is_never_answered_from_the_old_one(app):
    client = app.test_client()
    old = [ask(client, "GET", PARTNERS, {}) for _ in range(2)]
    still_in_use = state_of(app).dataset  # by a request still running, say: its cached answers live on
    state_of(app).dataset = Dataset.open([FIXTURES / "base.trig"])  # what a reload does
    new = ask(client, "GET", PARTNERS, {})
    assert new.headers["ETag"] != old[1].headers["ETag"] and new.get_data() != old[1].get_data()
    assert len(app.handled) == 2 and still_in_use.version != state_of(app).dataset.version


def test_an_answer_the_result_cache_does_not_keep_is_not_replayed(shipped):
    limits = Limits(max_cache_bytes=1024)  # answers over 256 bytes are not kept
    app = create_app(Config(limits=limits), dataset=Dataset.of(shipped, limits=limits))
    app.handled = []
    app.before_request(lambda: app.handled.append(request.method))
    client = app.test_client()
    answers = [ask(client, "GET", PARTNERS, {}) for _ in range(2)]
    assert len(answers[0].get_data()) > 256 and sent(answers[0]) == sent(answers[1])
    assert len(app.handled) == 2


@pytest.mark.parametrize("how, words", [("GET", '"GET /sparql'), ("form", '"POST /sparql" 200'),
                                        ("direct", '"POST /sparql" 200')])
def test_a_replay_writes_the_same_access_line(app, caplog, how, words):
    """The time taken aside: a POST's query too (server/web.py), though Flask does not see the replay."""
    client = app.test_client()
    with caplog.at_level("INFO", logger="ilrs_server.access"):
        for _ in range(2):
            ask(client, how, PARTNERS, {})
    lines = [re.sub(r" [\d.]+ms", "", record.getMessage()) for record in caplog.records
             if record.name == "ilrs_server.access"]
    assert len(lines) == 2 and lines[0] == lines[1] and words in lines[0]
    assert ('query="PREFIX org:' in lines[0]) == (how != "GET")
    assert len(app.handled) == 1


def test_what_is_remembered_for_replays_is_held_to_its_bound_queries_and_all(app):
    """A second reader: a replayed POST keeps its query for its access line, and the bound on what the
    replays hold (REMEMBERED_BYTES) did not count it, so it held up to twice as much (or more, in
    letters of several bytes). 30 POSTs of 90,000 characters each are 2.7 MB of bodies, and as much
    again of queries: past the bound, the first is no longer replayed."""
    client = app.test_client()
    def post(number: int):
        return client.post("/sparql", data=f"# {number} {'x' * 90_000}\nASK {{}}".encode(),
                           headers={"Content-Type": "application/sparql-query"})
    assert all(post(number).status_code == 200 for number in range(30))
    handled = len(app.handled)
    assert post(29).status_code == 200 and len(app.handled) == handled, "the last is replayed"
    assert post(0).status_code == 200 and len(app.handled) == handled + 1, "the first was let go"
