"""The front door in a real browser: Playwright driving Debian's Chromium against the real server.

Open the home page and see the counts and the three pictures; run an example on the query page and see
its rows; type a query with the keyboard, follow a result to a resource page and see its sources and its
conflicting claims; share a query's URL; see a parse error where it is. No page may break the
Content-Security-Policy, overflow a phone's width or fail axe-core's accessibility rules. Screenshots go
to test-artifacts/browser/ (and, with ILRS_README_SCREENSHOTS=1, to docs/screenshots/ for the README).

Skipped, saying why, where Chromium is not installed (`apt-get install chromium`; .ci/run does it). Playwright
and axe-core's checker are in the test extra: without them the tests fail, so that CI cannot pass without
running them.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright import sync_api

from ilrs_graph import examples, overview, result_table
from ilrs_graph.dataset import Dataset
from ilrs_graph.query import QueryError
from ilrs_server import charts

from .conftest import ROOT, counting_query
from .server_process import running_server

CHROMIUM = os.environ.get("ILRS_CHROMIUM", "/usr/bin/chromium")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: install it (apt-get install chromium) or set ILRS_CHROMIUM to run "
                "the browser tests", allow_module_level=True)

# Offline and quiet: without the background-networking flags Chromium's own connections are refused here.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
README_SHOTS = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SERVER_SAFE = "!$'()*,/:;?@"  # what werkzeug's url_for leaves unquoted in a query


@pytest.fixture(scope="module")
def server():
    with running_server() as base:
        yield base


@pytest.fixture(scope="module")
def dataset():
    return Dataset.open()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Chromium with a fresh profile; every console error and CSP violation it reports is kept."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_FLAGS, viewport=DESKTOP)
        context.problems = []
        context.on("page", lambda page: _watch(page, context.problems))
        yield context
        context.close()


def _watch(page, problems: list[str]) -> None:
    page.on("console", lambda message: problems.append(f"{page.url}: {message.text}")
            if message.type == "error" and "400 (BAD REQUEST)" not in message.text else None)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    page.close()
    assert browser.problems == [], browser.problems  # script errors, CSP violations, failed assets


def screenshot(page, name: str, *, readme: bool = False, readme_height: int = 1800) -> None:
    """The whole page as a test artifact; for the README, its first ``readme_height`` pixels."""
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if readme and os.environ.get("ILRS_README_SCREENSHOTS") == "1":
        README_SHOTS.mkdir(parents=True, exist_ok=True)
        height = min(page.evaluate("document.documentElement.scrollHeight"), readme_height)
        page.screenshot(path=str(README_SHOTS / f"{name}.png"), full_page=True,
                        clip={"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height})


def test_the_endpoints_and_the_descriptions_addresses_typed_in_show_a_page_not_a_download(page, server):
    """Chromium's own Accept header names application/signed-exchange;v=b3 and application/xml;q=0.9:
    /sparql still leads to the query page, and /void shows its Turtle instead of downloading RDF/XML."""
    page.goto(server + "sparql")
    assert page.url == server + "query" and page.locator("textarea").count() == 1
    shown = page.goto(server + "void")
    assert shown.headers["content-type"].startswith("text/turtle")
    assert "void:Dataset" in page.locator("body").inner_text()


def test_a_link_to_the_home_page_with_a_malformed_fragment_gives_no_script_error(page, server):
    """"#%" cannot be percent-decoded: the page shows as it is, nothing opened (the fixture fails on any
    script error, as decodeURIComponent's URIError was)."""
    page.goto(server + "#%")
    assert page.locator(".counts").is_visible() and page.locator("details[open]").count() == 0


def test_the_home_page_shows_the_counts_and_three_pictures(page, server, dataset):
    page.goto(server)
    counts = overview.counts(dataset)
    shown = dict(zip(page.locator(".counts dt").all_inner_texts(), page.locator(".counts dd").all_inner_texts()))
    assert shown == {"partners": f"{counts.partners:,}", "agreements and laws": f"{counts.instruments:,}",
                     "missions": f"{counts.missions:,}", "facts": f"{counts.facts:,}",
                     "source documents": f"{counts.sources:,}"}
    page.get_by_role("link", name=f"{counts.instruments} agreements and laws", exact=True).click()  # a number leads to what it counts
    assert page.url.endswith("#network-caption") and page.locator("#network-caption").is_visible()
    folded = page.locator("#network-caption").locator("xpath=..").locator("details")
    assert folded.evaluate("details => details.open")  # the list of what was counted opens
    rows = page.locator("#network-caption").locator("xpath=..").locator("table tbody tr")
    assert rows.count() == min(counts.instruments, overview.AGREEMENTS.most)  # the number clicked, found where it leads
    joinings = [j for j in overview.joinings(dataset) if j.since]
    network = overview.agreement_network(dataset)
    roadmap = overview.roadmap(dataset)
    for picture, marks in (("timeline", len(joinings)), ("network", len(network.parties)),
                           ("roadmap", len(roadmap.phases) + len([m for m in roadmap.missions if m.years]))):
        svg = page.locator(f".chart-scroll > svg.{picture}:visible")
        assert svg.is_visible()
        box = svg.bounding_box()
        assert box["width"] > 600 and box["height"] > 250, (picture, box)
        assert svg.locator("a.mark").count() == marks, picture
    assert page.locator("svg.network .edges line").count() > 15
    assert page.locator("svg.timeline:visible a.mark text").first.text_content() == f"{joinings[0].name} · {joinings[0].since}"
    page.mouse.move(0, 0)  # off the link clicked, which a picture's mark may now lie under: none shown hovered
    screenshot(page, "home", readme=True, readme_height=3400)


def test_an_example_runs_from_the_menu_and_shows_the_right_rows(page, server, dataset):
    example = next(e for e in examples.examples() if e.name == "joined-in-2023")
    page.goto(server + "query")
    page.get_by_role("link", name=example.title).click()
    page.wait_for_selector("table.results")
    expected = result_table.run(dataset, example.text)
    rows = page.locator("table.results tbody tr")
    assert rows.count() == expected.total_rows > 1  # the graph's answer, whatever partners the data adds
    shown = [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]
    assert [cells[0].replace(" @en", "") for cells in shown] == [row[0].value for row in expected.rows]
    copied = page.evaluate("""() => { const range = document.createRange();
        range.selectNodeContents(document.querySelector('table.results tbody'));
        getSelection().removeAllRanges(); getSelection().addRange(range); return getSelection().toString(); }""")
    assert expected.rows[0][0].value in copied and "@en" not in copied  # the tag is shown, not copied into a report
    assert expected.rows[0][0].value + " " not in copied  # nor the space before it
    summary = page.locator(".run-summary").inner_text()
    assert re.search(rf"^{expected.total_rows} rows in \d+(\.\d)? ms", summary), summary
    assert page.input_value("textarea#query") == example.text
    assert example.question in page.locator(".chosen").inner_text()
    screenshot(page, "query-example")
    with page.expect_download() as downloading:  # named after the example, not one name for every answer
        page.get_by_role("link", name="CSV").click()
    assert downloading.value.suggested_filename == "joined-in-2023.csv"
    with open(downloading.value.path(), encoding="utf-8") as downloaded:
        assert downloaded.readline().strip() == "name,joined"


def test_a_long_answers_column_headers_stay_in_view(page, server):
    page.goto(server + "query?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 300"))
    box = page.locator(".answer .table-scroll")
    box.evaluate("element => { element.scrollTop = 3000; }")
    page.wait_for_timeout(100)
    header = page.locator(".answer thead th").first.bounding_box()
    assert box.evaluate("element => element.scrollTop") > 1000  # it did scroll
    assert abs(header["y"] - box.bounding_box()["y"]) < 3, header


def test_a_long_unbreakable_value_wraps_in_its_cell_and_every_column_starts_in_view(page, server):
    """The quads' objects include GitHub URL literals of a hundred characters without a space."""
    page.goto(server + "query?query=" + quote("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"))
    page.wait_for_selector("table.results")
    long_value = page.locator("table.results td", has_text="European_Space_Agency.md").first.bounding_box()
    assert long_value["x"] + long_value["width"] <= DESKTOP["width"], long_value
    lefts = page.locator("table.results thead th").evaluate_all("cells => cells.map(c => c.getBoundingClientRect().left)")
    assert len(lefts) == 4 and all(0 <= left < DESKTOP["width"] for left in lefts), lefts


def test_a_date_in_a_narrow_column_stays_on_one_line(page, server):
    """At 375 px Chromium broke "2021-06-16" after its hyphen in 'Programme documents' ("2021-06-" over "16")."""
    example = next(e for e in examples.examples() if e.name == "programme-documents")
    page.set_viewport_size(PHONE)
    page.goto(server + "query?query=" + quote(example.text))
    page.wait_for_selector("table.results")
    dates = page.locator("table.results td .date")
    assert dates.count() >= 2
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('table.results td')).lineHeight)")
    assert all(box["height"] < 1.5 * line for box in (dates.nth(i).bounding_box() for i in range(dates.count())))


def test_a_typed_query_runs_with_the_keyboard_and_leads_to_a_page_with_its_sources(page, server):
    page.goto(server + "query")
    editor = page.locator("textarea#query")
    editor.fill("")
    editor.focus()
    page.keyboard.type("SELECT ?mission ?name WHERE { ?mission a ilrs:Mission ; rdfs:label ?name } ORDER BY ?name")
    text = page.input_value("textarea#query")
    assert text.startswith("PREFIX ilrs: <https://w3id.org/ilrs/ontology/>\nPREFIX rdfs: <")  # declared as typed
    assert page.locator(".editor pre .tok-keyword").first.inner_text() == "PREFIX"       # highlighted
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("table.results")
    assert page.locator("table.results tbody tr").count() >= 10
    screenshot(page, "query", readme=True)

    page.get_by_role("link", name="mission:change-6").click()
    page.wait_for_selector("h1")
    assert page.url.endswith("/id/mission/change-6.html")
    assert page.locator("h1").inner_text() == "Chang'e 6"
    disputed = page.locator(".fact.disputed", has_text="planned launch year")
    claims = disputed.locator("li.claim")
    assert claims.count() == 2
    assert claims.nth(0).locator(".value").inner_text() == "2024" and "CGTN" in claims.nth(0).inner_text()
    assert claims.nth(1).locator(".value").inner_text() == "2026" and "citylife.capetown" in claims.nth(1).inner_text()
    left, right = claims.nth(0).bounding_box(), claims.nth(1).bounding_box()
    assert abs(left["y"] - right["y"]) < 2 and right["x"] > left["x"] + left["width"]  # side by side
    launch = page.locator(".fact", has_text="launch date").first
    assert "3 May 2024" in launch.inner_text() and "Chronicle India" in launch.inner_text()
    sources = page.locator("section.cited li")
    assert sources.count() >= 5
    sources.filter(has_text="TASS").locator("a").click()
    assert page.locator("h1").inner_text().startswith("China's Chang'e 6 probe brings")
    assert re.search(r"source of \d+ facts", page.locator("main").inner_text())
    page.go_back()
    screenshot(page, "resource", readme=True)


def test_the_sources_disagree_badge_reads_as_a_note_apart_from_the_label_it_follows(page, server):
    """Read as text (a screen reader, innerText, a copy), "planned launch year" and its badge ran together
    into "planned launch year sources disagree", and Pakistan's last source into "…11 May 2023 sources
    disagree". The badge is set off in brackets that only text shows: a sighted reader sees the badge as
    before, with no bracket in the box."""
    page.goto(f"{server}/id/mission/change-6.html")
    term = page.locator(".fact.disputed dt", has_text="planned launch year")
    assert term.inner_text() == "planned launch year (sources disagree)"
    assert "strong: (sources disagree)" in term.aria_snapshot()  # what a screen reader is given
    page.goto(f"{server}/id/country/pakistan.html")
    line = page.locator("header p", has_text="partner since").inner_text()
    assert "11 May 2023 (sources disagree): a source names it a partner" in line
    # as wide as a badge of the bare words: no bracket shows
    widths = page.locator("header .badge").evaluate("""badge => {
        const bare = badge.cloneNode(); bare.textContent = "sources disagree"; badge.after(bare);
        return [badge.getBoundingClientRect().width, bare.getBoundingClientRect().width]; }""")
    assert abs(widths[0] - widths[1]) < 1, widths


def test_a_screen_reader_hears_the_arrow_that_linked_from_explains(page, server):
    """Read with a screen reader, "Linked from" on the China–Russia agreement gave "ratifies: Russian federal
    law ratifying the ILRS agreement…", as if the agreement ratified the law: the arrow that marks the link
    as pointing here was hidden from it (aria-hidden), while the line above explains the lines by that arrow
    ("“← ratifies …” means that the page of … gives …"). Each line's term is read as the line explains it."""
    page.goto(f"{server}/id/agreement/china-russia-ilrs-agreement-2022.html")
    section = page.get_by_role("region", name="Linked from")
    explained = re.search(r"“(← \S+)", section.locator("p").first.inner_text()).group(1)
    term = section.get_by_role("term").first
    assert explained == "← ratifies" and term.inner_text().strip() == explained
    assert re.search(r"text: ←\s*\n\s*- link \"ratifies\"", term.aria_snapshot()), term.aria_snapshot()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_researcher_follows_an_undated_citation_to_its_source_and_copies_its_whole_citation(page, server, viewport):
    """Beside Pakistan's joining stood a bare title, whose report no one could tell; the source's page gave
    its title, publisher and address in four places and its language as "zh"-like codes. Now the citation
    beside the fact names the publisher, and the source's page gives one line to copy, selected whole by a
    triple click, and names the language in words."""
    page.set_viewport_size(viewport)
    page.goto(server + "id/country/pakistan.html")
    page.get_by_role("link", name="Islamabad Scene, Pakistan joins China's International Lunar Research Station program").first.click()
    page.wait_for_url(re.compile(r"/id/source/islamabad-scene-2023(\.html)?$"))
    citation = page.locator("p.citation")
    citation.click(click_count=3, position={"x": 2, "y": 2})  # its first word, not its link
    assert page.evaluate("getSelection().toString().trim()") == (
        "Islamabad Scene. “Pakistan joins China’s International Lunar Research Station program.” n.d. "
        "https://www.islamabadscene.com/pakistan-joins-chinas-international-lunar-research-station-program/")
    page.goto(server + "id/source/ria-2025-12-24.html")
    assert page.locator(".fact", has_text="language").locator("dd").inner_text() == "Russian"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


# Where the text of an element is cut onto a new line: the characters each line ends with, but the last.
LINE_ENDS = """(element) => { const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT), seen = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode())
    for (let i = 0; i < node.length; i++) { const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0]; if (rect) seen.push([node.data[i], Math.round(rect.top)]); }
  return seen.filter((character, i) => i + 1 < seen.length && seen[i + 1][1] > character[1]).map(character => character[0]); }"""


@pytest.mark.parametrize("path", ["id/country/pakistan", "id/source/xinhua-line-today-ilrs-developers"])
def test_on_a_phone_a_pages_iri_wraps_after_a_slash_never_inside_a_word(page, server, path):
    """At 375 px Pakistan's IRI read "…/country/pakista" over "n", which a reader copying it by hand took for
    a typo: it wraps at its slashes (a slug wider than a line, at its hyphens), never inside a word."""
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(server + path + ".html")
    iri = page.locator("p.iri code")
    assert iri.inner_text() == "https://w3id.org/ilrs/" + path  # copied whole, as written
    ends = iri.evaluate(LINE_ENDS)
    assert ends and set(ends) <= {"/", "-"}, ends  # where a slug is wider than the line, at a hyphen of its own


def test_only_the_graphs_prefixes_are_declared_as_typed(page, server):
    """The prefixes were looked up in a parsed JSON object, whose inherited names ("toString",
    "constructor") were taken for the graph's: typing one declared PREFIX toString: <function toString()
    { [native code] }> (a reader's review)."""
    page.goto(server + "query")
    editor = page.locator("textarea#query")
    editor.fill("")
    editor.focus()
    page.keyboard.type("SELECT * WHERE { ?s toString:x ?o ; constructor:y ilrs:z }")
    declared = page.input_value("textarea#query").split("SELECT")[0]
    assert declared == "PREFIX ilrs: <https://w3id.org/ilrs/ontology/>\n", declared


def test_a_shared_query_url_opens_the_same_query_and_answer(page, browser, server):
    page.goto(server + "query")
    page.locator("textarea#query").fill(
        "PREFIX ilrs: <https://w3id.org/ilrs/ontology/>\nSELECT ?phase WHERE { ?phase a ilrs:Phase } ORDER BY ?phase")
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector("table.results")
    shared = page.url
    assert "query=" in shared
    rows = page.locator("table.results tbody").inner_text()
    other = browser.new_page()
    other.goto(shared)
    assert other.input_value("textarea#query") == page.input_value("textarea#query")
    assert other.locator("table.results tbody").inner_text() == rows
    assert other.locator("table.results tbody tr").count() == 6
    other.close()


@pytest.mark.parametrize("characters", [6_000, 20_000])
def test_a_query_too_long_for_a_link_runs_from_the_page_and_its_answer_downloads(page, server, characters):
    """Its URL would pass gunicorn's 8,190 bytes (a 414): the form is POSTed and answered with the page,
    whose address is /query alone and which says so; the downloads are POSTed too."""
    text, count = counting_query(characters)
    page.goto(server + "query")
    # pasted: one edit, one input event (Playwright's fill enters a line at a time, an input event each:
    # 20,000 characters took it 45 s of the editor drawing every line again)
    page.evaluate("text => { const editor = document.getElementById('query'); editor.select(); "
                  "document.execCommand('insertText', false, text); }", text)
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector("table.results")
    assert page.url == server + "query"
    assert page.locator("table.results tbody td").inner_text() == str(count)
    assert page.input_value("textarea#query") == text
    assert f"too long for a link ({characters:,} characters)" in page.locator("#not-a-link").inner_text()
    for name, lines in (("CSV", ["n", str(count)]), ("JSON", None)):  # Chromium shows JSON sent to a form
        with page.expect_download() as download:
            page.get_by_role("button", name=name).click()
        assert download.value.suggested_filename == f"ilrs-answer.{name.lower()}"
        saved = Path(download.value.path()).read_text()
        if lines:
            assert saved.splitlines() == lines
        else:
            assert json.loads(saved)["results"]["bindings"][0]["n"]["value"] == str(count)
    assert page.url == server + "query" and page.locator("table.results").count() == 1  # still on the page
    screenshot(page, f"query-long-{characters}")


def test_a_query_whose_link_fits_only_as_the_server_writes_it_runs_from_the_page(page, server):
    """url_for leaves an apostrophe as it is; Chromium sends it as %27, as the URL standard has it in a query,
    two bytes more each. A query whose download link was 8,190 bytes as written was sent on to its link,
    which Chromium then sent 400 bytes longer: gunicorn's 414, not the answer."""
    values = "'a' " * 100  # 100 rows
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?x {{ {values}}} }} #"
    as_written = len(f"GET /sparql?{urlencode({'query': text, 'format': 'jsonld'}, safe=SERVER_SAFE)} HTTP/1.1")
    text += "b" * (8_190 - as_written)  # the download's link exactly as long as gunicorn reads, as written
    page.goto(server + "query")
    page.evaluate("text => { const editor = document.getElementById('query'); editor.select(); "
                  "document.execCommand('insertText', false, text); }", text)
    statuses = []
    page.on("response", lambda response: statuses.append(response.status))
    page.get_by_role("button", name="Run").click()
    page.wait_for_load_state()
    assert 414 not in statuses and page.locator("table.results tbody td").inner_text() == "100"
    assert page.url == server + "query" and page.locator("#not-a-link").count() == 1  # the page answers the POST


def test_a_short_query_runs_without_javascript_and_keeps_its_link(page, browser, server):
    """With scripts off (Chromium's own switch) the form still runs a query, and a short one's address is its link."""
    browser.new_cdp_session(page).send("Emulation.setScriptExecutionDisabled", {"value": True})
    page.goto(server + "query")
    assert page.locator(".editor.enhanced").count() == 0  # editor.js did not run
    text = "PREFIX ilrs: <https://w3id.org/ilrs/ontology/>\nSELECT ?phase WHERE { ?phase a ilrs:Phase } ORDER BY ?phase"
    page.locator("textarea#query").fill(text)
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector("table.results")
    assert page.url.startswith(server + "query?")
    assert parse_qs(urlsplit(page.url).query) == {"query": [text.replace("\n", "\r\n")]}  # as a form sends lines
    assert page.locator("table.results tbody tr").count() == 6
    assert page.locator("#not-a-link").count() == 0
    assert page.get_by_role("link", name="CSV").get_attribute("href").startswith("/sparql?query=")


def test_a_parse_error_is_shown_at_its_position(page, server, dataset):
    text = "SELECT ?s WHERE {\n  ?s ?p ?o .\n  BIND (1 AS 2)\n}"
    with pytest.raises(QueryError) as raised:
        result_table.run(dataset, text)
    line, column = raised.value.line, raised.value.column
    assert line == 3
    page.goto(server + "query")
    page.locator("textarea#query").fill(text)
    page.locator("textarea#query").press("Control+Enter")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert f"Line {line}, column {column}" in alert.inner_text()
    assert alert.locator("pre").inner_text().splitlines() == ["  BIND (1 AS 2)", " " * (column - 1) + "^"]
    offset = len("SELECT ?s WHERE {\n  ?s ?p ?o .\n") + column - 1
    assert page.locator(".editor .error-mark").inner_text() == text[offset] == "2"  # marked in the editor
    assert page.evaluate("document.activeElement.id") == "query"                 # with the caret there
    assert page.evaluate("document.getElementById('query').selectionStart") == offset
    screenshot(page, "parse-error")


def test_a_query_opened_from_its_url_keeps_its_leading_blank_lines(page, server, dataset):
    # An HTML parser drops one newline right after <textarea>: the editor held one line fewer than the
    # query the server read, and a parse error was marked a line off.
    text = "\n\nSELECT ?s WHERE {\n  BIND (1 AS 2)\n}"
    with pytest.raises(QueryError) as raised:
        result_table.run(dataset, text)
    assert raised.value.line == 4
    page.goto(server + "query?query=" + quote(text))
    assert page.input_value("textarea#query") == text
    assert f"Line 4, column {raised.value.column}" in page.get_by_role("alert").inner_text()
    assert page.locator(".editor .error-mark").inner_text() == "2"


# Where each line of the highlighting layer starts, as offsets into the query: the first character drawn
# lower than the one before it begins a line.
HIGHLIGHT_LINE_STARTS = """() => {
  const starts = [0];
  const walker = document.createTreeWalker(document.querySelector(".editor pre code"), NodeFilter.SHOW_TEXT);
  const length = document.getElementById("query").value.length;
  let offset = 0, lastTop = null;
  for (let node = walker.nextNode(); node && offset < length; node = walker.nextNode()) {
    for (let index = 0; index < node.data.length && offset < length; index++, offset++) {
      const range = document.createRange();
      range.setStart(node, index);
      range.setEnd(node, index + 1);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      if (lastTop !== null && rect.top > lastTop + 1) starts.push(offset);
      lastTop = rect.top;
    }
  }
  return starts;
}"""


def textarea_line_starts(page) -> list[int]:
    """Where each line the textarea itself draws starts: Home goes to the start of the line as wrapped."""
    page.evaluate("document.getElementById('query').focus(); document.getElementById('query').setSelectionRange(0, 0)")
    starts = []
    while True:
        page.keyboard.press("Home")
        start = page.evaluate("document.getElementById('query').selectionStart")
        if starts and start == starts[-1]:
            return starts
        starts.append(start)
        page.keyboard.press("ArrowDown")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_highlighting_wraps_the_query_where_the_textarea_does(page, server, width):
    # One long line: variables, IRIs, a long string, and a comment with marks the monospace font lacks
    # (a fallback font draws them, in other widths if the comment's face differed from the textarea's).
    line = ('SELECT ?mission ?launchYear ?name WHERE { ?mission a ilrs:Mission ; rdfs:label ?name ; '
            '<https://w3id.org/ilrs/ontology/plannedLaunchYear> ?launchYear . '
            'FILTER (CONTAINS(LCASE(STR(?name)), "a long string that runs on past the edge of the box")) } '
            'ORDER BY ?launchYear ?name '
            '# ✓ checked ★ missions with a planned year ✓✓ and a name ★★ so ✓ it ★ wraps ✓ more ★ than once ✓★✓★')
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server + "query")
    page.locator("textarea#query").fill(line)
    highlighted = page.evaluate(HIGHLIGHT_LINE_STARTS)
    assert len(highlighted) > 4, highlighted  # the line does wrap
    assert highlighted == textarea_line_starts(page)


def test_pages_fit_a_phone_and_the_pictures_scroll_inside_them(page, server):
    page.set_viewport_size(PHONE)
    for path in ("", "query", "id/mission/change-6.html", "ontology", "search?q=cnsa"):
        page.goto(server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    page.goto(server)
    region = page.locator(".chart-scroll").first
    assert page.evaluate("(el) => el.scrollWidth > el.clientWidth", region.element_handle())
    screenshot(page, "home-phone")


def test_the_partners_table_is_three_columns_on_a_desktop_and_a_card_a_partner_on_a_phone(page, server, dataset):
    """Every partner, its kind and each source's word on its joining: on a phone three columns left the
    dates a word wide in a box scrolled sideways, so there each partner's name, kind and sources stand one
    under the other, as Datasette shows rows; a table with its headers to a screen reader at both widths."""
    partners = overview.joinings(dataset)
    page.goto(server)
    page.locator("summary", has_text="partners: their kinds").click()
    table = page.get_by_role("table", name=re.compile("partners: their kinds"))
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert table.get_by_role("rowheader").count() == len(partners) and table.get_by_role("columnheader").count() == 3
        first = table.get_by_role("row").nth(1)
        name, kind = first.get_by_role("rowheader").bounding_box(), first.get_by_role("cell").first.bounding_box()
        assert (kind["x"] >= name["x"] + name["width"] - 1) == (width == 1280), width  # beside it, or under it
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert table.locator("xpath=..").evaluate("box => box.scrollWidth <= box.clientWidth"), width
        table.locator("xpath=..").screenshot(path=str(ARTIFACTS / f"partners-{width}.png"))


@pytest.mark.parametrize("width", [1280, 375])
def test_every_date_in_the_home_pages_tables_stands_on_one_line(page, server, width):
    """The sources' "Published" column, the agreements' "Signed": "13 April" over "2026" on a desktop."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    dates = page.locator("main table time")
    assert dates.count() > 100
    broken = page.evaluate("""() => [...document.querySelectorAll('main table time')]
        .filter(time => time.getClientRects().length > 1).map(time => time.textContent)""")
    assert broken == []


def test_a_copy_in_the_partners_table_is_cited_as_whose_report_it_is_and_leads_to_the_copy(page, server):
    """gudianfeng.com's repost of Xinhua alone dates the African Business Alliance's joining: the reader sees
    Xinhua, where it was read, and reaches the copy's page, which links to the report it reproduces."""
    page.goto(server)
    page.locator("summary", has_text="partners: their kinds").click()
    row = page.get_by_role("table", name=re.compile("partners: their kinds")).get_by_role(
        "row", name=re.compile("^African Business Alliance"))
    row.get_by_role("link", name="Xinhua (copy at gudianfeng.com), 5 September 2024").click()
    page.wait_for_url(re.compile(r"/id/source/xinhua-zh-2024-09-05(\.html)?$"))
    # the first: the copy's facts name the report, and the list of what its facts are about does too
    page.get_by_role("link", name="The Xinhua report gudianfeng.com carried on 5 September 2024").first.click()
    page.wait_for_url(re.compile(r"/id/report/xinhua-zh-2024-09-05(\.html)?$"))
    assert page.get_by_role("link", name="Xinhua", exact=True).count() >= 1


def test_the_roadmaps_row_names_stay_in_view_while_it_scrolls_sideways(page, server):
    """At 375 px the roadmap's names (its first column) scrolled away with the picture: a reader scrolled
    to 2040 saw bars without knowing whose. They stay at the box's left, over what scrolls under them,
    and still lead to their pages."""
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(server)
    box = page.get_by_role("region", name=re.compile("^The roadmap"))
    name = page.locator("svg.roadmap a.mark.mission text.name").first
    shape = page.locator("svg.roadmap a.mark.mission circle").first
    def seen(locator) -> tuple[float, float]:  # where it is, from the box's left edge; how much of it shows
        return locator.evaluate("""(element) => { const box = element.closest('.chart-scroll').getBoundingClientRect();
            const its = element.getBoundingClientRect();
            return [its.left - box.left, Math.min(its.right, box.right) - Math.max(its.left, box.left)]; }""")
    name.scroll_into_view_if_needed()
    at_rest, shape_at_rest = seen(name), seen(shape)
    box.evaluate("box => box.scrollLeft = box.scrollWidth")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    scrolled = box.evaluate("box => box.scrollLeft")
    assert scrolled > 400
    assert seen(shape)[0] == pytest.approx(shape_at_rest[0] - scrolled, abs=1)  # the picture did scroll
    assert seen(name) == pytest.approx(at_rest, abs=1)  # its name did not
    # in front: what is drawn at the name's middle is the name, not a bar or a line under it
    middle = name.evaluate("(n) => { const r = n.getBoundingClientRect(); const e = document.elementFromPoint("
                           "r.left + r.width / 2, r.top + r.height / 2); return e.closest('a') === n.closest('a'); }")
    assert middle
    box.screenshot(path=str(ARTIFACTS / "roadmap-phone-scrolled.png"))
    href = name.evaluate("(n) => n.closest('a').getAttribute('href')")
    name.click()
    page.wait_for_url(re.compile(re.escape(href) + r"(\.html)?$"))


def test_a_name_typed_in_the_headers_box_leads_to_its_page(page, server):
    page.goto(server + "ontology")
    page.get_by_role("searchbox", name="Find by name").fill("chang’e-7")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.locator("#find-text").input_value() == "chang’e-7"
    page.get_by_role("link", name="Chang'e 7", exact=True).click()
    page.wait_for_url(re.compile(r"/id/mission/change-7\.html$"))
    assert page.locator("h1").inner_text().strip() == "Chang'e 7"


PICTURE_BOXES = ["timeline-heading", "network-heading", "roadmap-heading"]  # each named by its caption's heading
FOLDED_TABLES = ["Partners and when each source says they joined", "Agreements and their parties", "Phases and missions",
                 "Source documents"]


def scrolling_and_tab_stops(page, width: int, boxes: str) -> tuple[list[str], list[str]]:
    """At ``width``: the names of the ``boxes`` whose content overflows them, and of those that are tab stops."""
    page.set_viewport_size({"width": width, "height": 900})
    # Two frames: the size observers of the first have been told by the second.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    name = "box.getAttribute('aria-labelledby') || box.getAttribute('aria-label')"
    found = page.locator(boxes)
    return (found.evaluate_all("boxes => boxes.filter(box => box.scrollWidth > box.clientWidth || "
                               f"box.scrollHeight > box.clientHeight).map(box => {name})"),
            found.evaluate_all(f"boxes => boxes.filter(box => box.tabIndex === 0).map(box => {name})"))


def test_a_pictures_box_is_a_tab_stop_only_while_the_picture_overflows_it(page, server):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(server)
    assert scrolling_and_tab_stops(page, 375, ".chart-scroll") == (PICTURE_BOXES, PICTURE_BOXES)
    assert scrolling_and_tab_stops(page, 1280, ".chart-scroll") == ([], [])  # the whole pictures show
    assert scrolling_and_tab_stops(page, 375, ".chart-scroll") == (PICTURE_BOXES, PICTURE_BOXES)
    for caption in ("Partners joining the ILRS", "Who signed with whom", "The roadmap: phases and missions"):
        assert page.get_by_role("region", name=caption).count() == 1, caption  # a named region at any width


def test_a_pictures_box_is_named_by_its_heading_and_described_by_the_rest_of_its_caption(page, server):
    """Named by the whole caption, a screen reader read its paragraph each time focus entered the box."""
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(server)
    for box in page.locator(".chart-scroll").all():
        figure = box.locator("xpath=ancestor::figure")
        heading, paragraph = figure.locator("figcaption h3"), figure.locator("figcaption p")
        for named in (box, figure):
            name = named.evaluate("e => e.getAttribute('aria-labelledby')")
            assert name == heading.get_attribute("id") and named.get_attribute("aria-describedby") == paragraph.get_attribute("id")
        assert page.get_by_role("region", name=heading.inner_text(), exact=True).count() == 1


@pytest.mark.parametrize("width", [375, 960, 1024, 1280])
def test_a_picture_scrolls_sideways_only_where_its_hint_says_so(page, server, width):
    """Between about 900 and 1050 px the network, drawn at its own size, overflowed its box with no hint,
    as the timeline and the roadmap did between 900 and 975 px. The network is scaled down to its box
    (its labels to 80% at least); a picture still wider than its box scrolls, with the hint above it (the
    network then at its own size)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server)
    for figure in page.locator("figure.chart:has(.chart-scroll)").all():
        box, hint = figure.locator(".chart-scroll"), figure.locator(".scroll-hint")
        overflows = box.evaluate("box => box.scrollWidth > box.clientWidth")
        assert overflows == hint.is_visible(), (figure.locator("h3").inner_text(), overflows)
    shown = page.locator("svg.network").bounding_box()["width"] / page.evaluate(
        "document.querySelector('svg.network').viewBox.baseVal.width")
    assert shown >= 0.8 - 0.001  # its labels at 80% of their size at least


# The timeline drawn (of its two drawings, the one shown) and each of its labels as the box shows it without
# scrolling: its words, whether it shows whole in the box (or reaches out of what the box shows), its screen
# box and its mark's.
TIMELINE_LABELS = """() => { const svg = [...document.querySelectorAll('svg.timeline')].filter(svg => svg.checkVisibility());
  if (svg.length !== 1) throw new Error(svg.length + ' timelines shown');
  const box = svg[0].parentElement.getBoundingClientRect(), drawn = svg[0].getBoundingClientRect();
  return {height: drawn.height, labels: [...svg[0].querySelectorAll('a.mark')].map(mark => {
    const seen = mark.querySelector('text').getBoundingClientRect(), shape = mark.querySelector('circle, rect').getBoundingClientRect();
    return {words: mark.querySelector('text').textContent, inside: box.left <= seen.left && seen.right <= box.right,
            seen: [seen.left, seen.top, seen.right, seen.bottom], mark: [shape.left, shape.top, shape.right, shape.bottom]}; })}; }"""


@pytest.mark.parametrize("width", [375, 700, 960, 1024, 1280])
def test_every_partners_name_and_date_on_the_timeline_shows_whole_before_any_scrolling(page, server, dataset, width):
    """At 375 px the box showed the picture's first 315 px, mostly empty: most partners joined late, their
    labels beside their marks far to the right. Where the box shows only part of the picture, the labels
    stand in a column at its left; at any width, each shows whole in view, apart from the others."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server)
    labels = page.evaluate(TIMELINE_LABELS)["labels"]
    assert [label["words"] for label in labels] == [f"{j.name} · {j.since}" for j in overview.joinings(dataset) if j.since]
    assert [label["words"] for label in labels if not label["inside"]] == []
    assert overlapping(labels, "seen") == []
    if width == 375:
        assert all(label["seen"][2] < label["mark"][0] for label in labels)  # in the column, left of their marks
        page.locator(".chart-scroll:has(> svg.timeline)").screenshot(path=str(ARTIFACTS / "timeline-375.png"))


def test_on_a_phone_the_timelines_names_stay_beside_their_rows_while_it_scrolls_to_their_marks(page, server, dataset):
    """At 375 px the names stood in a column at the picture's left and scrolled away with it: scrolled to the
    marks (most partners joined late, at its right), a reader saw dots without knowing whose. As the
    roadmap's, the names stay at the box's left, in front of what scrolls under them, each in its mark's
    row, leaving half the box to the marks; and they still lead to their pages."""
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(server)
    box = page.locator(".chart-scroll:has(> svg.timeline)")
    at_rest = page.evaluate(TIMELINE_LABELS)["labels"]
    box.scroll_into_view_if_needed()
    box.evaluate("box => box.scrollLeft = box.scrollWidth")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    scrolled = box.evaluate("box => box.scrollLeft")
    assert scrolled > 400
    shown = page.evaluate(TIMELINE_LABELS)["labels"]
    assert [label["words"] for label in shown] == [f"{j.name} · {j.since}" for j in overview.joinings(dataset) if j.since]
    assert [label["words"] for label in shown if not label["inside"]] == []  # every name still in view
    for before, after in zip(at_rest, shown):
        assert after["mark"][0] == pytest.approx(before["mark"][0] - scrolled, abs=1)  # the marks did scroll
        assert after["seen"][0] == pytest.approx(before["seen"][0], abs=1)  # the names did not
        assert after["seen"][1] < (after["mark"][1] + after["mark"][3]) / 2 < after["seen"][3]  # each in its mark's row
    visible = box.evaluate("box => { const r = box.getBoundingClientRect(); return [r.left + box.clientLeft, r.left + box.clientLeft + box.clientWidth]; }")
    assert max(label["seen"][2] for label in shown) - visible[0] <= (visible[1] - visible[0]) / 2  # half the box for the marks
    # in front: what is drawn at a name's middle is its own link, not a mark or a line scrolled under it
    name = page.locator("svg.timeline.column a.mark text").last
    name.evaluate("(n) => window.scrollBy(0, n.getBoundingClientRect().top - 200)")  # in the window, the box left as scrolled
    assert box.evaluate("box => box.scrollLeft") == scrolled
    assert name.evaluate("(n) => { const r = n.getBoundingClientRect(); const e = document.elementFromPoint("
                         "r.left + r.width / 2, r.top + r.height / 2); return e.closest('a') === n.closest('a'); }")
    box.screenshot(path=str(ARTIFACTS / "timeline-375-scrolled.png"))
    href = name.evaluate("(n) => n.closest('a').getAttribute('href')")
    name.click()
    page.wait_for_url(re.compile(re.escape(href) + r"(\.html)?$"))


def test_on_a_desktop_each_timeline_label_stands_beside_its_mark_on_one_line(page, server, dataset):
    """In the phone's column, on a desktop the labels stood up to 500 px from their marks, 15 of them wrapped
    onto two lines, the picture 942 px tall: where the whole picture shows, each label is beside its mark."""
    page.set_viewport_size(DESKTOP)
    page.goto(server)
    drawn = page.evaluate(TIMELINE_LABELS)
    # from the mark to the label, on the label's side: over the mark below 0
    gaps = {label["words"]: max(label["mark"][0] - label["seen"][2], label["seen"][0] - label["mark"][2])
            for label in drawn["labels"]}
    assert {words: gap for words, gap in gaps.items() if not 0 <= gap <= 12} == {}
    assert all(label["seen"][1] < (label["mark"][1] + label["mark"][3]) / 2 < label["seen"][3] for label in drawn["labels"])
    assert [label["words"] for label in drawn["labels"] if label["seen"][3] - label["seen"][1] > 20] == []  # one line each
    assert drawn["height"] == pytest.approx(charts.AXIS_TOP + charts.ROW * len(drawn["labels"]) + 8)
    page.locator(".chart-scroll:has(> svg.timeline)").screenshot(path=str(ARTIFACTS / "timeline-1280.png"))


@pytest.mark.parametrize("width", [375, 1280])
def test_one_timeline_at_a_time_is_in_the_accessibility_tree_and_no_id_is_repeated(page, server, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server)
    assert page.get_by_role("img", name=re.compile("^Timeline of")).count() == 1
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(element => element.id)")
    assert len(ids) == len(set(ids))


# How large each label of a picture is drawn on the screen: its font size times the picture's scale there
# (the label's box on the screen over its box in the picture's own units).
DRAWN_SIZES = """(selector) => [...document.querySelectorAll(selector + ' a.mark text')].filter(text => text.checkVisibility()).map(text =>
  parseFloat(getComputedStyle(text).fontSize) * text.getBoundingClientRect().height / text.getBBox().height)"""


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 375, "height": 900}], ids=["desktop", "375px"])
def test_the_timelines_and_the_networks_labels_are_drawn_12px_or_more(page, server, viewport):
    """On a 375 px phone the network, scaled down to 800 px, drew its labels at 10 px: there, where it
    scrolls anyway, it is drawn at its own size."""
    page.set_viewport_size(viewport)
    page.goto(server)
    for picture in ("timeline", "network"):
        sizes = page.evaluate(DRAWN_SIZES, f".chart-scroll > svg.{picture}")
        assert sizes and min(sizes) >= 12 - 0.01, (picture, min(sizes))


@pytest.fixture(scope="module")
def one_party_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("one") / "one.trig"
    data.write_text("PREFIX ilrs: <https://w3id.org/ilrs/ontology/>  PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                    "PREFIX id: <https://w3id.org/ilrs/id/>\nGRAPH id:source\\/s {\n"
                    'id:instrument\\/i1 rdfs:label "Agreement 1" ; ilrs:party id:organisation\\/solo .\n'
                    'id:organisation\\/solo rdfs:label "Solo Space Agency"@en .\n}\n')
    with running_server("--data", data) as base:
        yield base


def test_a_one_party_network_is_as_small_as_its_party_and_says_nothing_of_scrolling(page, one_party_server):
    """Its picture was 576 px wide, its left half empty; on a phone the hint said to scroll what fitted."""
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(one_party_server)
    svg = page.locator("svg.network")
    label = svg.locator("text").bounding_box()
    assert svg.bounding_box()["width"] <= label["width"] + 2 * 20 + 2 * charts.NETWORK_MARGIN  # the dot, the gap
    box = page.locator(".chart-scroll:has(> svg.network)")
    assert not box.evaluate("box => box.scrollWidth > box.clientWidth")
    assert not page.locator(".scroll-hint:has(+ .chart-scroll > svg.network)").is_visible()


def test_a_tables_box_is_a_tab_stop_only_while_the_table_overflows_it(page, server):
    page.goto(server)
    page.set_viewport_size({"width": 375, "height": 900})  # narrowed while the table is folded away
    page.locator("summary", has_text="source documents, newest first").click()
    opened = "details[open] .table-scroll"
    assert scrolling_and_tab_stops(page, 375, opened) == (["Source documents"], ["Source documents"])
    assert scrolling_and_tab_stops(page, 1280, opened) == ([], [])
    page.goto(server + "query?query=" + quote("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"))
    assert scrolling_and_tab_stops(page, 1280, ".answer .table-scroll") == ([], [])
    page.goto(server + "query?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 300"))  # taller than its box
    assert scrolling_and_tab_stops(page, 1280, ".answer .table-scroll") == (["Answer table"], ["Answer table"])


def test_without_its_script_every_scrolling_box_stays_a_tab_stop(page, server):
    # Better a useless stop than a picture or a table the keyboard cannot scroll.
    page.route("**/scroll-boxes.js", lambda route: route.fulfill(body="", content_type="text/javascript"))
    page.goto(server)
    assert scrolling_and_tab_stops(page, 1280, ".chart-scroll") == ([], PICTURE_BOXES)
    assert scrolling_and_tab_stops(page, 1280, "details .table-scroll") == ([], FOLDED_TABLES)


def test_a_picture_mark_the_keyboard_is_on_shows_it_in_its_shapes(page, server):
    """Its label was the only sign (bold, underlined) on the timeline and the roadmap."""
    page.goto(server)
    look = """(selector) => { const shape = document.querySelector(selector + ' .mark :is(circle, rect)');
        const style = getComputedStyle(shape); return [style.fill, style.stroke, style.strokeWidth].join(' '); }"""
    for chart in ("svg.timeline", "svg.roadmap"):
        before = page.evaluate(look, chart)
        page.locator(f"{chart} .mark").first.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus from the keyboard: :focus-visible
        assert page.evaluate("(chart) => document.activeElement.closest(chart) !== null", chart)
        assert page.evaluate(look, chart) != before, chart


def test_a_phase_whose_start_no_source_gives_has_no_edge_at_the_charts_left(page, server):
    """It was a dashed box from the axis's first year, as if under way since then: it fades in from nothing,
    without an outline, on hover too."""
    page.goto(server)
    look = """(rect) => { const style = getComputedStyle(rect), id = style.fill.match(/#([^")]+)/)[1];
        const stops = [...document.getElementById(id).querySelectorAll('stop')].map(s => getComputedStyle(s).stopOpacity);
        return [id, style.stroke, stops[0], stops[stops.length - 1]]; }"""
    assert page.locator("svg.roadmap rect.no-start").count() >= 1  # the Extended model's, "until 2040"
    shape = page.locator("svg.roadmap rect.no-start").first
    assert shape.evaluate(look) == ["fade-in", "none", "0", "1"]
    shape.hover()
    assert shape.evaluate(look) == ["fade-in-focus", "none", "0", "1"]


def test_the_keyboard_reaches_the_content_and_the_picture_links(page, server):
    page.goto(server)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('svg') !== null"):
            break
    assert page.evaluate("document.activeElement.closest('svg.timeline') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/id/(country|organisation)/[a-z-]+\.html$"))


# axe-core's rules for WCAG 2.0 and 2.1 at levels A and AA, and its best practices (landmarks, headings).
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_PAGES = {
    "home": "",
    "query and answer": "query?query=" + quote(next(e.text for e in examples.examples() if e.name == "joined-in-2023")),
    "bad query": "query?query=" + quote("SELECT ?x WHERE { ?x"),
    "search": "search?q=china",
    "search, did you mean": "search?q=" + quote("лавочкна"),
    "country": "id/country/china",
    "partnership": "id/partnership/ssgi",
    "source": "id/source/space-wiki-ilrs",
    "copy of another's report": "id/source/xinhua-zh-2024-09-05",
    "ontology": "ontology",
    "not found": "id/country/no-such-country",
}


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 375, "height": 900}], ids=["desktop", "375px"])
@pytest.mark.parametrize("path", AXE_PAGES.values(), ids=AXE_PAGES.keys())
def test_every_page_passes_axe_cores_accessibility_rules(page, browser, server, path, viewport):
    """Its folded tables opened, so that they are checked too."""
    page.set_viewport_size(viewport)
    if page.goto(server + path).status == 404:  # the console's report of the page itself; an asset's would stay
        browser.problems.remove(f"{page.url}: Failed to load resource: the server responded with a status of 404 (NOT FOUND)")
    page.evaluate("document.querySelectorAll('details').forEach(details => details.open = true)")
    found = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_RULES}, "resultTypes": ["violations"]})
    assert found.violations_count == 0, "\n".join(
        f"{rule['id']} ({', '.join(tag for tag in rule['tags'] if tag in AXE_RULES)}): {rule['help']} ({rule['helpUrl']})"
        + "".join(f"\n    {' '.join(node['target'])}: {node['html']}\n      {node['failureSummary']}" for node in rule["nodes"])
        for rule in found.response["violations"])


# The words in a part of a page written in Chinese or Cyrillic letters whose nearest lang attribute says English.
UNMARKED_FOREIGN_TEXT = """(within) => { const walker = document.createTreeWalker(document.querySelector(within), NodeFilter.SHOW_TEXT);
  const found = []; let written = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!/[\\u0400-\\u04ff\\u3400-\\u9fff]/.test(node.data)) continue;
    written++;
    if (node.parentElement.closest('[lang]').lang === 'en') found.push(node.data.trim());
  }
  return {written, found}; }"""


def test_names_in_other_languages_are_marked_with_theirs(page, server):
    """So that a screen reader reads 塞尔维亚贝尔格莱德天文台 in Chinese and НПО Лавочкина in Russian (WCAG 3.1.2),
    on a resource's page (a source's title, its author), on a search's page (its matches, "also named …", its
    "did you mean", and the text typed, said again in its heading, in the language of the names it was found
    in or close to) and in a query's answer."""
    for path, within in (("id/organisation/belgrade-astronomical-observatory", "main"), ("id/organisation/npo-lavochkin", "main"),
                         ("search?q=" + quote("贝尔格莱德"), "main"), ("search?q=" + quote("лавочкина"), "main"),
                         ("search?q=" + quote("лавочкна"), "main"),
                         ("id/source/ria-2025-11-03", "main"), ("id/source/tencent-cloud-ilrs-10-partners", "main"),
                         ("id/source/72news-2026-01-27", "p.citation"),  # its author, in its citation too
                         ("query?query=" + quote("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                                                 "SELECT ?name WHERE { ?thing skos:altLabel ?name FILTER (lang(?name) != 'en') }"), "main")):
        page.goto(server + path)
        shown = page.evaluate(UNMARKED_FOREIGN_TEXT, within)
        assert shown["written"] > 0 and shown["found"] == [], (path, shown)


# Each label of a picture in the picture's own units (getBBox) and on the screen (getBoundingClientRect),
# with the picture's viewBox; every label's words, as read from its lines. At the weight given ('' as the
# stylesheet draws it at rest; '700' as it draws a hovered or focused label).
LABEL_BOXES = """([selector, weight]) => { const svg = document.querySelector(selector), view = svg.viewBox.baseVal;
  const labels = [...svg.querySelectorAll('a.mark text')].map(text => { text.style.fontWeight = weight;
    const box = text.getBBox(), seen = text.getBoundingClientRect();
    text.style.fontWeight = '';
    return {words: text.textContent.trim().split(/\\s+/).join(' '), box: [box.x, box.y, box.x + box.width, box.y + box.height],
            seen: [seen.left, seen.top, seen.right, seen.bottom]}; });
  return {view: [view.x, view.y, view.x + view.width, view.y + view.height], labels}; }"""


def overlapping(labels: list[dict], key: str) -> list[tuple[str, str]]:
    """The pairs of labels whose ``key`` boxes share more than a hair."""
    def apart(a, b):
        return a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5
    return [(a["words"], b["words"]) for i, a in enumerate(labels) for b in labels[i + 1:] if not apart(a[key], b[key])]


def network_labels(page) -> tuple[list[str], list[str]]:
    """The network's labels' words; and what is wrong with how they are drawn, at rest or bold: labels over
    one another, or reaching out of the picture."""
    problems = []
    for weight in ("", "700"):
        drawn = page.evaluate(LABEL_BOXES, [".chart-scroll > svg.network", weight])
        labels = drawn["labels"]
        problems += [f"{weight or 'at rest'}: {pair} overlap" for pair in overlapping(labels, "box") + overlapping(labels, "seen")]
        left, top, right, bottom = drawn["view"]
        problems += [f"{weight or 'at rest'}: {label['words']} at {label['box']}, outside {drawn['view']}" for label in labels
                     if not (left <= label["box"][0] and label["box"][2] <= right and top <= label["box"][1]
                             and label["box"][3] <= bottom)]
    return [label["words"] for label in labels], problems


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 375, "height": 900}])
def test_every_label_of_the_network_shows_whole_apart_from_the_others_and_inside_the_picture(page, server, dataset, viewport):
    """A journalist's review: at the bottom of the ring the labels lay over one another, and long names were
    cut ("Ministry of Digital Develop…"), whole only on hover. Every name shows whole, on lines of its own.
    A second reading: a label the keyboard is on (bold) was cut at the picture's edge ("African Space
    Development Foundation" from x = -10)."""
    page.set_viewport_size(viewport)
    page.goto(server)
    words, problems = network_labels(page)
    assert sorted(words) == sorted(party.short_name for party in overview.agreement_network(dataset).parties.values())
    assert problems == []
    page.locator("svg.network .mark").first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # from the keyboard: :focus-visible, drawn bold as measured above
    assert page.evaluate("getComputedStyle(document.activeElement.querySelector('text')).fontWeight") == "700"
    page.locator(".chart-scroll:has(> svg.network)").screenshot(path=str(ARTIFACTS / f"network-{viewport['width']}.png"))


# Names a width estimate may get wrong: long, of wide letters, Chinese, unbreakable; 201 parties to 40
# agreements, as many as a picture of them cannot show at a readable size.
ODD_NAMES = ["National Space Research Institute of Country Number {n}", "WWWWWWWWWWWWWWWWWWWWWWWW MMMMMMMMMMMMMMMMMMMM {n}",
             "中国国家航天局月球与深空探测中心国际合作部门{n}", "A" * 30 + "Interdisciplinaryconsortiumforlunarresearch{n}",
             "Mwmw Wmwm Agency {n}", "Oman Lens {n}"]


def odd_graph(path: Path) -> Path:
    """A graph of the parties of ODD_NAMES, and a phase and a mission named by a word longer than a line."""
    facts = ['id:organisation\\/hub rdfs:label "Hub Agency"@en .']
    for agreement in range(40):
        parties = [f"p{agreement * 5 + k + 1}" for k in range(5)]
        facts += [f'id:organisation\\/{p} rdfs:label "{ODD_NAMES[int(p[1:]) % len(ODD_NAMES)].format(n=p[1:])}"@en .'
                  for p in parties]
        facts.append(f'id:instrument\\/i{agreement} rdfs:label "Agreement {agreement}" ; ilrs:signedOn "{2000 + agreement}-01-01"^^xsd:date ; '
                     f"ilrs:party id:organisation\\/hub, " + ", ".join(f"id:organisation\\/{p}" for p in parties) + " .")
    facts += ['id:phase\\/p a ilrs:Phase ; rdfs:label "Supercalifragilisticexpialidociousphase"@en ; ilrs:startYear 2030 ; ilrs:endYear 2035 .',
              'id:mission\\/m a ilrs:Mission ; rdfs:label "Extraordinarilylongmissionnamewithoutbreaks-7"@en ; ilrs:plannedLaunchYear 2031 .']
    path.write_text("PREFIX ilrs: <https://w3id.org/ilrs/ontology/>  PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>  PREFIX id: <https://w3id.org/ilrs/id/>\n"
                    "GRAPH id:source\\/s {\n" + "\n".join(facts) + "\n}\n")
    return path


@pytest.fixture(scope="module")
def odd_graph_served(tmp_path_factory):
    """The odd graph's file, and the base URL of a server serving it."""
    data = odd_graph(tmp_path_factory.mktemp("odd") / "odd.trig")
    with running_server("--data", data) as base:
        yield data, base


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 375, "height": 900}])
def test_long_wide_and_chinese_names_show_whole_and_apart_in_a_bounded_network_and_roadmap(page, odd_graph_served, viewport):
    """The layout's own width estimate cannot check itself: Chromium measures what it draws, at rest and
    bold. 201 parties drew a picture 5,626 px wide; a word longer than a line filled a phone's roadmap."""
    page.set_viewport_size(viewport)
    data, base = odd_graph_served
    page.goto(base)
    words, problems = network_labels(page)
    assert problems == []
    graph = overview.agreement_network(Dataset.open([data]))
    drawn = [graph.parties[node.iri].short_name for node in charts.network(graph).nodes]
    assert sorted(words) == sorted(drawn) and len(drawn) == charts.NETWORK_MOST_PARTIES
    kinds = [re.compile(re.escape(name).replace(re.escape("{n}"), r"\d+")) for name in ODD_NAMES]
    assert all(any(kind.fullmatch(word) for word in words) for kind in kinds)  # every kind of name, whole
    assert page.evaluate("document.querySelector('svg.network').viewBox.baseVal.width") <= charts.NETWORK_MOST_WIDTH
    assert page.get_by_text(f"Drawing {charts.NETWORK_MOST_PARTIES} of the 201 parties").is_visible()
    box = page.get_by_role("region", name=re.compile("^The roadmap"))
    drawn = page.evaluate(PINNED_NAMES)
    left, right = drawn["visible"]
    names_right = max(row["backdrop"][2] for row in drawn["rows"] if not row["heading"])
    assert right - names_right >= (right - left) / 2  # the bars' room
    texts = {text["words"] for row in drawn["rows"] for text in row["texts"]}
    assert {"Supercalifragilisticexpialidociousphase", "Extraordinarilylongmissionnamewithoutbreaks-7"} <= texts
    box.screenshot(path=str(ARTIFACTS / f"odd-roadmap-{viewport['width']}.png"))
    page.locator(".chart-scroll:has(> svg.network)").screenshot(path=str(ARTIFACTS / f"odd-network-{viewport['width']}.png"))


# Every pinned row of the roadmap on the screen: its backdrop, its texts, whether it is a heading (no bars
# beside it); and the box's visible stretch.
PINNED_NAMES = """() => { const box = document.querySelector('.chart-scroll:has(> svg.roadmap)');
  const rect = element => { const r = element.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const seen = box.getBoundingClientRect();
  return {visible: [seen.left + box.clientLeft, seen.left + box.clientLeft + box.clientWidth],
          rows: [...box.querySelectorAll('svg.roadmap .pinned')].map(row => ({
            backdrop: rect(row.querySelector('.names-backdrop')), heading: !!row.querySelector('text.plan, text.section'),
            texts: [...row.querySelectorAll('text')].map(text => ({words: text.textContent.trim().split(/\\s+/).join(' '),
                                                                  box: rect(text)}))}))}; }"""


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 375, "height": 900}])
def test_the_roadmaps_names_show_whole_and_leave_the_bars_most_of_a_phones_width(page, server, dataset, viewport):
    """At 375 px the pinned names took about 220 of the 315 px the box shows, leaving little for the bars,
    and a long name was cut ("China's crewed lunar landi…" would be, at a narrower column). Names wrap
    onto lines: whole, apart, inside their backdrop and the box, at rest and scrolled to the end."""
    page.set_viewport_size(viewport)
    page.goto(server)
    box = page.get_by_role("region", name=re.compile("^The roadmap"))
    roadmap = overview.roadmap(dataset)
    for scroll in ("0", "box.scrollWidth"):
        box.evaluate(f"box => box.scrollLeft = {scroll}")
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        drawn = page.evaluate(PINNED_NAMES)
        left, right = drawn["visible"]
        names_right = max(row["backdrop"][2] for row in drawn["rows"] if not row["heading"])
        assert right - names_right >= (right - left) / 2, (names_right - left, right - left)  # the bars' room
        texts = [text for row in drawn["rows"] for text in row["texts"]]
        words = {text["words"] for text in texts}
        assert {p.name for p in roadmap.phases} | {m.name for m in roadmap.missions if m.years} <= words
        assert not any("…" in text["words"] for text in texts)
        for text in texts:  # whole in the box's visible stretch
            assert left <= text["box"][0] and text["box"][2] <= right, (scroll, text)
        for row in drawn["rows"]:  # the names inside their backdrop, over what scrolls under it
            for text in row["texts"]:
                assert text["box"][2] <= row["backdrop"][2] and row["backdrop"][1] <= text["box"][1] \
                    and text["box"][3] <= row["backdrop"][3] + 0.5, (scroll, text, row["backdrop"])
        crossing = [(a["words"], b["words"]) for i, a in enumerate(texts) for b in texts[i + 1:]
                    if a["box"][0] < b["box"][2] - 0.5 and b["box"][0] < a["box"][2] - 0.5
                    and a["box"][1] < b["box"][3] - 0.5 and b["box"][1] < a["box"][3] - 0.5]
        assert crossing == [], scroll
    box.screenshot(path=str(ARTIFACTS / f"roadmap-{viewport['width']}.png"))
