"""One loaded version of the graph: its quads, its engine, its dumps and its result cache.

The web application builds one :class:`Dataset` at start-up and keeps it; everything the server
answers comes from it, so a reload is the swap of one object. The graph is either loaded from files
into an embedded engine, or held by an external SPARQL store (:meth:`Dataset.from_store`).
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from . import export, formats, memory, void
from .execution import ExecutorPool
from .formats import Format
from .kept_files import KeptFiles
from .load import LoadedGraph, load_files, load_shipped
from .query import Limits, QueryError, QueryPlan, analyse
from .remote import RemoteEngine, StoreEndpoints
from .store import ENGINES, Engine, OxigraphEngine

T = TypeVar("T")


@dataclass(frozen=True)
class Answer:
    """The bytes of an answer in one format, with the tag that identifies them for HTTP caching."""

    body: bytes | memoryview  # a memoryview of a file shared by the server's processes, for a dump
    format: Format
    etag: str | None  # an entity tag, without the quotes HTTP puts around it; None for a volatile query's
    seconds: float | None = None  # what running the query took, for a query's answer (None for a document)
    made: float = field(default_factory=time.monotonic)  # when: an answer made before it was asked for was kept


class ResultCache:
    """Answers by (query in normal form, format, dataset graphs, data version), and their gzipped copies
    by ("gzip", ETag): least recently used go first.

    A question asked again while its first asking is still being answered waits for that answer
    instead of running once more (as a caching proxy's request coalescing): a popular heavy query
    sent by many clients at once costs one executor, not one each."""

    def __init__(self, max_entries: int = 1024, max_bytes: int = Limits.max_cache_bytes):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[tuple, Answer] = OrderedDict()
        self._bytes = 0
        self._running: dict[tuple, Future] = {}
        self._lock = threading.Lock()

    def answer(self, key: tuple, compute: Callable[[], Answer]) -> Answer:
        """The kept answer for ``key``, the one being computed for it, or ``compute()``'s (then kept).
        What ``compute`` raises reaches every caller that waited for it."""
        with self._lock:
            answer = self._entries.get(key)
            if answer is not None:
                self._entries.move_to_end(key)
                return answer
            running = self._running.get(key)
            if running is None:
                self._running[key] = mine = Future()
        if running is not None:
            return running.result()
        try:
            answer = compute()
            with self._lock:
                self._keep(key, answer)
        except Exception as error:
            mine.set_exception(error)
            raise
        except BaseException:  # the process is stopping: the waiters need not stop with it
            mine.set_exception(QueryError("The server stopped answering this query; try again.", 503))
            raise
        else:
            mine.set_result(answer)
            return answer
        finally:
            with self._lock:
                del self._running[key]

    def _keep(self, key: tuple, answer: Answer) -> None:
        if len(answer.body) > self.max_bytes // 4:  # one huge answer must not evict everything
            return
        self._entries[key] = answer
        self._bytes += len(answer.body)
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body)


class Dataset:
    """The graph being served: answers queries (cached), dumps itself, and knows its size.

    With ``isolated`` true (the server), clients' queries are held to the limits: an engine that evaluates
    here runs them in executor processes (see :mod:`ilrs_graph.execution`), and a store's answers are read
    up to ``max_answer_bytes``. The project's own queries (the pages') are not a client's: they run
    in-process and are answered whole.
    """

    def __init__(self, engine: Engine, statements: Callable[[], list[ox.Quad]], *, modified: datetime | None = None,
                 limits: Limits = Limits(), cache: ResultCache | None = None, isolated: bool = False):
        """``statements``: the quads ``engine`` holds, asked for when a dump or description first needs
        them (until then the server holds the graph once, in its engine); ``modified``: when this version
        of the data was made."""
        self.engine, self.limits, self.modified = engine, limits, modified
        self.version = engine.version
        self.cache = cache if cache is not None else ResultCache(max_bytes=limits.max_cache_bytes)
        self.executors = ExecutorPool(engine, limits) if isolated and engine.evaluates_here else None
        self._max_answer_bytes = limits.max_answer_bytes if isolated else None  # where no executor applies it
        self._statements = statements
        self._kept: dict[str, Answer | None] = {}  # file name → what is sent from it; None: the format cannot hold it
        self._kept_names: dict[int, str] = {}  # a kept answer (id) → its file name, for its gzipped copy
        self._gzipped: dict[str, Answer] = {}  # file name → its gzipped copy
        self._files = KeptFiles()  # made here, before a server's workers fork: they share the dumps
        self._loaded: Callable[[], LoadedGraph | None] = lambda: None  # a weak reference, once read
        self._lock = threading.Lock()
        self._summary: void.Summary | None = None  # what /void says of the graph, once it was asked for
        self._described_dumps: list[export.Dump] = []
        self._summary_lock = threading.Lock()
        self._derived: dict[str, object] = {}
        self._derived_lock = threading.Lock()

    @classmethod
    def open(cls, files: Sequence[Path] | None = None, *, engine: str = OxigraphEngine.name,
             limits: Limits = Limits(), cache_entries: int = 1024, isolated: bool = False) -> Dataset:
        """The shipped ontology and data (``files`` None), or the given RDF files alone."""
        loaded = load_shipped() if files is None else load_files(list(files), ontology=False)
        return cls.of(loaded, engine=engine, limits=limits, cache_entries=cache_entries, isolated=isolated)

    @classmethod
    def of(cls, loaded: LoadedGraph, *, engine: str = OxigraphEngine.name, limits: Limits = Limits(),
           cache_entries: int = 1024, isolated: bool = False) -> Dataset:
        """Already loaded quads, in the named engine; modified when its newest file was, or now if that is
        later (a file dated ahead of the clock, or past what a datetime holds, the year 9999).

        The quads are kept for dumps as compressed N-Quads (a tenth of their size as Python objects,
        and never touched, so forked workers share them), not as the ``loaded`` objects."""
        ENGINES[engine].check_readable(loaded)
        newest = max((path.stat().st_mtime for path in loaded.files if path.exists()), default=None)
        newest = None if newest is None else min(newest, time.time())
        packed = zlib.compress(ox.serialize(loaded.quads, format=ox.RdfFormat.N_QUADS), 1)
        return cls(ENGINES[engine](loaded.quads, loaded.content_hash),
                   lambda: list(ox.parse(zlib.decompress(packed), format=ox.RdfFormat.N_QUADS)), limits=limits,
                   modified=None if newest is None else datetime.fromtimestamp(int(newest), tz=timezone.utc),
                   cache=ResultCache(cache_entries, limits.max_cache_bytes), isolated=isolated)

    @classmethod
    def from_store(cls, endpoints: StoreEndpoints, *, limits: Limits = Limits(), cache_entries: int = 1024,
                   isolated: bool = False) -> Dataset:
        """The version an external SPARQL store holds (loaded by ``ilrs-graph load --store``); raises
        :class:`~ilrs_graph.remote.StoreError` when the store cannot be reached or holds none."""
        engine = RemoteEngine(endpoints, limits=limits)
        return cls(engine, engine.statements, modified=engine.modified, limits=limits,
                   cache=ResultCache(cache_entries, limits.max_cache_bytes), isolated=isolated)

    @property
    def loaded(self) -> LoadedGraph:
        """Every quad served. Only what is made once per version (dumps, descriptions, the JSON-LD
        context) needs them, so they are not kept: read again (from the compressed copy, or the store)
        unless a caller still holds them, as the description does while its dumps are written."""
        with self._lock:
            loaded = self._loaded()
            if loaded is None:
                loaded = LoadedGraph(self._statements(), files=[], content_hash=self.version)
                self._loaded = weakref.ref(loaded)
            return loaded

    def plan(self, text: str) -> QueryPlan:
        return analyse(text, self.limits)

    def answer(self, plan: QueryPlan, fmt: Format, *, default_graph_uris: Sequence[str] = (),
               named_graph_uris: Sequence[str] = ()) -> Answer:
        """Answer a client's checked query, from the cache when the same question (the same normal form)
        was (or is being) asked of this version, else within the limits (when isolated). A volatile query
        (NOW(), RAND()…) is run every time, and its answer has no entity tag. The graphs chosen are a set:
        one named twice is taken once (Oxigraph would read it twice, doubling every count)."""
        runner = self.executors.run if self.executors else \
            partial(self.engine.run, max_answer_bytes=self._max_answer_bytes)
        return self._answer(runner, plan, fmt, tuple(dict.fromkeys(default_graph_uris)),
                            tuple(dict.fromkeys(named_graph_uris)))

    def _answer(self, runner: Callable[..., bytes], plan: QueryPlan, fmt: Format,
                default_graph_uris: tuple[str, ...], named_graph_uris: tuple[str, ...]) -> Answer:
        def run() -> tuple[bytes, float]:
            started = time.monotonic()
            body = runner(plan, fmt, default_graph_uris=default_graph_uris, named_graph_uris=named_graph_uris)
            return body, time.monotonic() - started

        if plan.volatile:
            body, seconds = run()
            return Answer(body, fmt, None, seconds)
        key = (plan.normal_form or plan.text, fmt.name, default_graph_uris, named_graph_uris, self.version)
        return self.cache.answer(key, lambda: _tagged(*run(), fmt))

    def select(self, text: str, *, kept: bool = True) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        """Run one of the project's own SELECT queries (trusted, not user input) into solutions; ``kept``
        false for one whose answer is not worth a place in the result cache (one of many, each asked once)."""
        fmt = formats.by_name("json")
        plan = QueryPlan(text, "SELECT")
        body = self._answer(self.engine.run, plan, fmt, (), ()).body if kept else self.engine.run(plan, fmt)
        solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        names = [v.value for v in solutions.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in solutions]

    def triples(self, text: str, fmt: Format) -> bytes:
        """Run one of the project's own CONSTRUCT queries (trusted) in ``fmt``."""
        return self._answer(self.engine.run, QueryPlan(text, "CONSTRUCT"), fmt, (), ()).body

    def document(self, key: tuple, fmt: Format, make: Callable[[], bytes]) -> Answer:
        """A document made from the whole graph (its description, the service description, the JSON-LD
        context): ``make()``'s bytes in ``fmt``, made once for this version and ``key`` (what else it
        depends on) and kept in the result cache. At 100k quads making one takes 0.3–1 s."""
        key = ("document", *key, fmt.name, self.version)

        def made() -> Answer:
            answer = Answer(make(), fmt, _etag(self.version, repr(key)))
            memory.give_back_freed_memory()  # what making it took: the quads read again, mostly
            return answer
        return self.cache.answer(key, made)

    def dump(self, fmt: Format) -> Answer:
        """The whole dataset in ``fmt``, byte for byte as ``ilrs-graph export`` writes it (graph formats:
        the merged triples; dataset formats: by source). Written once for all the server's processes
        (:mod:`ilrs_graph.kept_files`); a format that cannot hold the data is found out once too."""
        return self._kept_document(_file_name(fmt), fmt, lambda: export.serialize(self.loaded.quads, fmt))

    def graph(self, graph_iri: str, fmt: Format, make: Callable[[], bytes]) -> Answer:
        """One named graph as a document, ``make()``'s bytes in ``fmt``: written once for all the server's
        processes, as the dumps are (one source's graph may be most of a large dataset)."""
        name = f"graph-{hashlib.sha256(graph_iri.encode()).hexdigest()[:32]}.{fmt.extension}"
        return self._kept_document(name, fmt, make)

    def _kept_document(self, name: str, fmt: Format, make: Callable[[], bytes]) -> Answer:
        with self._lock:
            known, kept = name in self._kept, self._kept.get(name)
        if not known:  # written, or waited for, outside the lock: other documents need not wait
            body = self._files.bytes_of(name, lambda: _unless_cannot_write(make))
            made = None if body is None else Answer(body, fmt, _etag(self.version, "kept", name))
            with self._lock:
                kept = self._kept.setdefault(name, made)
                if kept is not None:
                    self._kept_names[id(kept)] = name
        if kept is None:
            raise formats.CannotWrite(fmt)
        return kept

    def gzipped(self, answer: Answer) -> Answer:
        """``answer`` (with an ETag) gzipped, its ETag marked ``:gzip`` as flask-compress marks it: made
        once and kept, a dump's (or a graph's) beside it (a file too), a query answer's in the result cache
        (while it fits)."""
        if answer.etag is None:
            raise ValueError("an answer without an ETag (a volatile query's) is not kept, gzipped or not")

        def compressed() -> bytes:
            return gzip.compress(answer.body, compresslevel=6, mtime=0)
        fmt, etag = answer.format, f"{answer.etag}:gzip"
        with self._lock:
            name = self._kept_names.get(id(answer))
            kept = self._gzipped.get(name) if name is not None else None
        if name is None:
            return self.cache.answer(("gzip", answer.etag), lambda: Answer(compressed(), fmt, etag))
        if kept is None:  # compressed outside the lock, as dumps are written
            made = Answer(self._files.bytes_of(name + ".gz", compressed), fmt, etag)
            with self._lock:
                kept = self._gzipped.setdefault(name, made)
        return kept

    def description(self, base_url: str) -> list[ox.Triple]:
        """The VoID/DCAT description of this dataset served at ``base_url``, its dumps at base_url/data.*.
        What it says of the graph is read once: a client naming the server by another Host costs the
        addresses, not another pass over every quad."""
        with self._summary_lock:
            if self._summary is None:
                loaded, dumps = self.loaded, []  # held while the dumps are written: the quads are read once
                for fmt in export.EXPORT_FORMATS:
                    try:
                        dumps.append(export.Dump(fmt, self.dump(fmt).body))
                    except formats.CannotWrite:
                        continue  # data with RDF 1.2 triple terms has no JSON-LD dump
                self._summary, self._described_dumps = void.summarize(loaded), dumps
        return void.describe(self._summary, base_url, self._described_dumps)

    def derived(self, key: str, make: Callable[[], T]) -> T:
        """What a user of the graph makes of it once per version (the search's folded names), by ``key``."""
        with self._derived_lock:
            if key not in self._derived:
                self._derived[key] = make()
            return self._derived[key]

    @property
    def graph_names(self) -> frozenset[str]:
        return self.engine.graph_names


def _unless_cannot_write(make: Callable[[], bytes]) -> bytes | None:
    """``make()``'s bytes, None if its format cannot hold what it writes."""
    try:
        return make()
    except formats.CannotWrite:
        return None


def _file_name(fmt: Format) -> str:
    return f"{export.DUMP_STEM}.{fmt.extension}"


def _etag(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _tagged(body: bytes, seconds: float, fmt: Format) -> Answer:
    """A query's answer, its entity tag made from its bytes: the same query may be answered in other bytes
    by another worker or run (blank nodes labelled anew, rows in another order where none is asked), and
    a strong tag must change with the bytes (RFC 9110, 8.8.1)."""
    return Answer(body, fmt, _etag(fmt.name, hashlib.sha256(body).hexdigest()), seconds)
