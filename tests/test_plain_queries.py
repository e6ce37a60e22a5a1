"""A plain query answered before Flask (server/plain_queries.py): byte for byte and header for header what
Flask sends for the same request, and only when nothing in the request asks for something else; a
repeated one replayed.

The apps are the real ones, driven in-process: one as served, one with Flask alone answering (its
``Flask.wsgi_app``, under the middleware), each with a graph of its own; a hook of the served app's own
counts the requests its Flask handles."""

from __future__ import annotations

import gzip
import re
from functools import partial

import pytest
from flask import Flask, request
from werkzeug.test import Client

from ilrs_graph import formats
from ilrs_graph import shipped as shipped_files
from ilrs_graph.dataset import Dataset
from ilrs_graph.query import Limits
from ilrs_server import Config, create_app
from ilrs_server.encoding import answer_response
from ilrs_server.state import dataset_of, state_of
from ilrs_server.web import AccessLog

from .conftest import FIXTURES

PARTNERS = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?partner ?name WHERE { ?partnership org:member ?partner . ?partner rdfs:label ?name } ORDER BY ?name"""
CONSTRUCT = """PREFIX org: <http://www.w3.org/ns/org#>
CONSTRUCT { ?partnership org:member ?partner } WHERE { ?partnership org:member ?partner }"""
QUERIES = {path.stem: path.read_text(encoding="utf-8") for path in shipped_files.query_files()}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def counted(app: Flask) -> Flask:
    app.handled = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: app.handled.append(request.method))  # first
    return app


@pytest.fixture
def app(shipped):
    return counted(create_app(Config(), dataset=Dataset.of(shipped)))


@pytest.fixture(scope="module")
def served_and_flask_alone(shipped):
    """The app as served, and another whose requests Flask alone answers."""
    served = counted(create_app(Config(), dataset=Dataset.of(shipped)))
    alone = create_app(Config(), dataset=Dataset.of(shipped))
    return served, Client(partial(Flask.wsgi_app, alone))


def ask(client, how: str, query: str, headers: dict, params: dict | None = None):
    params = params or {}
    if how == "GET":
        return client.get("/sparql", query_string={"query": query, **params}, headers=headers)
    if how == "form":
        return client.post("/sparql", data={"query": query, **params}, headers=headers)
    return client.post("/sparql", query_string=params, data=query.encode(),
                       headers={"Content-Type": "application/sparql-query", **headers})


def sent(response) -> tuple:
    """What a response says, but its Date: the server (gunicorn) dates each reply itself."""
    return response.status, sorted((n, v) for n, v in response.headers.items() if n != "Date"), response.get_data()


def without_length(response) -> tuple:
    status, headers, _ = sent(response)
    return status, [header for header in headers if header[0] != "Content-Length"]


def planned(app: Flask) -> list[str]:
    """The queries the app's graph is asked to check from now on (a replay checks none)."""
    dataset, texts = dataset_of(app), []
    plan = dataset.plan
    dataset.plan = lambda text: texts.append(text) or plan(text)
    return texts


@pytest.mark.parametrize("how", ["GET", "form", "direct"])
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_example_query_gets_what_flask_alone_sends(served_and_flask_alone, name, how):
    served, flask_alone = served_and_flask_alone
    handled = len(served.handled)
    for headers in ({}, {"Accept-Encoding": "gzip, deflate"}):
        mine = ask(Client(served), how, QUERIES[name], headers)
        assert mine.status_code == 200 and sent(mine) == sent(ask(flask_alone, how, QUERIES[name], headers))
    assert len(served.handled) == handled, "answered before Flask"


@pytest.mark.parametrize("query, headers, params", [
    (PARTNERS, {"Accept": "text/csv"}, {}),
    (PARTNERS, {"Accept": "application/sparql-results+xml", "Accept-Encoding": "x-gzip"}, {}),
    (PARTNERS, {"Accept": "application/json"}, {}),  # an alias, named exactly
    (PARTNERS, {"Accept": "text/tab-separated-values;q=0.5, text/csv;q=0.4"}, {}),
    (PARTNERS, {"Accept": BROWSER, "Accept-Encoding": "gzip;q=0"}, {}),
    (PARTNERS, {"Accept": "*/*", "Accept-Encoding": "*"}, {}),
    (PARTNERS, {"Accept": "text/csv"}, {"format": "xml"}),
    (PARTNERS, {}, {"output": "tsv", "default-graph-uri": "https://w3id.org/ilrs/id/source/cri-2023-10-03"}),
    (CONSTRUCT, {"Accept": "application/n-quads", "Accept-Encoding": "gzip"}, {}),
    (CONSTRUCT, {"Accept": "application/ld+json"}, {}),
    (CONSTRUCT, {"Accept": BROWSER}, {}),
    (CONSTRUCT, {"Accept": "application/n-triples"}, {}),
    (CONSTRUCT, {"Accept": "application/rdf+xml", "Accept-Encoding": "gzip"}, {}),
    (CONSTRUCT, {}, {"format": "trig"}),
    ("ASK { ?s ?p ?o }", {"Accept": "text/csv"}, {}),
])
@pytest.mark.parametrize("how", ["GET", "form", "direct"])
def test_formats_encodings_and_parameters_are_chosen_as_flask_alone_chooses(served_and_flask_alone, how, query,
                                                                            headers, params):
    served, flask_alone = served_and_flask_alone
    handled = len(served.handled)
    mine = ask(Client(served), how, query, headers, params)
    assert mine.status_code == 200 and sent(mine) == sent(ask(flask_alone, how, query, headers, params))
    assert len(served.handled) == handled


@pytest.mark.parametrize("method, path, body, headers", [
    ("GET", "/sparql?query=SELECT+%3Fx+WHERE+%7B", None, {}),  # a syntax error: 400
    ("GET", "/sparql?query=ASK%7B%7D&format=nope", None, {}),  # 406
    ("GET", "/sparql?query=ASK%7B%7D", None, {"Accept": "image/png"}),  # 406
    ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None, {}),  # two queries: 400
    ("GET", "/sparql?update=CLEAR+ALL", None, {}),  # 403
    ("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=urn:none", None, {}),  # no such graph: 400, as it runs
    ("GET", "/sparql?query=ASK%7B%7D%", None, {}),  # a stray '%': 400
    ("GET", "/sparql?query=SELECT+%28NOW%28%29+AS+%3Fnow%29+%7B%7D", None, {"Accept": "text/csv"}),  # volatile
    ("GET", "/sparql?query=ASK%7B%7D", None, {"If-None-Match": '"x"'}),
    ("GET", "/sparql?query=ASK%7B%7D", None, {"X-Padding": "x" * 20_000}),  # 431
    ("GET", "/sparql?query=ASK%7B%7D", None, {"Host": "a..b"}),  # no host (werkzeug's routing cannot bind it)
    ("GET", "/sparql?query=ASK%7B%7D", None, {"Host": "a" * 64 + ".example"}),
    ("GET", "/sparql?query=ASK%7B%7D", None, {"Connection": "Upgrade", "Upgrade": "websocket"}),
    ("POST", "/sparql", b"ASK {}", {"Content-Type": "application/sparql-query", "Connection": "keep-alive, Upgrade",
                                    "Upgrade": "WebSocket"}),
    ("GET", "/sparql", None, {"Accept": "text/turtle"}),  # the service description
    ("HEAD", "/sparql?query=ASK%7B%7D", None, {}),
    ("POST", "/sparql", b"query=ASK%7B%7D", {"Content-Type": "application/x-www-form-urlencoded; charset=latin-1"}),
    ("POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}),  # 415
    ("POST", "/sparql", b"ASK {}", {"Content-Type": "application/sparql-query", "Content-Encoding": "gzip"}),
    ("POST", "/sparql", b"\xff", {"Content-Type": "application/sparql-query"}),  # not UTF-8: 400
    ("POST", "/sparql", b"update=CLEAR+ALL", {"Content-Type": "application/x-www-form-urlencoded"}),
])
def test_what_is_not_plain_goes_to_flask(served_and_flask_alone, method, path, body, headers):
    served, flask_alone = served_and_flask_alone
    handled = len(served.handled)
    mine = Client(served).open(path, method=method, data=body, headers=headers)
    theirs = flask_alone.open(path, method=method, data=body, headers=headers)
    if "NOW" in path:  # a volatile answer differs each time, and so may its length (NOW()'s fraction of a second)
        assert without_length(mine) == without_length(theirs)
    else:
        assert sent(mine) == sent(theirs)
    assert len(served.handled) == handled + 1


def test_a_query_that_fails_as_it_runs_is_reported_by_flask_and_not_run_again(served_and_flask_alone):
    served, flask_alone = served_and_flask_alone
    engine, runs = dataset_of(served).engine, []
    run = engine.run
    engine.run = lambda plan, *args, **kwargs: runs.append(plan.text) or run(plan, *args, **kwargs)
    handled = len(served.handled)
    try:
        mine = ask(Client(served), "GET", "ASK {}", {"Accept": "application/json"}, {"default-graph-uri": "urn:none"})
    finally:
        engine.run = run
    theirs = ask(flask_alone, "GET", "ASK {}", {"Accept": "application/json"}, {"default-graph-uri": "urn:none"})
    assert mine.status_code == 400 and "does not have" in mine.get_json()["message"]
    assert sent(mine) == sent(theirs)
    assert runs == ["ASK {}"] and len(served.handled) == handled + 1


@pytest.mark.parametrize("how", ["GET", "form", "direct"])
@pytest.mark.parametrize("query, accept", [(PARTNERS, None), (PARTNERS, "text/csv"),
                                           (PARTNERS, "application/sparql-results+xml"), (CONSTRUCT, "text/turtle")])
def test_a_repeated_query_is_replayed(app, how, query, accept):
    client = app.test_client()
    headers = {"Accept": accept} if accept else {}
    first = ask(client, how, query, headers)
    texts = planned(app)
    again = ask(client, how, query, headers)
    assert first.status_code == 200 and sent(again) == sent(first) and "Date" not in again.headers
    assert texts == [], "replayed, not checked again"
    other_format = "application/n-triples" if query is CONSTRUCT else "text/tab-separated-values"
    other = ask(client, how, query, {"Accept": other_format})
    assert other.status_code == 200 and texts == [query]
    assert app.handled == []


def test_conditional_requests_and_oversized_headers_still_reach_flask(app):
    client = app.test_client()
    first = ask(client, "GET", PARTNERS, {})
    assert ask(client, "GET", PARTNERS, {"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert len(app.handled) == 1
    assert ask(client, "GET", PARTNERS, {"X-Padding": "x" * 20_000}).status_code == 431  # Flask's guard


@pytest.mark.parametrize("how", ["GET", "form"])
def test_a_gzipped_answer_is_replayed_from_its_kept_copy(app, how):
    client = app.test_client()
    plain = ask(client, how, PARTNERS, {})
    compressed = [ask(client, how, PARTNERS, {"Accept-Encoding": "gzip"})]
    texts = planned(app)
    compressed.append(ask(client, how, PARTNERS, {"Accept-Encoding": "gzip"}))
    assert sent(compressed[1]) == sent(compressed[0]) and texts == [], "the second gzipped one replayed"
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
    refusing = [ask(client, "GET", PARTNERS, {"Accept-Encoding": "gzip;q=0"})]
    texts = planned(app)
    refusing.append(ask(client, "GET", PARTNERS, {"Accept-Encoding": "gzip;q=0"}))
    assert sent(refusing[1]) == sent(refusing[0]) and texts == []
    assert "Content-Encoding" not in refusing[1].headers and not refusing[1].headers["ETag"].endswith(':gzip"')


def test_a_new_data_version_is_never_answered_from_the_old_one(app):
    client = app.test_client()
    old = [ask(client, "GET", PARTNERS, {}) for _ in range(2)]
    still_in_use = state_of(app).dataset  # by a request still running, say: its cached answers live on
    state_of(app).dataset = Dataset.open([FIXTURES / "base.trig"])  # what a reload does
    texts = planned(app)
    new = ask(client, "GET", PARTNERS, {})
    assert new.headers["ETag"] != old[1].headers["ETag"] and new.get_data() != old[1].get_data()
    assert texts == [PARTNERS] and still_in_use.version != state_of(app).dataset.version


def test_an_answer_the_result_cache_does_not_keep_is_not_replayed(shipped):
    limits = Limits(max_cache_bytes=1024)  # answers over 256 bytes are not kept
    app = create_app(Config(limits=limits), dataset=Dataset.of(shipped, limits=limits))
    client = app.test_client()
    texts = planned(app)
    answers = [ask(client, "GET", PARTNERS, {}) for _ in range(2)]
    assert len(answers[0].get_data()) > 256 and sent(answers[0]) == sent(answers[1])
    assert texts == [PARTNERS] * 2


@pytest.mark.parametrize("how, words", [("GET", '"GET /sparql'), ("form", '"POST /sparql" 200'),
                                        ("direct", '"POST /sparql" 200')])
def test_flask_its_forerunner_and_a_replay_write_the_same_access_line(app, caplog, how, words):
    """The time taken aside: a POST's query too (server/web.py), though Flask does not see the request."""
    client, flask_alone = app.test_client(), Client(AccessLog(partial(Flask.wsgi_app, app)))
    with caplog.at_level("INFO", logger="ilrs_server.access"):
        for _ in range(2):
            ask(client, how, PARTNERS, {})
        ask(flask_alone, how, PARTNERS, {})
    lines = [re.sub(r" [\d.]+ms", "", record.getMessage()) for record in caplog.records
             if record.name == "ilrs_server.access"]
    assert len(lines) == 3 and lines[0] == lines[1] and words in lines[0]
    assert lines[2].split(" ", 1) == ["None", lines[0].split(" ", 1)[1]]  # werkzeug's own client gives no address
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
    texts = planned(app)
    assert post(29).status_code == 200 and texts == [], "the last is replayed"
    assert post(0).status_code == 200 and len(texts) == 1, "the first was let go"


def test_a_reload_while_a_query_runs_leaves_no_replay_of_its_answer_under_the_new_version(app):
    """A second reader: the plain way remembered an answer under the version served when it was sent,
    not the one that answered, so a reload meanwhile (a worker over a store follows it between requests)
    had the old answer replayed as the new version's."""
    state, client = state_of(app), app.test_client()
    old, new = state.dataset, Dataset.open([FIXTURES / "base.trig"])
    run = old.engine.run

    def reloaded_meanwhile(*args, **kwargs):
        state.dataset = new
        return run(*args, **kwargs)

    old.engine.run = reloaded_meanwhile
    first, again = ask(client, "GET", PARTNERS, {}), ask(client, "GET", PARTNERS, {})
    assert again.get_data() != first.get_data() and again.headers["ETag"] != first.headers["ETag"]


class Unreadable:
    """A body whose reading fails: a client gone quiet mid-body (server/idle_clients.py)."""

    def read(self, *size: int) -> bytes:
        raise ConnectionResetError(104, "Connection reset by peer")


@pytest.mark.parametrize("content_type, status", [("application/sparql-query", 400), ("text/plain", 415),
                                                  ("application/sparql-update", 403)])
def test_a_body_that_cannot_be_read_or_need_not_be_is_flasks_to_judge(app, caplog, content_type, status):
    """A second reader: the body was read before Flask, and a failure to read it left the middleware with
    no answer and no access line (Flask alone: 400, and its line); and a body Flask refuses unread (415,
    403) was read first, holding a thread until a client that stopped sending was let go."""
    environ = {"wsgi.input": Unreadable(), "CONTENT_LENGTH": "6"}
    with caplog.at_level("INFO", logger="ilrs_server.access"):
        mine = Client(app).post("/sparql", headers={"Content-Type": content_type}, environ_overrides=environ)
    lines = [record.getMessage() for record in caplog.records if record.name == "ilrs_server.access"]
    assert mine.status_code == status and len(lines) == 1 and f'"POST /sparql" {status}' in lines[0]


def test_a_method_in_lower_case_is_read_as_flask_reads_it(app):
    """A second reader: the view read the method from the environ as it came, and took a "post" for a GET
    (gunicorn refuses such a method; another WSGI server may pass it on)."""
    answer = Client(app).post("/sparql", data=b"ASK {}", headers={"Content-Type": "application/sparql-query"},
                              environ_overrides={"REQUEST_METHOD": "post"})
    assert answer.status_code == 200 and answer.get_json() == {"head": {}, "boolean": True}


def test_headers_a_view_gives_with_an_answer_replace_its_own(app):
    """An answer's own headers (answer_headers, which plain queries share) go out once: one a view names
    too, such as Cache-Control, is the view's."""
    dataset = dataset_of(app)
    answer = dataset.answer(dataset.plan(PARTNERS), formats.by_name("json"), default_graph_uris=[], named_graph_uris=[])
    with app.test_request_context("/sparql"):
        response, sent = answer_response(answer, dataset, (("Cache-Control", "no-store"), ("Vary", "Accept")))
    assert sent is answer and response.headers.getlist("Cache-Control") == ["no-store"]
    assert response.headers.getlist("ETag") == [f'"{answer.etag}"'] and response.headers["Vary"] == "Accept"
