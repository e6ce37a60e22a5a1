"""Reaching the endpoint from another store: a real Oxigraph server (tests/oxigraph_server.py) joining data
of its own with ours through SERVICE, against the real server on 127.0.0.1, as a user's store would."""

from __future__ import annotations

import pytest
import requests

from ilrs_graph.dataset import Dataset

from .oxigraph_server import running_oxigraph
from .server_process import running_server

LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
NOTE = "<http://example.org/mine#note>"  # the user's own predicate, in the user's own store
COUNTRIES = ("SELECT ?country ?label WHERE { ?country a <https://w3id.org/ilrs/ontology/Country> ; "
             f"{LABEL} ?label }} ORDER BY ?country LIMIT 3")


@pytest.fixture(scope="module")
def ours():
    with running_server() as base:
        yield base


@pytest.fixture(scope="module")
def countries():
    """Three countries of the shipped graph and their labels, as the graph itself answers."""
    return {row["country"].value: row["label"].value for row in Dataset.open().select(COUNTRIES)}


@pytest.fixture(scope="module")
def theirs(tmp_path_factory, countries):
    """An Oxigraph server holding a note of the user's on each of those countries (our IRIs, their data)."""
    with running_oxigraph(tmp_path_factory.mktemp("their-store")) as base:
        notes = " ".join(f'<{country}> {NOTE} "visited" .' for country in countries)
        inserted = requests.post(base + "/update", data=f"INSERT DATA {{ {notes} }}".encode(),
                                 headers={"Content-Type": "application/sparql-update"}, timeout=10)
        assert inserted.status_code == 204, inserted.text
        yield base


def their_answer(theirs: str, query: str) -> requests.Response:
    return requests.post(theirs + "/query", data=query.encode(), timeout=60,
                         headers={"Content-Type": "application/sparql-query",
                                  "Accept": "application/sparql-results+json"})


def test_another_store_joins_its_data_with_ours_through_service(ours, theirs, countries):
    response = their_answer(theirs, f"SELECT ?country ?note ?label WHERE {{ ?country {NOTE} ?note . "
                                    f"SERVICE <{ours}sparql> {{ ?country {LABEL} ?label }} }}")
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    assert {row["country"]["value"]: row["label"]["value"] for row in rows} == countries
    assert {row["note"]["value"] for row in rows} == {"visited"}


def test_our_refusal_reaches_the_user_through_their_store(ours, theirs):
    """A query ours refuses (a function it does not provide) fails in their store with our message; SERVICE
    SILENT, as SPARQL 1.1 Federated Query says, reads the failure as one empty solution."""
    service = f"<{ours}sparql> {{ ?s ?p ?o FILTER (<http://example.org/mine#f>(?o)) }}"
    failed = their_answer(theirs, f"SELECT * WHERE {{ SERVICE {service} }}")
    assert "The custom function <http://example.org/mine#f> is not supported" in failed.text
    silent = their_answer(theirs, f"SELECT * WHERE {{ SERVICE SILENT {service} }}")
    assert silent.status_code == 200 and silent.json()["results"]["bindings"] == [{}]


def test_a_store_pointed_at_query_as_oxigraph_lays_out_its_endpoint_is_told_where_ours_is(ours, theirs):
    """Oxigraph server answers SPARQL at /query; here that is the query page, which a store's POST (it follows
    no redirect; the query as its body) is refused (415) with the endpoint's address, shown to the user in their
    store's answer."""
    failed = their_answer(theirs, f"SELECT * WHERE {{ SERVICE <{ours}query> {{ ?s {LABEL} ?label }} }}")
    assert "415" in failed.text and "the SPARQL endpoint is /sparql" in failed.text
