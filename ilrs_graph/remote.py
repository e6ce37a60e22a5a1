"""An external SPARQL 1.1 store as the engine, and loading the graph into one.

When the graph outgrows one machine, or several of our servers should share one copy, the data lives in
an existing store (Oxigraph server, Apache Jena Fuseki, GraphDB…) and :class:`RemoteEngine` answers
from it over the SPARQL 1.1 Protocol: same checks before, same bytes out, same :class:`QueryError`\\ s.

How the graph sits in the store (written by :func:`load_into_store`, read by :class:`RemoteEngine`):

- each source's named graph under its own IRI, as in the files;
- the merge of all graphs (each triple once) as the store's default graph, as :class:`OxigraphEngine`
  keeps it. A store's own "union default graph" option is not used: Oxigraph's repeats a triple once
  per graph that states it, which changes every COUNT; a stored merge means the same on every store;
- the graph ``urn:ilrs-graph:loaded``: which version is loaded (the files' content hash), its graphs and
  its number of quads. Engines read it to know their version; it is the only graph of ours that a
  ``GRAPH ?g`` query sees and the local engine does not have.

A load replaces the previous version whole: every graph is first written (Graph Store Protocol PUT)
under a staging name, then one SPARQL Update request moves them all into place, drops the graphs of the
previous version and writes the manifest. Data with blank nodes is staged by one SPARQL Update
``INSERT DATA`` instead: a blank node is the same node only within one request, and each blank node
sits in a named graph and in the merge. Stores that run an update request as one transaction
(Oxigraph, Jena TDB2, GraphDB, RDF4J) never show a half-loaded graph; a load that fails before the
switch leaves the previous version as it was and removes its staging graphs, and says so.
"""

from __future__ import annotations

import os
import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
import urllib3

from .formats import Format
from .load import LoadedGraph
from .execution import RETRY_AFTER_SECONDS
from .query import Limits, QueryError, QueryPlan, answer_too_large, syntax_error
from .store import Engine, evaluation_refused, write_answer

MANIFEST_GRAPH = "urn:ilrs-graph:loaded"
# How Oxigraph server words its refusal of a function it does not provide (with a 500).
_UNSUPPORTED_FUNCTION = re.compile(r"The custom function <[^>]*> is not supported")
STAGING_PREFIX = "urn:ilrs-graph:staging:"
LOAD_TIMEOUT_SECONDS = 600.0  # one PUT of a million-triple graph takes a while

_DCTERMS = "http://purl.org/dc/terms/"
_VOID = "http://rdfs.org/ns/void#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"


class StoreError(Exception):
    """The store cannot be used: unreachable, refusing, or holding no loaded graph. ``str()`` says why."""


class NoManifest(StoreError):
    """The store answers, but holds no graph loaded by ``ilrs-graph load``."""


class Unanswered(ConnectionError):
    """The connection broke after the request began to be sent, before its answer: the store may have
    acted on it (a reset partway through a PUT may have written the graph)."""


class StoreChanged(StoreError):
    """A new version was loaded into the store while the quads of this one were read: what was read may
    be the new version's, so it is not made into anything named after this one."""


@dataclass(frozen=True)
class StoreEndpoints:
    """Where a store answers queries, updates, and Graph Store Protocol requests."""

    query: str
    update: str
    graph_store: str

    @classmethod
    def of(cls, base: str, *, query: str | None = None, update: str | None = None,
           graph_store: str | None = None) -> StoreEndpoints:
        """Oxigraph server's layout under ``base`` (``/query``, ``/update``, ``/store``) unless given;
        raise :class:`ValueError` for a URL that is not http(s)."""
        root = base.rstrip("/")
        endpoints = cls(query or root + "/query", update or root + "/update", graph_store or root + "/store")
        for url in (base, *vars(endpoints).values()):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"'{url}' is not an http or https URL of a SPARQL store")
        return endpoints


class _Http:
    """A pool of kept-alive connections, one per process: gunicorn forks its workers after the engine
    is built, and a forked worker must not share its parent's sockets."""

    def __init__(self) -> None:
        self._pid, self._pool = -1, None

    def request(self, method: str, url: str, *, timeout: float, body: bytes | str | None = None,
                headers: dict[str, str] | None = None, max_bytes: int | None = None) -> Reply:
        """The store's reply, read whole within ``timeout``; :class:`AnswerTooLarge` past ``max_bytes`` (the
        rest unread)."""
        if self._pid != os.getpid():
            self._pid, self._pool = os.getpid(), urllib3.PoolManager(maxsize=16, retries=False)
        deadline = time.monotonic() + timeout
        try:
            response = self._pool.request(method, url, body=body, headers=headers, timeout=timeout,
                                          preload_content=False, redirect=False)
            data = _body(response, deadline, max_bytes)
            if data is None:
                response.close()
                raise AnswerTooLarge
            response.release_conn()
            return Reply(response.status, response.reason or "", data)
        except urllib3.exceptions.NewConnectionError as error:  # a ConnectTimeoutError, for urllib3
            raise ConnectionError(f"cannot reach the SPARQL store at {url}: {error}") from None
        except (urllib3.exceptions.TimeoutError, TimeoutError):
            raise TimeoutError(f"the SPARQL store did not answer within {timeout:g} s ({method} {url})") from None
        except urllib3.exceptions.ProtocolError as error:
            reason = error.args[-1] if error.args else error
            raise Unanswered(f"the SPARQL store broke the connection before answering {method} {url}: {reason}") from None
        except urllib3.exceptions.HTTPError as error:
            reason = getattr(error, "reason", None) or error
            raise ConnectionError(f"cannot reach the SPARQL store at {url}: {reason}") from None


def _body(response: urllib3.BaseHTTPResponse, deadline: float, max_bytes: int | None) -> bytes | None:
    """The reply's body by ``deadline`` (TimeoutError after it), None past ``max_bytes``. urllib3's timeout
    is each read's: a store sending a little at a time (a slow query's rows) kept every read within it,
    and the request past it for as long as the store sent."""
    body = bytearray()
    while max_bytes is None or len(body) <= max_bytes:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        if response.connection is not None and response.connection.sock is not None:
            response.connection.sock.settimeout(remaining)
        chunk = response.read1(64 * 2**10)
        if not chunk:
            return bytes(body)
        body += chunk
    return None


@dataclass(frozen=True)
class Reply:
    status: int
    reason: str
    data: bytes


class AnswerTooLarge(Exception):
    """The store's answer is longer than the caller accepts."""


def _message(response: Reply) -> str:
    text = " ".join(response.data.decode("utf-8", "replace").split())  # one line, for a log: an error page has many
    return text[:2000] or f"HTTP {response.status} {response.reason or ''}".strip()


def _select(http: _Http, endpoints: StoreEndpoints, query: str, timeout: float) -> list[dict]:
    """Solutions of one of our own SELECT queries, as term dicts; :class:`StoreError` if it fails."""
    try:
        response = http.request("POST", endpoints.query, timeout=timeout, body=urlencode({"query": query}),
                                headers={"Content-Type": "application/x-www-form-urlencoded",
                                         "Accept": _RESULTS_JSON})
    except (TimeoutError, ConnectionError) as error:
        raise StoreError(str(error)) from None
    if response.status != 200:
        raise StoreError(f"the SPARQL store at {endpoints.query} answered {response.status}: {_message(response)}")
    try:
        solutions = ox.parse_query_results(response.data, format=ox.QueryResultsFormat.JSON)
    except SyntaxError as error:
        raise StoreError(f"the SPARQL store at {endpoints.query} sent unreadable results: {error}") from None
    names = [variable.value for variable in solutions.variables]
    return [{name: solution[name] for name in names if solution[name] is not None} for solution in solutions]


@dataclass(frozen=True)
class Manifest:
    """What ``urn:ilrs-graph:loaded`` says about the version in a store."""

    version: str
    graph_names: frozenset[str]
    quad_count: int
    modified: datetime | None  # when it was loaded


def _read_manifest(http: _Http, endpoints: StoreEndpoints, timeout: float) -> Manifest:
    """The version loaded in the store; :class:`StoreError` when it holds none (or cannot be asked)."""
    rows = _select(http, endpoints, f"""
        SELECT ?version ?quads ?modified ?graph WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{
            <{MANIFEST_GRAPH}> <{_DCTERMS}identifier> ?version ; <{_VOID}triples> ?quads .
            OPTIONAL {{ <{MANIFEST_GRAPH}> <{_DCTERMS}modified> ?modified }}
            OPTIONAL {{ <{MANIFEST_GRAPH}> <{_DCTERMS}hasPart> ?graph }}
        }} }}""", timeout)
    if not rows:
        raise NoManifest(f"the SPARQL store at {endpoints.query} holds no loaded ILRS graph "
                         f"(no <{MANIFEST_GRAPH}>); run `ilrs-graph load --store URL` first")
    modified = None
    if "modified" in rows[0]:
        try:
            modified = datetime.fromisoformat(rows[0]["modified"].value)
        except ValueError:
            pass  # a manifest written by hand; Last-Modified is then left out
    try:
        quads = int(rows[0]["quads"].value)
    except ValueError:
        raise StoreError(f"the SPARQL store at {endpoints.query} holds a <{MANIFEST_GRAPH}> whose number of quads "
                         f"is {rows[0]['quads'].value!r}, not an integer: no load of ours wrote it") from None
    return Manifest(rows[0]["version"].value, frozenset(row["graph"].value for row in rows if "graph" in row),
                    quads, modified)


class RemoteEngine(Engine):
    """Answers from an external SPARQL 1.1 store loaded by :func:`load_into_store`.

    It asks the store for SPARQL JSON results or N-Triples and writes them in the requested format with
    Oxigraph's serialisers, so every format works on every store and the bytes are those the local
    engine writes. Its version is the one the store's manifest names, read when it is built: after a
    new load into the store, build a new engine.
    """

    name = "remote"
    evaluates_here = False  # the store computes; its own timeout stops what we abandon

    def __init__(self, endpoints: StoreEndpoints, *, limits: Limits = Limits()):
        self.endpoints, self.limits = endpoints, limits
        self._http = _Http()
        manifest = _read_manifest(self._http, endpoints, limits.timeout_seconds)
        self.version, self.graph_names, self.quad_count = manifest.version, manifest.graph_names, manifest.quad_count
        self.modified = manifest.modified

    def stored_load(self) -> Manifest | None:
        """None while the store holds the load this engine was built on, else the one it holds now;
        :class:`StoreError` when it holds none or cannot be asked. A load is its version and when it was
        loaded: the same version loaded again (a rollback after another) is another load, as answers
        read from the store in between may have been the other version's."""
        now = _read_manifest(self._http, self.endpoints, self.limits.timeout_seconds)
        return None if (now.version, now.modified) == (self.version, self.modified) else now

    def statements(self, timeout_seconds: float = LOAD_TIMEOUT_SECONDS) -> list[ox.Quad]:
        """Every quad of the loaded version (its named graphs; not the merge, not the manifest): what
        dumps and descriptions are made of. :class:`StoreError` if the store cannot send them,
        :class:`StoreChanged` if another version was loaded meanwhile."""
        graphs = " ".join(f"<{name}>" for name in sorted(self.graph_names))
        rows = _select(self._http, self.endpoints, f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?g {{ {graphs} }} "
                                                   "GRAPH ?g { ?s ?p ?o } }", timeout_seconds)
        # A load switches versions in one update: if the manifest still names this version, so did the
        # store when it sent these quads.
        if (now := self.stored_load()) is not None:
            loaded = "loaded again" if now.version == self.version else "loaded"
            raise StoreChanged(f"version {now.version} was {loaded} into the SPARQL store at {self.endpoints.query} "
                               f"while version {self.version} was being read")
        return [ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in rows]

    def _run(self, plan: QueryPlan, fmt: Format, default_graph_uris: list[str], named_graph_uris: list[str],
             max_answer_bytes: int | None) -> bytes:
        fields = [("query", plan.text), *(("default-graph-uri", iri) for iri in default_graph_uris),
                  *(("named-graph-uri", iri) for iri in named_graph_uris)]
        accept = _NTRIPLES if plan.answers_with_triples else _RESULTS_JSON
        try:
            response = self._http.request("POST", self.endpoints.query, timeout=self.limits.timeout_seconds,
                                          body=urlencode(fields), max_bytes=max_answer_bytes,
                                          headers={"Content-Type": "application/x-www-form-urlencoded",
                                                   "Accept": accept})
        except TimeoutError:
            raise QueryError(f"The query did not finish within {self.limits.timeout_seconds:g} s, this "
                             "endpoint's time limit. Ask for less (a LIMIT, fewer patterns, no cross products).",
                             503, retry_after=RETRY_AFTER_SECONDS) from None
        except ConnectionError as error:
            raise QueryError(f"The SPARQL store is not available: {error}.", 502) from None
        except AnswerTooLarge:
            raise answer_too_large(max_answer_bytes) from None
        if response.status == 400:  # the store's parser refused the query
            raise syntax_error(Exception(_message(response)))
        if response.status == 500 and _UNSUPPORTED_FUNCTION.fullmatch(_message(response).strip()):
            raise evaluation_refused(_message(response).strip())  # Oxigraph server's 500, the embedded engine's 400
        if response.status != 200:
            raise QueryError(f"The SPARQL store answered {response.status}: {_message(response)}", 502)
        try:
            return write_answer(ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES) if plan.answers_with_triples
                                else ox.parse_query_results(response.data, format=ox.QueryResultsFormat.JSON), fmt)
        except SyntaxError as error:
            raise QueryError(f"The SPARQL store's answer could not be read: {error}", 502) from None


# --- loading -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoadReport:
    """What a load wrote."""

    version: str
    graphs: int            # named graphs now in the store
    quads: int             # quads loaded (a triple once per graph that states it)
    merged_triples: int    # triples in the default graph (the merge)
    dropped: tuple[str, ...]  # graphs of the previous version that the new one no longer has


class LoadFailed(Exception):
    """A load that did not complete; ``str()`` says what the store holds now."""


def load_into_store(loaded: LoadedGraph, endpoints: StoreEndpoints, *,
                    timeout_seconds: float = LOAD_TIMEOUT_SECONDS) -> LoadReport:
    """Replace the graph in the store by ``loaded``: staged under other names, then switched in one update.
    ValueError for data a store cannot keep as it is (triples in no named graph), :class:`LoadFailed`
    for a load that did not complete.

    The store (or the store's dataset) is the ILRS graph's alone: the previous version's graphs that the
    new one lacks are dropped, and the default graph becomes the new merge. So a store holding anything
    this did not load (graphs the manifest does not list; default-graph triples before a first load)
    is refused, with nothing written."""
    if not loaded.quads:
        raise LoadFailed("there is nothing to load: the files hold no triples")
    unnamed = sum(1 for quad in loaded.quads if not isinstance(quad.graph_name, ox.NamedNode))
    if unnamed:  # the store's default graph is the merge, rewritten at each load: they would be lost
        raise ValueError(f"{unnamed:,} of the triples are in no named graph; the store keeps each source's "
                         "triples in a graph of its own (and their merge as its default graph): put them in a "
                         "named graph (TriG or N-Quads) to load them. Nothing was written")
    reserved = sorted({quad.graph_name.value for quad in loaded.quads if _is_the_loads_own(quad.graph_name.value)})
    if reserved:  # loaded, they would mix with the manifest or the staging graphs, and be dropped as such
        raise ValueError(f"the data names graphs that the load keeps for itself ({_listed(reserved)}): "
                         f"<{MANIFEST_GRAPH}> says which version is loaded, and graphs named <{STAGING_PREFIX}…> "
                         "hold a load's graphs before its switch. Rename them to load them. Nothing was written")
    http = _Http()
    by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in loaded.quads:  # each in a named graph, as checked above
        by_graph[quad.graph_name.value].append(ox.Triple(quad.subject, quad.predicate, quad.object))
    merged = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in loaded.quads))
    try:
        before = _named_graphs(http, endpoints, timeout_seconds)
        _refuse_foreign_data(http, endpoints, before, set(by_graph), timeout_seconds)
    except StoreError as error:
        raise LoadFailed(f"{error}; nothing was written") from None
    staging = f"{STAGING_PREFIX}{loaded.content_hash[:16]}:"
    moves = {f"{staging}{index}": name for index, name in enumerate(sorted(by_graph))}
    writes = {staged_name: by_graph[name] for staged_name, name in moves.items()} | {staging + "default": merged}
    staged: list[str] = []
    writing: list[str] = []
    try:
        if any(_has_blank_node(quad.subject) or _has_blank_node(quad.object) for quad in loaded.quads):
            writing = list(writes)
            # Emptied first, in the same request: a load of the same data that stopped before its switch
            # left graphs of these names, and inserted into them its blank nodes would be there twice.
            _update(http, endpoints, " ;\n".join([*(f"DROP SILENT GRAPH <{name}>" for name in writes),
                                                   _insert_data(writes)]), timeout_seconds)
            staged = writing
        else:
            for staged_name, triples in writes.items():
                writing = [staged_name]
                _put(http, endpoints, staged_name, triples, timeout_seconds)
                staged.append(staged_name)
    except StoreError as error:  # refused: the request under way wrote nothing
        raise LoadFailed(f"{error}. The store still holds its previous version, untouched; "
                         + _remove_staging(http, endpoints, staged, timeout_seconds)) from None
    except (TimeoutError, Unanswered, KeyboardInterrupt) as error:  # the request under way may have written: removed too
        what = "interrupted" if isinstance(error, KeyboardInterrupt) else str(error)
        raise LoadFailed(f"{what}. The store still holds its previous version, untouched; "
                         + _remove_staging(http, endpoints, staged + writing, timeout_seconds)) from None
    obsolete = sorted(before - set(by_graph) - set(staged))  # also staging graphs of failed loads
    dropped = [name for name in obsolete if not _is_the_loads_own(name)]
    switch = [f"DROP SILENT GRAPH <{name}>" for name in obsolete]
    switch += [f"MOVE GRAPH <{staged_name}> TO GRAPH <{name}>" for staged_name, name in moves.items()]
    switch += [f"MOVE GRAPH <{staging}default> TO DEFAULT", _manifest_insert(loaded, by_graph)]
    try:
        _update(http, endpoints, " ;\n".join(switch), timeout_seconds)
    except (TimeoutError, Unanswered) as error:
        no_answer = f"no answer came within {timeout_seconds:g} s" if isinstance(error, TimeoutError) \
            else "the connection broke before its answer"
        raise LoadFailed(f"the switch to the new version was sent to {endpoints.update} but {no_answer}: the store "
                         "holds either the previous version or the new one, whole (the switch is one update "
                         "request); run the load again") from None
    except KeyboardInterrupt:
        raise LoadFailed(f"interrupted after the switch to the new version was sent to {endpoints.update}: the "
                         "store holds either the previous version or the new one, whole (the switch is one "
                         "update request); run the load again") from None
    except StoreError as error:
        raise LoadFailed(f"{error}. The store still holds its previous version, untouched; "
                         + _remove_staging(http, endpoints, staged, timeout_seconds)) from None
    return LoadReport(loaded.content_hash, len(by_graph), len(loaded.quads), len(merged), tuple(dropped))


def _is_the_loads_own(graph: str) -> bool:
    """The manifest or a staging graph: written by a load, never a source's."""
    return graph == MANIFEST_GRAPH or graph.startswith(STAGING_PREFIX)


def _named_graphs(http: _Http, endpoints: StoreEndpoints, timeout: float) -> set[str]:
    """The names of the graphs the store holds; :class:`StoreError` when it cannot list them as SPARQL 1.1 does
    (Virtuoso 7 answers this query with one solution binding nothing): a load must know them all."""
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
    rows = _select(http, endpoints, query, timeout)
    if any("g" not in row for row in rows):
        raise StoreError(f"the SPARQL store at {endpoints.query} cannot list its named graphs: to {query} it "
                         "answered a solution without ?g, which SPARQL 1.1 does not allow; without the list a "
                         "load cannot tell the graphs of others from its own")
    return {row["g"].value for row in rows}


def _refuse_foreign_data(http: _Http, endpoints: StoreEndpoints, graphs: set[str], loading: set[str],
                         timeout: float) -> None:
    """:class:`StoreError` when the store holds data a load would destroy that no load of ours wrote."""
    try:
        ours = _read_manifest(http, endpoints, timeout).graph_names
    except NoManifest:
        ours = None
    foreign = sorted(name for name in graphs - loading - (ours or set()) if not _is_the_loads_own(name))
    default_taken = ours is None and bool(_select(http, endpoints, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", timeout))
    if foreign or default_taken:
        held = ([f"named graphs no load of ours wrote ({_listed(foreign)})"] if foreign else []) + \
               (["triples in its default graph"] if default_taken else [])
        raise StoreError(f"the store at {endpoints.query} holds data of others: {' and '.join(held)}. A load "
                         "replaces the whole dataset (it drops the graphs of the previous version and rewrites "
                         "the default graph), so it needs a store, or a dataset of the store, of its own")


def _put(http: _Http, endpoints: StoreEndpoints, graph: str, triples: Sequence[ox.Triple], timeout: float) -> None:
    url = f"{endpoints.graph_store}?{urlencode({'graph': graph})}"
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    try:
        response = http.request("PUT", url, timeout=timeout, body=body, headers={"Content-Type": _NTRIPLES})
    except Unanswered:
        raise  # the store may have written the graph: no refusal
    except ConnectionError as error:
        raise StoreError(str(error)) from None
    if response.status not in (200, 201, 204):
        raise StoreError(f"the graph store at {endpoints.graph_store} answered {response.status} to "
                         f"PUT <{graph}>: {_message(response)}")


def _has_blank_node(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> bool:
    if isinstance(term, ox.Triple):  # a triple term (RDF 1.2) may hold one
        return _has_blank_node(term.subject) or _has_blank_node(term.object)
    return isinstance(term, ox.BlankNode)


def _insert_data(graphs: dict[str, Sequence[ox.Triple]]) -> str:
    """One SPARQL Update writing every graph: N-Triples lines are SPARQL triples as they are."""
    return "INSERT DATA {\n" + "".join(
        f"GRAPH <{name}> {{\n{ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()}}}\n"
        for name, triples in graphs.items()) + "}"


def _update(http: _Http, endpoints: StoreEndpoints, update: str, timeout: float) -> None:
    try:
        # POSTed directly (SPARQL 1.1 Protocol 2.2.2): a form would triple non-ASCII bytes, and servlet
        # containers cap forms (Jetty at 200 KB), while an update may carry the whole graph.
        response = http.request("POST", endpoints.update, timeout=timeout, body=update.encode(),
                                headers={"Content-Type": "application/sparql-update; charset=utf-8"})
    except Unanswered:
        raise  # the store may have run the update: no refusal
    except ConnectionError as error:
        raise StoreError(str(error)) from None
    if response.status not in (200, 204):
        raise StoreError(f"the update endpoint {endpoints.update} answered {response.status}: {_message(response)}")


def _remove_staging(http: _Http, endpoints: StoreEndpoints, staged: list[str], timeout: float) -> str:
    """Drop the staging graphs written so far; say whether that worked."""
    if not staged:
        return "no staging graph was written."
    try:
        _update(http, endpoints, " ;\n".join(f"DROP SILENT GRAPH <{name}>" for name in staged), timeout)
    except (StoreError, TimeoutError, Unanswered) as error:
        return (f"the staging graphs it wrote could not be removed ({error}): {_listed(staged)}; the next "
                "load removes them.")
    return f"the staging graphs it wrote were removed ({_listed(staged)})."


def _listed(names: list[str]) -> str:
    """Graph names, the middle of a long run elided: staging names are numbered in the order written."""
    shown = [f"<{name}>" for name in names]
    return ", ".join(shown) if len(shown) <= 3 else f"{len(shown)} graphs, {shown[0]}, {shown[1]} … {shown[-1]}"


def _manifest_insert(loaded: LoadedGraph, by_graph: dict[str, list[ox.Triple]]) -> str:
    me = ox.NamedNode(MANIFEST_GRAPH)
    facts = [(ox.NamedNode(_DCTERMS + "identifier"), ox.Literal(loaded.content_hash)),
             (ox.NamedNode(_VOID + "triples"), ox.Literal(str(len(loaded.quads)), datatype=ox.NamedNode(_XSD + "integer"))),
             # to the microsecond: two loads in one second are two loads (RemoteEngine.stored_load)
             (ox.NamedNode(_DCTERMS + "modified"), ox.Literal(datetime.now(timezone.utc).isoformat(timespec="microseconds"),
                                                              datatype=ox.NamedNode(_XSD + "dateTime")))]
    facts += [(ox.NamedNode(_DCTERMS + "hasPart"), ox.NamedNode(name)) for name in sorted(by_graph)]
    body = " ".join(f"{me} {predicate} {value} ." for predicate, value in facts)
    return f"INSERT DATA {{ GRAPH {me} {{ {body} }} }}"
