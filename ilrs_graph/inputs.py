"""Paths typed on the command line → the RDF files to read.

A file is read as it is (the loader reports it if it is not RDF); a directory stands for the
RDF files directly inside it, by suffix, in name order, so ``ilrs-graph validate data`` checks a fork's
whole data folder without a shell glob (as a pre-commit hook runs it).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .load import RDF_FILE_FORMATS, LoadError


def rdf_files(paths: Sequence[Path]) -> list[Path]:
    """The files of ``paths``, each directory replaced by the RDF files in it; a file named twice, once."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise LoadError(path, "no such file or directory")
        if not path.is_dir():
            found.append(path)
            continue
        inside = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in RDF_FILE_FORMATS)
        if not inside:
            raise LoadError(path, f"no RDF files in this directory (known: {', '.join(sorted(RDF_FILE_FORMATS))})")
        found += inside
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())
