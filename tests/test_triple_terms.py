"""Data with RDF 1.2 triple terms (``<<( s p o )>>``, annotations): the Oxigraph engine serves it in every
format that can hold them; where a reader (pySHACL, rdflib) or a format (JSON-LD) cannot, a clear
refusal (exit 2, 406), never a stack trace."""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest
import requests

from ilrs_graph import export, formats, shipped
from ilrs_graph.dataset import Dataset
from ilrs_graph.load import load_files

from .conftest import FIXTURES, run_cli
from .oxigraph_server import running_oxigraph
from .server_process import free_port, running_server, running_server_process
from .test_safety_reload import reload_and_wait

DATA = FIXTURES / "triple-terms.trig"
TRIPLE_TERM = "<<( <http://example.org/moon> <http://example.org/hasPart> <http://example.org/southPole> )>>"
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o }"
JSON_LD_REFUSED = "RDF 1.2 triple terms cannot be written as application/ld+json; these formats can: text/turtle"


def test_validate_refuses_it_with_exit_2_naming_the_file():
    result = run_cli("validate", DATA)
    assert result.returncode == 2, result.stderr
    assert "triple-terms.trig: holds RDF 1.2 triple terms" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [("query", "ASK {}", "--data", DATA, "--engine", "rdflib"),
                                  ("serve", "--data", DATA, "--engine", "rdflib"),
                                  ("serve", "--data", DATA, "--validate")])
def test_the_rdflib_engine_and_serve_validate_refuse_it_with_exit_2(args):
    port = ("--port", free_port()) if args[0] == "serve" else ()  # free: the port is claimed before the data is read
    result = run_cli(*args, *port)
    assert result.returncode == 2, result.stderr
    assert "holds RDF 1.2 triple terms" in result.stderr and "Traceback" not in result.stderr


def test_export_writes_the_formats_that_hold_them_and_refuses_json_ld(tmp_path):
    written = run_cli("export", DATA, "--format", "ttl", "-o", tmp_path / "ttl")
    assert written.returncode == 0, written.stderr
    assert "<<( <http://example.org/moon> " in (tmp_path / "ttl" / "data.ttl").read_text()
    for fmt in ("jsonld", "all"):
        refused = run_cli("export", DATA, "--format", fmt, "-o", tmp_path / fmt)
        assert refused.returncode == 2 and JSON_LD_REFUSED in refused.stderr, refused.stderr
        assert not (tmp_path / fmt).exists()
    site = run_cli("export", DATA, "--site", tmp_path / "site")
    assert site.returncode == 2 and "A static site publishes every format" in site.stderr
    assert not (tmp_path / "site").exists()


def test_query_as_json_ld_is_exit_2_and_as_n_triples_or_a_table_shows_them():
    refused = run_cli("query", CONSTRUCT, "--data", DATA, "--format", "jsonld")
    assert refused.returncode == 2 and refused.stderr.strip().endswith(
        "text/turtle, application/n-triples, application/rdf+xml, application/trig, application/n-quads.")
    answered = run_cli("query", CONSTRUCT, "--data", DATA, "--format", "nt")
    assert answered.returncode == 0 and TRIPLE_TERM in answered.stdout
    table = run_cli("query", "SELECT ?o WHERE { ?s <http://example.org/believes> ?o }", "--data", DATA)
    assert table.returncode == 0 and "<<( <http://example.org/moon> <http://example.org/hasPart> " in table.stdout


@pytest.fixture(scope="module")
def server():
    with running_server("--data", DATA) as base:
        yield base


def _construct(base: str, accept: str) -> requests.Response:
    return requests.get(base + "sparql?query=" + quote(CONSTRUCT), headers={"Accept": accept}, timeout=10)


@pytest.mark.parametrize("path", ["data.jsonld", "id/agency/example.jsonld"])
def test_json_ld_documents_are_406_naming_the_formats_that_can(server, path):
    response = requests.get(server + path, headers={"Accept": "application/json"}, timeout=10)
    assert response.status_code == 406
    assert JSON_LD_REFUSED in response.json()["message"]


@pytest.mark.parametrize("path", ["data.ttl", "data.nq", "data.rdf", "id/agency/example.ttl", "id/agency/example.trig"])
def test_the_other_documents_hold_them(server, path):
    response = requests.get(server + path, timeout=10)
    assert response.status_code == 200
    assert "moon" in response.text and "southPole" in response.text


def test_construct_as_json_ld_is_406_and_as_n_triples_holds_them(server):
    refused = _construct(server, "application/ld+json")
    assert refused.status_code == 406 and JSON_LD_REFUSED in refused.text
    answered = _construct(server, "application/n-triples")
    assert answered.status_code == 200 and TRIPLE_TERM in answered.text


def test_the_resource_page_shows_the_triple_term(server):
    page = requests.get(server + "id/agency/example.html", timeout=10)
    assert page.status_code == 200
    assert TRIPLE_TERM.replace("<", "&lt;").replace(">", "&gt;") in page.text


def test_void_describes_the_dumps_there_are(server):
    void = requests.get(server + "void", headers={"Accept": "application/n-triples"}, timeout=10)
    assert void.status_code == 200
    assert "/data.nq>" in void.text and "/data.jsonld>" not in void.text


def test_through_an_external_store_json_ld_is_406_too(tmp_path):
    with running_oxigraph(tmp_path) as store:
        loaded = run_cli("load", "--store", store, "--data", DATA)
        assert loaded.returncode == 0, loaded.stderr
        with running_server("--store", store) as base:
            assert _construct(base, "application/ld+json").status_code == 406
            answered = _construct(base, "application/n-triples")
            assert answered.status_code == 200 and TRIPLE_TERM in answered.text


def test_a_reload_on_the_rdflib_engine_keeps_serving_and_keeps_no_copy_it_cannot_read(tmp_path):
    data = tmp_path / "data.trig"
    data.write_text((FIXTURES / "base.trig").read_text())
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    with running_server_process("--data", data, "--engine", "rdflib", env=env) as served:
        good = requests.get(served.base + "healthz", timeout=10).json()
        data.write_text(data.read_text() + "\n" + DATA.read_text())
        health = reload_and_wait(served, lambda h: h["problem"] is not None)
        assert health["status"] == "degraded" and health["version"] == good["version"]
        assert "holds RDF 1.2 triple terms" in health["problem"] and served.process.poll() is None
    kept = list((tmp_path / "cache").rglob("*.nq"))
    assert kept and all("<<(" not in path.read_text() for path in kept)


def test_the_ontology_page_shows_a_triple_term_as_a_propertys_example(tmp_path):
    example = tmp_path / "example.trig"
    example.write_text("PREFIX ex: <http://example.org/>\nPREFIX ilrs: <https://w3id.org/ilrs/ontology/>\n"
                       "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                       'ex:report { ex:a rdfs:label "AAA first" ; ilrs:initiatedBy <<( ex:a ex:b ex:c )>> . }\n')
    with running_server("--data", shipped.ontology_file(), example) as base:
        page = requests.get(base + "ontology.html", timeout=10)
        assert page.status_code == 200
        assert "&lt;&lt;( &lt;http://example.org/a&gt; &lt;http://example.org/b&gt;" in page.text


def test_diff_shows_a_triple_term_as_turtle_writes_it(tmp_path):
    empty = tmp_path / "empty.trig"
    empty.write_text("")
    result = run_cli("diff", empty, DATA)
    assert result.returncode == 1, result.stderr
    assert "<<( <http://example.org/moon> <http://example.org/hasPart> <http://example.org/southPole> )>>" in result.stdout


def test_a_format_that_cannot_hold_the_data_is_found_out_once(monkeypatch):
    dataset = Dataset.of(load_files([DATA], ontology=False))
    serialisations = []
    monkeypatch.setattr(export, "serialize", lambda *args, real=export.serialize: serialisations.append(1) or real(*args))
    for _ in range(3):
        with pytest.raises(formats.CannotWrite):
            dataset.dump(formats.by_name("jsonld"))
    assert len(serialisations) == 1


def test_a_triple_term_as_a_things_class_is_refused_by_json_ld_as_any_other():
    """rdf:type's object is written as the node's @type, which cannot hold a triple term either: the JSON-LD
    dump is refused (406, /void leaving it out), not a failure of the server's (it was a 500 on /data.jsonld and /void)."""
    typed = load_files([FIXTURES / "triple-term-as-a-class.trig"], ontology=False)
    with pytest.raises(formats.CannotWrite):
        export.serialize(typed.quads, formats.by_name("jsonld"))
    dataset = Dataset.of(typed)
    described = export.serialize(dataset.description("https://example.org/"), formats.by_name("ntriples"))
    assert b"data.ttl" in described and b"data.jsonld" not in described


def test_the_query_page_shows_a_triple_term_as_turtle_writes_it(server):
    page = requests.get(server + "query", params={"query": "SELECT ?o WHERE { ?s <http://example.org/believes> ?o }"},
                        timeout=10)
    assert page.status_code == 200
    assert TRIPLE_TERM.replace("<", "&lt;").replace(">", "&gt;") in page.text


LABELS = FIXTURES / "triple-terms-as-labels.trig"


@pytest.fixture(scope="module")
def server_of_odd_labels():
    with running_server("--data", shipped.ontology_file(), LABELS) as base:
        yield base


@pytest.mark.parametrize("path, shown", [
    ("", ["sourceLabel", "publisherLabel", "partnerLabel", "agreementLabel", "missionLabel", "phaseLabel"]),
    ("ontology.html", ["signed"]),
    ("id/test/partner.html", ["partnerLabel", "agreementLabel", "sourceLabel", "publisherLabel"]),
    ("id/test/agreement.html", ["agreementLabel", "signed"]),
    ("id/test/mission.html", ["missionLabel", "launched", "planned"]),
    ("id/test/phase.html", ["phaseLabel", "order", "start"])])
def test_a_triple_term_where_a_page_expects_a_label_or_a_date_is_shown_as_text(server_of_odd_labels, path, shown):
    page = requests.get(server_of_odd_labels + path, timeout=10)
    assert page.status_code == 200, page.text
    for name in shown:
        assert ("&lt;&lt;( &lt;https://w3id.org/ilrs/id/test/a&gt; &lt;https://w3id.org/ilrs/id/test/said&gt; "
                f"&lt;https://w3id.org/ilrs/id/test/{name}&gt; )&gt;&gt;") in page.text, name
