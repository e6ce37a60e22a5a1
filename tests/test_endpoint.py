"""The SPARQL 1.1 Protocol and linked data over HTTP, against the real server (gunicorn on 127.0.0.1)
with real clients: SPARQLWrapper, rdflib's SPARQLStore and plain HTTP."""

from __future__ import annotations

import csv
import http.client
import gzip
import io
import json
import time
import urllib.error
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare
import requests
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import URITooLong

from ilrs_graph import export, formats, shipped
from ilrs_graph.dataset import Dataset

from .conftest import ROOT, counting_query
from .server_process import running_server

LABELS = "SELECT ?thing ?label WHERE { ?thing <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
COUNT_PARTNERS = ("PREFIX ilrs: <https://w3id.org/ilrs/ontology/> "
                  "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a ilrs:Partnership }")
CONSTRUCT_CNSA = ("CONSTRUCT { <https://w3id.org/ilrs/id/agency/cnsa> ?p ?o } "
                  "WHERE { <https://w3id.org/ilrs/id/agency/cnsa> ?p ?o }")
WIKI_GRAPH = "https://w3id.org/ilrs/id/source/space-wiki-ilrs"


@pytest.fixture(scope="module")
def server():
    with running_server() as base:
        yield base


@pytest.fixture(scope="module")
def local():
    """The same graph answered in-process, to compare the endpoint against."""
    return Dataset.open()


def local_json(local: Dataset, text: str) -> dict:
    return json.loads(local.answer(local.plan(text), formats.by_name("json")).body)


def vary(response: requests.Response) -> set[str]:
    """The header fields a response says it varies with, lower-cased ("Accept-Encoding" is not "Accept")."""
    return {name.strip().lower() for name in response.headers.get("Vary", "").split(",")}


def solutions(results: dict) -> list[dict]:
    return sorted((json.dumps({k: v["value"] for k, v in b.items()}, sort_keys=True)
                   for b in results["results"]["bindings"]))


# --- the three ways to send a query -----------------------------------------------------------------

def test_query_by_get(server, local):
    response = requests.get(server + "sparql", params={"query": COUNT_PARTNERS})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/sparql-results+json")
    assert response.json() == local_json(local, COUNT_PARTNERS)


def test_query_by_form_post(server, local):
    response = requests.post(server + "sparql", data={"query": COUNT_PARTNERS})
    assert response.status_code == 200 and response.json() == local_json(local, COUNT_PARTNERS)


def test_query_by_direct_post(server, local):
    response = requests.post(server + "sparql", data=COUNT_PARTNERS.encode(),
                             headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200 and response.json() == local_json(local, COUNT_PARTNERS)


def test_a_query_file_a_windows_editor_saved_with_a_byte_order_mark_is_answered(server, local):
    """A BOM is the file's, not the query's (Jena's parser skips it, as ilrs-graph query does a file's):
    sent as the body or as the form's value (curl --data-binary @q.rq, --data-urlencode query@q.rq)."""
    with_bom = "\ufeff" + COUNT_PARTNERS
    for response in (requests.post(server + "sparql", data=with_bom.encode(),
                                   headers={"Content-Type": "application/sparql-query"}),
                     requests.post(server + "sparql", data={"query": with_bom}),
                     requests.get(server + "sparql", params={"query": with_bom})):
        assert response.status_code == 200 and response.json() == local_json(local, COUNT_PARTNERS), response.text


@pytest.mark.parametrize("path", shipped.query_files(), ids=lambda p: p.stem)
def test_every_competency_question_answers_through_the_endpoint(server, local, path):
    text = path.read_text()
    plan = local.plan(text)
    if plan.answers_with_triples:
        response = requests.post(server + "sparql", data={"query": text}, headers={"Accept": "application/n-triples"})
        expected = local.answer(plan, formats.by_name("ntriples")).body
        assert isomorphic(rdflib.Graph().parse(data=response.text, format="nt"),
                          rdflib.Graph().parse(data=expected, format="nt"))
    else:
        response = requests.post(server + "sparql", data={"query": text})
        expected = local_json(local, text)
        got = response.json()
        assert got.get("boolean") == expected.get("boolean")
        if "results" in expected:
            assert got["results"]["bindings"] == expected["results"]["bindings"]


# --- real clients -----------------------------------------------------------------------------------

@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_every_results_format(server, local, return_format):
    client = SPARQLWrapper(server + "sparql")
    client.setQuery(COUNT_PARTNERS)
    client.setReturnFormat(return_format)
    converted = client.query().convert()
    expected = local_json(local, COUNT_PARTNERS)["results"]["bindings"][0]["n"]["value"]
    if return_format == JSON:
        assert converted["results"]["bindings"][0]["n"]["value"] == expected
    elif return_format == XML:
        literal = converted.getElementsByTagName("literal")[0]
        assert literal.firstChild.data == expected
    else:
        text = converted.decode() if isinstance(converted, bytes) else converted
        rows = list(csv.reader(io.StringIO(text), delimiter="," if return_format == CSV else "\t"))
        assert rows[0][0].lstrip("?") == "n" and rows[1][0].split("^^")[0].strip('"') == expected


@pytest.mark.parametrize("return_format", [TURTLE, RDFXML, JSONLD, N3])
def test_sparqlwrapper_construct_in_every_graph_format(server, local, return_format):
    client = SPARQLWrapper(server + "sparql")
    client.setQuery(CONSTRUCT_CNSA)
    client.setReturnFormat(return_format)
    result = client.query()
    graph = result.convert()
    if not isinstance(graph, rdflib.Graph):
        graph = rdflib.Graph().parse(data=graph, format={TURTLE: "turtle", N3: "n3", JSONLD: "json-ld"}[return_format])
    expected = rdflib.Graph().parse(data=local.answer(local.plan(CONSTRUCT_CNSA), formats.by_name("ntriples")).body,
                                    format="nt")
    assert isomorphic(graph, expected)


def test_sparqlwrapper_ask(server):
    client = SPARQLWrapper(server + "sparql")
    client.setQuery("ASK { <https://w3id.org/ilrs/id/agency/cnsa> ?p ?o }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_sparqlwrapper_sending_a_query_too_long_for_a_url_by_get_is_told_to_post_it(server):
    """A federated client sending by GET a query whose URL passes gunicorn's 8,190 bytes reads why."""
    client = SPARQLWrapper(server + "sparql")
    client.setMethod("GET")
    client.setQuery("ASK {} # " + "a" * 9_000)
    with pytest.raises(URITooLong) as refusal:
        client.query()
    assert "send a long query by POST instead" in str(refusal.value) and "<html>" not in str(refusal.value)


def test_a_client_pointed_at_the_query_page_is_told_where_the_endpoint_is(server):
    """/query (Oxigraph server's endpoint) is the page here: a client asking it for query results gets 406
    naming /sparql instead of a page it cannot read, by GET or POST; browsers still get the page."""
    client = SPARQLWrapper(server + "query")
    client.setQuery(COUNT_PARTNERS)
    client.setReturnFormat(JSON)
    for method in ("GET", "POST"):
        client.setMethod(method)
        with pytest.raises(urllib.error.HTTPError) as refused:
            client.query()
        assert refused.value.code == 406
        assert "the SPARQL endpoint is /sparql" in json.loads(refused.value.read())["message"]
    turtle = requests.get(server + "query", params={"query": CONSTRUCT_CNSA}, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 406 and "accept" in vary(turtle)
    for accept in (CHROMIUM_ACCEPT, "*/*", "text/html, application/sparql-results+json"):
        page = requests.get(server + "query", params={"query": COUNT_PARTNERS}, headers={"Accept": accept})
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html"), accept
        assert "accept" in vary(page)
    for named in ({"format": "json"}, {"output": "csv"}, {"format": "application/sparql-results+xml"}):
        # a client naming its format in the URL, as /sparql takes it, and */* as its Accept (curl's)
        refused = requests.get(server + "query", params={"query": COUNT_PARTNERS, **named}, headers={"Accept": "*/*"})
        assert refused.status_code == 406 and "the SPARQL endpoint is /sparql" in refused.text, named
    page = requests.get(server + "query", params={"query": COUNT_PARTNERS, "format": "html"}, headers={"Accept": "*/*"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")


def test_the_query_pages_form_is_posted_and_a_short_query_sent_on_to_its_link(server):
    """The page's form is POSTed, so that a query too long for a URL runs from it, answered with the page
    itself; a short one is sent on (303) to the link a GET form made, which runs it and can be shared."""
    short = "ASK { ?s ?p ?o }"
    posted = requests.post(server + "query", data={"query": short}, headers={"Accept": CHROMIUM_ACCEPT},
                           allow_redirects=False)
    assert posted.status_code == 303
    assert urlsplit(posted.headers["Location"]).path == "/query"
    assert parse_qs(urlsplit(posted.headers["Location"]).query) == {"query": [short]}
    followed = requests.get(server + posted.headers["Location"].lstrip("/"), headers={"Accept": CHROMIUM_ACCEPT})
    assert followed.status_code == 200 and "<strong>Yes</strong>" in followed.text
    text, count = counting_query(6_000)
    assert len(text) == 6_000 and len(f"GET /query?{urlencode({'query': text})} HTTP/1.1") > 8_190  # as a browser sends it
    page = requests.post(server + "query", data={"query": text}, headers={"Accept": CHROMIUM_ACCEPT},
                         allow_redirects=False)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert f"<td>{count}</td>" in page.text and "too long for a link" in page.text
    assert 'action="/sparql"' in page.text and "/sparql?query=" not in page.text  # its downloads are POSTed too
    # any other POST is a client's: 415 for a query sent as the body, 406 for a form asking for results
    # (a tie, curl's */*, goes to the results a client at Oxigraph server's endpoint would be sent)
    for accept, body, content_type, status in (("*/*", {"query": short}, None, 406),
                                               (CHROMIUM_ACCEPT, short, "application/sparql-query", 415),
                                               (CHROMIUM_ACCEPT, {"query": short, "format": "json"}, None, 406)):
        refused = requests.post(server + "query", data=body, allow_redirects=False, headers={
            "Accept": accept, **({"Content-Type": content_type} if content_type else {})})
        assert refused.status_code == status and "the SPARQL endpoint is /sparql" in refused.text, (accept, body)


def test_a_stray_percent_in_the_query_pages_url_is_none_of_its_business(server):
    """The page reads format= only to tell a client naming a results format to go to /sparql; a broken
    format= (a hand-made link), or a '%' cut short in a link whose query mentions "format", made it a bare
    400 without the editor. A browser gets the page, with the text of the link in the editor, as for any
    other broken parameter; a client asking for results the 406 naming /sparql, as for any other URL."""
    def get(target: str, accept: str) -> tuple[int, str]:  # sent as written: requests would quote the '%'
        connection = http.client.HTTPConnection(urlsplit(server).hostname, urlsplit(server).port, timeout=30)
        connection.request("GET", target, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, response.read().decode()

    for target in ("/query?format=%ZZ", "/query?foo=%ZZ"):
        status, page = get(target, CHROMIUM_ACCEPT)
        assert status == 200 and "<textarea" in page and "SELECT ?partner ?name ?since ?source" in page, target
    status, page = get("/query?query=SELECT%20%3Fformat%20%7B%7D%20%23%2", CHROMIUM_ACCEPT)
    assert status == 200 and "SELECT ?format {} #%2</textarea>" in page
    for target in ("/query?format=%ZZ", "/query?query=ASK%20%7B%7D&format=json&x=%ZZ"):
        status, message = get(target, "application/sparql-results+json")
        assert status == 406 and "the SPARQL endpoint is /sparql" in message, target


def test_rdflib_sparqlstore_answers_as_the_graph_does(server, local):
    store = SPARQLStore(server + "sparql", returnFormat="json")
    graph = rdflib.Graph(store=store)
    query = (shipped.query_files()[0].parent / "joined-in-2023.rq").read_text()
    remote_rows = [tuple(str(v) for v in row) for row in graph.query(query)]
    local_rows = [(b["name"]["value"], b["joined"]["value"]) for b in local_json(local, query)["results"]["bindings"]]
    assert remote_rows == local_rows and len(remote_rows) > 1


# --- formats and negotiation ------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", formats.RESULT_FORMATS, ids=lambda f: f.name)
def test_select_answers_parse_back_in_each_results_format(server, local, fmt):
    response = requests.get(server + "sparql", params={"query": COUNT_PARTNERS}, headers={"Accept": fmt.media_type})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(fmt.media_type)
    if fmt.name == "csv":  # CSV results are lossy: Oxigraph cannot read them back, Python's csv can
        value = list(csv.reader(io.StringIO(response.text)))[1][0]
    else:
        value = next(iter(ox.parse_query_results(response.content, format=fmt.oxigraph)))["n"].value
    assert value == local_json(local, COUNT_PARTNERS)["results"]["bindings"][0]["n"]["value"]


@pytest.mark.parametrize("fmt", formats.GRAPH_FORMATS + formats.DATASET_FORMATS, ids=lambda f: f.name)
def test_construct_answers_parse_back_in_each_graph_format(server, local, fmt):
    response = requests.get(server + "sparql", params={"query": CONSTRUCT_CNSA}, headers={"Accept": fmt.media_type})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(fmt.media_type)
    rdflib_format = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml",
                     "trig": "trig", "nquads": "nquads"}[fmt.name]
    parsed = rdflib.Dataset().parse(data=response.content, format=rdflib_format)
    merged = rdflib.Graph()
    for quad in parsed.quads():
        merged.add(quad[:3])
    expected = rdflib.Graph().parse(data=local.answer(local.plan(CONSTRUCT_CNSA), formats.by_name("ntriples")).body,
                                    format="nt")
    assert isomorphic(merged, expected)


def test_accept_q_values_pick_the_preferred_format(server):
    accept = "application/sparql-results+xml;q=0.5, text/csv;q=0.9, */*;q=0.1"
    response = requests.get(server + "sparql", params={"query": COUNT_PARTNERS}, headers={"Accept": accept})
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "Accept" in [v.strip() for v in response.headers["Vary"].split(",")]


@pytest.mark.parametrize("query, accept, media_type", [
    # parameters other than q do not stop a range from matching
    (COUNT_PARTNERS, "application/sparql-results+json; charset=utf-8", "application/sparql-results+json"),
    (CONSTRUCT_CNSA, "text/turtle;charset=utf-8", "text/turtle"),
    (CONSTRUCT_CNSA, 'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"', "application/ld+json"),
    # q=0 refuses a type, whatever a wildcard allows
    (COUNT_PARTNERS, "application/sparql-results+json;q=0, */*", "application/sparql-results+xml"),
    (CONSTRUCT_CNSA, "text/turtle;q=0, */*;q=0.1", "application/n-triples"),
    (CONSTRUCT_CNSA, "application/*;q=0.5, text/turtle;q=0", "application/n-triples"),
    # a wildcard matches the formats' own media types, not their aliases (text/xml for XML results)
    (COUNT_PARTNERS, "text/*", "text/csv"),
    # an alias named exactly is still understood
    (COUNT_PARTNERS, "application/json", "application/sparql-results+json"),
    (CONSTRUCT_CNSA, "text/turtle, */*", "text/turtle"),
])
def test_accept_is_read_as_http_says(server, query, accept, media_type):
    response = requests.get(server + "sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["Content-Type"].split(";")[0] == media_type


@pytest.mark.parametrize("accept, suffix", [("text/turtle;charset=utf-8", "ttl"), ("text/html;charset=utf-8", "html"),
                                            ("text/turtle;q=0, */*", "nt")])  # a tie goes to RDF: the page is last
def test_a_resource_is_negotiated_as_http_says_too(server, accept, suffix):
    response = requests.get(server + "id/agency/cnsa", headers={"Accept": accept}, allow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/id/agency/cnsa.{suffix}")


def test_a_type_refused_with_q_0_is_not_served_at_all(server):
    response = requests.get(server + "sparql", params={"query": COUNT_PARTNERS},
                            headers={"Accept": "application/sparql-results+json;q=0"})
    assert response.status_code == 406


def test_the_format_parameter_overrides_accept(server):
    response = requests.get(server + "sparql", params={"query": COUNT_PARTNERS, "format": "tsv"},
                            headers={"Accept": "application/sparql-results+json"})
    assert response.headers["Content-Type"].startswith("text/tab-separated-values")


def test_without_accept_select_is_json_and_construct_is_turtle(server):
    select = requests.get(server + "sparql", params={"query": COUNT_PARTNERS}, headers={"Accept": ""})
    construct = requests.get(server + "sparql", params={"query": CONSTRUCT_CNSA}, headers={"Accept": ""})
    assert select.headers["Content-Type"].startswith("application/sparql-results+json")
    assert construct.headers["Content-Type"].startswith("text/turtle")


def test_nothing_acceptable_is_406_with_a_message(server):
    response = requests.get(server + "sparql", params={"query": COUNT_PARTNERS}, headers={"Accept": "image/png"})
    assert response.status_code == 406 and "Accept" in response.text
    bad_format = requests.get(server + "sparql", params={"query": COUNT_PARTNERS, "format": "turtle"})
    assert bad_format.status_code == 406 and "turtle" in bad_format.text


# --- errors ---------------------------------------------------------------------------------------------

def test_a_malformed_query_is_400_with_the_parsers_message_and_position(server):
    response = requests.get(server + "sparql", params={"query": "SELECT * WHERE {\n  ?s ?p \n}"},
                            headers={"Accept": "application/json"})
    assert response.status_code == 400
    body = response.json()
    assert body["line"] == 3 and body["column"] >= 1 and "Syntax error" in body["message"]


@pytest.mark.parametrize("request_kwargs, expected_status, expected_words", [
    ({"method": "GET", "params": [("query", COUNT_PARTNERS), ("query", COUNT_PARTNERS)]}, 400, "several"),
    ({"method": "POST", "data": {"query": COUNT_PARTNERS, "update": "CLEAR ALL"}}, 400, "not both"),
    ({"method": "POST", "data": COUNT_PARTNERS.encode(), "headers": {"Content-Type": ""}}, 415, "Content-Type"),
    ({"method": "POST", "data": COUNT_PARTNERS.encode(), "headers": {"Content-Type": "text/plain"}}, 415, "not part of the SPARQL protocol"),
    ({"method": "POST", "data": COUNT_PARTNERS.encode(), "headers": {"Content-Type": "application/sparql-query; charset=iso-8859-1"}},
     415, "UTF-8"),
    ({"method": "POST", "data": b"SELECT \xff\xfe", "headers": {"Content-Type": "application/sparql-query"}}, 400, "UTF-8"),
    ({"method": "POST", "data": {"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 403, "read-only"),
    ({"method": "POST", "data": b"DROP ALL", "headers": {"Content-Type": "application/sparql-update"}}, 403, "read-only"),
    ({"method": "GET", "params": {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 403, "read-only"),
    ({"method": "PUT", "data": COUNT_PARTNERS}, 405, "not allowed"),
    ({"method": "DELETE"}, 405, "not allowed"),
])
def test_protocol_errors_get_the_right_status_and_a_message(server, request_kwargs, expected_status, expected_words):
    kwargs = dict(request_kwargs)
    method = kwargs.pop("method")
    response = requests.request(method, server + "sparql", **kwargs)
    assert response.status_code == expected_status, response.text
    assert expected_words.lower() in response.text.lower()
    assert "Traceback" not in response.text
    if expected_status == 405:
        assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_default_and_named_graph_uris_select_the_datasets_own_graphs(server):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    whole = requests.get(server + "sparql", params={"query": count}).json()
    wiki_only = requests.get(server + "sparql", params={"query": count, "default-graph-uri": WIKI_GRAPH}).json()
    assert 0 < int(wiki_only["results"]["bindings"][0]["n"]["value"]) < int(whole["results"]["bindings"][0]["n"]["value"])
    named = requests.get(server + "sparql", params={
        "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": WIKI_GRAPH}).json()
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == [WIKI_GRAPH]
    foreign = requests.get(server + "sparql", params={"query": count, "default-graph-uri": "http://example.org/g"})
    assert foreign.status_code == 400 and "never fetches" in foreign.text


def test_a_graph_chosen_twice_is_chosen_once(server):
    """The protocol's graphs are a set (SPARQL 1.1, 13.2): repeating one changes no count."""
    def count(query: str, **graphs) -> int:
        answer = requests.get(server + "sparql", params={"query": query, **graphs}).json()
        return int(answer["results"]["bindings"][0]["n"]["value"])
    triples, in_graphs = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(triples, **{"default-graph-uri": [WIKI_GRAPH] * 3}) == count(triples, **{"default-graph-uri": WIKI_GRAPH})
    assert count(in_graphs, **{"named-graph-uri": [WIKI_GRAPH] * 2}) == count(in_graphs, **{"named-graph-uri": WIKI_GRAPH})


# --- service description ---------------------------------------------------------------------------

def test_the_service_description_parses_as_rdf(server):
    response = requests.get(server + "sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoint = rdflib.URIRef(server + "sparql")
    assert (endpoint, rdflib.RDF.type, SD.Service) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert len(list(graph.objects(endpoint, SD.resultFormat))) == 10
    names = {str(n) for n in graph.objects(None, SD.name)}
    assert WIKI_GRAPH in names


def test_the_service_description_takes_output_as_format(server):
    as_ntriples = requests.get(server + "sparql", params={"output": "nt"})
    assert as_ntriples.status_code == 200 and as_ntriples.headers["Content-Type"].startswith("application/n-triples")
    assert requests.get(server + "sparql", params={"output": "csv"}).status_code == 400  # results: no query


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv",
                                    "application/sparql-results+xml, text/tab-separated-values;q=0.5"])
def test_a_get_asking_for_results_without_a_query_is_told_the_query_is_missing(server, accept):
    """Not 406 ("None of the media types…"): the results could be given, the query is what is missing,
    as a POST without one is told; an RDF client still gets the service description."""
    response = requests.get(server + "sparql", headers={"Accept": accept})
    assert response.status_code == 400 and "query is missing" in response.text
    post = requests.post(server + "sparql", headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
    assert post.status_code == 400 and "query" in post.text
    for rdf in ("text/turtle", "application/ld+json", "*/*"):
        assert requests.get(server + "sparql", headers={"Accept": rdf}).status_code == 200, rdf
    assert requests.get(server + "sparql", headers={"Accept": "image/png"}).status_code == 406


CHROMIUM_ACCEPT = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
                   "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7")  # Chromium 120's, typing an address


@pytest.mark.parametrize("accept", ["text/html,application/xhtml+xml", CHROMIUM_ACCEPT])
def test_a_browser_on_sparql_is_sent_to_the_query_page(server, accept):
    response = requests.get(server + "sparql", headers={"Accept": accept}, allow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"].endswith("/query")
    assert "accept" in vary(response)  # the same URL describes the service to RDF clients
    assert requests.get(server + "sparql", headers={"Accept": "text/turtle,text/html"}).status_code == 200
    head = requests.head(server + "sparql", headers={"Accept": "text/html"})
    assert head.status_code == 303 and "accept" in vary(head)


# --- linked data ------------------------------------------------------------------------------------

def test_a_resource_iri_redirects_to_the_document_the_client_wants(server):
    for accept, suffix in (("text/html", ".html"), ("text/turtle", ".ttl"), ("application/ld+json", ".jsonld"),
                           ("application/n-triples", ".nt"), ("application/rdf+xml", ".rdf")):
        response = requests.get(server + "id/agency/cnsa", headers={"Accept": accept}, allow_redirects=False)
        assert response.status_code == 303, accept
        assert response.headers["Location"] == "/id/agency/cnsa" + suffix
        assert "Accept" in response.headers["Vary"]


def test_a_resource_as_json_ld_holds_its_description_and_the_labels_it_links_to(server):
    response = requests.get(server + "id/agency/cnsa", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200 and response.url.endswith(".jsonld")
    graph = rdflib.Graph().parse(data=response.text, format="json-ld")
    cnsa = rdflib.URIRef("https://w3id.org/ilrs/id/agency/cnsa")
    assert (cnsa, rdflib.RDFS.label, rdflib.Literal("China National Space Administration", lang="en")) in graph
    assert (rdflib.URIRef("https://w3id.org/ilrs/id/country/china"), rdflib.RDFS.label,
            rdflib.Literal("China", lang="en")) in graph


def test_a_resource_page_shows_statements_sources_and_incoming_links(server):
    page = requests.get(server + "id/partnership/venezuela.html").text
    assert "Venezuela&#39;s ILRS partnership" in page or "Venezuela's ILRS partnership" in page
    assert "2023-07-17" in page and "SpaceNews: Venezuela signs up" in page
    assert 'href="/id/country/venezuela"' in page  # links stay on this server
    agency = requests.get(server + "id/agency/cnsa.html").text
    assert "Linked from" in agency


def test_a_resource_as_trig_keeps_each_statement_in_its_source_graph(server):
    response = requests.get(server + "id/partnership/venezuela.trig")
    dataset = rdflib.Dataset().parse(data=response.text, format="trig")
    since = rdflib.URIRef("https://w3id.org/ilrs/ontology/partnerSince")
    graphs = {str(g) for _, p, _, g in dataset.quads((None, since, None, None))}
    assert {WIKI_GRAPH, "https://w3id.org/ilrs/id/source/spacenews-venezuela-2023"} <= graphs


def test_a_resources_documents_hold_what_links_to_it_and_each_statement_in_its_source_graph(server):
    """/id/country/venezuela.ttl held 4 triples: nothing of the partnership its page shows under "Linked
    from", so an RDF client could not find it; the by-source documents put the labels of what a
    resource links to in no source graph (a developer's review)."""
    venezuela = rdflib.URIRef("https://w3id.org/ilrs/id/country/venezuela")
    partnership = rdflib.URIRef("https://w3id.org/ilrs/id/partnership/venezuela")
    turtle = rdflib.Graph().parse(data=requests.get(server + "id/country/venezuela.ttl").text, format="turtle")
    assert (partnership, rdflib.URIRef("http://www.w3.org/ns/org#member"), venezuela) in turtle
    assert (partnership, rdflib.RDFS.label, rdflib.Literal("Venezuela's ILRS partnership", lang="en")) in turtle
    for document in ("id/payload/inrri", "id/country/venezuela"):
        quads = list(ox.parse(requests.get(server + document + ".nq").content, format=ox.RdfFormat.N_QUADS))
        assert quads and all(isinstance(quad.graph_name, ox.NamedNode) for quad in quads), document
        merged = ox.parse(requests.get(server + document + ".nt").content, format=ox.RdfFormat.N_TRIPLES)
        assert {quad.triple for quad in quads} == {quad.triple for quad in merged}, document


def test_unknown_resources_are_404_in_the_negotiated_format(server):
    as_json = requests.get(server + "id/agency/nowhere", headers={"Accept": "application/json"})
    assert as_json.status_code == 404 and as_json.json()["status"] == 404
    as_html = requests.get(server + "id/agency/nowhere", headers={"Accept": "text/html"})
    assert as_html.status_code == 404 and as_html.headers["Content-Type"].startswith("text/html")
    assert requests.get(server + "ontology/NoSuchTerm.ttl").status_code == 404


def test_the_ontology_is_negotiated_and_each_term_resolves(server):
    response = requests.get(server + "ontology", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["Content-Location"] == "/ontology.ttl"
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/ilrs/ontology"), rdflib.RDF.type, rdflib.OWL.Ontology) in graph
    term = requests.get(server + "ontology/Partnership", headers={"Accept": "text/turtle"})
    assert term.status_code == 200 and "membership" in term.text.lower()
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    current = graph.value(rdflib.URIRef("https://w3id.org/ilrs/ontology"), rdflib.OWL.versionIRI)
    version = requests.get(server + "ontology/" + str(current).rsplit("/", 1)[1], allow_redirects=False)
    assert version.status_code == 303 and version.headers["Location"] == "/ontology"


def test_an_earlier_version_iri_gives_that_version_as_it_was_released(server):
    """owl:priorVersion <…/ontology/1.0.0>: the document it names, not today's (which /ontology/1.0.0
    led to before 1.1.0), in each document format; a page it has not."""
    from ilrs_graph import shipped

    released = shipped.ontology_versions()["1.0.0"]
    turtle = requests.get(server + "ontology/1.0.0", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.content == released.read_bytes()
    assert turtle.headers["Content-Location"] == "/ontology/1.0.0.ttl" and "accept" in vary(turtle)
    as_released = rdflib.Graph().parse(released)
    for suffix, parser in (("nt", "nt"), ("jsonld", "json-ld"), ("rdf", "xml")):
        document = requests.get(server + f"ontology/1.0.0.{suffix}")
        assert document.status_code == 200, suffix
        assert rdflib.compare.isomorphic(rdflib.Graph().parse(data=document.text, format=parser), as_released), suffix
    assert requests.get(server + "ontology/1.0.0.ttl?format=nt", allow_redirects=False).headers["Location"] \
        == "/ontology/1.0.0.nt"
    page = requests.get(server + "ontology/1.0.0.html")
    assert page.status_code == 404 and "/ontology/1.0.0.ttl" in page.text
    assert requests.get(server + "ontology/0.9.0").status_code == 404


def test_the_shapes_validation_reports_name_resolve_to_the_shapes_document(server):
    """validate's reports name shapes by IRI (<https://w3id.org/ilrs/shapes/Partnership>): the IRI leads to
    the shapes as the project ships them, which a reuser can run with any SHACL engine."""
    from ilrs_graph import shipped

    moved = requests.get(server + "shapes/Partnership", allow_redirects=False)
    assert moved.status_code == 303 and moved.headers["Location"] == "/shapes"
    turtle = requests.get(server + "shapes/Partnership", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.content == shipped.shapes_file().read_bytes()
    assert turtle.headers["Content-Location"] == "/shapes.ttl"
    shapes = rdflib.Graph().parse(data=requests.get(server + "shapes.jsonld").text, format="json-ld")
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert (rdflib.URIRef("https://w3id.org/ilrs/shapes/Partnership"), rdflib.RDF.type, SH.NodeShape) in shapes
    assert rdflib.compare.isomorphic(shapes, rdflib.Graph().parse(shipped.shapes_file()))
    for missing, said in (("shapes/NoSuchShape", "define no"), ("shapes.html", "not a page"),
                          ("shapes.xml", "not written as .xml")):
        answer = requests.get(server + missing)
        assert answer.status_code == 404 and said in answer.text and "/shapes" in answer.text, missing
    ontology = rdflib.Graph().parse(data=requests.get(server + "ontology.ttl").text, format="turtle")
    assert rdflib.URIRef("https://w3id.org/ilrs/shapes") in set(ontology.objects(None, rdflib.RDFS.seeAlso))


CURRENT_VERSION = next(rdflib.Graph().parse(shipped.ontology_file()).objects(None, rdflib.OWL.versionInfo))


@pytest.mark.parametrize("path, said", [
    ("id/country/oman.xml", "<https://w3id.org/ilrs/id/country/oman> is not written as .xml: /id/country/oman.ttl"),
    ("ontology/Agreement.owl", "<https://w3id.org/ilrs/ontology/Agreement> is not written as .owl: "
                               "/ontology/Agreement.ttl"),
    ("ontology/1.0.0.xml", "Version 1.0.0 of the ontology is not written as .xml: /ontology/1.0.0.ttl"),
    ("id/country/nowhere.xml", "The graph has nothing about <https://w3id.org/ilrs/id/country/nowhere.xml>"),
    ("id/country/oman.json", "not written as .json: /id/country/oman.ttl, /id/country/oman.nt, /id/country/oman.jsonld, "
                             "/id/country/oman.rdf, /id/country/oman.trig, /id/country/oman.nq, /id/country/oman.html. "
                             "For application/ld+json, ask for .jsonld."),
    (f"ontology/{CURRENT_VERSION}.xml", "No ontology document as .xml; it is at /ontology.html"),
    ("data.owl", "For application/rdf+xml, ask for .rdf."),
    ("id/country/oman.", "The graph has nothing about <https://w3id.org/ilrs/id/country/oman.>"),  # no suffix at all
    ("ontology/1.0.0.", "The ontology defines no term <https://w3id.org/ilrs/ontology/1.0.0.>"),
])
def test_a_suffix_that_is_no_format_is_named_as_such(server, path, said):
    """A reader guessing .xml or .owl for RDF/XML is told the suffixes there are, not that the thing
    does not exist."""
    answer = requests.get(server + path)
    assert answer.status_code == 404 and said in answer.text


@pytest.mark.parametrize("suffix", ["ttl", "rdf", "html"])
def test_the_current_versions_iri_with_a_suffix_leads_to_the_ontology_in_that_format(server, suffix):
    """/ontology/1.1.0.ttl led to /ontology, where a browser got the page (a review)."""
    moved = requests.get(server + f"ontology/{CURRENT_VERSION}.{suffix}", allow_redirects=False)
    assert moved.status_code == 303 and moved.headers["Location"] == f"/ontology.{suffix}"


@pytest.mark.parametrize("path", [f"ontology/{CURRENT_VERSION}", "shapes/Partnership"])
def test_an_iri_sent_on_to_a_document_keeps_the_format_the_url_names(server, path):
    """As the namespace IRI keeps it: /ontology/1.2.0?format=nt led a browser to the page, and
    /shapes/Partnership?format=nt to Turtle."""
    named = requests.get(server + path + "?format=nt", headers={"Accept": "text/html"})
    assert named.status_code == 200 and named.headers["Content-Type"].startswith("application/n-triples")


def test_the_ontology_namespace_iri_leads_to_the_vocabulary(server):
    """vann:preferredNamespaceUri is https://w3id.org/ilrs/ontology/ (a slash namespace): 303 to the
    vocabulary (W3C's Best Practice Recipes for Publishing RDF Vocabularies), negotiated there."""
    for accept, suffix in (("text/html", "html"), ("text/turtle", "ttl"), ("application/rdf+xml", "rdf")):
        moved = requests.get(server + "ontology/", headers={"Accept": accept}, allow_redirects=False)
        assert moved.status_code == 303 and moved.headers["Location"] == "/ontology", accept
        document = requests.get(server + "ontology/", headers={"Accept": accept})
        assert document.status_code == 200 and document.headers["Content-Location"] == f"/ontology.{suffix}"
    # a format the URL names goes along (a second reading: /ontology/?format=ttl lost it)
    named = requests.get(server + "ontology/?format=nt", headers={"Accept": "text/html"})
    assert named.status_code == 200 and named.headers["Content-Type"].startswith("application/n-triples")


@pytest.mark.parametrize("path", ["id/agency/cnsa.ttl", "id/agency/cnsa", "ontology.ttl", "data.nt", "void"])
def test_a_document_ignores_a_malformed_parameter_it_does_not_take(server, path):
    """A tracking parameter broken by a crawler or a mail client made /id/agency/cnsa.ttl?x=%zz a 400 (a
    second reading): a document reads only format= and output=, strictly, as /sparql does."""
    def status(query: str) -> int:  # sent as written: requests would quote the stray '%'
        connection = http.client.HTTPConnection(urlsplit(server).hostname, urlsplit(server).port, timeout=30)
        connection.request("GET", f"/{path}?{query}")
        return connection.getresponse().status

    assert status("x=%zz") in (200, 303)  # /id/agency/cnsa sends on to a document
    assert status("x=%zz&format=ttl") == 400  # where it takes a format, the URL is read strictly


# --- dumps --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix, rdflib_format", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"),
                                                   ("rdf", "xml"), ("trig", "trig"), ("nq", "nquads")])
def test_dumps_parse_back_isomorphic_to_the_graph(server, local, suffix, rdflib_format):
    response = requests.get(server + f"data.{suffix}")
    assert response.status_code == 200 and response.headers["ETag"] and response.headers["Last-Modified"]
    parsed = rdflib.Dataset()
    parsed.parse(data=response.content, format=rdflib_format)
    expected = rdflib.Dataset()
    expected.parse(data=bytes(local.dump(formats.by_name("nquads")).body), format="nquads")
    if suffix in ("trig", "nq"):  # datasets: every named graph, each isomorphic
        assert {str(g.identifier) for g in parsed.graphs() if len(g)} == {str(g.identifier) for g in expected.graphs() if len(g)}
        for graph in expected.graphs():
            if len(graph):
                assert isomorphic(parsed.graph(graph.identifier), graph), graph.identifier
    else:  # graphs: the merge
        merged = rdflib.Graph()
        for s, p, o, _ in expected.quads():
            merged.add((s, p, o))
        got = rdflib.Graph()
        for s, p, o, _ in parsed.quads():
            got.add((s, p, o))
        assert isomorphic(got, merged)


def test_a_repeated_etag_gets_304(server):
    first = requests.get(server + "data.ttl")
    again = requests.get(server + "data.ttl", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.content
    query = requests.get(server + "sparql", params={"query": COUNT_PARTNERS})
    cached = requests.get(server + "sparql", params={"query": COUNT_PARTNERS}, headers={"If-None-Match": query.headers["ETag"]})
    assert cached.status_code == 304


@pytest.mark.parametrize("path", ["data.ttl", "sparql?query=" + quote(LABELS), "static/style.css",
                                  "id/agency/cnsa.ttl", "id/agency/cnsa.html", "ontology.ttl", "ontology",
                                  "ontology/Payload.ttl", "openapi.json", ""])
@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_preconditions_are_judged_as_http_orders_them(server, path, encoding):
    """RFC 9110 13.2.2: If-Match (strong), else If-Unmodified-Since, fail with a short 412; then
    If-None-Match (weak), else If-Modified-Since, give a 304 without body that keeps the validators
    and caching headers (15.4.5); gzipped answers are judged by their own ETag."""
    first = requests.get(server + path, headers={"Accept-Encoding": encoding})
    etag, modified = first.headers["ETag"], first.headers.get("Last-Modified")
    assert first.headers.get("Content-Encoding", "identity") == encoding and etag.endswith(':gzip"') == (encoding == "gzip")
    def status(**headers):
        sent = {"Accept-Encoding": encoding, **{k.replace("_", "-"): v for k, v in headers.items()}}
        answer = requests.get(server + path, headers=sent)
        assert answer.status_code != 412 or (len(answer.content) < 300 and "If-" in answer.text)
        if answer.status_code == 304:
            assert not answer.content and answer.headers["ETag"] == etag
            assert all(answer.headers.get(name) == first.headers.get(name) for name in ("Vary", "Cache-Control"))
            assert requests.head(server + path, headers=sent).status_code == 304
        return answer.status_code
    assert status(If_Match='"other"') == 412 and status(If_Match="W/" + etag) == 412
    assert status(If_Match=etag) == status(If_Match="*") == status(If_Match=f'"other", {etag}') == 200
    assert status(If_Match='"other"', If_None_Match=etag) == 412
    assert status(If_Match=etag, If_None_Match=etag) == 304 and status(If_None_Match="W/" + etag) == 304
    assert status(If_None_Match="*") == 304 and status(If_None_Match='"other"') == 200
    if modified:  # the dumps and the pages: the data's date (or later, for a page)
        assert status(If_Unmodified_Since="Mon, 01 Jan 2001 00:00:00 GMT") == 412
        assert status(If_Match=etag, If_Unmodified_Since="Mon, 01 Jan 2001 00:00:00 GMT") == 200
        assert status(If_Unmodified_Since=modified) == 200 and status(If_Modified_Since=modified) == 304
        assert status(If_Modified_Since="Mon, 01 Jan 2001 00:00:00 GMT") == 200
        assert status(If_None_Match='"other"', If_Modified_Since=modified) == 200


@pytest.mark.parametrize("path", ["", "id/agency/cnsa.html", "ontology.html", "search?q=cnsa"])
def test_a_page_is_last_modified_when_its_data_or_templates_were(server, path):
    """The pages had an ETag but no Last-Modified, so a client keeping only dates (If-Modified-Since)
    got the whole page again and again. A page is last modified when its data was (the date of the
    dumps and RDF documents) or later, when what writes it changed since (a template); If-Modified-Since
    at that date is a 304, unless If-None-Match names another version (it comes first)."""
    data = parsedate_to_datetime(requests.get(server + "data.ttl").headers["Last-Modified"])
    templates = max(template.stat().st_mtime for template in (ROOT / "server" / "templates").rglob("*.html"))
    page = requests.get(server + path, headers={"Accept": "text/html"})
    modified = page.headers["Last-Modified"]
    assert page.headers["Content-Type"].startswith("text/html") and page.headers["ETag"]
    assert max(data.timestamp(), int(templates)) <= parsedate_to_datetime(modified).timestamp() <= time.time()
    def status(**headers):
        return requests.get(server + path, headers={"Accept": "text/html", **{k.replace("_", "-"): v
                                                                             for k, v in headers.items()}}).status_code
    assert status(If_Modified_Since=modified) == 304
    assert status(If_Modified_Since="Mon, 01 Jan 2001 00:00:00 GMT") == 200
    assert status(If_None_Match='"other"', If_Modified_Since=modified) == 200
    assert status(If_None_Match=page.headers["ETag"], If_Modified_Since="Mon, 01 Jan 2001 00:00:00 GMT") == 304


def test_a_page_is_modified_no_earlier_than_its_server_started_and_a_refusal_not_at_all():
    """Code, templates and configuration change only with a restart. A page's date had followed its code's
    file times, which Nix and reproducible builds fix at 1970: after an upgrade changing a template, a
    client asking only by date (If-Modified-Since) kept the old page. It is never later than now either.
    A refusal (a search for punctuation) is no version of the page: it had a Last-Modified."""
    started = int(time.time())
    with running_server() as base:
        page = requests.get(base + "ontology.html", headers={"Accept": "text/html"})
        refused = requests.get(base + "search", params={"q": "++"}, headers={"Accept": "text/html"})
    modified = parsedate_to_datetime(page.headers["Last-Modified"]).timestamp()
    assert started <= modified <= parsedate_to_datetime(page.headers["Date"]).timestamp()
    assert refused.status_code == 400 and "Last-Modified" not in refused.headers and "ETag" not in refused.headers


@pytest.mark.parametrize("path", ["", "id/agency/cnsa.html", "id/agency/cnsa.ttl", "ontology.html", "search?q=cnsa",
                                  "data.ttl", "void", "context.jsonld", "sparql?format=turtle", "store?default",
                                  "sparql?query=ASK%7B%7D&format=json"])
def test_a_dated_page_or_document_is_asked_for_again_each_time(server, path):
    """A journalist's review: pages and documents had a Last-Modified but no Cache-Control, so a browser
    kept them for a while without asking (a heuristic share of their age), and showed a page the data had
    moved on from. Each is asked for again (no-cache), at the cost of a 304."""
    assert requests.get(server + path, headers={"Accept": "text/html"}).headers["Cache-Control"] == "public, no-cache"


def test_the_same_query_written_otherwise_is_the_same_cached_answer(server):
    """The result cache asks by the query's normal form: comments and runs of whitespace do not count,
    what is inside strings does."""
    first = requests.get(server + "sparql", params={"query": COUNT_PARTNERS})
    spaced = "# how many partnerships?\n" + COUNT_PARTNERS.replace(" ", "\n\t  ") + "  # that is all\n"
    again = requests.get(server + "sparql", params={"query": spaced}, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    literal = 'SELECT ?l WHERE { VALUES ?l { "a  b#c" } }'
    one, other = (requests.get(server + "sparql", params={"query": text}, headers={"Accept": "text/csv"})
                  for text in (literal, literal.replace("a  b", "a b")))
    assert (one.text.split()[1:], other.text.split()[1:]) == (["a", "b#c"], ["a", "b#c"])
    assert one.text != other.text and one.headers["ETag"] != other.headers["ETag"]


def test_a_query_calling_now_rand_or_uuid_is_answered_anew_each_time(server):
    text = "SELECT (STRUUID() AS ?id) (RAND() AS ?r) (NOW() AS ?t) WHERE {}"
    answers = [requests.get(server + "sparql", params={"query": text}, headers={"Accept": "text/csv"}) for _ in range(3)]
    assert all(a.status_code == 200 and "ETag" not in a.headers for a in answers)
    assert all(a.headers["Cache-Control"] == "no-store" for a in answers)
    assert len({a.text for a in answers}) == 3


def test_an_answer_without_a_validator_matches_no_if_match_but_a_star(server):
    """RFC 9110 13.1.1: If-Match holds for any current representation (``*``) or one whose ETag it
    names. A volatile answer has none to name; it was sent whole (200) to an If-Match naming any tag."""
    text = "SELECT (RAND() AS ?r) WHERE {}"
    def asked(**headers):
        return requests.get(server + "sparql", params={"query": text}, headers={
            "Accept": "text/csv", **{k.replace("_", "-"): v for k, v in headers.items()}})
    refused, starred = asked(If_Match='"an-earlier-answer"'), asked(If_Match="*")
    assert refused.status_code == 412 and "If-Match" in refused.text and "ETag" not in refused.headers
    assert starred.status_code == 200 and starred.text.startswith("r")
    assert asked(If_None_Match="*").status_code == asked(If_None_Match='"x"').status_code == 200


@pytest.mark.parametrize("headers", [{"If-Match": '"other"'}, {"Range": "bytes=999999999-"}])
def test_a_refused_precondition_or_range_varies_as_the_answer_would(server, headers):
    """A cache that keys the answer by its Vary keys the 412 or 416 sent instead alike; they had none."""
    whole = requests.get(server + "data.ttl")
    refused = requests.get(server + "data.ttl", headers=headers)
    assert refused.status_code in (412, 416) and refused.headers["Vary"] == whole.headers["Vary"]
    assert "Accept-Encoding" in refused.headers["Vary"]


# --- web citizenship ---------------------------------------------------------------------------------

def test_cors_on_sparql_and_dumps(server):
    preflight = requests.options(server + "sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204 and not preflight.content
    assert "Content-Type" not in preflight.headers  # no body, so no type of one (RFC 9110, 8.3)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert set(preflight.headers["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "POST", "OPTIONS"}
    assert requests.get(server + "data.nt").headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["data.ttl", "void", "store?graph=" + WIKI_GRAPH, "id/agency/cnsa.ttl",
                                  "id/agency/cnsa", "ontology", "ontology/1.0.0", "shapes", "openapi.json"])
def test_every_document_of_the_data_is_open_to_scripts_of_other_sites_which_may_only_read_it(server, path):
    read = requests.get(server + path, headers={"Origin": "https://example.org", "Accept": "text/turtle"})
    assert read.status_code == 200 and read.headers["Access-Control-Allow-Origin"] == "*"
    preflight = requests.options(server + path, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_healthz(server):
    health = requests.get(server + "healthz").json()
    assert health["status"] == "ok" and health["quads"] > 1000 and len(health["version"]) == 64


def test_gzip_when_the_client_accepts_it(server):
    raw = requests.get(server + "data.nt", headers={"Accept-Encoding": "gzip"}, stream=True)
    assert raw.headers["Content-Encoding"] == "gzip"
    body = gzip.decompress(raw.raw.read())
    assert body.startswith(b"<https://w3id.org/ilrs/")
    plain = requests.get(server + "data.nt", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers


@pytest.mark.parametrize("accept_encoding, gzipped", [
    ("gzip;q=0", False), ("gzip;q=0, *", False), ("*;q=0", False), ("br, deflate", False), ("zstd", False),
    ("*", True), ("deflate, gzip;q=0.5", True), ("GZIP", True), ("gzip, br;q=0", True), ("gzip, deflate, br, zstd", True),
])
@pytest.mark.parametrize("path", ["data.nt", "sparql?query=" + quote(LABELS), "static/style.css", "ontology"])
def test_gzip_only_where_accept_encoding_allows_it_and_no_other_coding(server, accept_encoding, gzipped, path):
    """Query answers and dumps (gzipped from a kept copy), assets (streamed) and pages alike."""
    response = requests.get(server + path, headers={"Accept-Encoding": accept_encoding}, stream=True)
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding", "identity") == ("gzip" if gzipped else "identity")


def test_the_query_page_runs_a_query_and_links_resources(server):
    page = requests.get(server + "query", params={
        "query": "SELECT ?p WHERE { ?p a <https://w3id.org/ilrs/ontology/Partnership> }"})
    assert page.status_code == 200 and 'href="/id/partnership/' in page.text
    assert page.text.count('<li><a href="/query?query=') == len(shipped.query_files())


def test_every_iri_the_data_mints_resolves_on_this_server(server, local):
    import pyoxigraph as ox_terms

    from ilrs_graph.namespaces import ILRS, RESOURCE

    minted = sorted({t.value for q in local.loaded.quads for t in (q.subject, q.object, q.graph_name)
                     if isinstance(t, ox_terms.NamedNode) and t.value.startswith((RESOURCE, ILRS))})
    assert len(minted) > 300
    session = requests.Session()
    unresolved = []
    for iri in minted:
        path = iri.replace("https://w3id.org/ilrs/", "")
        response = session.get(server + path, headers={"Accept": "application/n-triples"}, allow_redirects=True)
        if response.status_code != 200 or f"<{iri}>" not in response.text:
            unresolved.append((iri, response.status_code))
    assert unresolved == []


def test_void_describes_the_dataset_and_its_dumps_with_checksums(server):
    import hashlib

    response = requests.get(server + "void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
    DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
    dataset = rdflib.URIRef("https://w3id.org/ilrs/void#dataset")  # one name, wherever served
    assert int(graph.value(dataset, VOID.triples)) > 1500
    assert graph.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef(server + "sparql")
    assert graph.value(dataset, rdflib.URIRef("http://purl.org/dc/terms/license")) is not None
    distributions = list(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) == len(export.EXPORT_FORMATS)
    for distribution in distributions:
        url = str(graph.value(distribution, DCAT.downloadURL))
        assert url.startswith(server + "data.")
        body = requests.get(url, headers={"Accept-Encoding": "identity"}).content
        checksum = graph.value(distribution, SPDX.checksum)
        assert str(graph.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()


def test_an_rdf_client_naming_html_as_highly_gets_rdf_and_a_format_the_url_names_wins(server):
    """A second reading: a parameter on text/html made it outrank application/ld+json (a 303 to the query
    page), /id and /ontology gave the page on a tie, and /sparql?format=turtle sent Chromium to the page."""
    def answer(path, accept):
        response = requests.get(server + path, headers={"Accept": accept}, allow_redirects=False)
        return response.status_code, response.headers.get("Location") or response.headers["Content-Type"]

    for accept in ("application/ld+json, text/html;charset=utf-8", "text/html;level=1, application/ld+json"):
        assert answer("void", accept)[1].startswith("application/ld+json"), accept
        status, kind = answer("sparql", accept)
        assert status == 200 and kind.startswith("application/ld+json"), accept
    for accept in ("application/rdf+xml, text/html", "text/html, application/rdf+xml"):
        assert answer("id/agency/cnsa", accept) == (303, "/id/agency/cnsa.rdf"), accept
        assert answer("ontology", accept)[1].startswith("application/rdf+xml"), accept
    assert answer("id/agency/cnsa", "text/html")[1] == "/id/agency/cnsa.html"
    assert answer("sparql?format=turtle", CHROMIUM_ACCEPT)[1].startswith("text/turtle")
    assert answer("sparql", CHROMIUM_ACCEPT) == (303, "/query")


def test_a_browser_gets_the_descriptions_in_turtle_which_it_shows_an_rdf_client_what_it_asks_for(server):
    """A browser's application/xml;q=0.9 is not a wish for RDF/XML (Chromium would download it): a client
    that rates an HTML page highest gets a document with no page in its default format."""
    for path in ("void", "void?format=rdfxml"):
        for accept in ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", CHROMIUM_ACCEPT):
            expected = "application/rdf+xml" if "format=" in path else "text/turtle"
            assert requests.get(server + path, headers={"Accept": accept}).headers["Content-Type"].startswith(expected)
    for accept in ("application/rdf+xml", "application/xml", "application/rdf+xml,text/html"):
        assert requests.get(server + "void", headers={"Accept": accept}).headers["Content-Type"].startswith(
            "application/rdf+xml"), accept


def test_the_service_description_carries_the_void_description(server):
    graph = rdflib.Graph().parse(data=requests.get(server + "sparql", headers={"Accept": "text/turtle"}).text,
                                 format="turtle")
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
    served = graph.value(rdflib.URIRef(server + "sparql"), SD.defaultDataset)
    assert (served, rdflib.RDF.type, VOID.Dataset) in graph
    assert int(graph.value(served, VOID.entities)) > 200


def test_the_server_dumps_are_the_export_byte_for_byte(server, tmp_path):
    from .conftest import run_cli

    assert run_cli("export", "-o", tmp_path).returncode == 0
    dumps = sorted(tmp_path.glob("data.*"))
    assert [path.name for path in dumps] == sorted(f"data.{fmt.extension}" for fmt in export.EXPORT_FORMATS)
    for path in dumps:
        served = requests.get(server + path.name, headers={"Accept-Encoding": "identity"}).content
        assert served == path.read_bytes(), path.name


def test_the_json_ld_context_reads_the_json_ld_dump(server):
    context = requests.get(server + "context.jsonld")
    assert context.status_code == 200 and context.headers["Access-Control-Allow-Origin"] == "*"
    document = requests.get(server + "data.jsonld").json()
    assert document["@context"] == context.json()["@context"]


def test_formats_are_named_by_the_w3c_register_of_file_formats(server):
    """sd:resultFormat and the dumps' dcterms:conformsTo name each format by its IRI in
    https://www.w3.org/ns/formats/ (JSON-LD too: not Oxigraph's https://www.w3.org/ns/formats/data/JSON-LD)."""
    register = {f"http://www.w3.org/ns/formats/{name}" for name in (
        "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
        "N-Triples", "JSON-LD", "RDF_XML", "TriG", "N-Quads")}
    description = rdflib.Graph().parse(data=requests.get(server + "sparql", headers={"Accept": "text/turtle"}).text,
                                       format="turtle")
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert {str(o) for o in description.objects(rdflib.URIRef(server + "sparql"), SD.resultFormat)} == register
    void = rdflib.Graph().parse(data=requests.get(server + "void", headers={"Accept": "text/turtle"}).text,
                                format="turtle")
    DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    conforms = {str(void.value(d, rdflib.URIRef("http://purl.org/dc/terms/conformsTo")))
                for d in void.objects(rdflib.URIRef("https://w3id.org/ilrs/void#dataset"), DCAT.distribution)}
    assert conforms == {iri for iri in register if "SPARQL" not in iri}


@pytest.mark.parametrize("path, allowed", [("sparql", "GET, HEAD, POST, OPTIONS"), ("store", "GET, HEAD, OPTIONS"),
                                           ("id/agency/cnsa", "GET, HEAD, OPTIONS"), ("data.ttl", "GET, HEAD, OPTIONS"),
                                           ("ontology", "GET, HEAD, OPTIONS"),
                                           ("query", "GET, HEAD, POST, OPTIONS")])  # POST: the page's own form
def test_options_says_which_methods_the_path_allows(server, path, allowed):
    """RFC 9110, 9.3.7: an OPTIONS answer names the methods in Allow, a CORS preflight as much as any."""
    for headers in ({}, {"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}):
        response = requests.options(server + path, headers=headers)
        assert response.status_code in (200, 204) and not response.content
        assert set(response.headers["Allow"].split(", ")) == set(allowed.split(", ")), headers
    assert requests.head(server + path).status_code in (200, 303)


def test_a_downloaded_dump_is_named_as_the_checksums_name_it(server, tmp_path):
    """curl -OJ saves a dump under its Content-Disposition name; `sha256sum -c SHA256SUMS` (export's,
    VoID's dcterms:title) must find it there: data.ttl, not ilrs-graph.ttl."""
    import hashlib

    from werkzeug.http import parse_options_header

    from .conftest import run_cli

    assert run_cli("export", "-o", tmp_path / "export").returncode == 0
    sums = dict(reversed(line.split("  ", 1)) for line in (tmp_path / "export" / "SHA256SUMS").read_text().splitlines())
    for suffix in ("ttl", "nt", "jsonld", "rdf", "trig", "nq"):
        response = requests.get(server + f"data.{suffix}", headers={"Accept-Encoding": "identity"})
        disposition, options = parse_options_header(response.headers["Content-Disposition"])
        assert disposition == "inline" and options["filename"] in sums, response.headers["Content-Disposition"]
        assert hashlib.sha256(response.content).hexdigest() == sums[options["filename"]]


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
@pytest.mark.parametrize("path", ["data.nq", "store?graph=" + WIKI_GRAPH])
def test_dumps_are_sent_in_byte_ranges_of_the_bytes_sent(server, path, encoding):
    """RFC 9110, 14: one range gets 206 with Content-Range, of the representation sent (gzipped, when it
    is: a client resuming a gzipped download gets the gzipped bytes' rest); past the end 416; If-Range
    naming another version, or several ranges, the whole."""
    headers = {"Accept-Encoding": encoding}
    whole = requests.get(server + path, headers=headers, stream=True)
    body = whole.raw.read()  # the bytes sent, not decoded
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    assert whole.headers.get("Content-Encoding", "identity") == encoding and len(body) > 1000
    etag, length = whole.headers["ETag"], len(body)

    def ranged(**more):
        answer = requests.get(server + path, headers={**headers, **{k.replace("_", "-"): v for k, v in more.items()}},
                              stream=True)
        return answer, answer.raw.read()
    for asked, (start, stop) in (("bytes=0-99", (0, 100)), ("bytes=-50", (length - 50, length)),
                                 (f"bytes=1000-{length + 5}", (1000, length))):
        answer, part = ranged(Range=asked)
        assert answer.status_code == 206, asked
        assert answer.headers["Content-Range"] == f"bytes {start}-{stop - 1}/{length}" and part == body[start:stop]
        assert answer.headers["ETag"] == etag and int(answer.headers["Content-Length"]) == stop - start
    assert ranged(Range="bytes=0-99", If_Range=etag)[0].status_code == 206
    assert ranged(Range="bytes=0-99", If_Range='"other"')[1] == body
    assert ranged(Range="bytes=0-99", If_Range="W/" + etag)[1] == body
    # or by its date: exactly the Last-Modified sent, else the whole (RFC 9110, 13.1.5)
    assert ranged(Range="bytes=0-99", If_Range=whole.headers["Last-Modified"])[0].status_code == 206
    assert ranged(Range="bytes=0-99", If_Range="Mon, 01 Jan 2001 00:00:00 GMT")[1] == body
    assert ranged(Range="bytes=0-1, 5-9")[1] == body
    assert ranged(Range="bytes=0-99", If_None_Match=etag)[0].status_code == 304
    past, _ = ranged(Range=f"bytes={length}-")
    assert past.status_code == 416 and past.headers["Content-Range"] == f"bytes */{length}"
    head = requests.head(server + path, headers={**headers, "Range": "bytes=0-99"})
    assert head.status_code == 206 and head.headers["Content-Range"] == f"bytes 0-99/{length}"


@pytest.mark.parametrize("path, named", [("id/agency/cnsa", "/id/agency/cnsa"), ("ontology/Payload", "/ontology/Payload"),
                                         ("ontology", "/ontology"), ("data", "/data")])
def test_documents_honour_the_format_parameter_as_sparql_does(server, path, named):
    """?format= (or ?output=), by name or media type, wins over Accept and over a suffix (303 to the
    document in that format); a format not offered there is 406 with the list, as on /sparql."""
    def get(url, **params):
        return requests.get(server + url, params=params, headers={"Accept": "text/turtle"}, allow_redirects=False)
    bogus = get(path + ".ttl", format="bogus")
    assert bogus.status_code == 406 and "choose one of: " in bogus.text and "jsonld" in bogus.text
    assert get(path + ".ttl", format="").status_code == 406
    moved = get(path + ".ttl", format="jsonld")
    assert moved.status_code == 303 and moved.headers["Location"] == named + ".jsonld"
    assert get(path + ".ttl", output="application/n-triples").headers["Location"] == named + ".nt"
    same = get(path + ".ttl", format="ttl")
    assert same.status_code == 200 and same.headers["Content-Type"].startswith("text/turtle")
    if path == "data":  # the dumps have no page and no negotiated IRI
        assert get("data.ttl", format="html").status_code == 406
        return
    assert get(path + ".nt", format="html").headers["Location"] == named + ".html"
    plain = get(path, format="jsonld")
    assert plain.status_code in (200, 303) and get(path, format="bogus").status_code == 406
    if plain.status_code == 303:
        assert plain.headers["Location"] == named + ".jsonld"
    else:  # /ontology itself is the document, negotiated
        assert plain.headers["Content-Location"] == "/ontology.jsonld"
        assert plain.headers["Content-Type"].startswith("application/ld+json")


def test_behind_a_proxy_base_url_names_the_public_urls_and_forwarded_headers_are_not_trusted(server):
    """nginx's default proxy_pass sends Host: the backend's address: with serve --base-url the service
    description, VoID and the home page name the public URLs whatever Host says; X-Forwarded-Host, which
    any client can send, is never read."""
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
    forged = {"X-Forwarded-Host": "evil.example", "Forwarded": "host=evil.example", "Accept": "text/turtle"}

    def urls(base):
        description = rdflib.Graph().parse(data=requests.get(base + "sparql", headers=forged).text, format="turtle")
        void = rdflib.Graph().parse(data=requests.get(base + "void", headers=forged).text, format="turtle")
        home = requests.get(base, headers={**forged, "Accept": "text/html"}).text
        return ({str(s) for s in description.subjects(rdflib.RDF.type, SD.Service)},
                {str(o) for o in void.objects(None, VOID.dataDump)}, home)
    endpoints, dumps, home = urls(server)
    assert endpoints == {server + "sparql"} and server + "data.ttl" in dumps and f"{server}sparql" in home
    public = "https://ilrs.example.org/"
    with running_server("--base-url", public.rstrip("/")) as behind:
        endpoints, dumps, home = urls(behind)
        assert endpoints == {public + "sparql"} and public + "data.ttl" in dumps and f"{public}sparql" in home
        assert all(url.startswith(public) for url in dumps) and "evil.example" not in home


# A path, too: the links and redirects of the pages are paths from the server's root, which under a proxy's
# prefix would lead out of it (a second reading: /id/agency/cnsa → Location: /id/agency/cnsa.ttl)
@pytest.mark.parametrize("url", ["ftp://example.org/", "https://example.org/?x=1", "example.org", "https:///a",
                                 "https://example.org/graph/"])
def test_serve_refuses_a_base_url_that_is_not_a_servers_root(url):
    from .conftest import run_cli

    refused = run_cli("serve", "--port", "5549", "--base-url", url, timeout=60)
    assert refused.returncode == 2 and "--base-url must be an http or https URL" in refused.stderr


@pytest.mark.parametrize("url", ["http://exa{mple.org/", "https://example.org:port/", "http://exa<mple>.org"])
def test_a_base_url_that_is_no_iri_is_refused_rather_than_failing_the_descriptions(url):
    """The service description and /void name the endpoint and the dumps by IRIs made from it: taken, such
    a URL made each of them a 500 (a reader's review)."""
    from ilrs_server import Config

    with pytest.raises(ValueError, match="must be an http or https URL of the server's root"):
        Config(base_url=url)
