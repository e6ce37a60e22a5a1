"""The query engines behind one interface: Oxigraph embedded in memory (the default) and rdflib's own.

An engine holds one version of the dataset and answers a checked query (:class:`~ilrs_graph.query.QueryPlan`)
straight into the bytes of the requested format. The default graph of every query is the RDF merge of
all graphs (as Fuseki's ``unionDefaultGraph``): each triple once, however many sources state it. The
query's ``FROM``/``FROM NAMED`` or the protocol's ``default-graph-uri``/``named-graph-uri`` may choose
graphs instead; they may only name graphs of this dataset: nothing is ever fetched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox
import rdflib.plugins.sparql

from . import convert, memory, rdflib_fixes  # noqa: F401 (rdflib's evaluator, fixed on import)
from .formats import CannotWrite, Format, writable
from .load import LoadedGraph
from .query import LARGEST_COUNT, QueryError, QueryPlan, answer_too_large, syntax_error

# rdflib would otherwise fetch FROM / FROM NAMED IRIs from the web.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


def write_answer(answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | Iterable[ox.Triple],
                 fmt: Format) -> bytes:
    """An answer (Oxigraph's, or triples) in ``fmt``; a 406 where ``fmt`` cannot hold it: Oxigraph's
    JSON-LD writer refuses RDF 1.2 triple terms (with an OSError)."""
    try:
        if isinstance(answer, (ox.QuerySolutions, ox.QueryBoolean, ox.QueryTriples)):
            return answer.serialize(format=fmt.oxigraph)
        return ox.serialize(answer, format=fmt.oxigraph)
    except OSError:
        if fmt.oxigraph != ox.RdfFormat.JSON_LD:
            raise
    del answer  # pyoxigraph frees an answer only on its own thread; the error may reach another one
    raise QueryError(str(CannotWrite(fmt)), 406)


def evaluation_refused(reason: str) -> QueryError:
    """Oxigraph's refusal to evaluate a query (a function it does not provide, embedded or as a store's
    server): the client's mistake, a 400."""
    hint = (" This engine provides the functions and casts SPARQL 1.1 defines; a query calling another is "
            "refused (SPARQL 1.1, 17.6).") if "function" in reason else ""
    return QueryError(f"The query cannot be evaluated: {reason}.{hint}", 400)


class Engine:
    """What every engine offers. ``version`` identifies the data it holds (a content hash)."""

    name = "abstract"
    # Whether a query uses this process's CPU and memory: then the server runs clients' queries in
    # executor processes it can stop (ilrs_graph.execution). An engine that asks another server does not.
    evaluates_here = True

    def __init__(self, quads: Sequence[ox.Quad], version: str):
        self.version = version
        self.graph_names = frozenset(q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode))
        self.quad_count = len(quads)
        memory.give_back_freed_memory(collect=False)  # else the graph may fill freed pages, uncounted
        before = memory.resident_bytes()
        self._hold(quads)
        after = memory.resident_bytes()
        # The memory holding the graph took here (None where it cannot be measured): about what one
        # executor copies of it at most, since reading writes to it (reference counts), see
        # ilrs_graph.execution.
        self.footprint_bytes = None if before is None or after is None else max(after - before, 0)

    def _hold(self, quads: Sequence[ox.Quad]) -> None:
        """Take in the graph, in whatever form this engine queries."""
        raise NotImplementedError

    @classmethod
    def check_readable(cls, loaded: LoadedGraph) -> None:
        """Raise LoadError when this engine cannot hold ``loaded``."""

    def run(self, plan: QueryPlan, fmt: Format, *, default_graph_uris: Sequence[str] = (),
            named_graph_uris: Sequence[str] = (), max_answer_bytes: int | None = None) -> bytes:
        """Answer ``plan`` in ``fmt``; raise :class:`QueryError` for bad queries or unknown graphs, and
        for an answer over ``max_answer_bytes``: a client's limit, None for the project's own queries (the
        pages need their answers whole, whatever a client may be sent)."""
        for clause, iris in (("FROM", plan.from_graphs), ("FROM NAMED", plan.from_named_graphs),
                             ("default-graph-uri", default_graph_uris), ("named-graph-uri", named_graph_uris)):
            unknown = [iri for iri in iris if iri not in self.graph_names]
            if unknown:
                raise QueryError(f"{clause} names a graph this dataset does not have: <{unknown[0]}>. "
                                 "This endpoint never fetches graphs from the web; GET /sparql with an RDF "
                                 "Accept header lists its graphs.")
        expected_kind = ("graph", "dataset") if plan.answers_with_triples else ("results",)
        if fmt.kind not in expected_kind:
            raise QueryError(f"A {plan.form} query cannot be answered as {fmt.media_type}.", 406)
        body = self._run(plan, fmt, list(default_graph_uris), list(named_graph_uris), max_answer_bytes)
        if max_answer_bytes is not None and len(body) > max_answer_bytes:
            raise answer_too_large(max_answer_bytes)
        try:
            return writable(body, fmt)
        except CannotWrite as refused:
            raise QueryError(str(refused), 406) from None

    def _run(self, plan: QueryPlan, fmt: Format, default_graph_uris: list[str], named_graph_uris: list[str],
             max_answer_bytes: int | None) -> bytes:
        """The answer's bytes; ``max_answer_bytes`` lets an engine that receives them (a store's) stop
        reading past it. The engines here make the whole answer anyway."""
        raise NotImplementedError


class OxigraphEngine(Engine):
    """Oxigraph's native SPARQL engine over an in-memory store, loaded once."""

    name = "oxigraph"

    def _hold(self, quads):
        self.store = ox.Store()
        # Oxigraph's own union default graph repeats a triple once per graph that holds it; the merge,
        # stored as the default graph, gives each triple once, as SPARQL's RDF merge does. Stored
        # first, since most queries read it: at 1M quads they then ran 3–9 % faster. Queries reading
        # the named graphs are dearer for it (docs/performance.md, "At the same time at 100k quads").
        self.store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
        self.store.extend(quads)

    def _run(self, plan, fmt, default_graph_uris, named_graph_uris, max_answer_bytes):
        options: dict = {}
        if default_graph_uris or named_graph_uris:  # the protocol's dataset overrides the query's
            options["default_graph"] = [ox.NamedNode(iri) for iri in default_graph_uris]
            options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graph_uris]
        # No name holds the answer here: an error raised while it is written must not carry it to another
        # thread (the command line's), as pyoxigraph frees an answer only on its own.
        return write_answer(self._evaluated(plan.text, options), fmt)

    def _evaluated(self, text: str, options: dict):
        try:
            return self.store.query(text, **options)
        except SyntaxError as error:
            raise syntax_error(error) from None
        except RuntimeError as error:  # refused before evaluation, as a function Oxigraph does not provide
            raise evaluation_refused(str(error)) from None


class RdflibEngine(Engine):
    """rdflib's pure-Python SPARQL evaluator: slow, kept as a second opinion (``--engine rdflib``)."""

    name = "rdflib"

    def _hold(self, quads):
        self.dataset = convert.dataset(quads)

    @classmethod
    def check_readable(cls, loaded: LoadedGraph) -> None:
        loaded.refuse_triple_terms("the rdflib engine (--engine rdflib)")

    def _run(self, plan, fmt, default_graph_uris, named_graph_uris, max_answer_bytes):
        try:
            return self._evaluate(plan, fmt, default_graph_uris, named_graph_uris)
        except RecursionError:  # its parser and evaluator recurse on nesting the limits allow
            raise QueryError("The query nests too deeply for the rdflib engine (a long chain of UNION or "
                             "nested groups); the oxigraph engine reads it.") from None

    def _evaluate(self, plan, fmt, default_graph_uris, named_graph_uris):
        dataset = self.dataset
        if default_graph_uris or named_graph_uris:
            dataset = self._view(default_graph_uris, named_graph_uris)
        try:
            result = dataset.query(plan.text)
        except Exception as error:  # rdflib raises pyparsing's ParseException, among others
            if type(error).__name__ in ("ParseException", "ParseSyntaxException") or \
                    str(error).startswith("Unknown namespace prefix"):  # a bare Exception, for an undeclared prefix
                raise syntax_error(error) from None
            if isinstance(error, ValueError) and "islice" in str(error):  # it stops at OFFSET + LIMIT
                raise QueryError(f"OFFSET and LIMIT add up to more than the rdflib engine counts to "
                                 f"({LARGEST_COUNT:,}).") from None
            raise
        # Re-serialised through Oxigraph so both engines write answers byte-for-byte alike. No name holds
        # Oxigraph's answer: this frame outlives the call (pyparsing's exceptions, caught while rdflib parsed
        # the query, keep it in a reference cycle), and the garbage collector, on whatever thread it runs
        # next (the command line's), would drop the answer there, which pyoxigraph refuses.
        if plan.answers_with_triples:
            return write_answer(ox.parse(result.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES), fmt)
        return write_answer(ox.parse_query_results(result.serialize(format="json"),
                                                   format=ox.QueryResultsFormat.JSON), fmt)

    def _view(self, default_graph_uris: Iterable[str], named_graph_uris: Iterable[str]) -> rdflib.Dataset:
        view = rdflib.Dataset()
        for iri in default_graph_uris:
            for triple in self.dataset.graph(rdflib.URIRef(iri)):
                view.default_context.add(triple)
        for iri in named_graph_uris:
            target = view.graph(rdflib.URIRef(iri))
            for triple in self.dataset.graph(rdflib.URIRef(iri)):
                target.add(triple)
        return view


ENGINES: dict[str, type[Engine]] = {OxigraphEngine.name: OxigraphEngine, RdflibEngine.name: RdflibEngine}
