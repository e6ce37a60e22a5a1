"""The issue's reference point, measured beside the others: gunicorn, Flask and pyoxigraph written
plainly. The N-Quads are loaded once before the workers fork; each query runs in the request's thread
and is answered as SPARQL JSON, or N-Triples for CONSTRUCT and DESCRIBE (the mix asks for nothing
else). No query checks, time or memory limits, executors, result cache or content negotiation: beside
``ilrs-graph serve`` it shows what those cost, and beside Oxigraph server what this stack reaches alone.
Served as one would serve it, a worker per core (bench/targets.py)::

    gunicorn --workers 2 --worker-class gthread --threads 4 --preload --pythonpath bench \
        'plain_server:create_app("ilrs.nq")'
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Flask, Response, request


def create_app(nquads: str) -> Flask:
    store = ox.Store()
    store.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    app = Flask("plain")

    @app.route("/sparql", methods=["GET", "POST"])
    def sparql() -> Response:
        try:
            answer = store.query(request.values["query"])
        except SyntaxError as error:
            return Response(str(error), status=400, content_type="text/plain")
        if isinstance(answer, ox.QueryTriples):
            return Response(answer.serialize(format=ox.RdfFormat.N_TRIPLES), content_type="application/n-triples")
        return Response(answer.serialize(format=ox.QueryResultsFormat.JSON),
                        content_type="application/sparql-results+json")

    return app
