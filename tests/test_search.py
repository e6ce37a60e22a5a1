"""Finding things by name (/search): what a reader who knows no IRI types finds, on both engines, through
the page, as JSON, and with text that is not a name."""

from __future__ import annotations

import pytest

from ilrs_graph import search
from ilrs_graph.dataset import Dataset
from ilrs_server import create_app

MISSION = "https://w3id.org/ilrs/id/mission/"


@pytest.fixture(scope="module")
def dataset(shipped):
    return Dataset.of(shipped)


@pytest.fixture(scope="module")
def client(dataset):
    """The app over the shipped graph, as the server serves it."""
    return create_app(dataset=dataset).test_client()


@pytest.mark.parametrize("text", ["Chang'e 7", "change 7", "CHANG’E-7", "  chang e7 "])
def test_a_name_is_found_however_it_is_written(dataset, text):
    matches, more = search.find(dataset, text)
    assert matches[0].iri == MISSION + "change-7" and matches[0].name == "Chang'e 7" and "mission" in matches[0].kinds
    assert not more
    assert all("change7" in search.normal_form(m.matched) for m in matches)


def test_another_name_finds_a_thing_under_its_own(dataset):
    """CNSA is an other name (skos:altLabel) of the China National Space Administration."""
    first = search.find(dataset, "cnsa")[0][0]
    assert (first.iri, first.name, first.matched) == ("https://w3id.org/ilrs/id/agency/cnsa",
                                                      "China National Space Administration", "CNSA")


def test_the_whole_name_comes_before_names_holding_it_and_the_words_may_be_apart(dataset):
    matches, _ = search.find(dataset, "pakistan")
    assert matches[0].iri == "https://w3id.org/ilrs/id/country/pakistan"
    assert [search.normal_form(m.matched) == "pakistan" for m in matches].count(True) == 1
    apart = {m.iri for m in search.find(dataset, "suparco rover")[0]}
    assert "https://w3id.org/ilrs/id/payload/suparco-lunar-rover" in apart
    assert "https://w3id.org/ilrs/id/agreement/suparco-cnsa-change-8-rover-2025" in apart  # "SUPARCO–CNSA … rover …"


def test_at_most_the_first_matches_are_given_and_more_is_said(dataset):
    everything, more = search.find(dataset, "a", most=5)
    assert len(everything) == 5 and more


@pytest.mark.parametrize("text", ['"', "\\", '"}) } SELECT * WHERE { ?s ?p ?o', "'; DROP", "x\\\"y", "\u0000",
                                  "REGEX(", "(.*)*"])
def test_text_that_is_no_name_finds_nothing_and_breaks_nothing(dataset, text):
    try:
        matches, _ = search.find(dataset, text)
    except search.SearchError as refused:  # only punctuation
        assert "letters or digits" in str(refused)
    else:
        assert matches == []


def test_both_engines_find_the_same(dataset):
    rdflib_dataset = Dataset.of(dataset.loaded, engine="rdflib")
    for text in ("change 7", "cnsa", "suparco rover", "agreement"):
        assert search.find(rdflib_dataset, text) == search.find(dataset, text), text


def test_the_page_lists_the_matches_linked_to_their_pages(client):
    page = client.get("/search?q=change+7", headers={"Accept": "text/html"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Accept" in page.headers["Vary"].split(", ")
    assert '<a href="/id/mission/change-7">Chang&#39;e 7</a>' in text and "matches for “change 7”" in text
    empty = client.get("/search", headers={"Accept": "text/html"})
    assert empty.status_code == 200 and 'name="q"' in empty.get_data(as_text=True)
    nothing = client.get("/search?q=zzzqqq", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Nothing is named like “zzzqqq”" in nothing


def test_a_program_gets_json(client):
    answer = client.get("/search?q=cnsa", headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.content_type == "application/json; charset=utf-8"
    first = answer.get_json()["matches"][0]
    assert first == {"iri": "https://w3id.org/ilrs/id/agency/cnsa", "page": "/id/agency/cnsa",
                     "name": "China National Space Administration", "matched": "CNSA",
                     "kinds": ["publisher", "space agency"]}
    assert client.get("/search?q=cnsa&format=json").get_json() == answer.get_json()


@pytest.mark.parametrize("url, said", [
    ("/search?q=...", "letters or digits"),
    ("/search?q=" + "x" * 201, "201 characters long; names are looked for by at most 200"),
    ("/search?format=json", "Say what to look for"),
])
def test_text_that_cannot_be_looked_for_is_a_400_that_says_why(client, url, said):
    for accept in ("application/json", "text/html"):
        answer = client.get(url, headers={"Accept": accept})
        if accept == "text/html" and "format=json" in url:
            continue  # ?format= wins over Accept
        assert answer.status_code == 400 and said in answer.get_data(as_text=True), (url, accept)
    assert client.get("/search?q=x&format=xml").status_code == 406


def test_every_page_has_the_box_but_a_static_site_has_none(client):
    assert 'action="/search"' in client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    from ilrs_server import Config
    static = create_app(Config(static_site=True), dataset=Dataset.open()).test_client()
    assert 'action="/search"' not in static.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
