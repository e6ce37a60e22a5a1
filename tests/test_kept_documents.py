"""The documents made from the whole graph (/void, the service description at GET /sparql,
/context.jsonld) are made once per version of the data and base URL, then sent with an ETag like a
query answer: at 100k quads making them took 0.3-1 s, at every request before."""

from __future__ import annotations

import gzip

import pytest

from ilrs_graph import jsonld, void
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
