"""The shipped data: complete as far as the sources go, every IRI readable, every source described."""

from __future__ import annotations

import re
import subprocess

import pyoxigraph as ox
import pytest

from ilrs_graph.namespaces import ONTOLOGY, RESOURCE, SOURCE
from ilrs_graph.store import OxigraphEngine

from .conftest import ROOT

WIKI_TABLE = {  # the partner table of shared/sources/001_3abd2f0c61587586.txt
    "china": "2021-06", "russia": "2021-06", "venezuela": "2023-07", "south-africa": "2023-09",
    "azerbaijan": "2023-10", "pakistan": "2023-10", "belarus": "2023-10", "egypt": "2023-12",
    "thailand": "2024-04", "nicaragua": "2024-04", "serbia": "2024-05", "kazakhstan": "2024-07",
    "senegal": "2024-09",
}
WIKI = SOURCE + "space-wiki-ilrs"


def select(shipped, query: str) -> list[dict[str, str]]:
    solutions = OxigraphEngine(shipped.quads, shipped.content_hash).store.query(query)
    names = [v.value for v in solutions.variables]
    return [{name: s[name].value for name in names if s[name] is not None} for s in solutions]


def test_all_thirteen_partners_of_the_wiki_table_with_their_dates(shipped):
    rows = select(shipped, f"""
        SELECT ?country ?since WHERE {{
            GRAPH <{WIKI}> {{ ?p <http://www.w3.org/ns/org#member> ?country ;
                                <https://w3id.org/ilrs/ontology/partnerSince> ?since }} }}""")
    found = {row["country"].rsplit("/", 1)[1]: row["since"] for row in rows}
    assert found == WIKI_TABLE


def test_the_partners_and_contributors_the_documents_name_are_in_the_graph(shipped):
    labels = {row["l"] for row in select(shipped, "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }")}
    for name in ("Asia-Pacific Space Cooperation Organization", "Nano-SPACE", "United Arab Emirates", "Bahrain",
                 "International Lunar Observatory Association", "Italy", "Switzerland", "France",
                 "European Space Agency", "Chang'e 4", "Chang'e 6", "Chang'e 7", "Chang'e 8", "Luna 25",
                 "Luna 26", "Luna 27", "Luna 28", "Queqiao-2", "China's crewed lunar landing",
                 "International Lunar Research Station Roadmap (V1.0)",
                 "International Lunar Research Station Guide for Partnership (V1.0)",
                 "Global Space Exploration Conference 2021", "74th International Astronautical Congress",
                 "Reconnaissance", "Construction", "Utilization", "Basic model", "Extended model"):
        assert name in labels, name


def test_every_starting_document_is_described_with_its_local_copy(shipped):
    copies = {row["copy"] for row in select(shipped, """
        SELECT ?copy WHERE { ?s <https://w3id.org/ilrs/ontology/localCopy> ?copy }""")}
    assert copies == {"000_153d5b569ebe2b29.txt", "001_3abd2f0c61587586.txt", "002_955bffd33ce536bd.txt",
                      "003_587c642b90d35125.txt", "004_1d2742bf5eed732c.txt"}


def test_every_data_fact_sits_in_a_source_graph(shipped):
    outside = [q for q in shipped.quads if not isinstance(q.graph_name, ox.NamedNode)]
    assert outside == []
    graphs = {q.graph_name.value for q in shipped.quads} - {ONTOLOGY}
    assert all(g.startswith(SOURCE) for g in graphs)


def test_text_in_chinese_or_russian_says_its_language(shipped):
    """So that a page can mark it for a screen reader (lang): titles such as 国际月球科研站迎来全球合作新伙伴
    were plain strings. Not ilrs:counts, which the ontology has a plain xsd:string ("in the source's words")."""
    untagged = [(q.predicate.value, q.object.value) for q in shipped.quads
                if isinstance(q.object, ox.Literal) and q.object.language is None and q.graph_name.value != ONTOLOGY
                and q.predicate.value != "https://w3id.org/ilrs/ontology/counts"
                and re.search("[\u0400-\u04ff\u3400-\u9fff]", q.object.value)]
    assert untagged == []


def test_minted_iris_are_readable_and_stable(shipped):
    pattern = re.compile(re.escape(RESOURCE) + r"[a-z]+/[a-z0-9]+(?:-[a-z0-9]+)*$")
    minted = {t.value for q in shipped.quads for t in (q.subject, q.object, q.graph_name)
              if isinstance(t, ox.NamedNode) and t.value.startswith(RESOURCE)}
    assert minted and all(pattern.match(iri) for iri in minted), [i for i in minted if not pattern.match(i)]


def test_conflicting_claims_are_kept_side_by_side(shipped):
    years = select(shipped, """
        SELECT ?year ?source WHERE { GRAPH ?source {
            <https://w3id.org/ilrs/id/mission/change-6> <https://w3id.org/ilrs/ontology/plannedLaunchYear> ?year } }""")
    assert {r["year"] for r in years} == {"2024", "2026"}


def test_the_data_files_are_split_by_topic():
    names = {p.stem for p in (ROOT / "data").glob("*.trig")}
    assert {"sources", "organisations", "partnerships", "agreements", "missions", "payloads", "phases",
            "documents", "events"} <= names


def test_the_releases_modified_date_is_no_older_than_the_last_change_to_its_facts(shipped):
    """VoID and DCAT publish the ontology header's dcterms:modified as the dataset's last change, which
    harvesters read to decide whether to fetch again: it said 2026-11-21 while the data had changed on
    11-22 and 12-05 (a developer's review). Checked against the history where there is one."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: no history to compare with")
    last_change = subprocess.run(["git", "log", "-1", "--format=%cs", "--", "data", "ontology/ilrs.ttl"], cwd=ROOT,
                                 capture_output=True, text=True).stdout.strip()
    if not last_change:
        pytest.skip("the history does not reach the data's commits (a shallow clone)")
    [row] = select(shipped, f"SELECT ?modified WHERE {{ GRAPH <{ONTOLOGY}> {{ <{ONTOLOGY}> <http://purl.org/dc/terms/modified> ?modified }} }}")
    assert row["modified"] >= last_change
