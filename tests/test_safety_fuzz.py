"""Fuzzing the real server: random queries (text, near-SPARQL, mutated competency questions), random
parameters and random headers must never get a 5xx nor take the server down; and the API as
/openapi.json describes it, exercised by schemathesis."""

from __future__ import annotations

import pytest
import requests
import schemathesis
from schemathesis import GenerationMode, checks
from schemathesis.config import SchemathesisConfig
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ilrs_graph import formats, shipped

from .conftest import FIXTURES
from .server_process import running_server

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def server(request):
    # The hostile fixture is small: a random cross product of a few patterns stays small too.
    with running_server("--data", FIXTURES / "hostile.trig", "--engine", request.param) as base:
        yield base


# --- near-SPARQL, from the grammar's pieces ------------------------------------------------------

TERMS = st.sampled_from(["?s", "?p", "?o", "?x", "$y", "<https://w3id.org/ilrs/id/test/script>", "<javascript:alert(1)>",
                         "rdfs:label", "ilrs:country", "a", "_:b", "[]", "1", "-2.5e3", "true", '"x"@en', "'''y'''",
                         '"<script>"', "<>", "<http://127.0.0.1:9/>", "()", "( 1 2 )", "\"\\u0041\""])
KEYWORDS = st.sampled_from(["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "OPTIONAL", "UNION", "MINUS", "FILTER",
                            "BIND", "VALUES", "GRAPH", "SERVICE", "FROM", "NAMED", "INSERT", "DELETE", "LOAD", "DISTINCT",
                            "ORDER BY", "GROUP BY", "HAVING", "LIMIT 3", "OFFSET 1", "COUNT(*)", "REGEX(?o, \"a\")",
                            "STR(?s)", "LANG(?o)", "EXISTS", "NOT", "AS", "*", "{", "}", "(", ")", ".", ";", ",",
                            "/", "|", "^", "+", "?", "!", "=", "&&", "||", "#"])
PIECES = st.lists(st.one_of(TERMS, KEYWORDS, st.text(max_size=5)), max_size=30).map(" ".join)
PREFIXES = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX ilrs: <https://w3id.org/ilrs/ontology/>\n"
PATTERNS = st.lists(st.tuples(TERMS, TERMS, TERMS).map(" ".join), min_size=1, max_size=3).map(" . ".join)
SHAPED = st.builds(lambda form, pattern, extra: f"{PREFIXES}{form} WHERE {{ {pattern} {extra} }}",
                   st.sampled_from(["SELECT *", "SELECT DISTINCT ?s", "ASK", "CONSTRUCT { ?s ?p ?o }", "DESCRIBE ?s",
                                    "SELECT (COUNT(*) AS ?n)", "SELECT ?s (SAMPLE(?o) AS ?v)"]),
                   PATTERNS, PIECES)
QUESTIONS = [path.read_text() for path in shipped.query_files()]


@st.composite
def mutated_question(draw) -> str:
    """A competency question with characters cut, added and swapped."""
    text = list(draw(st.sampled_from(QUESTIONS)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(text) - 1))
        change = draw(st.sampled_from(["cut", "add", "swap"]))
        if change == "cut":
            del text[at]
        elif change == "add":
            text.insert(at, draw(st.characters(codec="utf-8")))
        else:
            text[at] = draw(st.sampled_from("{}()[]<>\"'?.;,#\\"))
    return "".join(text)


QUERIES = st.one_of(st.text(max_size=200), PIECES, SHAPED, mutated_question())
# Latin-1 header values as HTTP carries them (requests refuses leading whitespace, so none is sent).
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
                      max_size=80).map(str.lstrip)
ACCEPTS = st.one_of(st.sampled_from([f.media_type for f in formats.ALL_FORMATS] + ["text/html", "*/*", "", "image/*"]),
                    HEADER_TEXT, st.lists(st.sampled_from(["text/csv;q=0.5", "application/json", "*/*;q=0.1",
                                                         "text/turtle;q=x", ";;", "a/b"]), max_size=6).map(", ".join))


def assert_answered(response: requests.Response, server: str) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:500])
    assert "Traceback" not in response.text
    if response.status_code >= 400:
        assert len(response.text) > 20  # a message, not an empty error
    assert requests.get(server + "healthz", timeout=10).status_code == 200


@FUZZ
@given(query=QUERIES, accept=ACCEPTS, post=st.booleans())
def test_random_queries_get_an_answer_or_a_4xx(server, query, accept, post):
    if post:
        response = requests.post(server + "sparql", data={"query": query}, headers={"Accept": accept}, timeout=30)
    else:
        response = requests.get(server + "sparql", params={"query": query}, headers={"Accept": accept}, timeout=30)
    assert_answered(response, server)


PARAMETER_NAMES = st.sampled_from(["query", "update", "format", "output", "default-graph-uri", "named-graph-uri",
                                   "callback", "timeout", ""]) | st.text(max_size=10)


@FUZZ
@given(params=st.lists(st.tuples(PARAMETER_NAMES, st.one_of(QUERIES, HEADER_TEXT)), max_size=6),
       content_type=st.sampled_from(["application/x-www-form-urlencoded", "application/sparql-query",
                                     "application/sparql-update", "text/plain", "", "multipart/form-data"]),
       raw_body=st.binary(max_size=300), method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]))
def test_random_parameters_and_bodies_get_an_answer_or_a_4xx(server, params, content_type, raw_body, method):
    body = raw_body if content_type != "application/x-www-form-urlencoded" else None
    response = requests.request(method, server + "sparql", params=params if method != "POST" else None,
                                data=body if body is not None else params, timeout=30,
                                headers={"Content-Type": content_type} if content_type else {})
    assert_answered(response, server)


@pytest.mark.parametrize("server", ["oxigraph"], indirect=True)  # the pages, on the production engine
@FUZZ
@given(path=st.sampled_from(["", "sparql", "query", "id/test/script", "id/test/script.html", "ontology", "data.nt",
                             "healthz", "openapi.json", "id/"]) | st.text(max_size=30).map(lambda t: "id/" + t),
       headers=st.dictionaries(st.from_regex(r"\A[A-Za-z][A-Za-z0-9-]{0,20}\Z"), HEADER_TEXT, max_size=8),
       accept=ACCEPTS)
def test_random_headers_and_paths_get_an_answer_or_a_4xx(server, path, headers, accept):
    headers = {name: value for name, value in headers.items() if name.lower() not in ("content-length", "host",
                                                                                     "transfer-encoding", "connection")}
    response = requests.get(server + path, headers={**headers, "Accept": accept}, timeout=30, allow_redirects=False)
    assert_answered(response, server)


# --- the API as described -----------------------------------------------------------------------------

# Refusals the endpoint makes besides the usual 4xx: 413 (body), 414 (a URL past gunicorn's 8190 bytes), 431.
API_CHECKS = SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {
    "expected-statuses": [400, 403, 404, 405, 406, 413, 414, 431]}}})


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_the_api_answers_as_openapi_json_describes_it(server, mode):
    """Requests generated from the description (valid ones, and ones breaking it): every answer has a
    documented status, media type and shape, none is a server error, and invalid ones are refused."""
    schema = schemathesis.openapi.from_url(server + "openapi.json", config=API_CHECKS)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=schema.as_strategy(mode))
    def answers_as_described(case):
        # A query is SPARQL, which JSON Schema cannot describe: a string the schema allows need not be
        # a query the endpoint can answer, so "schema-valid data is accepted" does not apply.
        case.call_and_validate(excluded_checks=[checks.positive_data_acceptance])

    answers_as_described()
