"""Dumps of the graph that do not change unless the data does: same facts in, same bytes out.

Blank nodes are renamed by RDF canonicalisation (RDFC-1.0) and statements are written in sorted order,
so a dump can be checksummed, cached and compared. Graph formats (Turtle, N-Triples, JSON-LD, RDF/XML)
carry the merged triples, each once; dataset formats (TriG, N-Quads) keep one named graph per source.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from . import jsonld, void
from .formats import DATASET_FORMATS, GRAPH_FORMATS, Format, by_name, writable
from .load import LoadedGraph
from .namespaces import PREFIXES, RDF

EXPORT_FORMATS: tuple[Format, ...] = GRAPH_FORMATS + DATASET_FORMATS
DUMP_STEM = "data"                  # dumps are data.ttl, data.nq…, as the server serves them
CONTEXT_FILE = "context.jsonld"     # the JSON-LD context the dump uses, published on its own
DESCRIPTION_FILE = "void.ttl"       # the VoID/DCAT description of the dumps
CHECKSUMS_FILE = "SHA256SUMS"       # `sha256sum -c SHA256SUMS` checks every file written
# What an export writes, or wrote: the dumps were ilrs.ttl, ilrs.nq… before they took the server's names.
_EXPORT_NAMES = frozenset({f"{stem}.{fmt.extension}" for stem in (DUMP_STEM, "ilrs") for fmt in EXPORT_FORMATS}
                          | {CONTEXT_FILE, DESCRIPTION_FILE})
_TYPE = ox.NamedNode(RDF + "type")


class ExportError(Exception):
    """The export cannot be written where it was asked to be, and nothing was written."""


@dataclass(frozen=True)
class Dump:
    """One serialisation of the whole graph, with what a catalogue says about it."""

    format: Format
    body: bytes | memoryview  # the server's dumps are files it maps (kept_files.py)

    @property
    def file_name(self) -> str:
        return f"{DUMP_STEM}.{self.format.extension}"

    @cached_property  # a dump described for each name a server is called by is hashed once
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


def canonical_quads(statements: Iterable[ox.Quad | ox.Triple], *, merge: bool) -> list[ox.Quad]:
    """The statements (with ``merge``, their distinct triples in the default graph), blank nodes
    canonically named, in a fixed order: by graph, subject, ``rdf:type`` first, then predicate, object."""
    dataset = ox.Dataset(
        ox.Quad(s.subject, s.predicate, s.object,
                ox.DefaultGraph() if merge or isinstance(s, ox.Triple) else s.graph_name)
        for s in statements)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=lambda q: (str(q.graph_name), str(q.subject), q.predicate != _TYPE,
                                          str(q.predicate), str(q.object)))


def serialize(statements: Iterable[ox.Quad | ox.Triple], fmt: Format, prefixes: dict[str, str] = PREFIXES) -> bytes:
    """``statements`` in ``fmt``, deterministically (JSON-LD compacted with :func:`jsonld.context`);
    CannotWrite when ``fmt`` cannot hold them."""
    ordered = canonical_quads(statements, merge=fmt.kind != "dataset")
    if fmt.name == "jsonld":
        triples = [q.triple for q in ordered]
        return jsonld.to_bytes(jsonld.document(triples, jsonld.context(triples)))
    items = ordered if fmt.kind == "dataset" else [q.triple for q in ordered]
    return writable(ox.serialize(items, format=fmt.oxigraph, prefixes=prefixes), fmt)


def build_dumps(loaded: LoadedGraph, formats: Sequence[Format] = EXPORT_FORMATS) -> list[Dump]:
    """The graph in each of ``formats``, in memory (the server can serve and describe them as they are)."""
    return [Dump(fmt, serialize(loaded.quads, fmt)) for fmt in formats]


def export_files(loaded: LoadedGraph, formats: Sequence[Format], base_url: str, *,
                 static_site: bool = False) -> dict[str, bytes]:
    """The dumps, the JSON-LD context (with a JSON-LD dump), the VoID/DCAT description (of the dataset
    served at ``base_url``, or published there as a static site) and SHA256SUMS: file name → bytes."""
    dumps = build_dumps(loaded, formats)
    files = {dump.file_name: dump.body for dump in dumps}
    if any(dump.format.name == "jsonld" for dump in dumps):
        files[CONTEXT_FILE] = jsonld.to_bytes(jsonld.context_document(loaded))
    description = void.describe(void.summarize(loaded), base_url, dumps, static_site=static_site)
    files[DESCRIPTION_FILE] = serialize(description, by_name("turtle"), void.PREFIXES)
    checksums = {name: hashlib.sha256(body).hexdigest() for name, body in sorted(files.items())}
    files[CHECKSUMS_FILE] = "".join(f"{digest}  {name}\n" for name, digest in checksums.items()).encode()
    return files


def write_export(loaded: LoadedGraph, out_dir: Path, formats: Sequence[Format], base_url: str) -> list[str]:
    """Write :func:`export_files` into ``out_dir``; return the names of the files SHA256SUMS lists."""
    files = export_files(loaded, formats, base_url)
    sources = {path.resolve() for path in loaded.files}
    clashes = sorted(name for name in files if (out_dir / name).resolve() in sources)
    if clashes:
        raise ExportError(f"{out_dir / clashes[0]}: is one of the files being exported; choose another directory")
    read_here = sorted(path for path in loaded.files if path.resolve().parent == out_dir.resolve())
    if read_here:  # the dumps would be read back with the data next time (validate data, serve --data data)
        raise ExportError(f"{out_dir}: holds files being exported ({read_here[0].name}…); write the dumps "
                          "to a directory of their own")
    in_the_way = sorted(name for name in files if (out_dir / name).is_dir())
    if in_the_way:
        raise ExportError(f"{out_dir / in_the_way[0]}: is a directory, where the export writes a file")
    previous = _previous_export(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_all_or_none(out_dir, files, previous)
    return sorted(name for name in files if name != CHECKSUMS_FILE)


def _write_all_or_none(out_dir: Path, files: dict[str, bytes], previous: dict[str, str]) -> None:
    """Write every file beside its place first, then move them all in (SHA256SUMS last): a full disk
    or an unwritable name leaves the directory as it was, not half of one export and half another's."""
    written: list[tuple[Path, Path]] = []
    for name, body in files.items():
        temporary = out_dir / f".{name}.partial"
        try:
            temporary.write_bytes(body)
        except OSError as error:
            for done in [pair[0] for pair in written] + ([temporary] if temporary.is_file() else []):
                done.unlink()
            raise ExportError(f"{out_dir / name}: cannot write: {error.strerror or error}; nothing in {out_dir} "
                              "was changed") from None
        written.append((temporary, out_dir / name))
    stale = [name for name, digest in sorted(previous.items()) if name not in files and _holds(out_dir / name, digest)]
    for temporary, target in sorted(written, key=lambda pair: pair[1].name == CHECKSUMS_FILE):
        temporary.replace(target)
    for name in stale:  # written by the export before, unchanged since; this one does not write it
        (out_dir / name).unlink(missing_ok=True)


def _previous_export(out_dir: Path) -> dict[str, str]:
    """What a previous export into ``out_dir`` wrote, as its SHA256SUMS lists it: file name → digest.

    A SHA256SUMS listing anything else is someone else's (a release folder's own, say): the export
    would overwrite it, and it must not remove the files it lists, so it is refused."""
    checksums = out_dir / CHECKSUMS_FILE
    try:
        lines = [line for line in checksums.read_text(encoding="utf-8").splitlines() if line.strip()]
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise ExportError(f"{checksums}: cannot be read as an export's checksums ({reason}); write the export "
                          "to a directory of its own") from None
    listed = dict(reversed(line.split("  ", 1)) for line in lines if "  " in line)
    foreign = sorted(set(listed) - _EXPORT_NAMES) or [line for line in lines if "  " not in line]
    if foreign:
        raise ExportError(f"{checksums}: lists {foreign[0]!r}, which no export writes, so it is not an export's; "
                          "nothing was written: write the export to a directory of its own")
    return listed


def _holds(path: Path, digest: str) -> bool:
    """Whether ``path`` is a file with the SHA-256 ``digest`` (left as an export wrote it)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == digest
    except OSError:
        return False
