"""Loading the data to serve, and loading it again on SIGHUP, never serving data that is not good.

The trigger is gunicorn's own: ``kill -HUP <master pid>`` makes the master (which holds the graph,
the app being preloaded) load the data again, then replace its workers, which fork from it with the
new graph. Data that fails to parse or validate is not served: the current graph (or, at start, the
last good copy kept on disk) stays, and the reason is logged and shown at ``/healthz``. So does the graph
served when a reload runs out of memory or fails unexpectedly: the master must not stop.

A server over an external store (``--store``) holds no data of its own: it follows the version the
store holds, which it reads again before a request at most every ``STORE_CHECK_SECONDS``, so that
every server over one store serves a new load within seconds (and SIGHUP makes it look at once).
"""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, Response, current_app, request

from ilrs_graph import memory
from ilrs_graph.dataset import Dataset
from ilrs_graph.last_good import DataRejected, load_or_last_good
from ilrs_graph.load import LoadError
from ilrs_graph.remote import StoreChanged, StoreError

from .config import Config
from .errors import ApiError, render
from .state import ServerState, state_of

log = logging.getLogger("ilrs_server")

STORE_CHECK_SECONDS = 5.0  # how stale a server over a store may be after a new load
NO_MEMORY_TO_RELOAD = "there was not enough memory to load the data again (the server may use less than it takes)"


def load_state(config: Config) -> ServerState:
    """The state a new app serves; raises LoadError / DataRejected when nothing good can be served,
    StoreError when the store cannot be reached or holds no graph."""
    if config.store is not None:
        dataset = _store_dataset(config)
        return ServerState(config, dataset, good_since=_iso(dataset), store_checked_at=time.monotonic())
    loaded = load_or_last_good(config.data_files, validate=config.validate, engine=config.engine)
    state = ServerState(config, _dataset(config, loaded.graph), problem=loaded.problem, good_since=loaded.good_since)
    if loaded.problem:
        log.error("serving the last good version %s (good since %s): %s", state.dataset.version,
                  loaded.good_since, loaded.problem)
    del loaded
    memory.give_back_freed_memory()
    return state


def reload(app: Flask) -> bool:
    """Load the data again; swap it in if good and new, else keep serving what is served now. False over a
    store that cannot be asked: the master knows no more than at its last look, and its workers may know more."""
    state = state_of(app)
    if state.config.store is not None:
        failure = _follow_store(state)
        if failure is None:
            return True
        # not the master's version: the one read at start or at the last SIGHUP, older than the workers' may be
        log.error("SIGHUP: the store cannot be asked (%s); the workers keep serving, and following it, as they were",
                  failure)
        return False
    try:
        loaded = load_or_last_good(state.config.data_files, validate=state.config.validate,
                                   engine=state.config.engine)
        if loaded.graph.content_hash != state.dataset.version:
            # A kept copy is checked by the engine too: one kept by a server with another engine may not suit it.
            state.dataset = _dataset(state.config, loaded.graph)
    except (LoadError, DataRejected) as error:  # not good, and no copy kept (the served one came from elsewhere)
        state.problem = str(error)
        log.error("reload: keeping version %s: %s", state.dataset.version, error)
        return True
    except MemoryError:  # data grown past the memory the server may use: the served graph still fits
        state.problem = NO_MEMORY_TO_RELOAD
        memory.give_back_freed_memory()
        log.error("reload: keeping version %s: %s", state.dataset.version, NO_MEMORY_TO_RELOAD)
        return True
    except Exception as error:  # a fault of ours or of a library: raised in gunicorn's master, it stopped the server
        # /healthz is public: the error's words (paths, data) are for the log, with the traceback
        state.problem = (f"the data could not be loaded again: an unexpected error ({type(error).__name__}); "
                         "the server's log has its traceback")
        memory.give_back_freed_memory()
        log.exception("reload: keeping version %s: an unexpected error", state.dataset.version)
        return True
    state.problem, state.good_since = loaded.problem, loaded.good_since
    del loaded
    memory.give_back_freed_memory()
    if state.problem:
        log.error("reload: keeping version %s: %s", state.dataset.version, state.problem)
    else:
        log.info("reload: serving version %s", state.dataset.version)
    return True


def follow_store() -> None:
    """Before each request of a server over a store: serve the version the store holds now."""
    state = state_of(current_app)
    if store_check_due(state):
        failing_already = state.store_fails
        failure = _follow_store(state)
        if failure is not None and not failing_already:
            log.error("the store fails; still serving version %s: %s", state.dataset.version, failure)


def store_changed(error: StoreChanged) -> Response:
    """A dump or description read while a new version was loaded into the store is not sent under the
    old version's name: the client asks again, and this server serves the new version from then on."""
    state_of(current_app).store_checked_at = -math.inf  # read the store's version before the next request
    log.info("%s %s: %s", request.method, request.path, error)
    return render(ApiError(503, "The data changed while it was read: a new version was loaded into the store. "
                           "Ask again; the new version is served from the next request.", headers={"Retry-After": "1"}))


def store_check_due(state: ServerState) -> bool:
    """Whether this server over a store should read the store's version before answering."""
    return state.config.store is not None and time.monotonic() - state.store_checked_at >= STORE_CHECK_SECONDS


def _follow_store(state: ServerState) -> StoreError | None:
    """Swap in the store's version if it changed (one small query); while the store fails, keep
    serving and say why at /healthz. The store's error when it could not be asked, for the caller to log:
    a worker knows the version it serves, the master only the one it last read."""
    state.store_checked_at = time.monotonic()
    try:
        if state.dataset.engine.stored_load() is not None:  # another version, or the same one loaded again
            state.dataset = _store_dataset(state.config)
            state.good_since = _iso(state.dataset)
            log.info("serving version %s from the store %s", state.dataset.version, state.config.store.query)
    except StoreError as error:
        # /healthz is public: the store's address and error are for the log
        state.problem, state.store_fails = "the SPARQL store cannot be asked; the server's log says why", True
        return error
    if state.store_fails:
        log.info("the store answers again; serving version %s", state.dataset.version)
    state.problem, state.store_fails = None, False
    return None


def _store_dataset(config: Config) -> Dataset:
    return Dataset.from_store(config.store, limits=config.limits, cache_entries=config.result_cache_entries,
                              isolated=True)


def _iso(dataset: Dataset) -> str:
    return dataset.modified.isoformat(timespec="seconds") if dataset.modified else ""


def _dataset(config: Config, graph) -> Dataset:
    return Dataset.of(graph, engine=config.engine, limits=config.limits,
                      cache_entries=config.result_cache_entries, isolated=True)
