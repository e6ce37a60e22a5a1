"""Where the shipped ontology, data and example queries are.

In a source checkout they are the top-level folders ``ontology/``, ``data/`` and ``queries/``; an
installed wheel carries the same folders inside the package, under ``ilrs_graph/_shipped/``.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _folder(name: str) -> Path:
    inside_wheel = _PACKAGE / "_shipped" / name
    return inside_wheel if inside_wheel.is_dir() else _PACKAGE.parent / name


def ontology_file() -> Path:
    """The OWL ontology (Turtle)."""
    return _folder("ontology") / "ilrs.ttl"


def ontology_versions() -> dict[str, Path]:
    """The ontology's earlier versions as they were released (``ontology/versions/<version>.ttl``), by
    version: each version IRI names its own document, which never changes."""
    return {path.stem: path for path in sorted((_folder("ontology") / "versions").glob("*.ttl"))}


def shapes_file() -> Path:
    """The SHACL shapes the data is validated against (Turtle)."""
    return _folder("ontology") / "shapes.ttl"


def data_folder() -> Path:
    """The folder of the hand-edited data (a resolved path: it tells one checkout or installation from another)."""
    return _folder("data")


def data_files() -> list[Path]:
    """The hand-edited data, one TriG file per topic, in a stable order."""
    return sorted(data_folder().glob("*.trig"))


def query_files() -> list[Path]:
    """The competency questions, one SPARQL query per file, in a stable order."""
    return sorted(_folder("queries").glob("*.rq"))
