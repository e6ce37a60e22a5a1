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
        try:
            found += _files_of(path)
        except OSError as error:  # a folder the user may not list, a name too long to look up
            raise LoadError(path, f"cannot be read: {error.strerror or error}") from None
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def _files_of(path: Path) -> list[Path]:
    """``path`` itself, or the RDF files in it when it is a directory; OSError when it cannot be looked at."""
    if not path.exists():
        raise LoadError(path, "no such file or directory")
    if not path.is_dir():
        return [path]
    inside = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in RDF_FILE_FORMATS)
    if not inside:
        raise LoadError(path, f"no RDF files in this directory (known: {', '.join(sorted(RDF_FILE_FORMATS))})")
    return inside
