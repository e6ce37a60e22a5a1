"""Loading the data to serve, and loading it again on SIGHUP, never serving data that is not good.

The trigger is gunicorn's own: ``kill -HUP <master pid>`` makes the master (which holds the graph,
the app being preloaded) load the data again, then replace its workers, which fork from it with the
new graph. Data that fails to parse or validate is not served: the current graph (or, at start, the
last good copy kept on disk) stays, and the reason is logged and shown at ``/healthz``.
"""

from __future__ import annotations

import logging

from flask import Flask

from ilrs_graph.dataset import Dataset
from ilrs_graph.last_good import DataRejected, load_or_last_good
from ilrs_graph.load import LoadError

from .config import Config
from .state import ServerState, state_of

log = logging.getLogger("ilrs_server")


def load_state(config: Config) -> ServerState:
    """The state a new app serves; raises LoadError / DataRejected when nothing good can be served."""
    loaded = load_or_last_good(config.data_files, validate=config.validate)
    state = ServerState(config, _dataset(config, loaded.graph), loaded.problem, loaded.good_since)
    if loaded.problem:
        log.error("serving the last good version %s (good since %s): %s", state.dataset.version,
                  loaded.good_since, loaded.problem)
    return state


def reload(app: Flask) -> None:
    """Load the data again; swap it in if good and new, else keep serving what is served now."""
    state = state_of(app)
    try:
        loaded = load_or_last_good(state.config.data_files, validate=state.config.validate)
    except (LoadError, DataRejected) as error:  # not good, and no copy kept (the served one came from elsewhere)
        state.problem = str(error)
        log.error("reload: keeping version %s: %s", state.dataset.version, error)
        return
    if loaded.graph.content_hash != state.dataset.version:
        state.dataset = _dataset(state.config, loaded.graph)
    state.problem, state.good_since = loaded.problem, loaded.good_since
    if loaded.problem:
        log.error("reload: keeping version %s: %s", state.dataset.version, loaded.problem)
    else:
        log.info("reload: serving version %s", state.dataset.version)


def _dataset(config: Config, graph) -> Dataset:
    return Dataset.of(graph, engine=config.engine, limits=config.limits,
                      cache_entries=config.result_cache_entries, isolated=True)
