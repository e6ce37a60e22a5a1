"""The read-only SPARQL 1.1 Graph Store Protocol at /store on a real server: each named graph as a
document in every RDF format (read by rdflib as a client reads a URL), the default graph and the dataset
byte for byte as the dumps, validators, and clear refusals of what it does not do."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.compare import isomorphic

from ilrs_graph import formats, resources
from ilrs_graph.dataset import Dataset
from ilrs_graph.query import Limits
from ilrs_server import create_app

from .server_process import running_server

GRAPH_FORMATS = {f.media_type: f for f in formats.GRAPH_FORMATS}


@pytest.fixture(scope="module")
def server():
    with running_server(workers=2) as base:
        yield base


@pytest.fixture(scope="module")
def graph_names():
    return sorted(Dataset.open().graph_names)


def _in_graph(server: str, name: str) -> rdflib.Graph:
    """What SPARQL finds in graph ``name``, asked of the same server."""
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
    answer = requests.post(server + "sparql", data={"query": construct}, headers={"Accept": "application/n-triples"},
                           timeout=30)
    assert answer.status_code == 200, answer.text
    return rdflib.Graph().parse(data=answer.text, format="nt")


def test_every_named_graph_is_what_sparql_finds_in_it(server, graph_names):
    assert len(graph_names) > 50
    for name in graph_names:
        document = requests.get(server + "store", params={"graph": name}, timeout=30)
        assert document.status_code == 200 and document.headers["Content-Type"].startswith("text/turtle"), name
        got = rdflib.Graph().parse(data=document.text, format="turtle")
        assert len(got) > 0 and isomorphic(got, _in_graph(server, name)), name


def test_a_graph_comes_in_every_format_and_rdflib_reads_it_from_its_url(server, graph_names):
    name = next(n for n in graph_names if "/source/" in n)
    expected = _in_graph(server, name)
    for media_type, fmt in GRAPH_FORMATS.items():
        document = requests.get(server + "store", params={"graph": name}, headers={"Accept": media_type}, timeout=30)
        assert document.headers["Content-Type"].split(";")[0] == media_type
        rdflib_format = {"jsonld": "json-ld", "rdfxml": "xml"}.get(fmt.name, fmt.name)
        assert isomorphic(rdflib.Graph().parse(data=document.content, format=rdflib_format), expected), media_type
    quads = list(ox.parse(requests.get(server + "store", params={"graph": name, "format": "nquads"}, timeout=30).content,
                          format=ox.RdfFormat.N_QUADS))
    assert len(quads) == len(expected) and {q.graph_name for q in quads} == {ox.NamedNode(name)}
    assert isomorphic(rdflib.Graph().parse(f"{server}store?graph={name}"), expected)  # rdflib negotiates itself


def test_the_default_graph_and_the_dataset_are_the_dumps(server):
    for fmt in formats.GRAPH_FORMATS:
        document = requests.get(server + "store?default", headers={"Accept": fmt.media_type}, timeout=30)
        dump = requests.get(server + f"data.{fmt.extension}", timeout=30)
        assert document.content == dump.content and document.headers["ETag"] == dump.headers["ETag"], fmt.name
    assert requests.get(server + "store", timeout=30).content == requests.get(server + "data.trig", timeout=30).content
    nquads = requests.get(server + "store", headers={"Accept": "application/n-quads"}, timeout=30)
    assert nquads.content == requests.get(server + "data.nq", timeout=30).content


def test_documents_have_validators_and_head_answers_alike(server, graph_names):
    url = server + "store"
    params, identity = {"graph": graph_names[0]}, {"Accept-Encoding": "identity"}
    first = requests.get(url, params=params, headers=identity, timeout=30)
    assert first.headers["ETag"] and first.headers["Last-Modified"] and "Accept" in first.headers["Vary"]
    again = requests.get(url, params=params, headers={"If-None-Match": first.headers["ETag"], **identity}, timeout=30)
    assert again.status_code == 304
    head = requests.head(url, params=params, headers=identity, timeout=30)
    assert head.status_code == 200 and head.content == b"" and head.headers["ETag"] == first.headers["ETag"]
    gzipped = requests.get(url, params=params, headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert "Content-Encoding" not in first.headers and gzipped.headers["Content-Encoding"] == "gzip"
    assert gzipped.content == first.content and gzipped.headers["ETag"] != first.headers["ETag"]  # requests unzips


def test_a_graph_document_is_written_once_and_sent_from_its_file(monkeypatch, graph_names):
    made = []
    monkeypatch.setattr(resources, "graph_document",
                        lambda *args, real=resources.graph_document: made.append(args[1]) or real(*args))
    # A result cache too small to keep it, as it is for a large graph's document (beyond a quarter of it)
    client = create_app(dataset=Dataset.open(limits=Limits(max_cache_bytes=1024))).test_client()
    bodies = {client.get("/store", query_string={"graph": graph_names[0]}).data for _ in range(3)}
    assert len(bodies) == 1 and made == [graph_names[0]]


@pytest.mark.parametrize("query, accept, status, words", [
    ("graph=https://example.org/elsewhere", None, 404, "This dataset has no graph <https://example.org/elsewhere>"),
    ("graph=a&graph=b", None, 400, "names at most one graph"),
    ("graph=https://w3id.org/ilrs/ontology&default", None, 400, "names at most one graph"),
    ("graph=%ff", None, 400, "not valid percent-encoded UTF-8"),
    ("", "text/turtle", 406, "application/trig, application/n-quads"),
    ("default", "application/n-quads", 406, "text/turtle, application/n-triples"),
    ("default&format=csv", None, 406, "choose one of: turtle, ntriples, jsonld, rdfxml"),
])
def test_what_it_cannot_answer_is_refused_with_a_message(server, query, accept, status, words):
    answer = requests.get(server + "store?" + query, headers={"Accept": accept} if accept else {}, timeout=30)
    assert answer.status_code == status and words in answer.text, answer.text


def test_a_stray_percent_is_refused(server):
    connection = http.client.HTTPConnection(urlsplit(server).netloc, timeout=30)  # requests would mend it
    connection.request("GET", "/store?graph=%zz")
    answer = connection.getresponse()
    assert answer.status == 400 and b"The parameter 'graph' is not valid percent-encoding" in answer.read()
    connection.close()


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE", "PATCH"])
def test_writes_are_405_and_change_nothing(server, method):
    before = requests.get(server + "store", timeout=30).content
    refused = requests.request(method, server + "store?default", data="<a:b> <a:c> <a:d> .",
                               headers={"Content-Type": "application/n-triples"}, timeout=30)
    assert refused.status_code == 405 and "GET" in refused.headers["Allow"] and "PUT" not in refused.headers["Allow"]
    assert requests.get(server + "store", timeout=30).content == before
