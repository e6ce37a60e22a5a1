"""Every rule of ontology/shapes.ttl, shown to catch the data it is written for.

Each file in fixtures/bad/ breaks one rule on top of fixtures/base.trig (a small valid graph). Its
header says which rule (``# Breaks shapes:Shape path sh:Component``) and what the report must say
(``# Expect: severity: message``); the line marked ``# <- reported here`` is where the report must point.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SH

from ilrs_graph import shipped as shipped_files
from ilrs_graph.load import load_files
from ilrs_graph.namespaces import shorten
from ilrs_graph.validate import validate

from .conftest import FIXTURES, ROOT

BAD = sorted((FIXTURES / "bad").glob("*.trig"))
BASE = FIXTURES / "base.trig"
HEADER = re.compile(r"^# Breaks (\S+) (\S+) (\S+)\n# Expect: (violation|warning): (.+)$", re.M)

# SHACL constraint parameters → the component a result names.
COMPONENTS = {
    SH.minCount: "MinCount", SH.maxCount: "MaxCount", SH.datatype: "Datatype", SH["class"]: "Class",
    SH["in"]: "In", SH.pattern: "Pattern", SH.nodeKind: "NodeKind", SH.languageIn: "LanguageIn",
    SH.uniqueLang: "UniqueLang", SH.minInclusive: "MinInclusive", SH.minExclusive: "MinExclusive",
    SH["or"]: "Or", SH.node: "Node",
}


def fixture_header(path: Path) -> tuple[tuple[str, str, str], str, str, int]:
    text = path.read_text()
    found = HEADER.search(text)
    assert found, f"{path.name} lacks its '# Breaks' / '# Expect' header"
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.rstrip().endswith("# <- reported here"))
    return (found.group(1), found.group(2), found.group(3)), found.group(4), found.group(5), line


@lru_cache(maxsize=None)
def report_for(path: Path):
    return validate(load_files([BASE, path], display_root=ROOT))


def rule_of(finding) -> tuple[str, str, str]:
    return (shorten(finding.shape.strip("<>")) if finding.shape else "-",
            shorten(finding.path.strip("<>")) if finding.path else "-",
            finding.constraint)


def test_the_base_fixture_conforms_without_findings():
    report = validate(load_files([BASE], display_root=ROOT))
    assert report.conforms and not report.findings


@pytest.mark.parametrize("fixture", BAD, ids=[p.stem for p in BAD])
def test_each_bad_fixture_is_reported_by_its_rule_at_its_line(fixture: Path):
    rule, severity, message, line = fixture_header(fixture)
    report = report_for(fixture)
    matching = [f for f in report.findings if rule_of(f) == rule]
    assert matching, f"{rule} did not fire; got {[rule_of(f) for f in report.findings]}"
    assert all(f.severity == severity for f in matching)
    assert any(message in f.message for f in matching), [f.message for f in matching]
    expected_location = f"{fixture.relative_to(ROOT)}:{line}"
    assert expected_location in {str(f.location) for f in matching}
    assert report.conforms == (severity == "warning")
    assert len(set(report.findings)) == len(report.findings), "a finding reported more than once"


def test_every_rule_of_the_shapes_has_a_fixture():
    shapes = rdflib.Graph().parse(shipped_files.shapes_file())
    rules: set[tuple[str, str, str]] = set()
    for node_shape in set(shapes.subjects(rdflib.RDF.type, SH.NodeShape)):
        name = shorten(str(node_shape))
        for property_shape in shapes.objects(node_shape, SH.property):
            path = shorten(str(shapes.value(property_shape, SH.path)))
            for parameter, component in COMPONENTS.items():
                if (property_shape, parameter, None) in shapes:
                    rules.add((name, path, f"sh:{component}ConstraintComponent"))
        if (node_shape, SH["or"], None) in shapes:
            rules.add((name, "-", "sh:OrConstraintComponent"))
        for constraint in shapes.objects(node_shape, SH.sparql):
            query = str(shapes.value(constraint, SH.select))
            path = re.search(r"\((\S+) AS \?path\)", query)
            rules.add((name, path.group(1) if path else "-", "sh:SPARQLConstraintComponent"))
    covered = {fixture_header(path)[0] for path in BAD}
    assert sorted(rules - covered) == []
    assert sorted(covered - rules) == []
