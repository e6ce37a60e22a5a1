"""Finding things by name (/search): what a reader who knows no IRI types finds, however it is written,
on both engines, through the page, as JSON, and with text that is not a name."""

from __future__ import annotations

import pytest

from ilrs_graph import search
from ilrs_graph.dataset import Dataset
from ilrs_server import Config, create_app

ID = "https://w3id.org/ilrs/id/"
SKOS_ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"


@pytest.fixture(scope="module")
def dataset(shipped):
    return Dataset.of(shipped)


@pytest.fixture(scope="module")
def client(dataset):
    """The app over the shipped graph, as the server serves it."""
    return create_app(dataset=dataset).test_client()


def first(dataset, text: str) -> search.Match:
    return search.find(dataset, text).matches[0]


@pytest.mark.parametrize("text", ["Chang'e 7", "change 7", "CHANG’E-7", "  chang e7 ", "change7", "Ｃｈａｎｇ'ｅ ７"])
def test_a_name_is_found_however_it_is_written(dataset, text):
    match = first(dataset, text)
    assert (match.iri, match.name, match.kinds) == (ID + "mission/change-7", "Chang'e 7", ("mission",))


@pytest.mark.parametrize("text, found", [("Jiménez", "person/gabriela-jimenez"), ("jimenez", "person/gabriela-jimenez"),
                                         ("ＣＮＳＡ", "agency/cnsa"), ("\u200bcnsa", "agency/cnsa"), ("cn\u200bsa", "agency/cnsa"),
                                         ("von karman", "site/von-karman-crater"),
                                         ("贝尔格莱德", "organisation/belgrade-astronomical-observatory")])  # within a name
def test_accents_full_width_letters_and_invisible_characters_do_not_count(dataset, text, found):
    assert first(dataset, text).iri == ID + found


def test_another_name_finds_a_thing_under_its_own_and_its_own_is_preferred(dataset):
    """CNSA is an other name (skos:altLabel) of the China National Space Administration; where the name it
    is called by matches as well as another, no other name is shown (a review: "Zhang Kejian, also
    named Zhang Keijan", a misspelling a source made)."""
    cnsa = first(dataset, "cnsa")
    assert (cnsa.iri, cnsa.name, cnsa.matched) == (ID + "agency/cnsa", "China National Space Administration", "CNSA")
    assert cnsa.kinds == ("space agency", "publisher")  # what it is first; that it publishes, after
    zhang = first(dataset, "zhang")
    assert zhang.name == zhang.matched == "Zhang Kejian"


def test_each_name_found_comes_with_its_language(dataset):
    """So that a page can mark 塞尔维亚贝尔格莱德天文台 as Chinese: the name index kept no language."""
    belgrade = first(dataset, "贝尔格莱德")
    assert (belgrade.name, belgrade.language) == ("Belgrade Astronomical Observatory", "en")
    assert (belgrade.matched, belgrade.matched_language) == ("塞尔维亚贝尔格莱德天文台", "zh")
    assert first(dataset, "лавочкина").matched_language == "ru"


@pytest.mark.parametrize("text, found, graphs", [
    ("阿联酋", "country/united-arab-emirates",  # "UAE Orbital Space company": the UAE as these reports write it
     {"tencent-cloud-ilrs-10-partners", "xinhua-zh-2024-09-05", "china-science-daily-2024-09-05"}),
    ("中国国家航天局", "agency/cnsa", {"tencent-cloud-ilrs-10-partners", "xinhua-zh-2024-09-05"}),
    ("李国平", "person/li-guoping", {"tencent-cloud-ilrs-10-partners"}),
    ("Роскосмос", "agency/roscosmos", {"ng-2025-05-08", "ria-2025-12-24"})])
def test_a_thing_is_found_by_the_name_a_chinese_or_russian_source_of_the_graph_gives_it(dataset, text, found, graphs):
    """A review: "Роскосмос" found only a RIA headline, not the agency, and Chinese names found nothing. The
    names are each source's own, kept in its graph with its language."""
    match = first(dataset, text)
    assert (match.iri, match.matched) == (ID + found, text)
    stated = {q.graph_name.value.rsplit("/", 1)[1] for q in dataset.loaded.quads
              if q.subject.value == ID + found and q.predicate.value == SKOS_ALT_LABEL and q.object.value == text}
    assert stated == graphs


def test_the_uae_is_found_by_the_initials_an_english_source_of_the_graph_writes(dataset):
    """Trend and the SCMP write "UAE"; before them, only the Chinese 阿联酋 of three sources found the country."""
    match = first(dataset, "UAE")
    assert (match.iri, match.matched) == (ID + "country/united-arab-emirates", "UAE")
    stated = {q.graph_name.value.rsplit("/", 1)[1] for q in dataset.loaded.quads
              if q.subject.value == match.iri and q.predicate.value == SKOS_ALT_LABEL and q.object.value == "UAE"}
    assert stated == {"trend-2023-10-10", "scmp-university-of-sharjah"}


@pytest.mark.parametrize("text, not_found", [("nasa", "person/samaddin-asadov"), ("luna 25", "agreement/"),
                                             ("esa", "statement/")])
def test_a_word_typed_must_begin_a_word_of_the_name(dataset, text, not_found):
    """A review found "nasa" in "Samaddin Asadov", and "luna 25" in "lunar power plant (2025)"."""
    assert not any(m.iri.startswith(ID + not_found) for m in search.find(dataset, text).matches)


def test_the_whole_name_first_then_the_programmes_things_then_reports_and_terms_last(dataset):
    pakistan = search.find(dataset, "pakistan").matches
    assert pakistan[0].iri == ID + "country/pakistan"
    assert pakistan[1].iri == ID + "agency/suparco"  # before the reports named "Pakistan joins…"
    seven = search.find(dataset, "7").matches
    assert seven[0].iri == ID + "mission/change-7"  # "7" is its word; "74th" and "72news.ru" only begin with it
    signed = search.find(dataset, "signed").matches
    assert signed[-1].iri.startswith("https://w3id.org/ilrs/ontology/") and not signed[0].iri.startswith(
        "https://w3id.org/ilrs/ontology/")


def test_the_reports_copies_reproduce_come_with_the_reports(dataset):
    """An original a copy names (report/…, ilrs:copyOf) is a document: after the programme's statements."""
    found = [m.iri.removeprefix(ID).split("/")[0] for m in search.find(dataset, "xinhua").matches]
    assert "report" in found and found.index("statement") < found.index("report")


def test_the_words_may_be_apart_in_the_name(dataset):
    apart = {m.iri for m in search.find(dataset, "suparco rover").matches}
    assert {ID + "payload/suparco-lunar-rover", ID + "agreement/suparco-cnsa-change-8-rover-2025"} <= apart


def test_only_the_most_precise_kinds_are_given(dataset):
    """A memorandum of understanding is an agreement: "agreement, memorandum of understanding" said it twice."""
    memorandum = first(dataset, "CNSA–SUPARCO cooperation document")
    assert memorandum.kinds == ("memorandum of understanding",)


def test_at_most_the_first_matches_are_given_and_more_is_said(dataset):
    found = search.find(dataset, "a", most=5)
    assert len(found.matches) == 5 and found.more


def test_a_misspelt_word_finding_nothing_brings_the_closest_words(dataset):
    found = search.find(dataset, "Pakistn")
    assert found.matches == [] and found.suggestions[0] == ("pakistan", None, "pakistan")


def test_a_suggestion_and_the_text_typed_come_with_the_language_of_the_names_they_are_in(dataset):
    """So that a page can mark them as it marks the names found: "did you mean лавочкина" and "Nothing is
    named like “лавочкна”" were read in an English voice. A word of English names, or of names in several
    languages, has none; nor has text found in names of several languages."""
    misspelt = search.find(dataset, "лавочкна")
    assert [s[:2] for s in misspelt.suggestions] == [("лавочкина", "ru")] and misspelt.language == "ru"
    assert search.find(dataset, "贝尔格莱德").language == "zh" and search.find(dataset, "belgrade").language == "en"
    assert search.find(dataset, "Pakistn").language is None


def test_a_suggestion_another_one_begins_is_left_out(dataset):
    """"Did you mean azerbaijan or azerbaijans?" ("Azerbaijan's", folded): a word typed need only begin a word
    of a name, so the first finds all the second would, and a reader wonders what the difference is."""
    assert [s.word for s in search.find(dataset, "Azerbajan").suggestions] == ["azerbaijan"]


def test_a_short_word_among_several_brings_no_suggestions_alone_it_does(dataset):
    """A review typed "Mohammed bin Rashid" and was offered "bian, in, basin": a word of three letters is close
    enough for difflib only by a letter missing or added, which also makes "nsa" close to "nasa". Among
    several words, such a word is mostly a particle of a name; typed alone, it is the name misspelt."""
    assert search.find(dataset, "Mohammed bin Rashid").suggestions == ()
    assert [s.word for s in search.find(dataset, "Mohammed bin Rashid Space Centre").suggestions] == ["center"]
    assert "nasa" in [s.word for s in search.find(dataset, "nsa").suggestions]
    assert "cgtn" in [s.word for s in search.find(dataset, "cgn").suggestions]


@pytest.mark.parametrize("text", ['"', "\\", "!!!", "?", "&", "…", "«", "'''", "–", "\u0000"])
def test_text_without_letters_or_digits_cannot_be_looked_for(dataset, text):
    with pytest.raises(search.SearchError, match="letters or digits"):
        search.find(dataset, text)


@pytest.mark.parametrize("text", ["a b c d e f g h i j k", "".join(chr(0x3300 + i) for i in range(60))])
def test_text_of_more_words_or_letters_than_a_name_has_is_refused_before_it_is_looked_for(dataset, text):
    """Each word is one more pass over every name: a review had "ﷺ" × 200 (601 words once folded) take
    40 s over 150,000 names. Sixty squared katakana (㌀…) are 210 letters once folded."""
    with pytest.raises(search.SearchError, match="at most 10 words, of at most 200 letters"):
        search.find(dataset, text)
    assert search.find(dataset, "china " * 30).matches[0].name == "China"  # a word typed again is one word


@pytest.mark.parametrize("text", ['"}) } SELECT * WHERE { ?s ?p ?o', "'; DROP x", "x\\\"y", "REGEX( (.*)*"])
def test_text_that_is_no_name_finds_nothing_and_breaks_nothing(dataset, text):
    assert search.find(dataset, text).matches == []


def test_both_engines_find_the_same(dataset):
    rdflib_dataset = Dataset.of(dataset.loaded, engine="rdflib")
    for text in ("change 7", "cnsa", "suparco rover", "agreement"):
        assert search.find(rdflib_dataset, text) == search.find(dataset, text), text


def test_the_page_lists_the_matches_linked_to_their_pages(client):
    page = client.get("/search?q=change+7", headers={"Accept": "text/html"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Accept" in page.headers["Vary"].split(", ")
    assert '<a href="/id/mission/change-7">Chang&#39;e 7</a><span class="kind"> — mission</span>' in text
    assert "matches for “change 7” — Find by name" in text  # the title says what was found
    for blank in ("/search", "/search?q=", "/search?q=+"):  # an empty box submitted is the form again
        empty = client.get(blank, headers={"Accept": "text/html"})
        assert empty.status_code == 200 and 'name="q"' in empty.get_data(as_text=True) and "alert" not in empty.get_data(as_text=True)
    nothing = client.get("/search?q=Pakistn", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Nothing is named like “Pakistn”" in nothing and 'Did you mean <a href="/search?q=pakistan">pakistan</a>' in nothing


def test_a_match_found_by_a_documents_title_says_it_is_titled_so_not_also_named(client):
    """"Россия" finds three Russian reports by their titles, which the page said they were "also named", as
    if the words were another name of the report; a resource's page calls them its title. Another name
    found is still said to be one (阿联酋, the UAE's)."""
    russia = client.get("/search?q=Россия", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "titled “<span lang=\"ru\">Россия доставит на Луну элементы международной станции</span>”" in russia
    assert "also named" not in russia
    uae = client.get("/search?q=阿联酋", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "also named “<span lang=\"zh\">阿联酋</span>”" in uae and "titled" not in uae


def test_a_suggestion_for_one_word_of_several_leads_to_them_all_with_that_one_mended(client):
    """"Univercity of Sharjah" offered "university", which listed every university: a reader who misspelt a
    word of a name is offered the name."""
    nothing = client.get("/search?q=Univercity+of+Sharjah", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'Did you mean <a href="/search?q=university+of+sharjah">university of sharjah</a>?' in nothing
    mended = client.get("/search?q=university+of+sharjah", headers={"Accept": "application/json"}).get_json()
    assert mended["matches"][0]["name"] == "University of Sharjah"
    # a program still gets the words, as before
    assert client.get("/search?q=Univercity+of+Sharjah&format=json").get_json()["suggestions"] == ["university"]


def test_a_program_gets_json_with_an_etag_from_any_site(client):
    answer = client.get("/search?q=cnsa", headers={"Accept": "application/json", "Origin": "https://example.org"})
    assert answer.status_code == 200 and answer.content_type == "application/json; charset=utf-8"
    assert answer.headers["Access-Control-Allow-Origin"] == "*" and answer.headers["ETag"]
    assert answer.get_json()["matches"][0] == {"iri": ID + "agency/cnsa", "page": "/id/agency/cnsa",
                                               "name": "China National Space Administration", "matched": "CNSA",
                                               "kinds": ["space agency", "publisher"]}
    assert client.get("/search?q=cnsa&format=json").get_json() == answer.get_json()
    again = client.get("/search?q=cnsa", headers={"Accept": "application/json", "If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("url, said", [
    ("/search?q=...", "letters or digits"),
    ("/search?q=" + "x" * 201, "201 characters long; type at most 200"),
])
def test_text_that_cannot_be_looked_for_is_a_400_that_says_why(client, url, said):
    for accept in ("application/json", "text/html"):
        answer = client.get(url, headers={"Accept": accept})
        assert answer.status_code == 400 and said in answer.get_data(as_text=True), (url, accept)
    assert client.get("/search", headers={"Accept": "application/json"}).status_code == 400  # a program must say
    assert client.get("/search?q=x&format=xml").status_code == 406


def test_every_page_has_the_box_but_a_static_site_has_none(client, dataset):
    assert 'action="/search"' in client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    static = create_app(Config(static_site=True), dataset=dataset).test_client()
    assert 'action="/search"' not in static.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
