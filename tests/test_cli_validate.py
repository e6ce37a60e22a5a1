"""`ilrs-graph validate` as a contributor runs it: exit codes, text and JSON reports, file:line."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from ilrs_graph.load import load_shipped
from ilrs_graph.namespaces import ONTOLOGY

from .conftest import FIXTURES, ROOT, run_cli

README = (ROOT / "README.md").read_text()


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


VALIDATE_SAMPLES = re.findall(r"```\n\$ (ilrs-graph validate [^\n]*)\n(.*?)```", README, re.S)


def sample_format(command: str) -> str:
    return command.split("--format ")[-1].split()[0] if "--format" in command else "text"


def test_the_readme_shows_validate_in_text_and_for_github():
    """Without them the test below would be skipped (it would have no cases), not failed."""
    assert sorted(sample_format(command) for command, _ in VALIDATE_SAMPLES) == ["github", "text"]


@pytest.mark.parametrize("command, shown", [pytest.param(command, shown, id=sample_format(command))
                                            for command, shown in VALIDATE_SAMPLES])
def test_the_readmes_samples_of_validate_are_what_it_prints(command, shown):
    """The README's samples had drifted from what the command prints (a count of facts the ontology had
    since grown past): each is run and must print what the README shows."""
    result = run_cli(*shlex.split(command)[1:])
    assert result.returncode == 1 and result.stdout == shown


def test_the_readmes_sarif_result_is_what_validate_reports():
    command = next(command for command, _ in VALIDATE_SAMPLES if sample_format(command) == "github")
    shown = json.loads(re.search(r"the result in `--format sarif`:\n\n```json\n(.*?)```", README, re.S)[1])
    arguments = shlex.split(command)[1:]
    arguments[arguments.index("github")] = "sarif"
    result = run_cli(*arguments)
    assert result.returncode == 1 and json.loads(result.stdout)["runs"][0]["results"] == [shown]


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


@pytest.mark.parametrize("ontology", ["ontology/ilrs.ttl", "./ontology/../ontology/ilrs.ttl", "absolute"])
def test_the_ontology_named_by_any_path_is_the_ontology(ontology):
    """Which graph a file's triples go to follows from what the file says (it declares an owl:Ontology),
    not from the path that names it: the same file gives the same report and the same export."""
    named = str(Path(__file__).resolve().parent.parent / "ontology" / "ilrs.ttl") if ontology == "absolute" else ontology
    result = run_cli("validate", "data", named)
    assert result.returncode == 0, result.stdout[-2000:]
    assert result.stdout == run_cli("validate", "data").stdout


def test_the_ontology_named_from_another_directory_is_the_ontology(tmp_path: Path):
    root = Path(__file__).resolve().parent.parent
    result = run_cli("validate", root / "data", root / "ontology" / "ilrs.ttl", cwd=tmp_path)
    assert result.returncode == 0 and "0 violations" in result.stdout, result.stdout[-2000:]


def test_exporting_the_data_with_the_ontology_named_gives_the_shipped_export(tmp_path: Path):
    assert run_cli("export", "-o", tmp_path / "shipped").returncode == 0
    assert run_cli("export", "data", "ontology/ilrs.ttl", "-o", tmp_path / "named").returncode == 0
    for written in sorted((tmp_path / "shipped").iterdir()):
        assert (tmp_path / "named" / written.name).read_bytes() == written.read_bytes(), written.name


def _fork(tmp_path: Path, added_to_the_ontology: str) -> Path:
    """A copy of the data and of the ontology with ``added_to_the_ontology`` at its end, as a fork has them."""
    root = Path(__file__).resolve().parent.parent
    fork = tmp_path / "fork"
    (fork / "ontology").mkdir(parents=True)
    (fork / "data").mkdir()
    for trig in (root / "data").glob("*.trig"):
        (fork / "data" / trig.name).write_bytes(trig.read_bytes())
    (fork / "ontology" / "ilrs.ttl").write_text((root / "ontology" / "ilrs.ttl").read_text() + added_to_the_ontology)
    return fork


@pytest.mark.parametrize("defined_by", ["    rdfs:isDefinedBy <https://w3id.org/ilrs/ontology> ;\n", ""],
                         ids=["isDefinedBy", "declared-only"])
def test_a_forks_own_ontology_is_validated_with_its_data_in_place_of_the_shipped_one(tmp_path: Path, defined_by):
    """A term the ontology's file declares (a owl:Class) is the ontology's, with or without rdfs:isDefinedBy."""
    fork = _fork(tmp_path, f"""
ilrs:habitatModule a owl:Class ;
{defined_by}    rdfs:label "habitat module"@en ;
    skos:definition "A pressurised module of the station."@en .
""")
    result = run_cli("validate", "data", "ontology/ilrs.ttl", cwd=fork)
    assert result.returncode == 0 and "0 violations" in result.stdout, result.stdout[-2000:]
    asked = run_cli("query", "ASK { GRAPH <https://w3id.org/ilrs/ontology> { ?term a ?class } "
                    "FILTER (?term = <https://w3id.org/ilrs/ontology/habitatModule>) }",
                    "--data", "data", "ontology/ilrs.ttl", "--format", "csv", cwd=fork)
    assert asked.stdout == "true\n", asked.stdout + asked.stderr


@pytest.mark.parametrize("dump", ["nt", "ttl"])
def test_a_merged_dump_holding_the_ontology_still_needs_sources_for_its_facts(tmp_path: Path, dump):
    """A graph dump (data.nt, data.ttl) declares the ontology too, but its other facts are facts, not terms:
    each data fact is without a source, and no statement of the ontology is."""
    assert run_cli("export", "-o", tmp_path, "--format", dump).returncode == 0
    result = run_cli("validate", tmp_path / f"data.{dump}", "--format", "json")
    unsourced = [f["focus"] for f in json.loads(result.stdout)["findings"] if f["message"].startswith("This fact has no source")]
    assert result.returncode == 1 and any(focus.startswith("<https://w3id.org/ilrs/id/") for focus in unsourced)
    assert not [focus for focus in unsourced if focus.startswith("<https://w3id.org/ilrs/ontology")]
    shipped = load_shipped().quads
    facts = {q.triple for q in shipped} - {q.triple for q in shipped if q.graph_name.value == ONTOLOGY}
    assert len(unsourced) == len(facts)


def test_a_named_graph_that_calls_itself_an_ontology_still_needs_a_described_source(tmp_path: Path):
    """Only the graph the loader makes from an ontology declared outside a named graph holds terms without
    sources: a data file's graph cannot turn the check off by declaring itself an owl:Ontology."""
    sneak = tmp_path / "sneak.trig"
    sneak.write_text("@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                     "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                     "@prefix ilrs: <https://w3id.org/ilrs/ontology/> .\n"
                     "<https://example.org/notes> {\n"
                     "  <https://example.org/notes> a owl:Ontology .\n"
                     "  <https://w3id.org/ilrs/id/country/atlantis> a ilrs:Country ; rdfs:label \"Atlantis\"@en .\n"
                     "}\n")
    result = run_cli("validate", sneak, "--format", "json")
    unsourced = [f["focus"] for f in json.loads(result.stdout)["findings"]
                 if "not a described source document" in f["message"]]
    assert result.returncode == 1 and len(unsourced) == 3, result.stdout[-2000:]
    assert any(focus.startswith("<https://w3id.org/ilrs/id/country/atlantis>") for focus in unsourced)


@pytest.mark.parametrize("dump", ["nq", "trig"])
def test_a_dataset_dump_holding_the_ontologys_graph_conforms(tmp_path: Path, dump):
    """export's dataset dumps keep the ontology in its named graph, holding nothing but its terms."""
    assert run_cli("export", "-o", tmp_path, "--format", dump).returncode == 0
    result = run_cli("validate", tmp_path / f"data.{dump}")
    assert result.returncode == 0 and "0 violations" in result.stdout, result.stdout[-2000:]


@pytest.mark.parametrize("report", ["text", "json", "sarif", "junit", "github"])
@pytest.mark.parametrize("content", [
    "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n",
    "",
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
    "ex:Untargeted a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .\n",
], ids=["other-rdf", "empty", "no-target"])
def test_shapes_that_check_nothing_are_bad_input_not_conformance(tmp_path: Path, report, content):
    """--shapes naming a file without shapes would turn validation off in CI while saying 'conforms'."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(content)
    result = run_cli("validate", "--shapes", shapes, "--format", report, FIXTURES / "base.trig")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"error: {shapes}: no SHACL shapes (" in result.stderr and result.stderr.count(str(shapes)) == 1
    if report in ("json", "sarif"):
        assert "no SHACL shapes" in json.dumps(json.loads(result.stdout))
    elif report != "text":
        assert "no SHACL shapes" in result.stdout


def test_a_node_shape_that_is_a_class_targets_its_instances(tmp_path: Path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                      "<https://w3id.org/ilrs/ontology/Partnership> a rdfs:Class, sh:NodeShape ;\n"
                      "    sh:property [ sh:path <http://example.org/never> ; sh:minCount 1 ] .\n")
    result = run_cli("validate", "--shapes", shapes, FIXTURES / "base.trig")
    assert result.returncode == 1 and "violation" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("report", ["text", "github", "junit"])
def test_a_control_character_of_the_data_reaches_no_terminal_and_forges_no_ci_line(tmp_path: Path, report):
    """A value from a pull request's data is shown in a finding: raw, its ESC [2J cleared the terminal, and
    its line end started a line of its own, which GitHub Actions reads as a workflow command (an
    annotation, a mask). Written as \\u001b, as `query` and `diff` write control characters."""
    fixture = (FIXTURES / "bad" / "count-counts-not-text.trig").read_text()
    bad = tmp_path / "escape.trig"
    bad.write_text(fixture.replace("ilrs:counts 9", 'ilrs:counts "a\\u001b[2J\\n::error title=forged::b"^^<http://example.org/text>'))
    result = run_cli("validate", FIXTURES / "base.trig", bad, "--format", report)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "\\u001b[2J" in result.stdout and "\x1b" not in result.stdout
    assert not any(line.startswith("::error title=forged") for line in result.stdout.splitlines())
