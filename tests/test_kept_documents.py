"""The documents made from the whole graph (/void, the service description at GET /sparql,
/context.jsonld) are made once per version of the data and base URL, then sent with an ETag like a
query answer: at 100k quads making them took 0.3-1 s, at every request before."""

from __future__ import annotations

import gzip
import hashlib

import pytest
import rdflib
import rdflib.compare

from ilrs_graph import export, jsonld, void
from ilrs_graph.dataset import Dataset
from ilrs_server import Config, create_app

DOCUMENTS = {"/void": (void, "describe"), "/sparql": (void, "describe"),
             "/context.jsonld": (jsonld, "context_document")}


@pytest.fixture
def client(shipped):
    return create_app(Config(), dataset=Dataset.of(shipped)).test_client()


@pytest.mark.parametrize("path", DOCUMENTS)
def test_a_document_is_made_once_per_base_url_and_kept(client, path, monkeypatch):
    module, function = DOCUMENTS[path]
    made = []
    monkeypatch.setattr(module, function, lambda *args, real=getattr(module, function): made.append(1) or real(*args))
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(path)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"] and len(made) == 1
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    gzipped = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(gzipped.data) == first.data
    elsewhere = client.get(path, base_url="http://ilrs.example.org/")
    if path == "/context.jsonld":  # it names no URL of the server: one for all
        assert elsewhere.data == first.data and len(made) == 1
    else:
        assert b"http://ilrs.example.org/" in elsewhere.data and len(made) == 2
        assert elsewhere.headers["ETag"] != first.headers["ETag"]


def test_each_format_of_a_document_is_kept_apart(client):
    turtle = client.get("/void", headers={"Accept": "text/turtle"})
    ntriples = client.get("/void", headers={"Accept": "application/n-triples"})
    assert turtle.mimetype == "text/turtle" and ntriples.mimetype == "application/n-triples"
    assert turtle.headers["ETag"] != ntriples.headers["ETag"]


def test_another_host_costs_the_descriptions_addresses_not_another_reading_of_the_graph(client, monkeypatch):
    """Without serve --base-url each Host a client sends gets its own /void and service description:
    what they say of the graph (counts, classes, links, checksums) is read from every quad once, or a
    client sending many Host values would have the server read them all again for each."""
    summed, hashed = [], []
    monkeypatch.setattr(void, "summarize", lambda loaded, real=void.summarize: summed.append(1) or real(loaded))
    monkeypatch.setattr(export.hashlib, "sha256", lambda body, real=hashlib.sha256: hashed.append(bytes(body)) or real(body))
    answers = [client.get(path, base_url=f"http://{host}.example/", headers={"Accept": "application/n-triples"})
               for host in ("a", "b", "c") for path in ("/void", "/sparql")]
    assert [a.status_code for a in answers] == [200] * 6 and len(summed) == 1
    dumps = [client.get(f"/{export.DUMP_STEM}.{fmt.extension}", headers={"Accept-Encoding": "identity"}).data
             for fmt in export.EXPORT_FORMATS]
    assert sorted(body for body in hashed if body in dumps) == sorted(dumps)  # each dump hashed once
    first, other = (rdflib.Graph().parse(data=answers[i].get_data(as_text=True), format="nt") for i in (0, 2))
    moved = rdflib.Graph().parse(data=answers[0].get_data(as_text=True).replace("http://a.example/", "http://b.example/"),
                                 format="nt")
    assert len(first) > 100 and rdflib.compare.isomorphic(moved, other)
