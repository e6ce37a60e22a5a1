"""`ilrs-graph validate` as a contributor runs it: exit codes, text and JSON reports, file:line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import FIXTURES, run_cli


def test_the_shipped_data_conforms():
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 violations" in result.stdout and "the data conforms" in result.stdout


def test_the_json_report_is_machine_readable():
    result = run_cli("validate", "--format", "json")
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["conforms"] is True
    assert report["counts"]["violation"] == 0
    assert report["facts"] > 1500
    assert all(f["severity"] == "warning" for f in report["findings"])
    for finding in report["findings"]:
        assert finding["location"]["file"].startswith("data/") and finding["location"]["line"] > 0


def test_a_violation_exits_1_with_message_and_file_line():
    bad = FIXTURES / "bad" / "partnership-before-2021.trig"
    result = run_cli("validate", FIXTURES / "base.trig", bad)
    assert result.returncode == 1
    line = next(i for i, l in enumerate(bad.read_text().splitlines(), 1) if "# <- reported here" in l)
    assert f"tests/fixtures/bad/partnership-before-2021.trig:{line}: violation: No one joined the ILRS before 2021" in result.stdout
    assert "focus: partnership:early" in result.stdout and 'value: "2019"^^xsd:gYear' in result.stdout
    assert "path: ilrs:partnerSince" in result.stdout


def test_a_syntax_error_exits_2_with_file_and_line(tmp_path: Path):
    broken = tmp_path / "broken.trig"
    broken.write_text("@prefix ex: <https://example.org/> .\n\nex:a ex:b \n")
    result = run_cli("validate", broken, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("ilrs-graph: error: broken.trig:4:")
    assert "Traceback" not in result.stderr


def test_a_missing_file_exits_2(tmp_path: Path):
    result = run_cli("validate", tmp_path / "absent.ttl")
    assert result.returncode == 2 and "no such file" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("report", ["text", "json", "sarif"])
def test_a_missing_shapes_file_exits_2_with_the_report_of_bad_input(tmp_path: Path, report):
    result = run_cli("validate", "--shapes", tmp_path / "absent.ttl", "--format", report)
    assert result.returncode == 2 and "no such shapes file" in result.stderr
    if report != "text":
        assert "no such shapes file" in json.dumps(json.loads(result.stdout))


def test_shapes_that_are_not_turtle_are_named_with_the_line_in_words(tmp_path: Path):
    shapes = tmp_path / "shapes.trig"
    shapes.write_text("@prefix ex: <http://example.org/> .\n\nex:g {\n  ex:a ex:b ex:c .\n}\n")
    result = run_cli("validate", "--shapes", shapes, FIXTURES / "base.trig")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"ilrs-graph: error: {shapes}:3: cannot read the shapes as Turtle: "), result.stderr
    assert "b'" not in result.stderr and "^" not in result.stderr


def test_validate_never_changes_the_files_it_reads(tmp_path: Path):
    copy = tmp_path / "base.trig"
    copy.write_bytes((FIXTURES / "base.trig").read_bytes())
    before = copy.read_bytes()
    assert run_cli("validate", copy, cwd=tmp_path).returncode == 0
    assert copy.read_bytes() == before


def test_the_summary_counts_infos_when_there_are_some(tmp_path: Path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:Note a sh:NodeShape ; sh:targetNode <https://w3id.org/ilrs/id/agency/cnsa> ;
  sh:property [ sh:path ex:remark ; sh:minCount 1 ; sh:severity sh:Info ; sh:message "Worth a remark." ] .
""")
    result = run_cli("validate", "--shapes", shapes, FIXTURES / "base.trig")
    assert result.returncode == 0 and ": info: Worth a remark." in result.stdout
    assert result.stdout.endswith(": 0 violations, 0 warnings, 1 info; the data conforms.\n"), result.stdout
    plain = run_cli("validate", FIXTURES / "base.trig")
    assert plain.stdout.endswith(": 0 violations, 0 warnings; the data conforms.\n"), plain.stdout


def test_a_file_named_twice_is_read_once():
    once, twice = run_cli("validate", "data"), run_cli("validate", "data/sources.trig", "data", "data")
    assert once.returncode == twice.returncode == 0
    assert once.stdout.splitlines()[-1] == twice.stdout.splitlines()[-1]


def test_validation_compares_values_as_the_query_engines_do(tmp_path: Path):
    """pySHACL's SPARQL runs on rdflib's evaluator, which the server's processes use fixed
    (ilrs_graph/rdflib_fixes.py): `validate` used it unfixed, so a year and a date were ordered in
    one and not in the other, and a verdict depended on which process checked the data first."""
    data, shapes = tmp_path / "data.ttl", tmp_path / "shapes.ttl"
    data.write_text('@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                    'ex:a a ex:Thing ; ex:start "2024"^^xsd:gYear ; ex:end "2023-01-01"^^xsd:date .\n')
    shapes.write_text('@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n'
                      'ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:sparql [ sh:message "Ends before it starts." ;\n'
                      '  sh:select "SELECT $this WHERE { $this <http://example.org/start> ?s ; <http://example.org/end> ?e '
                      'FILTER (?e < ?s) }" ] .\n')
    query = ("SELECT ?a WHERE { ?a <http://example.org/start> ?s ; <http://example.org/end> ?e FILTER (?e < ?s) }")
    for engine in ("oxigraph", "rdflib"):
        answered = run_cli("query", query, "--data", data, "--engine", engine, "--format", "csv")
        assert answered.returncode == 0 and answered.stdout.strip() == "a", (engine, answered.stdout)
    result = run_cli("validate", "--shapes", shapes, data)
    assert result.returncode == 0 and "Ends before it starts" not in result.stdout, result.stdout
