"""Serving data only once it is good, and the last good version when the newest is not.

A server that reloads (or restarts) after an edit that breaks the data must not stop serving, nor
serve the broken version. Each good version (it parses and, when asked, conforms to the shapes) is
kept on disk, in the user's cache, as N-Quads; when the newest data fails, that copy is served
instead and the failure is said (the server's log, ``/healthz``). The source files are only read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from . import shipped
from .inputs import rdf_files
from .load import LoadedGraph, LoadError, load_files, load_shipped
from .store import ENGINES
from .validate import user_cache_dir, validate_unless_known
from .wording import counted

log = logging.getLogger("ilrs_graph.last_good")

SHOWN_VIOLATIONS = 3


class DataRejected(Exception):
    """The data parses but violates the shapes; ``str()`` names the first violations by file:line."""


@dataclass(frozen=True)
class Loaded:
    """What to serve, and why it is not the newest data when it is not."""

    graph: LoadedGraph
    problem: str | None = None   # the newest data's failure, when ``graph`` is the last good copy
    good_since: str = ""         # when ``graph`` was found good (ISO 8601, UTC)


def load_checked(files: tuple[Path, ...] | None, *, validate: bool, engine: str) -> LoadedGraph:
    """The shipped data (``files`` None) or the given files and directories (read anew: a file added to
    a directory is read at the next reload); LoadError / DataRejected when not good, or when ``engine``
    cannot hold it.

    Validated data is merged with the ontology, as ``ilrs-graph validate FILE…`` checks it.
    """
    loaded = load_shipped() if files is None else load_files(rdf_files(files), ontology=validate)
    ENGINES[engine].check_readable(loaded)
    report = validate_unless_known(loaded) if validate else None
    if report is not None and not report.conforms:
        violations = [f for f in report.findings if f.severity == "violation"]
        shown = "; ".join(f"{f.location or '(no file)'}: {f.message}" for f in violations[:SHOWN_VIOLATIONS])
        more = f" (and {len(violations) - SHOWN_VIOLATIONS} more)" if len(violations) > SHOWN_VIOLATIONS else ""
        raise DataRejected(f"the data does not conform to the shapes: {counted(len(violations), 'violation')}: "
                           f"{shown}{more}")
    return loaded


def load_or_last_good(files: tuple[Path, ...] | None, *, validate: bool, engine: str,
                      keep_in: Path | None = None) -> Loaded:
    """The data if it is good (kept as the last good copy), else the last good copy with the reason.

    Raises LoadError / DataRejected when the data fails and no good copy has been kept.
    """
    directory = kept_in(keep_in)
    if directory is None:  # a user without a cache: the data if good, with nothing kept to fall back on
        log.warning("cannot keep a copy of the good data: neither XDG_CACHE_HOME nor a home directory names a cache")
        return Loaded(load_checked(files, validate=validate, engine=engine), None, _now())
    copy = _LastGoodCopy(files, validate, directory)
    try:
        loaded = load_checked(files, validate=validate, engine=engine)
    except (LoadError, DataRejected) as error:
        kept = copy.read()
        if kept is None:
            raise
        return Loaded(kept.graph, str(error), kept.good_since)
    good_since = copy.write(loaded)
    _remove_copies_of_data_gone(directory)
    return Loaded(loaded, None, good_since)


def kept_in(cache: Path | None = None) -> Path | None:
    """The directory the last good copies are kept in, under ``cache`` (the user's cache by default; None
    when the user has none)."""
    cache = cache or user_cache_dir()
    return None if cache is None else cache / "last-good"


def _remove_copies_of_data_gone(directory: Path) -> None:
    """Remove the copies of data none of whose paths is there any more (mostly the temporary folders of
    tests and benchmarks), which the cache would otherwise keep for ever. Data still there keeps its copy
    for its next start; a copy kept before the paths were written down is left alone."""
    for about_path in directory.glob("*.json"):
        try:
            paths = json.loads(about_path.read_text()).get("paths")
        except (OSError, ValueError):
            continue
        if paths and not any(os.path.lexists(path) for path in paths):  # a link counts, even one left dangling
            quads_path = about_path.with_suffix(".nq")
            for path in (quads_path, about_path, quads_path.with_suffix(".nq.partial"),
                         about_path.with_suffix(".json.partial")):
                with contextlib.suppress(OSError):
                    path.unlink(missing_ok=True)


def _now() -> str:
    """This moment, as ``good_since`` says when data was found good (ISO 8601, UTC)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class _LastGoodCopy:
    """The last good version of one data source (shipped, or a list of files), as N-Quads on disk."""

    def __init__(self, files: tuple[Path, ...] | None, validate: bool, directory: Path):
        # The shipped data is known by where it is: each checkout or installation keeps its own copy. Files
        # by the paths given, links not followed: --data releases/current, a link switched from one release
        # to the next, is one data whose last good copy is the previous release's.
        self.paths = [str(shipped.data_folder())] if files is None else [os.path.abspath(f) for f in files]
        source = f"shipped {self.paths[0]}" if files is None else "\n".join(self.paths)
        key = hashlib.sha256(f"{source}\n{validate}".encode()).hexdigest()[:24]
        self.quads_path = directory / f"{key}.nq"
        self.about_path = self.quads_path.with_suffix(".json")

    def write(self, loaded: LoadedGraph) -> str:
        """Keep ``loaded`` (unless already kept); when it was first found good."""
        about = self._about()
        if about and about["content_hash"] == loaded.content_hash and self.quads_path.exists():
            return about["good_since"]
        good_since = _now()
        # Both files are written whole before either replaces the kept ones (a rename takes no space): a
        # full disk leaves the previous copy as it was, never a copy without its description.
        partials = (self.quads_path.with_suffix(".nq.partial"), self.about_path.with_suffix(".json.partial"))
        try:
            self.quads_path.parent.mkdir(parents=True, exist_ok=True)
            ox.serialize(loaded.quads, str(partials[0]), format=ox.RdfFormat.N_QUADS)
            partials[1].write_text(json.dumps({"content_hash": loaded.content_hash, "good_since": good_since,
                                               "files": loaded.shown_files, "paths": self.paths}))
            os.replace(partials[0], self.quads_path)
            os.replace(partials[1], self.about_path)
        except OSError as error:  # an unwritable cache only costs the fallback, and is said
            log.warning("cannot keep a copy of the good data in %s: %s", self.quads_path.parent, error)
            for partial in partials:  # a full disk is not kept full by what could not be written
                with contextlib.suppress(OSError):
                    partial.unlink(missing_ok=True)
        return good_since

    def read(self) -> Loaded | None:
        about = self._about()
        if about is None or not self.quads_path.exists():
            return None
        graph = load_files([self.quads_path], ontology=False)
        graph.content_hash = about["content_hash"]  # the version it had when it was served
        return Loaded(graph, None, about["good_since"])

    def _about(self) -> dict | None:
        try:
            return json.loads(self.about_path.read_text())
        except (OSError, ValueError):
            return None
