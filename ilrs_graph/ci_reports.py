"""Validation reports for continuous integration: SARIF 2.1.0, JUnit XML and GitHub workflow annotations.

Each points at the ``file:line`` where a finding's focus node is written, so that code scanning,
test-report viewers and pull-request annotations show the finding on the offending line (at the file
alone for RDF/XML and JSON-LD, whose statements have no line: a SARIF physical location without a
region, a GitHub annotation with ``file`` and no ``line``, both of which the formats allow). The wording of
a finding's details and of the summary line is shared with the text report.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from . import __version__
from .load import LoadError
from .namespaces import BASE, shorten_terms
from .text_table import terminal_safe
from .validate import Finding, Report
from .wording import counted

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVELS = {"violation": "error", "warning": "warning", "info": "note"}
_GITHUB_COMMANDS = {"violation": "error", "warning": "warning", "info": "notice"}


def rule_of(finding: Finding) -> str:
    """The check a finding comes from: its node shape (``shapes:Partnership``), else its constraint."""
    return shorten_terms(finding.shape) if finding.shape else finding.constraint


def sarif(report: Report) -> str:
    """A SARIF 2.1.0 log: one rule per node shape, one result per finding at its file and line."""
    rules = {shorten_terms(shape): label for shape, label in report.shapes.items()}
    for finding in report.findings:
        rules.setdefault(rule_of(finding), "")
    rule_ids = sorted(rules)
    results = []
    for finding in report.findings:
        result = {
            "ruleId": rule_of(finding),
            "ruleIndex": rule_ids.index(rule_of(finding)),
            "level": _SARIF_LEVELS[finding.severity],
            "message": {"text": f"{finding.message}\n{details(finding)}"},
            "properties": {key: value for key, value in finding.as_dict().items()
                           if key not in ("location", "message") and value is not None},
        }
        if finding.location:
            result["locations"] = [_sarif_location(finding.location.path, finding.location.line)]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ilrs-graph",
                "version": __version__,
                "informationUri": BASE,
                "rules": [{"id": rule_id, "shortDescription": {"text": rules[rule_id] or rule_id}}
                          for rule_id in rule_ids],
            }},
            "artifacts": [{"location": {"uri": _uri(path)}} for path in report.files],
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def junit(report: Report) -> str:
    """JUnit XML: a test case per node shape, failed by its violations; warnings go to its output."""
    by_rule: dict[str, list[Finding]] = {shorten_terms(shape): [] for shape in report.shapes}
    for finding in report.findings:
        by_rule.setdefault(rule_of(finding), []).append(finding)
    failed = sum(1 for findings in by_rule.values() if any(f.severity == "violation" for f in findings))
    counts = {"tests": str(len(by_rule)), "failures": str(failed), "errors": "0", "skipped": "0"}
    suites = ET.Element("testsuites", {"name": "ilrs-graph validate", **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": "SHACL shapes", **counts})
    labels = {shorten_terms(shape): label for shape, label in report.shapes.items()}
    for rule_id in sorted(by_rule):
        case = ET.SubElement(suite, "testcase", {"classname": "shapes", "name": rule_id})
        violations = [f for f in by_rule[rule_id] if f.severity == "violation"]
        others = [f for f in by_rule[rule_id] if f.severity != "violation"]
        if violations:
            failure = ET.SubElement(case, "failure", {
                "message": f"{counted(len(violations), 'violation')} of {rule_id}"
                           + (f" ({labels[rule_id]})" if labels.get(rule_id) else ""),
                "type": "violation"})
            failure.text = "\n".join(located(f) for f in violations)
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(located(f) for f in others)
    return _junit_document(suites)


# What XML 1.0 cannot carry, even as a character reference (a value in the data may hold it).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _junit_document(suites: ET.Element) -> str:
    """The JUnit XML document: a character XML 1.0 forbids, in a value or a file name, is written as
    ``\\uXXXX`` (as the query command's table writes control characters), so that CI can read it."""
    ET.indent(suites)
    written = ET.tostring(suites, encoding="unicode", xml_declaration=True)
    return _NOT_XML.sub(lambda c: f"\\u{ord(c.group()):04x}", written) + "\n"


def github(report: Report) -> str:
    """GitHub Actions workflow commands (``::error file=…,line=…::…``), one per finding, then a summary."""
    lines = []
    for finding in report.findings:
        properties = [f"title={_escape_property(rule_of(finding))}"]
        if finding.location:  # a file without a line (RDF/XML, JSON-LD) is annotated as a whole
            properties[:0] = [f"file={_escape_property(finding.location.path)}"] + (
                [f"line={finding.location.line}"] if finding.location.line else [])
        lines.append(f"::{_GITHUB_COMMANDS[finding.severity]} {','.join(properties)}::"
                     f"{_escape_data(terminal_safe(finding.message) + chr(10) + terminal_safe(details(finding)))}")
    return "\n".join(lines + [summary(report)]) + "\n"


def sarif_unreadable(error: LoadError) -> str:
    """A SARIF log of a run that could not read its input: no results, the failure as the invocation's
    error notification at the file and line (SARIF 3.58), so code scanning shows why it stopped."""
    notification = {"level": "error", "message": {"text": error.message},
                    "locations": [_sarif_location(error.path, error.line)]}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ilrs-graph", "version": __version__, "informationUri": BASE}},
            "invocations": [{"executionSuccessful": False, "toolExecutionNotifications": [notification]}],
            "results": [],
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def junit_unreadable(error: LoadError) -> str:
    """JUnit XML with one test case, reading the data, in error."""
    counts = {"tests": "1", "failures": "0", "errors": "1", "skipped": "0"}
    suites = ET.Element("testsuites", {"name": "ilrs-graph validate", **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": "SHACL shapes", **counts})
    case = ET.SubElement(suite, "testcase", {"classname": "input", "name": "read the data"})
    ET.SubElement(case, "error", {"message": str(error), "type": "unreadable"}).text = str(error)
    return _junit_document(suites)


def github_unreadable(error: LoadError) -> str:
    """One workflow error annotation at the file and line that could not be read."""
    where = [f"file={_escape_property(error.path)}"] + ([f"line={error.line}"] if error.line else [])
    return f"::error {','.join(where + ['title=unreadable input'])}::{_escape_data(error.message)}\n"


def _sarif_location(path: str, line: int | None) -> dict:
    physical: dict = {"artifactLocation": {"uri": _uri(path)}}
    if line:
        physical["region"] = {"startLine": line}
    return {"physicalLocation": physical}


def summary(report: Report) -> str:
    """One line: how much was checked and what was found (infos only when there are some: the shipped
    shapes make none, and custom --shapes may)."""
    counts = [counted(report.count("violation"), "violation"), counted(report.count("warning"), "warning")]
    if report.count("info"):
        counts.append(counted(report.count("info"), "info"))
    verdict = "conforms" if report.conforms else "does not conform"
    return (f"{counted(len(report.files), 'file')}, {counted(report.triples, 'fact')}: {', '.join(counts)}; "
            f"the data {verdict}.")


def details(finding: Finding) -> str:
    """What the finding is about: ``focus: …   path: …   value: …   shape: …`` (prefixed names)."""
    parts = [f"focus: {shorten_terms(finding.focus)}"]
    if finding.path:
        parts.append(f"path: {shorten_terms(finding.path)}")
    if finding.value:
        parts.append(f"value: {shorten_terms(finding.value)}")
    if finding.shape:
        parts.append(f"shape: {shorten_terms(finding.shape)}")
    return "   ".join(parts)


def located(finding: Finding) -> str:
    """``file:line: severity: message``, which editors and terminals link, then the details indented; a
    control character of the data as \\uXXXX (it would reach a terminal, or start a line of a CI log)."""
    where = str(finding.location) if finding.location else "(no file)"
    return terminal_safe(f"{where}: {finding.severity}: {finding.message}") + "\n    " + terminal_safe(details(finding))


def _uri(path: str) -> str:
    """A file as SARIF wants it: relative paths as relative URI references, absolute ones as file: URIs."""
    return Path(path).as_uri() if Path(path).is_absolute() else quote(str(PurePosixPath(Path(path))))


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
