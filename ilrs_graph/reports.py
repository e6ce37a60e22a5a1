"""Validation reports for people (text), programs (json) and CI (sarif, junit, github): one table."""

from __future__ import annotations

import json
from collections.abc import Callable

from . import __version__
from .ci_reports import github, junit, located, sarif, summary
from .validate import Report


def text(report: Report) -> str:
    """Compiler-style lines (``file:line: severity: message``) that editors can jump to, then a summary."""
    return "\n".join([located(finding) for finding in report.findings] + [summary(report)]) + "\n"


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


FORMATS: dict[str, Callable[[Report], str]] = {
    "text": text, "json": json_report, "sarif": sarif, "junit": junit, "github": github}
