"""The competency questions (``queries/*.rq``) as examples people can run: each with its title and its
question in words, from the ``# title:`` and ``# question:`` lines it starts with."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import shipped


@dataclass(frozen=True)
class Example:
    name: str      # the file's stem: joined-in-2023
    title: str
    question: str
    text: str      # the whole query, comments included


def examples() -> tuple[Example, ...]:
    """Every competency question, in the order of their files."""
    return tuple(_read(path, path.stat().st_mtime) for path in shipped.query_files())


@lru_cache(maxsize=256)
def _read(path: Path, modified: float) -> Example:
    text = path.read_text(encoding="utf-8")
    said = {}
    for line in text.splitlines():
        key, colon, value = line.removeprefix("# ").partition(": ")
        if line.startswith("# ") and colon and key in ("title", "question"):
            said.setdefault(key, value.strip())
    return Example(path.stem, said.get("title", path.stem), said.get("question", ""), text)
