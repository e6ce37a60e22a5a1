"""Validation reports for people (text) and programs (json), one writer per format, in one table."""

from __future__ import annotations

import json
from collections.abc import Callable

from . import __version__
from .namespaces import shorten_terms
from .validate import Report


def text(report: Report) -> str:
    """Compiler-style lines (``file:line: severity: message``) that editors can jump to, then a summary."""
    lines: list[str] = []
    for finding in report.findings:
        where = str(finding.location) if finding.location else "(no file)"
        lines.append(f"{where}: {finding.severity}: {finding.message}")
        details = [f"focus: {shorten_terms(finding.focus)}"]
        if finding.path:
            details.append(f"path: {shorten_terms(finding.path)}")
        if finding.value:
            details.append(f"value: {shorten_terms(finding.value)}")
        if finding.shape:
            details.append(f"shape: {shorten_terms(finding.shape)}")
        lines.append("    " + "   ".join(details))
    violations, warnings = report.count("violation"), report.count("warning")
    verdict = "conforms" if report.conforms else "does not conform"
    lines.append(f"{len(report.files)} files, {report.triples:,} facts: {violations} violation"
                 f"{'' if violations == 1 else 's'}, {warnings} warning{'' if warnings == 1 else 's'}; "
                 f"the data {verdict}.")
    return "\n".join(lines) + "\n"


def json_report(report: Report) -> str:
    """The whole report as one JSON document (stable keys, for programs and CI)."""
    return json.dumps({
        "tool": {"name": "ilrs-graph", "version": __version__},
        "conforms": report.conforms,
        "files": list(report.files),
        "facts": report.triples,
        "counts": {s: report.count(s) for s in ("violation", "warning", "info")},
        "findings": [f.as_dict() for f in report.findings],
    }, indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, Callable[[Report], str]] = {"text": text, "json": json_report}
