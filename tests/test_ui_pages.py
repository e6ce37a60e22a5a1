"""The pages people read — home, query, resource pages, ontology documentation — rendered by the app
in-process: what they show is what the graph says (checked against the graph read without SPARQL),
they change when the data does, and they keep the strict Content-Security-Policy (no inline script or
style, every asset served here)."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare

from ilrs_graph import examples, ontology_docs, overview, result_table, shipped, void
from ilrs_graph.dataset import Dataset
from ilrs_graph.dates import PartialDate
from ilrs_graph.namespaces import ILRS, ONTOLOGY, RDF, RDFS
from ilrs_server import Config, charts, create_app
from ilrs_server.ui import STARTING_QUERY

ORG = "http://www.w3.org/ns/org#"
DCTERMS = "http://purl.org/dc/terms/"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # Chromium's, following a link


class Page(HTMLParser):
    """A page as a browser sees it: its text, links, scripts, styles and the elements with an id."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text_parts: list[str] = []
        self.links: list[str] = []
        self.assets: list[str] = []
        self.inline_scripts = self.inline_styles = 0
        self.ids: set[str] = set()
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if "style" in attributes or tag == "style":
            self.inline_styles += 1
        if tag == "script":
            self._in_script = True
            if "src" in attributes:
                self.assets.append(attributes["src"])
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.assets.append(attributes["href"])
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())


@pytest.fixture(scope="module")
def dataset():
    return Dataset.open()


@pytest.fixture(scope="module")
def client(dataset):
    return create_app(dataset=dataset).test_client()


def get(client, url: str, status: int = 200) -> Page:
    response = client.get(url, headers={"Accept": "text/html"}, follow_redirects=True)
    assert response.status_code == status, (url, response.status_code)
    assert response.content_type.startswith("text/html")
    return Page(response.get_data(as_text=True))


def quads(dataset: Dataset) -> list[ox.Quad]:
    return dataset.loaded.quads


# --- the home page ------------------------------------------------------------------------------------

def test_the_home_page_counts_what_the_graph_holds(client, dataset):
    """Counted here without SPARQL, from the quads themselves."""
    typed = {}
    for q in quads(dataset):
        if q.predicate.value == RDF + "type":
            typed.setdefault(q.object.value, set()).add(q.subject.value)
    parents = {}
    for q in quads(dataset):
        if q.predicate.value == RDFS + "subClassOf":
            parents.setdefault(q.subject.value, set()).add(q.object.value)

    def is_instrument(cls, seen=()):
        return cls == ILRS + "Instrument" or any(is_instrument(p, seen + (cls,)) for p in parents.get(cls, ()) if p not in seen)

    partnerships = typed[ILRS + "Partnership"]
    partners = {q.object.value for q in quads(dataset) if q.predicate.value == ORG + "member" and q.subject.value in partnerships}
    instruments = {s for cls, subjects in typed.items() if is_instrument(cls) for s in subjects}  # agreements and laws
    sources = typed[ILRS + "SourceDocument"]
    facts = {(q.subject, q.predicate, q.object) for q in quads(dataset) if q.graph_name.value in sources}
    page = get(client, "/")
    for number, what in ((len(partners), "partners"), (len(instruments), "agreements and laws"), (len(typed[ILRS + "Mission"]), "missions"),
                         (len(facts), "facts"), (len(sources), "source documents")):
        assert f"{what} {number:,}" in page.text, what  # <dt>what</dt><dd>number</dd>, 1,740 as elsewhere on the page
    # each number leads to the part of the page that shows what it counts (a reader clicked "agreements 25")
    raw = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    targets = {what: (target, name) for what, target, name in
               re.findall(r'<dt>([a-z ]+)</dt><dd><a href="#([\w-]+)" aria-label="([^"]+)">', raw)}
    assert {what: target for what, (target, _) in targets.items()} == {
        "partners": "timeline-caption", "agreements and laws": "network-caption", "missions": "roadmap-caption",
        "facts": "sources-title", "source documents": "sources-title"}
    assert targets["agreements and laws"][1] == f"{len(instruments)} agreements and laws"  # a link's name says what
    assert {target for target, _ in targets.values()} <= page.ids
    assert len(partners) > 15 and len(instruments) > 15 and len(facts) > 1000
    # What the partners are, and how recent the sources (a reader's review: "22" explained nowhere, and no
    # word on how current the data is, beside the roadmap's line for today; a journalist's: "17 countries"
    # read as CNSA's "17 countries and international organisations")
    countries = partners & typed[ILRS + "Country"]
    newest = max(q.object.value for q in quads(dataset) if q.predicate.value == DCTERMS + "issued" and q.subject.value in sources)
    assert (f"The partners are the {len(countries)} countries and {len(partners - countries)} organisations that at least "
            "one source records as partners, of every kind: the graph's own tally, no official count") in page.text
    assert f"The newest source was published on {PartialDate.parse(newest)}" in page.text
    assert "what officials and reports have said of their number is on the programme's page" in page.text
    assert "http://localhost/id/programme/ilrs" in page.links or "/id/programme/ilrs" in page.links


def test_the_home_page_draws_three_pictures_and_links_everywhere_it_should(client, dataset):
    page = get(client, "/")
    assert {"timeline-beside-title", "timeline-column-title", "network-title", "roadmap-title"} <= page.ids
    assert "Partners joining the ILRS" in page.text and "Who signed with whom" in page.text
    assert re.search(r"The roadmap: phases and missions, 20\d\d–2050", page.text)
    for target in ("/query", "/ontology", "/data.ttl", "/data.nt", "/data.trig", "/data.nq", "/data.jsonld", "/data.rdf"):
        assert target in page.links, target
    assert "Venezuela · 17 July 2023" in page.text          # a partner, when it joined
    assert "/id/agency/cnsa" in page.links                    # a party of the network, linked
    assert "Chang'e 8" in page.text and "/id/phase/basic-model" in page.links
    assert "No source dates when these" in page.text and "Bolivia" in page.text


def partners_as_the_quads_say(dataset: Dataset) -> dict[str, tuple[str, set[tuple[str | None, str]]]]:
    """Partner → its kind (the labels of its classes that are the country class or an organisation's, as the
    shapes allow a partner) and what each source says of its joining: (the date it gives, or None where it
    names the partner without one; the source). Read from the quads, without SPARQL."""
    label = {q.subject.value: q.object.value for q in quads(dataset) if q.predicate.value == RDFS + "label"}
    parents: dict[str, set[str]] = {}
    types: dict[str, set[str]] = {}
    for q in quads(dataset):
        if q.predicate.value == RDFS + "subClassOf":
            parents.setdefault(q.subject.value, set()).add(q.object.value)
        if q.predicate.value == RDF + "type":
            types.setdefault(q.subject.value, set()).add(q.object.value)

    def a_partners_kind(cls: str, seen: tuple = ()) -> bool:
        return cls in (ILRS + "Country", ORG + "FormalOrganization") or any(
            a_partners_kind(p, seen + (cls,)) for p in parents.get(cls, ()) if p not in seen)

    members = {q.subject.value: q.object.value for q in quads(dataset) if q.predicate.value == ORG + "member"}
    dated = {(members[q.subject.value], q.object.value, q.graph_name.value) for q in quads(dataset)
             if q.predicate.value == ILRS + "partnerSince" and q.subject.value in members}
    naming = {(q.object.value, q.graph_name.value) for q in quads(dataset) if q.predicate.value == ORG + "member"}
    found = {}
    for partner in set(members.values()):
        kind = ", ".join(sorted(label[c] for c in types.get(partner, ()) if a_partners_kind(c) and c in label))
        says = {(since, source) for who, since, source in dated if who == partner}
        says |= {(None, source) for who, source in naming
                 if who == partner and source not in {source for _, source in says}}
        found[partner] = (kind, says)
    return found


def partners_table(html: str) -> list[tuple[str, str, set[tuple[str | None, str]]]]:
    """The rows of the home page's table of partners: (partner's link, its kind, {(date, source's link)})."""
    figure = html[html.index('id="timeline-caption"'):]
    table = figure[figure.index("<table"):figure.index("</table>")]
    rows = []
    for row in re.split(r"<tr\b", table.split("<tbody")[1])[1:]:
        header, kind, claims = re.fullmatch(r'[^>]*>\s*<th scope="row"[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>'
                                            r'\s*</tr>\s*(?:</tbody>\s*)?', row, re.S).groups()
        said = {(re.search(r'<time datetime="([^"]+)"', claim).group(1) if "<time" in claim else None,
                 re.search(r'<a href="([^"]+)"', claim).group(1)) for claim in claims.split("<li")[1:]}
        rows.append((re.search(r'href="([^"]+)"', header).group(1), Page(kind).text, said))
    return rows


def local(iri: str) -> str:
    return iri.removeprefix("https://w3id.org/ilrs")


def test_the_partners_table_gives_every_partner_its_kind_and_each_sources_word_on_its_joining(client, dataset):
    """A journalist's review: the table gave a partner and one date (the most precise), while its partners are
    countries and organisations of several kinds, some counted from a report that they "will join", and
    sources disagree (China: 2021 in one, June 2021 in another). Every partner is a row with its kind (the
    labels of its classes in the ontology) and every date each source gives, or the sources naming it
    undated; checked against the quads."""
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    expected = partners_as_the_quads_say(dataset)
    shown = partners_table(html)
    assert {partner: (kind, said) for partner, kind, said in shown} == {
        local(partner): (kind, {(since, local(source)) for since, source in said}) for partner, (kind, said) in expected.items()}
    assert len(shown) == len(expected)  # one row each
    # in the timeline's order, those no source dates last
    assert [partner for partner, _, _ in shown] == [local(j.iri) for j in overview.joinings(dataset)]
    # what makes it worth a table: sources that disagree, partners no source dates, kinds beyond "country"
    assert any(len({since for since, _ in said if since}) > 1 for _, said in expected.values())
    assert any(not any(since for since, _ in said) for _, said in expected.values())
    assert len({kind for kind, _ in expected.values()}) > 3
    table = html[html.index("<table", html.index('id="timeline-caption"')):]
    table = table[:table.index("</table>")]
    assert re.search(r"<caption[^>]*>[^<]+</caption>", table)
    assert table.count('<th scope="col"') == 3 and table.count('<th scope="row"') == len(shown)
    kind_cells = re.findall(r'<td role="cell" class="kind">(.*?)</td>', table)
    assert len(kind_cells) == len(shown) and all("<a href=" in cell for cell in kind_cells)
    kind_links = {link for cell in kind_cells for link in re.findall(r'href="([^"]+)"', cell)}
    assert all(link.startswith("/ontology#") for link in kind_links)  # each kind leads to its class's entry
    for link in kind_links:
        assert link.removeprefix("/ontology#") in get(client, "/ontology").ids, link
    for source in {source for _, _, said in shown for _, source in said}:
        assert "the project's record of this document" in get(client, source).text, source  # each source's own page


def test_a_source_naming_a_partner_without_a_date_reads_as_naming_it_by_its_own_date(client):
    """A review: "no date from Sputnik Africa, 29 April 2025" hid what that report says (Roscosmos's head
    naming the participating countries: each had joined by that day), and the caption called it a report
    that countries "will join", which only its headline says. The cell says the source named the partner,
    and the caption what the source's own date then means."""
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    figure = html[html.index('id="timeline-caption"'):html.index("</figure>", html.index('id="timeline-caption"'))]
    bolivia = figure[figure.index('<a href="/id/country/bolivia">', figure.index("<tbody")):]
    assert Page(bolivia[:bolivia.index("</tr>")]).text == "Bolivia country named, no date given, by Sputnik Africa, 29 April 2025"
    about = Page(figure[:figure.index("<table")]).text
    assert "will join" not in about and "named, no date given, by" in about
    assert "that source’s own date, where it has one, is a date by which the partner had joined" in about


def undated_notes(html: str) -> dict[str, dict[frozenset[str], tuple[str, set[str]]]]:
    """The notes under the timeline on the partners no source dates: each note's opening (before its
    colon) → for each line of it, the partners it links → (the line's text after theirs, the sources it links)."""
    figure = html[html.index('id="timeline-caption"'):html.index("<details", html.index('id="timeline-caption"'))]
    notes = {}
    for opening, items in re.findall(r'<p class="note">((?:No source dates when|Nor when)[^<]*)</p>\s*<ul class="note">(.*?)</ul>',
                                     figure, re.S):
        lines = {}
        for item in re.findall(r"<li>(.*?)</li>", items, re.S):
            partners, _, said = item.partition("</a>:")
            lines[frozenset(re.findall(r'href="([^"]+)"', partners))] = (Page(said).text, set(re.findall(r'href="([^"]+)"', said)))
        notes[Page(opening).text.rstrip(":")] = lines
    return notes


def test_the_partners_no_source_dates_are_named_countries_apart_from_organisations(client, dataset):
    """They were one list, "No source dates the joining of" Bolivia, Orbital Space, Djibouti…"""
    countries = {q.subject.value for q in quads(dataset) if q.predicate.value == RDF + "type" and q.object.value == ILRS + "Country"}
    undated = {local(partner) for partner, (_, said) in partners_as_the_quads_say(dataset).items()
               if not any(since for since, _ in said)}
    notes = undated_notes(client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True))
    undated_countries = {p for p in undated if "https://w3id.org/ilrs" + p in countries}
    assert undated_countries and undated - undated_countries
    assert {opening.split(";")[0]: set().union(*lines) for opening, lines in notes.items()} == {
        f"No source dates when these {len(undated_countries)} countries joined": undated_countries,
        f"Nor when these {len(undated - undated_countries)} organisations joined": undated - undated_countries}


def test_each_partner_no_source_dates_is_said_first_named_by_the_earliest_dated_source_naming_it(client, dataset):
    """A journalist's review: Bolivia, Djibouti and Ethiopia, first named as partners by Sputnik Africa on
    29 April 2025, sat in one list with the UAE (named since May 2023) as "no source dates when these
    joined", and a reader could write that nobody joined in 2025. Each undated partner is said first named
    by the earliest dated source naming it (several, where they share its date), linked, as a date by which
    it was a partner, not a joining date; those only undated sources name are said to be so. Checked
    against the quads."""
    issued = {q.subject.value: PartialDate.parse(q.object.value) for q in quads(dataset) if q.predicate.value == DCTERMS + "issued"}
    expected = {}
    for partner, (_, said) in partners_as_the_quads_say(dataset).items():
        if any(since for since, _ in said):
            continue
        dated = {source: issued[source] for _, source in said if source in issued}
        first = min(dated.values(), key=lambda when: when.start, default=None)
        expected[local(partner)] = {local(source) for source, when in dated.items() if when == first}
    notes = undated_notes(client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True))
    lines = {partners: line for note in notes.values() for partners, line in note.items()}
    shown = {partner: sources for partners, (_, sources) in lines.items() for partner in partners}
    assert shown == expected
    africa = lines[frozenset({"/id/country/bolivia", "/id/country/djibouti", "/id/country/ethiopia"})]
    assert africa[0] == "first named as partners by Sputnik Africa, 29 April 2025"
    # those only undated sources name (NARIT and the University of Sharjah, until their sources are dated)
    assert all(text == f"named as {'partners' if len(partners) > 1 else 'a partner'} only by sources the graph records no date for"
               for partners, (text, sources) in lines.items() if not sources)
    # a date by which each was a partner, not when it joined
    assert all("joined" not in opening.split(";", 1)[1] for opening in notes if ";" in opening)
    assert "each was a partner by the date of the first source to name it one" in next(iter(notes))


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_partners_kind_and_each_sources_word_on_its_joining_come_from_one_query(tmp_path, engine):
    """Its kind is the label of each class it has that a partner may be (a country, an organisation: not
    "publisher", which a partner that also publishes has); each source dates it or names it undated; the
    dates in order (a month after its days, a year after its months), then the sources giving none."""
    data = tmp_path / "joined.trig"
    data.write_text("""
        PREFIX ilrs: <https://w3id.org/ilrs/ontology/>  PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX org: <http://www.w3.org/ns/org#>  PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        PREFIX dcterms: <http://purl.org/dc/terms/>  PREFIX ex: <http://example.org/>
        ex:year { ex:year a ilrs:SourceDocument ; rdfs:label "A year" ; dcterms:issued "2023-01-02"^^xsd:date ;
                    dcterms:publisher ex:press .  ex:press rdfs:label "Press" .
                  ex:p1 a ilrs:Partnership ; org:member ex:alba ; ilrs:partnerSince "2021"^^xsd:gYear . }
        ex:month { ex:month a ilrs:SourceDocument ; rdfs:label "A month" .
                   ex:p1 a ilrs:Partnership ; org:member ex:alba ; ilrs:partnerSince "2021-06"^^xsd:gYearMonth . }
        ex:none { ex:none a ilrs:SourceDocument ; rdfs:label "Will join" .
                  ex:p1 a ilrs:Partnership ; org:member ex:alba .  ex:p2 a ilrs:Partnership ; org:member ex:lab . }
        ex:alba a ilrs:Country ; rdfs:label "Alba" .
        ex:lab a ilrs:ResearchInstitution, ilrs:Publisher ; rdfs:label "Lab" .""")
    alba, lab = overview.joinings(Dataset.open([shipped.ontology_file(), data], engine=engine))
    assert (alba.name, alba.since, alba.kinds, alba.country) == (
        "Alba", PartialDate(2021, 6), (("country", ILRS + "Country"),), True)
    assert [(claim.since, claim.source.short) for claim in alba.claims] == [
        (PartialDate(2021, 6), "A month"), (PartialDate(2021), "Press, 2 January 2023"), (None, "Will join")]
    assert (lab.since, lab.kinds, lab.country) == (None, (("research institution", ILRS + "ResearchInstitution"),), False)
    assert [(claim.since, claim.source.iri) for claim in lab.claims] == [(None, "http://example.org/none")]


def test_the_network_joins_no_party_to_its_own_country(client, dataset):
    """One source says CNSA and SUPARCO signed, another China and Pakistan: one side each, not four parties
    bound to one another."""
    chart = charts.network(overview.agreement_network(dataset))
    pairs = {frozenset(edge.names) for edge in chart.edges}
    cnsa, china, pakistan = "China National Space Administration", "China", "Pakistan"
    assert {cnsa, china} not in pairs and {pakistan, "Pakistan Space and Upper Atmosphere Research Commission"} not in pairs
    assert {china, pakistan} in pairs and {cnsa, "Asia-Pacific Space Cooperation Organization"} in pairs
    bound_to_cnsa = {name for pair in pairs if cnsa in pair for name in pair} - {cnsa}
    assert f"{cnsa}: bound by 15 instruments, with {len(bound_to_cnsa)} parties on other sides" in get(client, "/").text
    assert "Roscosmos: bound by 3 instruments, with 2 parties on other sides" in get(client, "/").text
    assert "Bolivarian Space Agency: bound by 1 instrument, with 1 party on another side" in get(client, "/").text  # not "on other sides"
    assert "Nano-SPACE: bound by 1 instrument, no source names another party" in get(client, "/").text  # not "0 parties"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_partys_country_is_itself_its_own_or_that_of_the_organisation_it_is_part_of(tmp_path, engine):
    data = tmp_path / "sides.trig"
    data.write_text("""
        PREFIX ilrs: <https://w3id.org/ilrs/ontology/>  PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX org: <http://www.w3.org/ns/org#>  PREFIX ex: <http://example.org/>
        ex:source { ex:statement a ilrs:JointStatement ; rdfs:label "S" ; ilrs:party ex:agency, ex:hubland, ex:union . }
        ex:other { ex:agreement a ilrs:Agreement ; rdfs:label "A" ; ilrs:party ex:lab, ex:alba .
                   ex:agency rdfs:label "Agency" ; ilrs:country ex:hubland .  ex:hubland a ilrs:Country ; rdfs:label "Hubland" .
                   ex:lab rdfs:label "Lab" ; org:subOrganizationOf ex:agency .  ex:union rdfs:label "Union" .
                   ex:alba a ilrs:Country ; rdfs:label "Alba" . }""")
    parties = overview.agreement_network(Dataset.open([data], engine=engine)).parties
    countries = {p.name: {c.removeprefix("http://example.org/") for c in p.countries} for p in parties.values()}
    assert countries == {"Agency": {"hubland"}, "Hubland": {"hubland"}, "Lab": {"hubland"}, "Union": set(), "Alba": {"alba"}}


def test_a_party_is_drawn_by_a_short_name_in_english_not_by_its_name_in_another_language(dataset):
    """The network drew the ten institutions DSEL signed with in 2024 by their Chinese names, which are
    shorter, as boxes where the browser has no Chinese font."""
    parties = overview.agreement_network(dataset).parties
    dsel = parties["https://w3id.org/ilrs/id/organisation/dsel"]
    assert dsel.short_name == "DSEL"
    assert not [p.short_name for p in parties.values() if any("\u4e00" <= c <= "\u9fff" for c in p.short_name)]


def test_the_home_pages_void_link_gives_turtle_to_a_browser(client, dataset):
    """/void negotiates, and a browser's Accept header prefers RDF/XML, which Chromium downloads."""
    home = get(client, "/")
    void_link = next(h for h in home.links if urlsplit(h).path == "/void")
    answer = client.get(void_link, headers={"Accept": BROWSER_ACCEPT})
    assert answer.status_code == 200 and answer.mimetype == "text/turtle"
    served = rdflib.Graph().parse(data=answer.get_data(as_text=True), format="turtle")
    described = rdflib.Graph().parse(data=ox.serialize(dataset.description("http://localhost/"), format=ox.RdfFormat.N_TRIPLES),
                                     format="nt")
    assert len(served) > 20 and rdflib.compare.isomorphic(served, described)


def test_the_roadmap_gives_each_mission_the_status_its_newest_dated_source_gives(dataset):
    """The rule of the competency question latest-mission-status."""
    question = next(path for path in shipped.query_files() if path.stem == "latest-mission-status")
    expected = {row["missionLabel"].value: row["status"].value for row in dataset.select(question.read_text())}
    assert len(expected) >= 5
    assert {m.name: m.status for m in overview.roadmap(dataset).missions if m.status} == expected


@pytest.mark.parametrize("caption", ["network-caption", "roadmap-caption"])
def test_the_facts_behind_a_picture_say_where_their_sources_are_and_lead_there(client, caption):
    """The tables beside the network and the roadmap name no source, while every fact of the graph has one:
    they say that each row's name leads to its page, and that page cites the sources of its facts. (The
    partners' table names its sources.)"""
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    figure = html[html.index(f'id="{caption}"'):]
    folded = figure[figure.index("<details>"):figure.index("</details>")]
    assert "Each name leads to its page, which cites the sources of every fact on it." in Page(folded).text
    rows = re.findall(r"<tr>\s*<td><a href=\"([^\"]+)\"", folded)
    assert len(rows) == folded.count("<tr>") - folded.count("<thead>") > 0
    for href in set(rows):
        page = get(client, href)
        assert "sources-title" in page.ids and "Sources The documents that state the facts on this page" in page.text, href


def test_each_pictures_folded_table_names_its_picture(client):
    """All three read "The facts behind this picture": a screen reader's list of them told them apart by
    nothing."""
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    figures = re.findall(r'<figure class="chart".*?</figure>', html, re.S)
    summaries = [Page(re.search(r"<summary>(.*?)</summary>", figure, re.S)[1]).text for figure in figures]
    assert len(figures) == 3 and len(set(summaries)) == 3, summaries
    for summary, picture in zip(summaries, ("partners", "network", "roadmap")):
        assert picture in summary, summary


def test_the_roadmap_orders_missions_by_their_earliest_date_a_launch_before_a_bare_year(client):
    """Queqiao-2 launched on 20 March 2024, Chang'e 6 on 3 May 2024 (and was planned for 2024 and 2026)."""
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    figure = html[html.index('id="roadmap-caption"'):]
    figure = figure[:figure.index("</figure>")]
    picture, table = figure.split('<table>', 1)  # the lanes of the picture, then the facts behind it
    for part in (picture, table):
        missions = re.findall(r'href="/id/mission/([^"]+)"', part)
        assert missions.index("queqiao-2") < missions.index("change-6"), missions


def test_partners_and_instruments_dated_by_month_come_after_the_days_of_that_month(client, dataset):
    """SpaceNews: Thailand (5 April 2024) is the ninth country, Nicaragua ("April 2024") the tenth: a month
    may be its last day, so it is not placed before the days within it (as dates.chronological does)."""
    order = [j.name for j in overview.joinings(dataset)]
    assert order.index("Thailand") < order.index("Nicaragua"), order
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    timeline = html[html.index('id="timeline-caption"'):]
    shown = re.findall(r'href="/id/country/([^"]+)"', timeline[:timeline.index("</figure>")])
    assert shown.index("thailand") < shown.index("nicaragua"), shown
    signed = [(i.signed.iso if i.signed else None) for i in overview.agreement_network(dataset).instruments]
    months = [n for n, when in enumerate(signed) if when and len(when) == 7]
    assert months and all(not (after and after.startswith(signed[n]) and len(after) > 7)
                          for n in months for after in signed[n + 1:])


def test_the_roadmap_draws_the_newest_sources_day_and_names_it_in_its_legend(client, dataset):
    newest = overview.counts(dataset).newest_source
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    figure = html[html.index('id="roadmap-caption"'):]
    figure = figure[:figure.index("</figure>")]
    assert '<line class="sources-end"' in figure and f"<title>newest source: {newest}</title>" in figure
    assert f"newest source: {newest}: what happened since is not in the graph" in Page(figure).text


def test_the_roadmap_shows_each_plans_phases_under_its_own_heading(client):
    """data/phases.trig holds two plans side by side, each with a phase 1: the three phases of the Roadmap
    V1.0, and the basic and extended models, which no source places in a programme document."""
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    picture = html[html.index('<svg class="roadmap"'):html.index("</svg>", html.index('<svg class="roadmap"'))]
    shown = re.findall(r'class="plan">(.+?)</text>|href="/id/phase/([^"]+)"', picture)  # a heading on lines of its own
    assert [re.sub("<[^>]+>", "", heading) or phase for heading, phase in shown] == [
        "Phases defined in the International Lunar Research Station Roadmap (V1.0)",
        "reconnaissance", "construction", "utilization",
        "Phases no source places in a programme document", "basic-model", "extended-model", "application-station"]
    assert "Extended model: until 2040" in Page(html).text


def test_a_status_the_newest_source_gives_without_a_name_is_not_replaced_by_an_older_one(tmp_path):
    data = tmp_path / "statuses.trig"
    data.write_text("""
        PREFIX ilrs: <https://w3id.org/ilrs/ontology/>  PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX dcterms: <http://purl.org/dc/terms/>  PREFIX ex: <http://example.org/>
        ex:old dcterms:issued "2020-01-01" .  ex:new dcterms:issued "2024-01-01" .
        ex:old { ex:m a ilrs:Mission ; rdfs:label "M" ; ilrs:missionStatus ex:planned . ex:planned rdfs:label "planned" . }
        ex:new { ex:m ilrs:missionStatus ex:unnamed . }""")
    (mission,) = overview.roadmap(Dataset.open([data])).missions
    assert mission.name == "M" and mission.status is None  # as latest-mission-status.rq has it


def test_a_number_no_date_could_hold_is_no_year_of_the_roadmap(tmp_path):
    """Data served without validation (serve --data) may give any number as a year: a mission planned for
    the year 100000000 had the roadmap lay out a gridline for every year up to it, and the home page never
    came (a reader's review). A year is read as a date's is: four digits."""
    data = tmp_path / "far.trig"
    data.write_text("""
        PREFIX ilrs: <https://w3id.org/ilrs/ontology/>  PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX ex: <http://example.org/>
        ex:g { ex:m a ilrs:Mission ; rdfs:label "M" ; ilrs:plannedLaunchYear 2030, 100000000 .
               ex:p a ilrs:Phase ; rdfs:label "P" ; ilrs:startYear -100000000, 2026 ; ilrs:endYear 2035, 0 . }""")
    roadmap = overview.roadmap(Dataset.open([data]))
    assert [m.planned_years for m in roadmap.missions] == [(2030,)]
    assert [(p.start_years, p.end_years) for p in roadmap.phases] == [((2026,), (2035,))]


def test_the_pictures_change_when_the_data_does(tmp_path):
    extra = tmp_path / "atlantis.trig"
    extra.write_text("""
        PREFIX ilrs: <https://w3id.org/ilrs/ontology/>  PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>  PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        PREFIX id: <https://w3id.org/ilrs/id/>
        <https://w3id.org/ilrs/id/source/atlantis-news> {
          <https://w3id.org/ilrs/id/source/atlantis-news> a ilrs:SourceDocument ; rdfs:label "Atlantis news"@en .
          id:country\\/atlantis a ilrs:Country ; rdfs:label "Atlantis"@en .
          id:partnership\\/atlantis a ilrs:Partnership ; org:member id:country\\/atlantis ;
              org:organization id:programme\\/ilrs ; ilrs:partnerSince "2025-02-03"^^xsd:date .
          id:agreement\\/atlantis-lemuria a ilrs:JointStatement ; rdfs:label "Atlantis–Lemuria statement"@en ;
              ilrs:party id:country\\/atlantis, id:country\\/lemuria ; ilrs:signedOn "2025-02-03"^^xsd:date .
          id:country\\/lemuria a ilrs:Country ; rdfs:label "Lemuria"@en .
          id:mission\\/atlantis-1 a ilrs:Mission ; rdfs:label "Atlantis 1"@en ; ilrs:plannedLaunchYear "2064"^^xsd:gYear .
        }""")
    files = [shipped.ontology_file(), *shipped.data_files(), extra]
    before = get(create_app(dataset=Dataset.open(files[:-1])).test_client(), "/")
    after = get(create_app(dataset=Dataset.open(files)).test_client(), "/")
    assert "Atlantis" not in before.text
    assert "Atlantis · 3 February 2025" in after.text                     # the timeline
    assert "/id/country/lemuria" in after.links and "/id/country/lemuria" not in before.links  # the network
    assert "Atlantis 1" in after.text and re.search(r"phases and missions, 20\d\d–2064", after.text)  # the roadmap


def many_of_each(tmp_path: Path, count: int) -> Dataset:
    """A graph with ``count`` partners, agreements, missions and source documents, each later than the one
    before (item ``i`` joined, was signed and published on day ``i``, planned for year 1900 + ``i``), one
    source each."""
    graphs = []
    for i in range(1, count + 1):
        day = (date(2000, 1, 1) + timedelta(days=i)).isoformat()
        graphs.append(f"""
        id:source\\/s{i:03} {{
          id:source\\/s{i:03} a ilrs:SourceDocument ; rdfs:label "Source {i:03}"@en ; dcterms:issued "{day}"^^xsd:date .
          id:country\\/p{i:03} a ilrs:Country ; rdfs:label "Partner {i:03}"@en .
          id:partnership\\/p{i:03} a ilrs:Partnership ; org:member id:country\\/p{i:03} ;
              org:organization id:programme\\/ilrs ; ilrs:partnerSince "{day}"^^xsd:date .
          id:agreement\\/a{i:03} a ilrs:JointStatement ; rdfs:label "Agreement {i:03}"@en ;
              ilrs:party id:agency\\/hub, id:country\\/p{i:03} ; ilrs:signedOn "{day}"^^xsd:date .
          id:agency\\/hub a ilrs:SpaceAgency ; rdfs:label "Hub Space Agency"@en .
          id:mission\\/m{i:03} a ilrs:Mission ; rdfs:label "Mission {i:03}"@en ; ilrs:plannedLaunchYear "{1900 + i}"^^xsd:gYear .
        }}""")
    data = tmp_path / "many.trig"
    data.write_text("""
        PREFIX ilrs: <https://w3id.org/ilrs/ontology/>  PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>  PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        PREFIX dcterms: <http://purl.org/dc/terms/>  PREFIX id: <https://w3id.org/ilrs/id/>
        """ + "".join(graphs))
    return Dataset.open([shipped.ontology_file(), data])


LISTED = [(overview.PARTNERS, "partners, those that joined most recently", "/id/country/p"),
          (overview.AGREEMENTS, "agreements and laws, those signed most recently", "/id/agreement/a"),
          (overview.MISSIONS, "missions, those with the latest dates", "/id/mission/m"),
          (overview.SOURCES, "source documents, the newest", "/id/source/s")]


def test_the_shipped_graphs_home_page_shows_all_of_each_with_room_to_grow(client, dataset):
    """The bounds are for graphs far larger than the shipped one, whose page shows everything it holds: a
    founding agreement left out of the network for a 41st would mislead. Room for a tenth more of each."""
    listings = {"partners": overview.PARTNERS, "agreements": overview.AGREEMENTS, "missions": overview.MISSIONS,
                "sources": overview.SOURCES}
    for name, extent in overview.extents(dataset).items():
        assert extent.total * 1.1 <= listings[name].most, (name, extent.total, listings[name].most)
    assert len(overview.agreement_network(dataset).parties) * 1.1 <= charts.NETWORK_MOST_PARTIES  # all drawn
    assert "Showing " not in get(client, "/").text and "Drawing " not in get(client, "/").text


def test_the_home_page_of_a_large_graph_shows_the_most_recent_says_what_it_leaves_out_and_links_to_them_all(tmp_path):
    """Partners, agreements, missions and sources grow with the graph: the page shows the most recent of
    each, says how many it leaves out, and links to a query listing them all, the shown ones first."""
    count = 160
    assert count > max(listing.most for listing, _, _ in LISTED)
    dataset = many_of_each(tmp_path, count)
    page = get(create_app(dataset=dataset).test_client(), "/")
    everything = [h for h in page.links if h.startswith("/query?")]
    assert len(everything) == len(LISTED)
    for (listing, what, prefix), link in zip(LISTED, everything):
        assert f"Showing {listing.most} of {count} {what}. List all {count}" in page.text
        newest = {f"{prefix}{i:03}" for i in range(count - listing.most + 1, count + 1)}
        assert {h for h in page.links if h.startswith(prefix)} == newest, what
        listed = result_table.run(dataset, parse_qs(urlsplit(link).query)["query"][0])
        assert listed.total_rows == count, what
        iris = [row[0].value.removeprefix("https://w3id.org/ilrs") for row in listed.rows]
        assert set(iris) == {f"{prefix}{i:03}" for i in range(1, count + 1)} and set(iris[:listing.most]) == newest
    assert f"The {overview.SOURCES.most} newest of {count} source documents" in page.text
    # the partners' table lists those the timeline draws, as its summary says
    html = create_app(dataset=dataset).test_client().get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    tabled = [partner for partner, _, _ in partners_table(html)]
    assert tabled == [f"/id/country/p{i:03}" for i in range(count - overview.PARTNERS.most + 1, count + 1)]
    assert f"The {overview.PARTNERS.most} of {count} partners that joined most recently" in page.text
    # the network draws the parties bound with the most others, the hub and those of the newest agreements
    assert (f"Drawing {charts.NETWORK_MOST_PARTIES} of the {overview.AGREEMENTS.most + 1} parties to these agreements and laws, "
            "those bound with the most others; the table below names them all.") in page.text


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_each_source_is_one_row_with_its_publisher_and_the_facts_its_graph_holds(tmp_path, engine):
    """Even where unvalidated data gives a source two titles and two publishers, or no graph of its own."""
    data = tmp_path / "sources.trig"
    data.write_text("""
        PREFIX ilrs: <https://w3id.org/ilrs/ontology/>  PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX dcterms: <http://purl.org/dc/terms/>  PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        <urn:source:twice> {
          <urn:source:twice> a ilrs:SourceDocument ; rdfs:label "Report"@en, "Rapport"@fr ;
              dcterms:issued "2024-05-06"^^xsd:date ; dcterms:publisher <urn:press:a>, <urn:press:b> .
          <urn:press:a> rdfs:label "Alpha Press"@en .  <urn:press:b> rdfs:label "Beta News"@en .
          <urn:thing> rdfs:label "A thing"@en .
        }
        <urn:source:plain> {
          <urn:source:plain> a ilrs:SourceDocument ; rdfs:label "Notes"@en .
          <urn:thing> rdfs:comment "Said once" .
          <urn:source:without-a-graph> a ilrs:SourceDocument ; rdfs:label "Annex"@en .
        }""")
    page = create_app(dataset=Dataset.open([data], engine=engine)).test_client().get("/").get_data(as_text=True)
    rows = [re.sub(r"<[^>]+>|\s+", " ", row).split() for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)]
    sources = [row for row in rows if row[-1].isdigit()]
    assert len(sources) == 3, sources
    twice, without_a_graph, plain = sources
    assert (twice[0] in ("Report", "Rapport") and twice[1] in ("Alpha", "Beta") and twice[-4:] == ["6", "May", "2024", "9"])
    assert plain == ["Notes", "—", "—", "5"] and without_a_graph == ["Annex", "—", "—", "0"]
    assert re.search(r"\b3 documents from 2\s+publishers", page)


def test_a_static_site_says_what_its_home_page_leaves_out_without_a_link_to_a_query(tmp_path):
    page = get(create_app(Config(static_site=True), dataset=many_of_each(tmp_path, 45)).test_client(), "/")
    assert f"Showing {overview.MISSIONS.most} of 45 missions, those with the latest dates." in page.text
    assert "List all" not in page.text and not any(h.startswith("/query") for h in page.links)


# --- citing the data ----------------------------------------------------------------------------------

# A BibTeX entry as the home page writes it: one field a line, each `name = {value},` or `name = word,`.
BIBTEX_ENTRY = re.compile(r"@(?P<type>\w+)\{(?P<key>[^,\s]+),\n(?P<fields>(?:  \w+ *= *.+,\n)+)\}")
BIBTEX_FIELD = re.compile(r"^  (\w+) *= *(.+),$", re.M)
CITATION = re.compile(r'<p class="citation">(.*?)</p>', re.S)
BIBTEX = re.compile(r'<pre class="bibtex">(.*?)</pre>', re.S)
FOOTER = re.compile(r"<footer class=\"site\">(.*?)</footer>", re.S)


def the_ontology_header() -> rdflib.Graph:
    return rdflib.Graph().parse(shipped.ontology_file(), format="turtle")


def test_the_home_page_says_how_to_cite_the_version_healthz_gives(client):
    """Title, creator and date as the ontology's header gives them, the version /healthz gives (its first
    12 digits, as /void names it), the address the page was asked at and the licence, linked; as text,
    the same as /void's dcterms:bibliographicCitation, and as a BibTeX @misc."""
    version = client.get("/healthz").get_json()["version"][:12]
    header, ontology = the_ontology_header(), rdflib.URIRef(ONTOLOGY)
    creator = str(header.value(ontology, rdflib.URIRef(DCTERMS + "creator")))
    modified = str(header.value(ontology, rdflib.URIRef(DCTERMS + "modified")))
    licence = str(header.value(ontology, rdflib.URIRef(DCTERMS + "license")))
    page = client.get("/").get_data(as_text=True)
    assert 'id="cite"' in page and f'href="{licence}"' in page
    text = html.unescape(CITATION.search(page).group(1))
    for part in (creator, "ILRS Knowledge Graph", version, modified, "http://localhost/", licence):
        assert part in text, part
    void = rdflib.Graph().parse(data=client.get("/void", headers={"Accept": "text/turtle"}).get_data(as_text=True), format="turtle")
    cited = void.value(rdflib.URIRef("https://w3id.org/ilrs/void#dataset"), rdflib.URIRef(DCTERMS + "bibliographicCitation"))
    assert str(cited) == text
    entry = BIBTEX_ENTRY.fullmatch(html.unescape(BIBTEX.search(page).group(1)).strip())
    assert entry and entry["type"] == "misc", BIBTEX.search(page).group(1)
    fields = dict(BIBTEX_FIELD.findall(entry["fields"]))
    assert fields["author"] == "{{" + creator + "}}" and fields["title"] == "{{ILRS Knowledge Graph}}"
    assert fields["version"] == "{" + version + "}" and fields["year"] == "{" + modified[:4] + "}"
    assert fields["url"] == "{http://localhost/}" and licence in fields["note"]


def test_every_pages_footer_gives_the_data_version_and_its_date_and_leaves_the_validators_alone(client):
    """A saved page or a screenshot says which data it shows; the same version's page is the same bytes,
    so its ETag holds and a conditional request still gets 304."""
    version = client.get("/healthz").get_json()["version"][:12]
    modified = str(the_ontology_header().value(rdflib.URIRef(ONTOLOGY), rdflib.URIRef(DCTERMS + "modified")))
    for path in ("/", "/query", "/ontology.html", "/id/agency/cnsa.html", "/search?q=cnsa"):
        first = client.get(path, headers={"Accept": "text/html"})
        footer_html = FOOTER.search(first.get_data(as_text=True)).group(1)
        footer = " ".join(re.sub(r"<[^>]+>", "", footer_html).split())
        assert (f"Data version {version}, dated {modified} (the last-modified date in the ontology's header)"
                in footer), (path, footer)
        assert '<a href="/ontology#header-modified">ontology\'s header</a>' in footer_html, (path, footer_html)
        again = client.get(path, headers={"Accept": "text/html"})
        assert again.get_data() == first.get_data(), path
        if first.headers.get("ETag"):
            unchanged = client.get(path, headers={"Accept": "text/html", "If-None-Match": first.headers["ETag"]})
            assert unchanged.status_code == 304, path


def test_the_date_a_footer_gives_is_on_the_ontologys_page_where_it_links(client):
    """"last changed on … as its header says" left a reader to guess which header: the footer names it and
    links to the line of the ontology's documentation that gives the date."""
    modified = str(the_ontology_header().value(rdflib.URIRef(ONTOLOGY), rdflib.URIRef(DCTERMS + "modified")))
    ontology = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    line = re.search(r'<div id="header-modified">(.*?)</div>', ontology)
    assert line and Page(line.group(1)).text.split() == ["modified", modified], line


def test_a_header_that_gives_no_date_or_an_odd_one_is_cited_as_it_is_and_never_made_up(tmp_path):
    """Unvalidated data (serve --data) may give any header: what it does not give is left out, a date that is
    no ISO one gives no year or month, and LaTeX's special characters are escaped in the BibTeX."""
    data = tmp_path / "odd-header.ttl"
    data.write_text(f"""PREFIX dcterms: <{DCTERMS}>
        <{ONTOLOGY}> dcterms:creator "R&D_team 100%" ; dcterms:modified "soon" .""")
    dataset = Dataset.open([data])
    page = create_app(dataset=dataset).test_client().get("/").get_data(as_text=True)
    text = html.unescape(CITATION.search(page).group(1))
    assert text == f"R&D_team 100%. ILRS Knowledge Graph (version {dataset.version[:12]}, soon) [Data set]. http://localhost/."
    fields = dict(BIBTEX_FIELD.findall(html.unescape(BIBTEX.search(page).group(1))))
    assert fields["author"] == "{{R\\&D\\_team 100\\%}}" and "year" not in fields and "month" not in fields
    assert "Licence" not in fields["note"] and "licence" not in page.split('id="cite"')[1].split("</pre>")[0].lower()



def test_a_brace_in_a_creator_or_title_leaves_the_bibtex_entrys_braces_balanced():
    """BibTeX counts every brace, a backslash before it or not: "A{B Lab" written as A\\{B ended the entry early
    (pybtex: PrematureEOF)."""
    cited = void.DatasetCitation(url="https://example.org/", version="0123456789ab", creators=("A{B Lab", "C}D"),
                                 title="Odd {title")
    for name, value in BIBTEX_FIELD.findall(cited.bibtex):
        assert value.count("{") == value.count("}"), (name, value)
    assert cited.bibtex.count("{") == cited.bibtex.count("}")


# --- the query page -----------------------------------------------------------------------------------

def test_the_query_page_offers_every_competency_question_with_its_question_in_words(client):
    page = get(client, "/query")
    every = examples.examples()
    assert len(every) == len(shipped.query_files()) >= 30
    for example in every:
        assert example.title in page.text and example.question in page.text
        assert "/query?query=" + quote(example.text, safe="") in {href.replace("+", "%20") for href in page.links} \
            or any(parse_qs(urlsplit(h).query).get("query") == [example.text] for h in page.links)
    assert "PREFIX ilrs: <https://w3id.org/ilrs/ontology/>" in page.text  # the editor starts with the prefixes


def test_the_starting_query_gives_each_partner_each_date_with_its_source(client, dataset):
    """Read from the quads without SPARQL: every partner, once per (source, date) that dates it, and the
    partners no source dates once each, without a date or source; the comment says what the rows are."""
    assert STARTING_QUERY in html.unescape(client.get("/query").get_data(as_text=True))  # in the editor
    members = {q.subject.value: q.object.value for q in quads(dataset) if q.predicate.value == ORG + "member"}
    claims = {(members[q.subject.value], q.object.value, q.graph_name.value) for q in quads(dataset)
              if q.predicate.value == ILRS + "partnerSince"}
    dated = {partner for partner, _, _ in claims}
    wanted = sorted(claims) + sorted((partner, "", "") for partner in set(members.values()) - dated)
    table = result_table.run(dataset, STARTING_QUERY)
    assert table.columns == ("partner", "name", "since", "source")
    got = [(row[0].value, row[2].value if row[2] else "", row[3].value if row[3] else "") for row in table.rows]
    assert sorted(got) == sorted(wanted) and len(set(members.values())) == 38
    said = " ".join(STARTING_QUERY.replace("#", " ").split())
    assert "each date a source gives, and that source" in said and "no source dates have one row, without a date" in said


def test_an_example_runs_and_its_rows_are_the_answer(client, dataset):
    example = next(e for e in examples.examples() if e.name == "partners-timeline")
    page = get(client, "/query?query=" + quote(example.text))
    expected = result_table.run(dataset, example.text)
    assert re.search(rf"\b{expected.total_rows} rows in [\d.]+ ms\b", page.text)
    assert example.question in page.text  # the chosen example says what it asks
    for row in expected.rows:
        partner, name = row[0].value, row[1].value
        assert "/" + partner.removeprefix("https://w3id.org/ilrs/") in page.links and name in page.text


def test_a_large_answers_row_count_is_written_with_thousands_separators(client, dataset):
    text = "SELECT * WHERE { ?s ?p ?o }"
    total = result_table.run(dataset, text).total_rows
    assert total > 1000
    page = get(client, "/query?query=" + quote(text)).text
    assert re.search(rf"\b{total:,} rows( , as an earlier run found them)? in [\d.]+ ms\b", page)
    assert f"the downloads hold all {total:,}." in page


def test_results_download_as_csv_and_json_with_the_same_rows(client):
    text = "SELECT ?m ?label WHERE { ?m a <https://w3id.org/ilrs/ontology/Mission> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    page = get(client, "/query?query=" + quote(text))
    downloads = [h for h in page.links if h.startswith("/sparql?")]
    by_format = {parse_qs(urlsplit(h).query)["format"][0]: h for h in downloads}
    assert set(by_format) == {"csv", "json"}
    assert all(parse_qs(urlsplit(h).query)["query"] == [text] for h in downloads)
    csv_rows = client.get(by_format["csv"]).get_data(as_text=True).strip().splitlines()
    bindings = client.get(by_format["json"]).get_json()["results"]["bindings"]
    missions = re.search(r"(\d+) rows in", page.text).group(1)
    assert len(csv_rows) - 1 == len(bindings) == int(missions) >= 10


def test_an_answer_kept_from_an_earlier_run_says_so_with_the_time_that_run_took(client, dataset):
    """A repeated query showed "in 0.0 ms": the time to find its kept answer, not to run it."""
    # a query of its own (a comment would not do: the result cache asks by the normal form, without comments)
    text = f"PREFIX kept{id(client)}: <urn:kept:>\nSELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o . ?o ?q ?x }}"
    first = get(client, "/query?query=" + quote(text)).text
    again = get(client, "/query?query=" + quote(text)).text
    ran = re.search(r"1 row in ([\d.]+) ms \.", first)  # the page text, a space between elements
    assert ran and float(ran.group(1)) > 0 and "earlier run" not in first
    assert f"1 row , as an earlier run found it in {ran.group(1)} ms ." in again  # "1 row, as…" in a browser
    assert result_table.run(dataset, text).kept


def test_ask_and_construct_answers_are_shown(client):
    ask = get(client, "/query?query=" + quote("ASK { ?s a <https://w3id.org/ilrs/ontology/Mission> }"))
    assert "Yes in" in ask.text
    construct = get(client, "/query?query=" + quote(
        "CONSTRUCT { <https://w3id.org/ilrs/id/agency/cnsa> ?p ?o } WHERE { <https://w3id.org/ilrs/id/agency/cnsa> ?p ?o }"))
    assert "subject predicate object" in construct.text and "/id/country/china" in construct.links
    assert re.search(r"\b\d+ triples in [\d.]+ ms\b", construct.text)  # not "rows": they are triples
    assert {parse_qs(urlsplit(h).query)["format"][0] for h in construct.links if h.startswith("/sparql?")} == {"turtle", "jsonld"}


def test_a_parse_error_is_shown_with_its_line_column_and_the_line_itself(client):
    text = "SELECT ?s WHERE {\n  ?s ?p ?o .\n  ?s nowhere:thing ?x }"
    response = client.get("/query?query=" + quote(text), headers={"Accept": "text/html"})
    assert response.status_code == 400
    page = Page(response.get_data(as_text=True))
    assert "The query cannot run" in page.text and "Line 3, column" in page.text
    assert "?s nowhere:thing ?x }" in page.text and "^" in page.text
    html = response.get_data(as_text=True)
    assert 'data-error-line="3"' in html  # for the editor to mark the place
    assert "error at 3:" not in page.text  # the place is said once, in words


# --- resource pages -----------------------------------------------------------------------------------

def test_a_resource_page_groups_facts_formats_dates_and_cites_each_source(client):
    page = get(client, "/id/mission/change-6.html")
    for group in ("About", "When", "Figures", "Who", "Where", "Related", "Sources"):
        assert group in page.text, group
    assert "launch date 3 May 2024 — Chronicle India, 4 May 2024" in page.text  # date in words, source beside it
    assert "sample mass (kg) 1.9353 — TASS, 28 June 2024" in page.text
    assert "/id/source/tass-2024-06-28" in page.links
    assert "/ontology#plannedLaunchYear" in page.links  # the property's human label links to its definition


def test_an_error_page_says_what_went_wrong_in_words(client):
    answer = client.get("/id/agency/nowhere.html", headers={"Accept": "text/html"})
    assert answer.status_code == 404
    page = Page(answer.get_data(as_text=True))
    assert "Not Found (404)" in page.text and "The graph has nothing about" in page.text


def test_each_terms_own_page_link_has_a_name_of_its_own(client):
    """A screen reader's list of links shows each link's name alone: 83 called "its own page" told them apart by nothing."""
    html = client.get("/ontology.html").get_data(as_text=True)
    names = re.findall(r'>its own page<span class="visually-hidden">: ([^<]+)</span></a>', html)
    assert len(names) > 50 and len(set(names)) == len(names) and "its own page</a>" not in html


def test_a_web_address_is_shown_as_people_write_it(client):
    page = get(client, "/id/source/spacenews-venezuela-2023.html")
    assert "https://spacenews.com/" in page.text and "<https://spacenews.com/" not in page.text


def test_a_citation_without_a_publisher_names_its_source_whole(client, dataset, tmp_path):
    page = get(client, "/id/mission/change-6.html")
    title = "Report on Li Guoping's talk at IAC 2023 in Baku"  # its date is the citation's, said once
    # the shipped data now gives it the publisher of its public copy; without one, it is named whole
    assert f"{title} — citylife.capetown, 10 October 2023" in page.text and "…" not in page.text
    files = [shipped.ontology_file(), *shipped.data_files()]
    sources = next(path for path in files if path.name == "sources.trig")
    text = sources.read_text(encoding="utf-8")
    line = "        dcterms:publisher organisation:citylife-capetown ;\n"
    assert text.count(line) == 1
    (tmp_path / "sources.trig").write_text(text.replace(line, ""), encoding="utf-8")
    files[files.index(sources)] = tmp_path / "sources.trig"
    page = get(create_app(dataset=Dataset.open(files)).test_client(), "/id/mission/change-6.html")
    assert f"{title}, 10 October 2023" in page.text and "…" not in page.text


def test_an_undated_source_is_cited_beside_a_fact_by_its_publisher_and_title(tmp_path):
    """Pakistan's joining was cited as "Pakistan joins China's International Lunar Research Station program",
    a title alone, which a reader took for the page's own words and could not tell whose report it was:
    without a date, a source is cited by whom it is cited as and its title, the publisher's name the
    title begins with said once."""
    data = tmp_path / "undated.trig"
    data.write_text("""
        PREFIX ilrs: <https://w3id.org/ilrs/ontology/>  PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX org: <http://www.w3.org/ns/org#>  PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX ex: <http://example.org/>  PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        ex:named { ex:named a ilrs:SourceDocument ; rdfs:label "Press: Alba joins" ; dcterms:publisher ex:press .
                   ex:press rdfs:label "Press" .
                   ex:p a ilrs:Partnership ; org:member ex:alba ; ilrs:partnerSince "2024-09-05"^^xsd:date . }
        ex:titled { ex:titled a ilrs:SourceDocument ; rdfs:label "Alba is a partner" ; dcterms:publisher ex:press .
                    ex:p a ilrs:Partnership ; org:member ex:alba ; ilrs:partnerSince "2024-09"^^xsd:gYearMonth . }
        ex:copy { ex:copy a ilrs:SourceDocument ; rdfs:label "Agency: Alba signs" ; dcterms:publisher ex:site ;
                  ilrs:copyOf ex:original .  ex:site rdfs:label "site.example" .
                  ex:original dcterms:publisher ex:agency .  ex:agency rdfs:label "Agency" .
                  ex:p a ilrs:Partnership ; org:member ex:alba ; ilrs:partnerSince "2024-09-05"^^xsd:date . }
        ex:country { ex:country a ilrs:SourceDocument ; rdfs:label "Press: Alba joins" ; dcterms:publisher ex:pressDaily .
                     ex:pressDaily rdfs:label "Press Daily" .
                     ex:p a ilrs:Partnership ; org:member ex:alba ; ilrs:partnerSince "2024-09-05"^^xsd:date . }
        ex:alone { ex:alone a ilrs:SourceDocument ; rdfs:label "Nobody's word" .
                   ex:p a ilrs:Partnership ; org:member ex:alba ; ilrs:partnerSince "2024"^^xsd:gYear . }
        ex:alba a ilrs:Country ; rdfs:label "Alba" .""")
    [alba] = overview.joinings(Dataset.open([shipped.ontology_file(), data]))
    assert [claim.source.short for claim in alba.claims] == [
        "Agency (copy at site.example), Alba signs",  # named by the report it copies
        "Press Daily, Press: Alba joins",  # "Press" is not "Press Daily"
        "Press, Alba joins", "Press, Alba is a partner", "Nobody's word"]


@pytest.mark.parametrize(("page", "cited"), [
    ("partnership/iloa", "International Lunar Observatory Association, USA organization to fulfill lunar astronomy MoU"),
    ("organisation/narit", "National Astronomical Research Institute of Thailand, ILRS collaboration"),
    ("organisation/auass", "Arab Union for Astronomy and Space Sciences, the University of Sharjah hosts"),
    ("mission/luna-26", "RussianSpaceWeb.com, Russian lunar missions face new delays"),
    ("payload/space-weather-sensor-package", "scimyst.com, Thailand's space weather sensor package"),
    # the name as the title's first words, not before a colon
    ("agreement/russia-ilrs-ratification-law-2024", "Global Times (copy at newslite.tv), report on Russia's ILRS"),
    ("agency/cnsa", "China National Space Administration, web page cited by Space Wiki (footnote 1)"),
])
def test_an_undated_sources_title_does_not_name_its_publisher_again_by_initials_or_site_name(client, page, cited):
    """"International Lunar Observatory Association, ILOA: USA organization…" and "Global Times (copy at
    newslite.tv), Global Times report on…" (reviews): a title opening with the publisher's name, its initials,
    or its site's name without the domain ("RussianSpaceWeb" of RussianSpaceWeb.com, "Scimyst" of scimyst.com),
    before a colon or a word in lower case, names the publisher the citation has named already."""
    assert cited in get(client, f"/id/{page}.html").text


@pytest.mark.parametrize(("source", "cited"), [
    ("scmp-2024-04-africa-institutes", "South China Morning Post. “2 major space institutes in Africa join China-led moon "
     "project.” n.d. https://www.scmp.com/news/china/science/article/3259734/two-major-space-institutes-africa-join-china-led-moon-project"),
    ("spacenews-venezuela-2023", "SpaceNews. [Venezuela signs up to China's moon base initiative]. n.d. "
     "https://spacenews.com/venezuela-signs-up-to-chinas-moon-base-initiative/"),
    ("xinhua-zh-2024-09-05", "Xinhua (copy at gudianfeng.com). “国际月球科研站迎来全球合作新伙伴.” 5 September 2024. "
     "https://gudianfeng.com/new/640648380464239616"),
    ("galaxy-aerospace-ssgi-kaist-2024", "Galaxy Aerospace Ghana. “SSGI and KAIST Join China-Led Moon Project, ILRS.” n.d. "
     "https://galaxyaerospaceghana.com/ssgi-and-kaist-join-china-led-moon-project-ilrs"),  # its title's full stop, once
    ("china-daily-2024-04-26", "Zhao Lei. “Chang’e 7 to carry foreign payloads.” China Daily (copy at PressReader), "
     "26 April 2024. "
     "https://www.pressreader.com/china/china-daily-hong-kong/20240426/281633900300611"),
    ("iloa-ilo-x-2024", "International Lunar Observatory Association. [USA organization to fulfill lunar astronomy MoU "
     "with China astronomers via ILO-X]. n.d. https://iloa.org/usa-organization-to-fulfill-lunar-astronomy-mou-with-"
     "china-astronomers-via-ilo-x-mission-set-to-land-on-moon-22-february/"),  # its publisher's initials said once
    ("72news-2026-01-27", "Мария Иванова. “Глава НПО Лавочкина Марфин анонсировал запуск «Луны-30» в 2036 году.” "
     "72news.ru, 27 January 2026. https://72news.ru/news/2026/1/27/1389988.html"),
])
def test_a_source_page_gives_its_whole_citation_to_copy(client, source, cited):
    """A researcher citing a source read its title, publisher, date and address in four places of its page,
    and for a source without a date or a title was left to guess: its page gives the line to copy, with
    what the graph records only ("n.d.", and the project's name for it in brackets, where the document gives
    none)."""
    answer = client.get(f"/id/source/{source}.html").get_data(as_text=True)
    assert "Cite this source" in Page(answer).text
    [line] = re.findall(r'<p class="citation">(.*?)</p>', answer, re.S)
    assert " ".join(html.unescape(re.sub(r"<[^>]+>", "", line)).split()) == cited


def test_a_citation_without_a_date_or_title_says_the_graph_records_none_not_that_the_document_gives_none(client):
    """SpaceNews's Venezuela report has a title and a date; the graph records neither. Its page said "it
    gives no date" and "the document gives no title" (a journalist's review): an editor would read the
    report as undated and untitled, and print "n.d." as its date. The page says what the graph lacks, and
    that the document may give it, at its address."""
    cite = re.search(r"Cite this source (.*?) About ", get(client, "/id/source/spacenews-venezuela-2023.html").text)
    said = cite.group(1)
    assert "gives no date" not in said and "document gives no title" not in said
    assert ("The graph records no date for it (“n.d.”), nor its title, so its own name for the document stands in "
            "brackets. The document may give them: check it at its address.") in said
    said = re.search(r"Cite this source (.*?) About ", get(client, "/id/source/kremlin-2024-06-12.html").text).group(1)
    assert said.startswith("As the graph records it. Add the day you accessed it. President of Russia")


def test_a_source_page_names_what_its_facts_are_about_leading_to_their_pages(client):
    """A journalist asking what the newest report says found on its page a count and a query whose answer
    reads `mission:change-7 ilrs:plannedLaunchYear 2026`: the page names what its facts are about, each
    linked to the page that cites it beside them; not the document itself, described above."""
    answer = client.get("/id/source/cosmoscience-2026-04-13.html").get_data(as_text=True)
    stated = re.search(r'aria-labelledby="stated-title">(.*?)</section>', answer, re.S).group(1)
    assert re.findall(r'<a href="(/id/[^"]+)">([^<]+)</a>', stated) == [
        ("/id/mission/change-7", "Chang&#39;e 7"), ("/id/country/china", "China"),
        ("/id/organisation/cosmoscience", "cosmoscience.in"), ("/id/site/lunar-south-pole", "Lunar south pole"),
        ("/id/site/shackleton-crater", "Shackleton crater")]
    assert "cosmoscience.in, 13 April 2026" in get(client, "/id/mission/change-7.html").text


def test_a_sources_language_is_named_in_words_its_code_kept_for_machines(client):
    """A journalist read "language ru" and "(zh)" after a title: the page names the language in English, the
    code kept in the page's markup (<data value>) and, unchanged, in the RDF."""
    answer = client.get("/id/source/ng-2025-05-08.html").get_data(as_text=True)
    page = Page(answer)
    assert "language Russian" in page.text and "language ru" not in page.text
    assert '<data value="ru">Russian</data>' in answer
    assert "на Луне (Russian)" in page.text and "(ru)" not in page.text  # its title, in Russian
    assert "language Chinese" in get(client, "/id/source/xinhua-zh-2024-09-05.html").text
    turtle = client.get("/id/source/ng-2025-05-08.ttl").get_data(as_text=True)
    assert 'dcterms:language "ru"' in turtle


def test_a_resources_name_reads_as_the_graphs_not_as_a_word_of_the_sources_holding_it(client, dataset):
    """The name (rdfs:label) is the graph's, written in every graph that mentions the resource and quoting
    none: "CNSA–Bolivarian Space Agency memorandum on the ILRS (2023) — Space Wiki…; SpaceNews…" read as if
    SpaceNews, which calls it a joint statement, named it a memorandum. The line says whose name it is and
    still names every graph that holds it."""
    html = client.get("/id/agreement/cnsa-abae-2023.html").get_data(as_text=True)
    name, title = (Page(re.search(rf'<dt><a href="[^"]+[#/]{term}">[^<]+</a></dt>(.*?)</div>', html, re.S).group(1)).text
                   for term in ("label", "title"))
    holding = {row["g"].value for row in dataset.select("""SELECT ?g WHERE { GRAPH ?g {
        <https://w3id.org/ilrs/id/agreement/cnsa-abae-2023> <http://www.w3.org/2000/01/rdf-schema#label> ?name } }""")}
    assert len(holding) == 2
    assert name.startswith("CNSA–Bolivarian Space Agency memorandum on the ILRS (2023) — the graph’s name for it, "
                           "chosen from its sources but quoting none; kept in the graphs of ")
    assert "SpaceNews, Venezuela signs up" in name and "Space Wiki, International Lunar Research Station" in name
    assert title.startswith("Memorandum of Cooperation") and "the graph’s name" not in title  # a source's own words


def test_conflicting_claims_are_side_by_side_with_their_sources(client):
    page = get(client, "/id/mission/change-6.html")
    claims = re.search(r"planned launch year \( sources disagree \) (.*?) sample return date", page.text).group(1)
    first, second = claims.split(" 2026 ")
    assert first.startswith("2024 according to") and "CGTN, 25 April 2023" in first
    assert "citylife.capetown" in second and "CGTN" not in second  # the Li Guoping report's publisher


def test_a_copy_is_cited_as_its_originals_publisher_at_the_site_that_carries_it(client, dataset):
    """gudianfeng.com reposts Xinhua, m.vanbien.com China Science Daily, earth-news.info SpaceNews: a reader
    weighing a claim is to see whose report it is, and where it was read (ilrs:copyOf), wherever a source
    is cited: beside a fact, in a page's sources, in the partners' table and the home page's sources."""
    xinhua, science_daily = "Xinhua (copy at gudianfeng.com)", "China Science Daily (copy at vanbien.com)"
    page = get(client, "/id/agreement/dsel-african-business-alliance-ilrs-mou.html")
    assert f"{xinhua}, 5 September 2024" in page.text and f"{science_daily}, 5 September 2024" in page.text
    assert "(Xinhua, 5 September 2024) — " + xinhua + ", 5 September 2024" in page.text  # the Sources list
    page = get(client, "/id/partnership/azerbaijan.html")
    assert "(copy of the SpaceNews report) — SpaceNews (copy at earth-news.info)" in page.text
    assert "Reuters (copy at CNA), 20 October 2023" in get(client, "/id/agreement/cnsa-suparco-2023.html").text
    # recorded before by the original's publisher, with the copy's address
    assert "Space Daily (copy at copernical.com), 25 April 2024" in get(client, "/id/payload/hyperspectral-imager.html").text
    assert "China Daily (copy at PressReader), 26 April 2024" in get(client, "/id/payload/laser-retroreflector-arrays.html").text
    # two starting documents: the Global Times' reports, read in copies; the day is the report's, not the copy's
    roadmap = get(client, "/id/report/global-times-roadmap-2021.html").text
    assert "publisher Global Times" in roadmap and "published 16 June 2021" in roadmap
    # a copy without a date of its own is cited with its original's, beside facts and in the home page's list
    assert "Global Times (copy at danfetv.com), 16 June 2021" in get(client, "/id/programme/ilrs.html").text
    [alliance] = [j for j in overview.joinings(dataset) if j.name == "African Business Alliance"]
    assert f"{xinhua}, 5 September 2024" in {claim.source.short for claim in alliance.claims}
    home = get(client, "/").text
    assert f"{xinhua} 5 September 2024" in home and "Associated Press (copy at newsbreakonline.com)" in home
    assert "Global Times (copy at danfetv.com)" in home and "Global Times (copy at newslite.tv)" in home
    source = get(client, "/id/source/xinhua-zh-2024-09-05.html").text
    assert "copy of The Xinhua report gudianfeng.com carried on 5 September 2024" in source
    report = get(client, "/id/report/xinhua-zh-2024-09-05.html").text
    assert "publisher Xinhua" in report and "published 5 September 2024" in report


def test_a_relay_and_a_translation_name_the_report_they_come_from_but_are_not_cited_as_copies(client):
    """WAM tells in its own words what the Global Times reported (prov:wasDerivedFrom), Astrocast translates
    SpaceNews (schema:translationOfWork): their pages say so in plain words, as "copy of" does (PROV's
    "was derived from" read as jargon, and as the one verb among the fact names); beside facts they are
    cited as their own."""
    wam = get(client, "/id/source/wam-2026-03-12.html")
    assert "based on The Global Times report WAM relayed on 12 March 2026" in wam.text
    assert "derived" not in wam.text
    assert "/id/report/wam-2026-03-12" in wam.links
    relayed = get(client, "/id/report/wam-2026-03-12.html").text
    assert "publisher Global Times" in relayed and "published" not in relayed.split("What this")[0]
    astrocast = get(client, "/id/source/astrocast-senegal-2024.html")
    assert "translation of SpaceNews: Senegal among new members of China's ILRS moon base project" in astrocast.text
    assert "/id/source/spacenews-senegal-2024" in astrocast.links
    mission = get(client, "/id/mission/change-7.html").text
    assert "Emirates News Agency (WAM), 12 March 2026" in mission and "(copy at Emirates" not in mission


def test_linked_from_says_in_plain_words_how_to_read_a_line_with_one_of_its_own(client):
    """"← copy of ILRS welcomes…" on the report's page reads backwards, and "as the value of a property" is
    jargon: a reader is shown what one of the lines says, in the words the other page uses."""
    copy = "ILRS welcomes new global cooperation partners (Xinhua, 5 September 2024)"
    report = "The Xinhua report gudianfeng.com carried on 5 September 2024"
    text = get(client, "/id/report/xinhua-zh-2024-09-05.html").text
    assert f"“← copy of {copy}” means that the page of {copy} gives “copy of {report}”" in text
    assert "value of a property" not in text
    assert "“← country Orbital Space” means that the page of Orbital Space gives “country United Arab Emirates”" in get(
        client, "/id/country/united-arab-emirates.html").text


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_copy_is_named_with_its_original_on_either_engine(tmp_path, engine):
    """The home page's sources and the partners' table name a copy by the report it reproduces; a source
    that copies none by its own publisher (an OPTIONAL that SAMPLE reads unbound)."""
    data = tmp_path / "copies.trig"
    data.write_text("""
        PREFIX ilrs: <https://w3id.org/ilrs/ontology/>  PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX org: <http://www.w3.org/ns/org#>  PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX ex: <http://example.org/>  PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        ex:copy { ex:copy a ilrs:SourceDocument ; rdfs:label "Copy" ; dcterms:publisher ex:site ;
                    dcterms:issued "2024-09-05"^^xsd:date ; ilrs:copyOf ex:original .
                  ex:site rdfs:label "site.example" .  ex:original dcterms:publisher ex:agency .
                  ex:agency rdfs:label "Agency" .
                  ex:p a ilrs:Partnership ; org:member ex:alba ; ilrs:partnerSince "2024-09-05"^^xsd:date . }
        ex:own { ex:own a ilrs:SourceDocument ; rdfs:label "Own" ; dcterms:publisher ex:press .
                 ex:press rdfs:label "Press" .  ex:p a ilrs:Partnership ; org:member ex:alba . }
        ex:alba a ilrs:Country ; rdfs:label "Alba" .""")
    dataset = Dataset.open([shipped.ontology_file(), data], engine=engine)
    assert {s.label: s.publisher for s in overview.sources(dataset)} == {
        "Copy": "Agency (copy at site.example)", "Own": "Press"}
    [alba] = overview.joinings(dataset)
    assert [claim.source.short for claim in alba.claims] == ["Agency (copy at site.example), 5 September 2024", "Press, Own"]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_home_page_counts_whose_reports_the_sources_are_and_says_how_many_are_copies(tmp_path, engine):
    """Two sites carrying an agency's reports, and the agency's own, are one publisher: a reader asks whose
    reports the graph rests on; the copies are counted apart."""
    data = tmp_path / "copies.trig"
    data.write_text("""
        PREFIX ilrs: <https://w3id.org/ilrs/ontology/>  PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX dcterms: <http://purl.org/dc/terms/>  PREFIX ex: <http://example.org/>
        ex:copy { ex:copy a ilrs:SourceDocument ; rdfs:label "Copy" ; dcterms:publisher ex:site ; ilrs:copyOf ex:first .
                  ex:site rdfs:label "site.example" .  ex:first dcterms:publisher ex:agency .  ex:agency rdfs:label "Agency" . }
        ex:other { ex:other a ilrs:SourceDocument ; rdfs:label "Other" ; dcterms:publisher ex:mirror ; ilrs:copyOf ex:second .
                   ex:mirror rdfs:label "mirror.example" .  ex:second dcterms:publisher ex:agency .  ex:agency rdfs:label "Agency" . }
        ex:own { ex:own a ilrs:SourceDocument ; rdfs:label "Own" ; dcterms:publisher ex:agency .  ex:agency rdfs:label "Agency" . }
        ex:press { ex:press a ilrs:SourceDocument ; rdfs:label "Press" ; dcterms:publisher ex:paper .  ex:paper rdfs:label "Paper" . }""")
    dataset = Dataset.open([shipped.ontology_file(), data], engine=engine)
    counts = overview.counts(dataset)
    assert (counts.sources, counts.publishers, counts.copies) == (4, 2, 2)
    page = create_app(dataset=dataset).test_client().get("/").get_data(as_text=True)
    said = re.sub(r"\s+", " ", re.search(r'id="sources-title".*?</p>', page, re.S).group(0))
    assert ("4 documents from 2 publishers; 2 of the documents were read in copies on other "
            "sites and are counted under the publisher whose report they reproduce.") in said


def test_the_home_page_says_how_many_sources_name_no_publisher_only_where_some_do(client, tmp_path):
    """It said "(and some that name none)" of the shipped sources, every one of which names its publisher."""
    said = get(client, "/").text
    assert "that name none" not in said and "that names none" not in said
    data = tmp_path / "unnamed.trig"
    data.write_text("""
        PREFIX ilrs: <https://w3id.org/ilrs/ontology/>  PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX dcterms: <http://purl.org/dc/terms/>  PREFIX ex: <http://example.org/>
        ex:press { ex:press a ilrs:SourceDocument ; rdfs:label "Press" ; dcterms:publisher ex:paper .  ex:paper rdfs:label "Paper" . }
        ex:leaflet { ex:leaflet a ilrs:SourceDocument ; rdfs:label "Leaflet" . }""")
    dataset = Dataset.open([shipped.ontology_file(), data])
    assert overview.counts(dataset).unpublished == 1
    page = Page(create_app(dataset=dataset).test_client().get("/").get_data(as_text=True))
    assert "2 documents from 1 publisher (and 1 that names none)." in page.text


def test_a_partnership_says_what_it_is_a_partnership_in_in_plain_words(client):
    """org:organization, the ORG vocabulary's own name, read "organization" (the site writes British
    English) and said nothing of what the programme is to the partnership."""
    page = get(client, "/id/partnership/venezuela.html")
    assert "partnership in International Lunar Research Station" in page.text
    assert "organization" not in page.text


def test_a_month_and_a_day_within_it_do_not_disagree(client):
    page = get(client, "/id/partnership/venezuela.html")
    assert "partner since July 2023 — Space Wiki, International Lunar Research Station" in page.text
    assert "17 July 2023 — SpaceNews, Venezuela signs up" in page.text
    assert "sources disagree" not in page.text


def test_a_partners_page_says_when_it_joined_with_every_date_and_its_source(client):
    """The dates sit on the partnership (ilrs:partnerSince), not on the partner."""
    page = get(client, "/id/country/pakistan.html")
    joined = re.search(r"ILRS partner since (.*?) About ", page.text).group(1)
    assert joined == ("18 October 2023 ( Islamabad Scene, Pakistan joins China's International Lunar Research Station "
                      "program ); October 2023 ( Space Wiki, International Lunar Research Station ); named, no date given, "
                      "by Sputnik Africa, 29 April 2025 ; Beijing Times, 10 October 2023 ; Trend News Agency, 10 October 2023 ; "
                      "Science and Technology Daily, 11 May 2023 ( sources disagree ) : a source names it a partner before a "
                      "date another gives for its joining")
    assert "/id/partnership/pakistan" in page.links and "/id/source/islamabad-scene-2023" in page.links


def test_a_partner_no_source_dates_says_it_is_one_all_the_same_citing_who_says_so(client, dataset):
    """Bolivia, Djibouti… are partners; the home page says no source dates their joining, and so do their pages,
    naming (as the dated ones do) the sources that say they are partners: checked against the quads."""
    members = {q.subject.value: q.object.value for q in quads(dataset) if q.predicate.value == ORG + "member"}
    dated = {members[q.subject.value] for q in quads(dataset) if q.predicate.value == ILRS + "partnerSince"}
    undated = set(members.values()) - dated
    assert len(undated) >= 5 and "https://w3id.org/ilrs/id/country/bolivia" in undated
    for member in undated:
        html = client.get(member.removeprefix("https://w3id.org/ilrs") + ".html").get_data(as_text=True)
        header = html.split('<article class="resource">')[1].split("</header>")[0]
        assert re.search(r"ILRS partner\s*\(.*\); no source dates its joining", Page(header).text), member
        saying = {q.graph_name.value.removeprefix("https://w3id.org/ilrs") for q in quads(dataset)
                  if q.predicate.value == ORG + "member" and q.object.value == member}
        cites = re.search(r'partner</a> \((<span class="cites">.*?</span>)\)', header).group(1)
        assert set(re.findall(r'href="([^"]+)"', cites)) == saying, member


def test_a_partners_sources_list_names_only_sources_its_page_cites(client, dataset):
    """The Sources list says which documents state the facts on the page: each is cited beside one of them."""
    members = {q.object.value for q in quads(dataset) if q.predicate.value == ORG + "member"}
    for member in members:
        html = client.get(member.removeprefix("https://w3id.org/ilrs") + ".html").get_data(as_text=True)
        cites, listed = _cited_in_order(html)
        assert listed and set(listed) <= {href for cited in cites for href in cited}, member


def test_every_partner_shows_each_date_its_partnership_gives_with_its_sources(client, dataset):
    """Checked against the quads: each date a source states on a partnership is at the top of its
    member's page, citing that source."""
    members = {q.subject.value: q.object.value for q in quads(dataset) if q.predicate.value == ORG + "member"}
    joined = {(members[q.subject.value], q.object.value, q.graph_name.value) for q in quads(dataset)
              if q.predicate.value == ILRS + "partnerSince" and q.subject.value in members}
    assert len({member for member, _, _ in joined}) > 15
    for member, since, source in joined:
        local = member.removeprefix("https://w3id.org/ilrs")
        page = client.get(local + ".html").get_data(as_text=True)
        header = page.split('<article class="resource">')[1].split("</header>")[0]
        cites = re.search(f'<time datetime="{since}">[^<]*</time></span> \\((<span class="cites">.*?</span>)\\)', header)
        assert cites and f'href="{source.removeprefix("https://w3id.org/ilrs")}"' in cites.group(1), (member, since, source)


def test_a_partners_page_gives_every_sources_word_on_its_joining_that_the_home_pages_table_gives(client):
    """A review: Russia's page gave its two dates and left out Science and Technology Daily, which names it a
    partner without a date, as the home page's table says. Each partner's page now says what the table says
    of it, each source with the date it gives or, after "named, no date given, by", none."""
    table = partners_table(client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True))
    assert any(any(since for since, _ in said) and any(not since for since, _ in said) for _, _, said in table)
    for partner, _, said in table:
        html = client.get(partner + ".html").get_data(as_text=True)
        header = html.split('<article class="resource">')[1].split("</header>")[0]
        line = re.search(r'<p><a href="[^"]*">ILRS partner</a>(.*?)</p>', header, re.S).group(1)
        dated, _, undated = line.partition("named, no date given, by")
        if not any(since for since, _ in said):
            dated, undated = "", line  # "ILRS partner (sources); no source dates its joining"
        shown = {(since, source) for since, cites in re.findall(
                     r'<time datetime="([^"]+)">[^<]*</time></span> \((<span class="cites">.*?</span>)\)', dated)
                 for source in re.findall(r'href="([^"]+)"', cites)}
        shown |= {(None, source) for source in re.findall(r'href="([^"]+)"', undated)}
        assert shown == said, partner


def test_a_status_page_links_from_each_mission_with_the_sources_calling_it_so_and_says_when_they_no_longer_do(client, dataset):
    """A review: /ontology/Planned listed Chang'e 6 and Queqiao-2 under "← mission status", as older sources
    called them planned; a reader took them for planned missions now. Each mission linked is followed by
    the sources that give it the status (checked against the quads) and, where a newer word gives
    another, that one, as the home page's roadmap reads it."""
    planned = ILRS + "Planned"
    saying: dict[str, set[str]] = {}
    for q in quads(dataset):
        if q.predicate.value == ILRS + "missionStatus" and q.object.value == planned:
            saying.setdefault(local(q.subject.value), set()).add(local(q.graph_name.value))
    latest = overview.latest_statuses(dataset, "VALUES ?mission { " + " ".join(
        f"<https://w3id.org/ilrs{mission}>" for mission in saying) + " }")
    moved_on = {local(m): label for m, (status, label) in latest.items() if status.value != planned}
    assert {"/id/mission/change-6", "/id/mission/queqiao-2"} <= set(moved_on)
    html = client.get("/ontology/Planned.html").get_data(as_text=True)
    section = html.split('id="backlinks-title"')[1].split("</section>")[0]
    entry = re.search(r'mission status</a></dt>(.*?)</div>', section, re.S).group(1)
    lines = re.findall(r"<dd>(.*?)</dd>", entry, re.S)
    assert len(lines) == len(saying)
    for line in lines:
        mission = re.match(r'<a href="([^"]+)"', line).group(1)
        cites = re.search(r'<span class="cites">(.*?)</span>', line).group(1)
        assert set(re.findall(r'href="([^"]+)"', cites)) == saying[mission], mission
        if mission in moved_on:
            assert f"its latest status: {moved_on[mission]}" in Page(line).text, line
        else:
            assert "latest status" not in line, line


def test_a_partners_page_says_sources_disagree_where_one_names_it_a_partner_before_anothers_date(client, dataset):
    """Science and Technology Daily named Pakistan a partner on 11 May 2023, Beijing Times on 10 October 2023;
    Islamabad Scene dates its joining 18 October 2023. Shown side by side on its page, the claims disagree,
    and the page says so, as it does of a fact; where a naming comes after every date given (Russia), or two
    dates nest (October 2023, 18 October 2023), they do not. Checked against the home page's reading."""
    verdicts = {}
    for joining in overview.joinings(dataset):
        verdicts[local(joining.iri)] = "sources disagree" in _header(client, local(joining.iri))
        assert verdicts[local(joining.iri)] == _joining_disputed(joining), joining.name
    assert verdicts["/id/country/pakistan"] and not verdicts["/id/country/russia"]


def test_a_partners_partnership_page_and_the_home_pages_table_say_sources_disagree_where_its_page_does(client, dataset):
    """Pakistan's page said that a source names it a partner before another's joining date; its partnership
    page (where the dates and the namings are two facts, neither disputed alone) and its row in the home
    page's table did not. Each now says it beside the claims, with each claim's source, for every partner."""
    rows = {}
    table = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    table = table[table.index("<tbody", table.index('<table class="partners"')):]
    for row in re.split(r"<tr\b", table[:table.index("</tbody>")])[1:]:
        rows[re.search(r'<th scope="row"[^>]*><a href="([^"]+)"', row).group(1)] = Page(row).text
    for joining in overview.joinings(dataset):
        said = _header(client, local(joining.iri))
        on_partnership = _header(client, _partnership_of(client, local(joining.iri)))
        assert said.split(" partner ", 1)[1] in on_partnership, joining.name  # the same line, the same claims
        if _joining_disputed(joining):
            note = "( sources disagree )" + (" : a source names it a partner before a date another gives for its "
                                             "joining" if "a source names it" in said else "")
            assert note in rows[local(joining.iri)] and note in on_partnership, joining.name
        else:
            assert "sources disagree" not in rows[local(joining.iri)] + on_partnership, joining.name
    assert "sources disagree" in rows["/id/country/pakistan"]


def _joining_disputed(joining) -> bool:
    """The rule, from the home page's reading: dates that do not nest, or a naming before a date."""
    dates = [claim.since for claim in joining.claims if claim.since]
    named = [claim.source.issued for claim in joining.claims if not claim.since and claim.source.issued]
    return (any(not a.agrees_with(b) for a in dates for b in dates)
            or any(when.end < date.start for when in named for date in dates))


def _header(client, path: str) -> str:
    return Page(_header_html(client, path)).text


def _partnership_of(client, path: str) -> str:
    return re.search(r'href="(/id/partnership/[^"]+)"', _header_html(client, path)).group(1)


def _header_html(client, path: str) -> str:
    """The header of a resource's page: its kinds, its name and, for a partner, its joining."""
    html = client.get(path + ".html").get_data(as_text=True)
    return html.split('<article class="resource">')[1].split("</header>")[0]


def _kind_line(html: str) -> str:
    return Page(html.split('<p class="kind">')[1].split("</p>")[0]).text if '<p class="kind">' in html else ""


def test_every_kind_is_named_in_words_reused_classes_too(client, dataset):
    """Zhang Kejian's page said "foaf:Person" and Baku's "schema:City" where others say "country": one page
    of each class the data gives a resource, checked for a name in words."""
    pages = {}
    for q in quads(dataset):
        if q.predicate.value == RDF + "type" and q.subject.value.startswith("https://w3id.org/ilrs/id/"):
            pages.setdefault(q.object.value, q.subject.value)
    assert {"http://xmlns.com/foaf/0.1/Person", "https://schema.org/City"} <= set(pages) and len(pages) > 15
    for kind, subject in pages.items():
        line = _kind_line(client.get(subject.removeprefix("https://w3id.org/ilrs") + ".html").get_data(as_text=True))
        assert line and not re.search(r"\w:\w", line), (kind, subject, line)
    assert _kind_line(client.get("/id/person/zhang-kejian.html").get_data(as_text=True)) == "person"
    assert _kind_line(client.get("/id/place/baku.html").get_data(as_text=True)) == "city"


def test_kinds_the_sources_differ_on_stand_each_with_its_sources(client, dataset):
    """The CNSA–ABAE instrument's page said "joint statement, memorandum of understanding" where SpaceNews
    says the one and Space Wiki the other: checked against the quads, each kind not every source gives
    names its sources. Kinds are not judged to disagree: CNSA is a space agency and a publisher (a badge said
    "sources disagree" there, a second reading found), and the graph does not say which kinds exclude others."""
    stated: dict[str, dict[str, set[str]]] = {}
    for q in quads(dataset):
        if q.predicate.value == RDF + "type" and q.subject.value.startswith("https://w3id.org/ilrs/id/"):
            stated.setdefault(q.subject.value, {}).setdefault(q.object.value, set()).add(q.graph_name.value)
    differ = {s: kinds for s, kinds in stated.items() if len({frozenset(g) for g in kinds.values()}) > 1}
    agreements = {f"https://w3id.org/ilrs/id/agreement/{slug}" for slug in (
        "cnsa-abae-2023", "cnsa-roscosmos-joint-statement-2021", "cnsa-belarus-2023", "cnsa-suparco-2023")}
    assert agreements <= set(differ)
    for subject in [*differ, "https://w3id.org/ilrs/id/mission/change-6"]:
        html = client.get(subject.removeprefix("https://w3id.org/ilrs") + ".html").get_data(as_text=True)
        line = html.split('<p class="kind">')[1].split("</p>")[0]
        shown = sorted(sorted(re.findall(r'href="/id/source/([^"]+)"', cites or ""))
                       for cites in re.findall(r'</a>(?: \((<span class="cites">.*?</span>)\))?', line))
        kinds = stated[subject]
        typing = set().union(*kinds.values())
        expected = sorted(sorted(g.rsplit("/", 1)[1] for g in graphs) if graphs != typing else []
                          for graphs in kinds.values())
        assert shown == expected, (subject, shown, expected)
    for subject in stated:
        kinds = _kind_line(client.get(subject.removeprefix("https://w3id.org/ilrs") + ".html").get_data(as_text=True))
        assert "sources disagree" not in kinds, subject
    assert _kind_line(client.get("/id/mission/change-6.html").get_data(as_text=True)) == "mission"


def test_kinds_that_are_no_iri_are_shown_as_text_with_their_sources(tmp_path):
    """Unvalidated data may give a kind that is a literal or an RDF 1.2 triple term: the page showed a 500."""
    data = tmp_path / "odd-kinds.trig"
    data.write_text("""PREFIX ex: <http://example.org/>
        ex:one { <https://w3id.org/ilrs/id/thing/x> a ex:Gadget, "a gadget" . }
        ex:two { <https://w3id.org/ilrs/id/thing/x> a ex:Widget, <<( ex:s ex:p ex:o )>> . }""")
    answer = create_app(dataset=Dataset.open([data])).test_client().get("/id/thing/x.html")
    assert answer.status_code == 200
    line = _kind_line(answer.get_data(as_text=True))
    assert "a gadget ( <http://example.org/one> )" in line and "<<( <http://example.org/s>" in line


def _cited_in_order(html: str) -> tuple[list[list[str]], list[str]]:
    """The sources each fact's citation names, in the order it names them, and the page's list of sources."""
    cites = [re.findall(r'href="([^"]+)"', span) for span in re.findall(r'<span class="cites">(.*?)</span>', html)]
    listed = html.split('id="sources-title"')[1].split("</ul>")[0] if 'id="sources-title"' in html else ""
    return cites, re.findall(r'href="([^"]+)"', listed)


@pytest.mark.parametrize("url", ["/id/mission/change-8", "/id/mission/change-6", "/id/agreement/cnsa-abae-2023",
                                 "/id/country/pakistan", "/id/person/zhang-kejian"])
def test_each_facts_citations_are_in_the_order_of_the_pages_sources_newest_first(client, url):
    """Chang'e 8's planned 2028 cited CGTN 2023, People's Daily 2024, SpaceNews (undated), Li Guoping 2023…"""
    cites, listed = _cited_in_order(client.get(url + ".html").get_data(as_text=True))
    assert len(listed) >= 2 and any(len(c) >= 2 for c in cites)
    for cited in cites:
        assert cited == sorted(cited, key=listed.index), cited


@pytest.mark.parametrize("url, prop", [("/id/programme/ilrs", "partnerCount"), ("/id/mission/change-8", "plannedLaunchYear")])
def test_a_facts_values_come_newest_first_a_statement_by_its_own_date(client, dataset, url, prop):
    """The programme's page gave the partner counts officials stated in the order of their labels, then of
    their sources' dates, so DSEL's count of 8 May 2025 (its source, a programme, undated) sank below one
    of May 2023 (a reviewer). A value now comes by its own date where it is a statement (ilrs:statedOn),
    else by its newest source's (dcterms:issued), the newest first and the undated last."""
    html = client.get(url + ".html").get_data(as_text=True)
    fact = html.split(f'<a href="/ontology#{prop}">')[1].split("</div>")[0]
    values = fact.split('<li class="claim">')[1:] or fact.split("<dd>")[1:]
    issued = {q.subject.value: PartialDate.parse(q.object.value) for q in quads(dataset)
              if q.predicate.value == DCTERMS + "issued"}
    stated = {q.subject.value: PartialDate.parse(q.object.value) for q in quads(dataset)
              if q.predicate.value == ILRS + "statedOn"}
    whens = []
    for value in values:
        own = re.findall(r'<span class="value"><a href="(/id/[^"]+)"', value)
        first_cited = re.findall(r'href="(/id/source/[^"]+)"', value)[0]
        whens.append((own and stated.get("https://w3id.org/ilrs" + own[0]))
                     or issued.get("https://w3id.org/ilrs" + first_cited))
    assert len(whens) >= 2 and any(whens)
    order = [(0, -when.start.toordinal()) if when else (1, 0) for when in whens]
    assert order == sorted(order), whens
    if prop == "partnerCount":
        text = Page(fact).text
        assert text.index("Over 20 countries partnered with for the ILRS (DSEL, May 2025)") < text.index(
            "Negotiations with over 10 other countries and organisations (Wu Weiren, May 2023)")


def test_a_source_page_does_not_cite_itself_beside_each_fact(client):
    own = "/id/source/li-guoping-iac-2023-report"
    html = client.get(own + ".html").get_data(as_text=True)
    page = Page(html)
    cites, listed = _cited_in_order(html)
    assert own not in {href for cited in cites for href in cited} and own not in listed
    assert "begin with the date 10 October 2023. local copy" in page.text  # no "— Report on Li Guoping's…" after it
    assert ("published 10 October 2023 Who publisher citylife.capetown Elsewhere on the web web address "
            "https://citylife.capetown/jw/science/china-welcomes-global-collaboration-for-international-lunar-"
            "research-station/398332/ What this document states") in page.text
    # the facts shown without a source are the project's record, not the document's word of itself (a
    # reviewer: "it prints no title, publisher or URL", yet its name stood as its own word), said first
    assert page.text.index("What this page shows without naming a source is the project's record of this "
                           "document") < page.text.index("local copy")
    # another source's page still cites the sources it shows, itself left out
    assert "/id/source/spacenews-venezuela-2023" not in _cited_in_order(
        client.get("/id/source/spacenews-venezuela-2023.html").get_data(as_text=True))[1]


def test_a_missions_statuses_come_newest_first_the_latest_word_marked_as_on_the_home_page(client, dataset):
    """Chang'e 6's page listed completed, launched and planned with no date or mark. Each mission's statuses
    now come in the order of their newest sources (as the page's list of sources), and the one the
    competency question latest-mission-status gives (the home page's "latest status") is marked."""
    question = next(path for path in shipped.query_files() if path.stem == "latest-mission-status")
    expected = {row["missionLabel"].value: row["status"].value for row in dataset.select(question.read_text())}
    missions = {q.subject.value for q in quads(dataset) if q.predicate.value == ILRS + "missionStatus"}
    assert len(missions) >= 5
    for mission in missions:
        html = client.get(mission.removeprefix("https://w3id.org/ilrs") + ".html").get_data(as_text=True)
        name = Page(html.split("<h1>")[1].split("</h1>")[0]).text
        fact = html.split('<a href="/ontology#missionStatus">')[1].split("</div>")[0]
        statuses = [(Page(value).text, bool(mark), re.findall(r'href="([^"]+)"', cites))
                    for value, mark, cites in re.findall(r'<dd><span class="value">(.*?)</span>'
                                                         r'( <strong class="latest"[^>]*>[^<]*</strong>)?(.*?)</dd>', fact)]
        listed = _cited_in_order(html)[1]
        newest = [listed.index(cites[0]) for _, _, cites in statuses]
        assert newest == sorted(newest), (mission, statuses)
        # marked where there are several (a reviewer: "(the latest word)" beside a mission's only status)
        marked = [status for status, marked, _ in statuses if marked]
        assert marked == ([expected[name]] if name in expected and len(statuses) > 1 else []), (mission, statuses)
        if mission.endswith("/change-6"):
            assert [(status, marked) for status, marked, _ in statuses] == [
                ("completed", True), ("launched", False), ("planned", False)]
    assert "completed (the latest word) — TASS, 28 June 2024" in get(client, "/id/mission/change-6.html").text


def test_a_source_page_lists_what_it_states(client, dataset):
    page = get(client, "/id/source/spacenews-venezuela-2023.html")
    stated = next(h for h in page.links if h.startswith("/query?"))
    query = parse_qs(urlsplit(stated).query)["query"][0]
    count = sum(1 for q in quads(dataset) if q.graph_name.value.endswith("/source/spacenews-venezuela-2023"))
    assert f"the source of {count} facts" in page.text
    assert result_table.run(dataset, query).total_rows == count
    download = client.get(next(h for h in page.links if h.startswith("/store?")), headers={"Accept": BROWSER_ACCEPT})
    assert download.status_code == 200 and download.mimetype == "text/turtle"  # as labelled, not the RDF/XML browsers prefer
    stated_triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads(dataset)
                      if q.graph_name.value.endswith("/source/spacenews-venezuela-2023")}
    assert {q.triple for q in ox.parse(download.data, format=ox.RdfFormat.TURTLE)} == stated_triples


# --- the ontology documentation -------------------------------------------------------------------------

def test_the_ontology_documentation_covers_every_term_with_its_rules(client):
    page = get(client, "/ontology")
    ontology = rdflib.Graph().parse(shipped.ontology_file())
    shapes = rdflib.Graph().parse(shipped.shapes_file())
    terms = {s for s in ontology.subjects(rdflib.RDFS.isDefinedBy, rdflib.URIRef(ONTOLOGY))}
    assert len(terms) > 70
    for term in terms:
        local = str(term).removeprefix(ILRS)
        assert local in page.ids, local
        assert str(ontology.value(term, rdflib.RDFS.label)) in page.text
        definition = ontology.value(term, rdflib.SKOS.definition)
        assert definition is None or " ".join(str(definition).split()) in page.text
    messages = {" ".join(str(m).split()) for m in shapes.objects(None, SH.message)}
    placeholder = re.compile(r"\{[?$]\w+\}")  # pySHACL's, filled in a validation report: shown as a ‹name›
    shown = [re.compile("‹[a-z ]+›".join(map(re.escape, placeholder.split(m)))) for m in messages]
    missing = [pattern.pattern for pattern in shown if not pattern.search(page.text)]
    assert missing == [] and len(messages) > 50


def test_the_ontology_documentation_says_what_each_version_changed_oldest_first(client):
    """Each skos:changeNote a line of its own under "Versions", not run together with commas as the
    header's other values are."""
    html = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    notes = [" ".join(str(note).split()) for note in
             rdflib.Graph().parse(shipped.ontology_file()).objects(rdflib.URIRef(ONTOLOGY), rdflib.SKOS.changeNote)]
    listed = [" ".join(Page(item).text.split()) for item in re.findall(r"<li>(.*?)</li>",
              html.split('<ul class="changes">')[1].split("</ul>")[0], re.S)]
    assert listed == sorted(notes) and listed[0].startswith("1.0.0") and len(listed) >= 3


def test_the_ontology_documentation_names_the_placeholders_of_a_rules_message(client):
    """Not as pySHACL writes them ({?value}): people read the page, and only a report has the values."""
    page = get(client, "/ontology")
    assert "{?" not in page.text and "{$" not in page.text
    assert "ILRS instruments date from 2021 on: ‹value› is before the programme began." in page.text
    assert "The event ends (‹value›) before it starts (‹start›)." in page.text
    assert "‹this› and ‹other› both match the Wikidata item ‹value›" in page.text
    assert "outside the span of the mission's phase '‹phase label›' (‹span›)" in page.text


def test_each_terms_count_of_uses_links_to_a_query_listing_them(client, dataset):
    """A class's "N instances", a property's "N statements": the query behind the link runs as it is."""
    page = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    links = re.findall(r'<a href="(/query\?[^"]+)">(\d+) (instance|statement)s?</a>', page)
    assert len(links) > 70
    for href, count, kind in links:
        query = parse_qs(urlsplit(html.unescape(href)).query)["query"][0]
        assert result_table.run(dataset, query).total_rows == int(count), query  # one row each


def test_a_graph_without_the_ontology_has_no_ontology_document():
    client = create_app(dataset=Dataset.open([Path(__file__).parent / "fixtures" / "base.trig"])).test_client()
    for path in ("/ontology", "/ontology.ttl", "/ontology.html"):
        answer = client.get(path)
        assert answer.status_code == 404 and "holds no ontology" in answer.get_data(as_text=True), path


def test_a_property_shows_domain_range_alignment_rule_and_an_example(client):
    html = client.get("/ontology.html").get_data(as_text=True)
    entry = Page(html[html.index('id="plannedLaunchYear"'):html.index('id="sampleMassKg"')])
    assert "Domain mission" in entry.text and "Range" not in entry.text  # the datatype is a rule (OWL 2 has no gYear)
    assert "A planned launch year is an xsd:gYear" in entry.text
    assert "for example" in entry.text and any(h.startswith("/id/mission/") for h in entry.links)
    established = Page(html[html.index('id="establishedBy"'):html.index('id="partnerSince"')])
    assert "narrower than prov:wasInfluencedBy" in established.text and "Range instrument" in established.text


def test_a_propertys_example_is_its_use_by_the_first_subject_by_label(dataset):
    documentation = ontology_docs.documentation(dataset)
    properties = documentation.object_properties + documentation.datatype_properties
    assert len(properties) > 10
    for term in properties:
        first = dataset.select(f"""SELECT ?s ?o WHERE {{ ?s <{term.iri}> ?o ; <{RDFS}label> ?label }}
                                  ORDER BY ?label STR(?o) LIMIT 1""")
        if not first:
            assert term.examples == (), term.iri
            continue
        subject, value = first[0]["s"].value, first[0]["o"]
        (example,) = term.examples
        assert example.subject.iri == subject, term.iri
        assert (example.value.iri if isinstance(value, ox.NamedNode) else example.value) == value.value, term.iri


# --- the pages keep the Content-Security-Policy -------------------------------------------------------

PAGES = ["/", "/query", "/query?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 3"), "/query?query=SELEC",
         "/id/mission/change-6.html", "/id/source/spacenews-venezuela-2023.html", "/ontology.html", "/ontology/Mission.html"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_use_no_inline_script_or_style_and_only_their_own_assets(client, url):
    response = client.get(url, headers={"Accept": "text/html"}, follow_redirects=True)
    page = Page(response.get_data(as_text=True))
    assert page.inline_scripts == 0 and page.inline_styles == 0
    assert page.assets and all(asset.startswith("/static/") for asset in page.assets)
    for asset in page.assets:
        assert client.get(asset).status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_static_files_reach_nothing_outside_this_server():
    static = Path(__file__).resolve().parent.parent / "server" / "static"
    for path in static.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text.replace("http://www.w3.org/2000/svg", "")), path.name


def _contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two #rgb or #rrggbb colours."""
    def luminance(colour: str) -> float:
        colour = "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_focus_ring_network_lines_and_text_boxes_stand_out_3_to_1():
    """WCAG 2.2 (1.4.11): what shows focus, a picture's lines and a control's edge need 3:1 against
    what is beside them (the page, the panels, the soft background). The search boxes' edge was
    --line (#d8dde6), 1.4:1 on white."""
    css = (Path(__file__).parents[1] / "server" / "static" / "style.css").read_text()
    variables = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-f]{6}|#[0-9a-f]{3})\b", css))
    edge = re.search(r"svg\.network \.edges line \{ stroke: (#[0-9a-f]{6}); \}", css).group(1)
    boxes = [(rule, variables[colour]) for rule, colour in re.findall(
        r"^(\.editor|\.site-find input, \.find input) \{[^}]*border: 1px solid var\(--([\w-]+)\)", css, re.MULTILINE)]
    assert [rule for rule, _ in boxes] == [".site-find input, .find input", ".editor"]
    for name, colour in (("focus", variables["focus"]), ("network lines", edge), *boxes):
        for background in (variables["bg"], variables["panel"], variables["soft"]):
            assert _contrast(colour, background) >= 3, (name, colour, background)


def test_link_underlines_stand_out_3_to_1():
    """A link told apart by its underline alone needs the underline seen (WCAG 1.4.11, 3:1): a resource's
    fact names, ink like the text around them, were underlined in --line, 1.4:1 on the page."""
    css = (Path(__file__).parents[1] / "server" / "static" / "style.css").read_text()
    variables = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-f]{6}|#[0-9a-f]{3})\b", css))
    underlines = re.findall(r"^([^{}\n]+) \{[^}]*text-decoration-color: var\(--([\w-]+)\)", css, re.MULTILINE)
    assert ".fact dt a" in [rule for rule, _ in underlines]
    for rule, colour in underlines:
        for background in (variables["bg"], variables["panel"], variables["soft"]):
            assert _contrast(variables[colour], background) >= 3, (rule, colour, background)


def test_every_variable_the_stylesheet_defines_is_used():
    """A variable nothing uses sends a reader of the stylesheet looking for where it shows (--open, a colour, was one)."""
    css = (Path(__file__).parents[1] / "server" / "static" / "style.css").read_text()
    defined = re.findall(r"(--[\w-]+):", css.split("}", 1)[0])
    assert defined and [name for name in defined if f"var({name})" not in css] == []


def test_a_class_rules_each_say_which_property_they_check(client):
    """"A mass is a positive xsd:decimal number of kilograms." held for three properties of a mission,
    listed three times alike."""
    html = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    blocks = [block.split("</details>")[0] for block in html.split('<details class="rules"')[1:]]
    assert len(blocks) > 20
    for block in blocks:
        rules = [re.sub(r"<[^>]+>", "", rule) for rule in re.findall(r"<li>(.*?)</li>", block.split("<ul>", 2)[-1])]
        assert len(rules) == len(set(rules)), rules


def test_the_ontology_documentation_lists_rules_in_the_same_order_each_time(dataset):
    """Rules with the same message on one shape came in the order of their blank nodes, which each
    parse of the shapes names anew: two exports of the site differed in /ontology."""
    documents = []
    for _ in range(8):
        ontology_docs._shapes_store.cache_clear()  # the shapes parsed again, with new blank nodes
        documents.append(ontology_docs.documentation(dataset))
    assert all(document == documents[0] for document in documents)


def test_an_answers_downloads_are_named_after_its_example_else_ilrs_answer(client):
    example = next(e for e in examples.examples() if e.name == "instruments-by-kind")
    chosen = client.get("/query", query_string={"query": example.text}).get_data(as_text=True)
    assert 'download="instruments-by-kind.csv"' in chosen and 'download="instruments-by-kind.json"' in chosen
    typed = client.get("/query", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"}).get_data(as_text=True)
    assert 'download="ilrs-answer.csv"' in typed
    submitted = client.get("/query", query_string={"query": example.text.replace("\n", "\r\n")})  # the form's CRLF
    assert 'download="instruments-by-kind.csv"' in submitted.get_data(as_text=True)


def test_favicon_is_no_content_and_says_no_type(client):
    """Browsers ask for it on /void and the dumps; a 204 has no body, so no Content-Type either."""
    answer = client.get("/favicon.ico")
    assert answer.status_code == 204 and "Content-Type" not in answer.headers and answer.data == b""
