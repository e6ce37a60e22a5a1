"""`ilrs-graph validate --format sarif|junit|github` and the pre-commit hook: what CI systems read."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import rdflib
from junitparser import Failure, JUnitXml
from pre_commit.clientlib import load_manifest
from rdflib.namespace import RDF, SH

from ilrs_graph import shipped
from ilrs_graph.reports import FORMATS

from .conftest import FIXTURES, ROOT, ilrs_graph_command, run_cli

SARIF_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
BROKEN = FIXTURES / "bad" / "partnership-before-its-instrument.trig"
BROKEN_SHOWN = "tests/fixtures/bad/partnership-before-its-instrument.trig"
ANNOTATION = re.compile(r"::(?P<command>error|warning|notice) file=(?P<file>[^,:]+),line=(?P<line>\d+),"
                        r"title=(?P<title>[^,:]+)::(?P<message>[^\n]+)")


def reported_line(path: Path) -> int:
    """The line a bad fixture marks with ``# <- reported here``."""
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if "# <- reported here" in line)


def node_shapes() -> set[str]:
    shapes = rdflib.Graph().parse(shipped.shapes_file(), format="turtle")
    return {str(s).replace("https://w3id.org/ilrs/shapes/", "shapes:")
            for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, rdflib.URIRef)}


def test_the_cli_offers_exactly_the_report_formats_of_the_table():
    help_text = run_cli("validate", "--help").stdout
    offered = re.search(r"--format \{([a-z,]+)\}", help_text).group(1).split(",")
    assert sorted(offered) == sorted(FORMATS)


def test_sarif_for_a_broken_fixture_is_valid_sarif_2_1_0_pointing_at_the_line():
    result = run_cli("validate", "--format", "sarif", FIXTURES / "base.trig", BROKEN)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    (run,) = log["runs"]
    (finding,) = run["results"]
    assert finding["level"] == "error" and finding["ruleId"] == "shapes:Partnership"
    assert finding["message"]["text"].startswith("The partnership starts (2023-06) before the instrument")
    (location,) = finding["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == BROKEN_SHOWN
    assert location["physicalLocation"]["region"]["startLine"] == reported_line(BROKEN)
    rules = run["tool"]["driver"]["rules"]
    assert {rule["id"] for rule in rules} == node_shapes()
    assert rules[finding["ruleIndex"]]["id"] == finding["ruleId"]


def test_sarif_for_the_shipped_data_is_valid_and_carries_its_warnings():
    result = run_cli("validate", "--format", "sarif", "data")
    assert result.returncode == 0
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    warnings = json.loads(run_cli("validate", "--format", "json", "data").stdout)["counts"]["warning"]
    results = log["runs"][0]["results"]
    assert len(results) == warnings > 0 and {r["level"] for r in results} == {"warning"}
    for r in results:
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        line = r["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert uri.startswith("data/") and line <= len((ROOT / uri).read_text().splitlines())


def test_sarif_fails_the_schema_when_broken():
    """The schema check itself can fail: a log without its required version is refused."""
    log = json.loads(run_cli("validate", "--format", "sarif", FIXTURES / "base.trig").stdout)
    del log["version"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)


def test_junit_has_one_test_case_per_shape_and_fails_the_broken_one():
    result = run_cli("validate", "--format", "junit", FIXTURES / "base.trig", BROKEN)
    assert result.returncode == 1
    xml = JUnitXml.fromstring(result.stdout)
    cases = {case.name: case for suite in xml for case in suite}
    assert set(cases) == node_shapes()
    failed = {name for name, case in cases.items() if not case.is_passed}
    assert failed == {"shapes:Partnership"}
    (failure,) = cases["shapes:Partnership"].result
    assert isinstance(failure, Failure) and failure.type == "violation"
    assert f"{BROKEN_SHOWN}:{reported_line(BROKEN)}: violation: The partnership starts" in failure.text
    assert xml.tests == len(node_shapes()) and xml.failures == 1


def test_junit_puts_warnings_in_the_output_of_a_passing_case():
    xml = JUnitXml.fromstring(run_cli("validate", "--format", "junit", "data").stdout)
    cases = [case for suite in xml for case in suite]
    assert all(case.is_passed for case in cases)
    with_output = [case for case in cases if case.system_out]
    assert with_output and all(": warning: " in case.system_out for case in with_output)


def test_junit_carries_a_value_xml_cannot_as_an_escape(tmp_path):
    data = tmp_path / "bell.trig"
    data.write_text((FIXTURES / "base.trig").read_text().replace('"China National Space Administration"@en',
                                                                  '"China National Space\\u0007 Administration"', 1))
    result = run_cli("validate", "--format", "junit", data)
    assert result.returncode == 1, result.stderr
    xml = JUnitXml.fromstring(result.stdout)  # an XML reader reads it
    assert "\\u0007" in result.stdout and "\x07" not in result.stdout and xml.failures >= 1


def test_github_annotations_have_the_workflow_command_format():
    result = run_cli("validate", "--format", "github", FIXTURES / "base.trig", BROKEN)
    assert result.returncode == 1
    *annotations, summary = result.stdout.splitlines()
    (annotation,) = annotations
    match = ANNOTATION.fullmatch(annotation)
    assert match, annotation
    assert match["command"] == "error" and match["file"] == BROKEN_SHOWN
    assert int(match["line"]) == reported_line(BROKEN) and match["title"] == "shapes%3APartnership"
    assert "%0Afocus: partnership:hasty" in match["message"]
    assert summary.endswith("1 violation, 0 warnings; the data does not conform.")


def test_github_warnings_are_warning_commands():
    lines = run_cli("validate", "--format", "github", "data").stdout.splitlines()
    assert lines[:-1] and all(ANNOTATION.fullmatch(line)["command"] == "warning" for line in lines[:-1])


def test_a_directory_stands_for_the_rdf_files_in_it(tmp_path):
    shutil.copy(FIXTURES / "base.trig", tmp_path)
    (tmp_path / "notes.txt").write_text("not RDF, not read")
    assert run_cli("validate", tmp_path).returncode == 0
    shutil.copy(BROKEN, tmp_path)
    assert run_cli("validate", tmp_path).returncode == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("validate", empty)
    assert result.returncode == 2 and "no RDF files in this directory" in result.stderr


def _run_hook(repository: Path) -> subprocess.CompletedProcess:
    """Run the hook as pre-commit would: its entry, then its args, in the repository's root."""
    (hook,) = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    program, *entry_args = hook["entry"].split()
    assert program == "ilrs-graph"
    return subprocess.run([ilrs_graph_command(), *entry_args, *hook["args"]], cwd=repository,
                          capture_output=True, text=True, timeout=120)


def test_the_pre_commit_hook_passes_conforming_data_and_fails_a_violation(tmp_path):
    (hook,) = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert re.search(hook["files"], "data/partnerships.trig") and not re.search(hook["files"], "README.md")
    fork = tmp_path / "fork"
    shutil.copytree(ROOT / "data", fork / "data")
    assert _run_hook(fork).returncode == 0
    shutil.copy(BROKEN, fork / "data")
    result = _run_hook(fork)
    assert result.returncode == 1
    assert f"data/partnership-before-its-instrument.trig:{reported_line(BROKEN)}: violation" in result.stdout


@pytest.fixture
def unreadable(tmp_path) -> Path:
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <https://example.org/> .\n\nex:a ex:b \n")
    return broken


def test_unreadable_input_still_gives_ci_a_document_pointing_at_the_line(unreadable):
    """A parse error is exit 2, and each machine-readable format still writes a report of it, so that a
    CI step uploading the report (if: always()) shows why validation stopped and where."""
    sarif = run_cli("validate", "--format", "sarif", unreadable)
    assert sarif.returncode == 2 and "broken.ttl:4" in sarif.stderr
    log = json.loads(sarif.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False and log["runs"][0]["results"] == []
    where = invocation["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"].endswith("broken.ttl") and where["region"]["startLine"] == 4

    as_json = run_cli("validate", "--format", "json", unreadable)
    report = json.loads(as_json.stdout)
    assert as_json.returncode == 2 and report["conforms"] is None and report["error"]["line"] == 4
    assert report["error"]["file"].endswith("broken.ttl")

    junit = run_cli("validate", "--format", "junit", unreadable)
    suites = JUnitXml.fromstring(junit.stdout)
    assert junit.returncode == 2 and suites.errors == 1 and "broken.ttl:4" in junit.stdout

    github = run_cli("validate", "--format", "github", unreadable)
    assert github.returncode == 2
    assert re.fullmatch(r"::error file=[^,]*broken\.ttl,line=4,title=unreadable input::.+\n", github.stdout)


def test_unreadable_input_in_text_is_the_message_alone(unreadable):
    result = run_cli("validate", unreadable)
    assert result.returncode == 2 and result.stdout == "" and "broken.ttl:4" in result.stderr


@pytest.fixture(scope="module")
def dumps(tmp_path_factory) -> Path:
    """The shipped graph exported in every format."""
    out = tmp_path_factory.mktemp("dumps")
    assert run_cli("export", "-o", out).returncode == 0
    return out


@pytest.mark.parametrize("name", ["data.nq", "data.nt"])
def test_findings_in_n_quads_and_n_triples_point_at_the_subjects_line(dumps, name):
    result = run_cli("validate", dumps / name, "--format", "sarif")
    log = json.loads(result.stdout)
    jsonschema.validate(log, SARIF_SCHEMA)
    lines = (dumps / name).read_text().splitlines()
    results = log["runs"][0]["results"]
    assert results
    for found in results:
        (location,) = found["locations"]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == (dumps / name).as_uri()
        line = lines[location["physicalLocation"]["region"]["startLine"] - 1]
        focus = found["properties"]["focus"]
        assert line.startswith(focus.split(" ")[0] + " "), (focus, line)


@pytest.mark.parametrize("name", ["data.rdf", "data.jsonld"])
def test_findings_in_rdf_xml_and_json_ld_name_their_file(dumps, name):
    """Their statements have no line to point at: the file is named (SARIF allows a physical location
    without a region, GitHub an annotation without a line)."""
    log = json.loads(run_cli("validate", dumps / name, "--format", "sarif").stdout)
    jsonschema.validate(log, SARIF_SCHEMA)
    results = log["runs"][0]["results"]
    assert results and all(found["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": (dumps / name).as_uri()}}}]
                           for found in results)
    annotations = run_cli("validate", dumps / name, "--format", "github").stdout.splitlines()[:-1]
    assert annotations and all(a.startswith(f"::error file={dumps / name},title=") or
                               a.startswith(f"::warning file={dumps / name},title=") for a in annotations)
    text = run_cli("validate", dumps / name).stdout
    assert "(no file)" not in text and f"{dumps / name}: violation: " in text
