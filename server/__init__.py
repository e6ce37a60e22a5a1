"""The ILRS Knowledge Graph web application: SPARQL endpoint, linked-data pages, dumps and query UI.

``create_app(config)`` builds the dataset once and keeps it in the app; one blueprint per concern:
sparql (the protocol), graph_store (its graphs as documents), linked_data (resources, ontology, dumps),
ui (home and query pages), search (finding things by name), health.
Views are thin: they call ilrs_graph and render. A plain query to /sparql is answered before Flask, by
the view's own functions (plain_queries.py); every request, however answered, gets its access log line
(web.AccessLog).
"""

from __future__ import annotations

from flask import Flask

from ilrs_graph.dataset import Dataset
from ilrs_graph.namespaces import PREFIXES, shorten
from ilrs_graph.remote import StoreChanged
from ilrs_graph.search import MAX_TEXT_LENGTH

from . import conditional, encoding, errors, graph_store, guards, health, linked_data, openapi, search, sparql, ui, web
from .config import Config
from .links import local_href, public_root
from .plain_queries import PlainQueries
from .reloading import follow_store, load_state, store_changed
from .state import EXTENSION, ServerState

__all__ = ["create_app", "Config"]


def create_app(config: Config | None = None, *, dataset: Dataset | None = None) -> Flask:
    """The application serving ``config``'s graph (or an already loaded ``dataset``)."""
    config = config or Config()
    app = Flask(__name__)
    app.extensions[EXTENSION] = load_state(config) if dataset is None else ServerState(config, dataset)
    for blueprint in (sparql.blueprint, graph_store.blueprint, linked_data.blueprint, ui.blueprint, search.blueprint,
                      health.blueprint, openapi.blueprint):
        app.register_blueprint(blueprint)
    errors.register(app)
    guards.register(app)  # first: a request refused for its headers costs nothing more
    app.before_request(follow_store)
    app.register_error_handler(StoreChanged, store_changed)
    web.register(app)
    conditional.register(app)  # judged after compression, which gives a gzipped answer an ETag of its own
    encoding.register(app)
    app.wsgi_app = web.AccessLog(PlainQueries(app))
    app.jinja_env.filters.update(local=local_href, short=shorten)
    app.jinja_env.globals.update(prefixes=PREFIXES, static_site=config.static_site, public_root=public_root,
                                 longest_search=MAX_TEXT_LENGTH)
    return app
