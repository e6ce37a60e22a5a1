"""Validation reports for people (text), programs (json) and CI (sarif, junit, github): one table."""

from __future__ import annotations

import json
from collections.abc import Callable

from . import __version__
from .ci_reports import github, github_unreadable, junit, junit_unreadable, located, sarif, sarif_unreadable, summary
from .load import LoadError
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


def json_unreadable(error: LoadError) -> str:
    """The report of a run that could not read its input: where and why, and no findings."""
    return json.dumps({
        "tool": {"name": "ilrs-graph", "version": __version__},
        "conforms": None,
        "error": {"file": error.path, "line": error.line, "column": error.column, "message": error.message},
        "findings": [],
    }, indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, Callable[[Report], str]] = {
    "text": text, "json": json_report, "sarif": sarif, "junit": junit, "github": github}
# For input that cannot be read (exit 2): machine-readable formats still give their reader a document;
# for people the message on stderr is the report.
UNREADABLE_FORMATS: dict[str, Callable[[LoadError], str]] = {
    "json": json_unreadable, "sarif": sarif_unreadable, "junit": junit_unreadable, "github": github_unreadable}
