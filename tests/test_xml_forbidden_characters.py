"""Data or answers holding characters XML 1.0 forbids (U+0000 to U+001F but tab and line ends, U+FFFE,
U+FFFF): Oxigraph's XML writers copy them as they are, and no XML reader can then read the document, so
RDF/XML and SPARQL XML results refuse them (406, exit 2) and name the formats that can carry them."""

from __future__ import annotations

import xml.dom.minidom
from urllib.parse import quote

import pytest
import requests

from .conftest import FIXTURES, run_cli
from .server_process import running_server

DATA = FIXTURES / "xml-forbidden-characters.trig"
SELECT = 'SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }'
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server():
    with running_server("--data", DATA) as base:
        yield base


def _ask(server: str, query: str, accept: str) -> requests.Response:
    return requests.get(f"{server}sparql?query={quote(query)}", headers={"Accept": accept}, timeout=10)


@pytest.mark.parametrize("query, xml_type, others", [
    (SELECT, "application/sparql-results+xml", "application/sparql-results+json, text/csv"),
    (CONSTRUCT, "application/rdf+xml", "text/turtle, application/n-triples, application/ld+json"),
])
def test_an_xml_answer_is_406_naming_the_formats_that_can_carry_it(server, query, xml_type, others):
    refused = _ask(server, query, xml_type)
    assert refused.status_code == 406 and "Characters XML 1.0 forbids" in refused.text and others in refused.text
    assert "Bell\\u0007 agency" in _ask(server, query, "application/json" if query == SELECT else "text/turtle").text


def test_an_xml_answer_without_them_is_read_by_an_xml_parser(server):
    answer = _ask(server, r'SELECT ?x WHERE { BIND("tab\tand\nline ends" AS ?x) }', "application/sparql-results+xml")
    assert answer.status_code == 200 and xml.dom.minidom.parseString(answer.content)


@pytest.mark.parametrize("path, status", [("data.rdf", 406), ("id/agency/bell.rdf", 406),
                                          ("data.ttl", 200), ("id/agency/bell.ttl", 200), ("void", 200)])
def test_documents_in_rdf_xml_are_406_and_the_others_served(server, path, status):
    answer = requests.get(server + path, timeout=10)
    assert answer.status_code == status, answer.text
    if path == "void":
        assert "/data.ttl>" in answer.text and "/data.rdf>" not in answer.text


def test_export_and_query_refuse_xml_with_exit_2(tmp_path):
    refused = run_cli("export", DATA, "--format", "rdfxml", "-o", tmp_path / "rdf")
    assert refused.returncode == 2 and "cannot be written as application/rdf+xml" in refused.stderr
    assert not (tmp_path / "rdf").exists()
    written = run_cli("export", DATA, "--format", "ttl", "-o", tmp_path / "ttl")
    assert written.returncode == 0 and "Bell\\u0007 agency" in (tmp_path / "ttl" / "data.ttl").read_text()
    query = run_cli("query", SELECT, "--data", DATA, "--format", "xml")
    assert query.returncode == 2 and "cannot be written as application/sparql-results+xml" in query.stderr
    assert "Traceback" not in refused.stderr + query.stderr
