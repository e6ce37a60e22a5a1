"""SPARQL results as an aligned text table, for people reading a terminal."""

from __future__ import annotations

import itertools
import json
import re
import unicodedata

from .namespaces import shorten
from .wording import counted

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def render(results_json: bytes, *, max_width: int = 60) -> str:
    """Render ``application/sparql-results+json`` as a table (or ``yes``/``no`` for ASK)."""
    results = json.loads(results_json)
    if "boolean" in results:
        return ("yes" if results["boolean"] else "no") + "\n"
    columns = results["head"].get("vars", [])
    rows = [[_cell(binding.get(name), max_width) for name in columns] for binding in results["results"]["bindings"]]
    widths = [max([_width(name)] + [_width(row[i]) for row in rows]) for i, name in enumerate(columns)]
    line = "-+-".join("-" * w for w in widths)  # "-+-" under each " | " of the rows
    out = [" | ".join(_padded(name, w) for name, w in zip(columns, widths)), line]
    out += [" | ".join(_padded(cell, w) for cell, w in zip(row, widths)) for row in rows]
    out.append(f"({counted(len(rows), 'row')})")
    return "\n".join(out) + "\n"


def _cell(term: dict | None, max_width: int) -> str:
    if term is None:
        return ""
    text = terminal_safe(" ".join(_text(term).split()))
    if _width(text) <= max_width:
        return text
    fitting = sum(1 for used in itertools.accumulate(map(_width, text)) if used < max_width)  # with room for "…"
    return text[:fitting] + "…"


def terminal_safe(text: str) -> str:
    """``text`` with its control characters written as \\uXXXX: data cannot send the terminal escapes
    (clear the screen, recolour, rewrite the title) or break a line."""
    return _CONTROL.sub(lambda c: f"\\u{ord(c.group()):04x}", text)


def _width(text: str) -> int:
    """The columns ``text`` takes in a terminal: two for a wide (CJK) character, none for a mark joined to
    the one before or a format character (combining accents, variation selectors, the zero-width joiner)."""
    return sum(0 if unicodedata.category(c) in ("Mn", "Me", "Cf") else 2 if unicodedata.east_asian_width(c) in "WF"
               else 1 for c in text)


def _padded(text: str, width: int) -> str:
    """``text`` filled with spaces to ``width`` terminal columns (str.ljust counts characters)."""
    return text + " " * (width - _width(text))


def _text(term: dict) -> str:
    if term["type"] == "uri":
        return shorten(term["value"])
    if term["type"] == "bnode":
        return "_:" + term["value"]
    if term["type"] == "triple":  # an RDF 1.2 triple term, as Turtle writes it
        parts = term["value"]
        return f"<<( {_text(parts['subject'])} {_text(parts['predicate'])} {_text(parts['object'])} )>>"
    return term["value"]
