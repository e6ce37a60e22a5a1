"""The SPARQL 1.1 Graph Store HTTP Protocol at /store, read-only, as Oxigraph server and Fuseki offer it:
``?graph=IRI`` is one named graph (a source's facts, the ontology), ``?default`` the default graph (the
merge of all), and neither the whole dataset, by source. Writes (PUT, POST, DELETE) are 405.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from ilrs_graph import formats, resources

from . import negotiation
from .encoding import answer_response
from .errors import ApiError
from .parameters import decoded
from .state import dataset_of, state_of

blueprint = Blueprint("graph_store", __name__)

TURTLE, TRIG = formats.by_name("turtle"), formats.by_name("trig")
ONE_GRAPH = "Name one graph: ?graph=IRI (GET /sparql with an RDF Accept header lists them), or ?default."


@blueprint.route("/store")
def graph_store() -> Response:
    params = decoded(request.query_string)
    graphs, default, explicit = params.get("graph", []), "default" in params, negotiation.requested(params)
    if len(graphs) > 1 or (graphs and default):
        raise ApiError(400, f"A request to /store names at most one graph. {ONE_GRAPH}")
    dataset = dataset_of(current_app)
    if graphs:
        if graphs[0] not in dataset.graph_names:
            raise ApiError(404, f"This dataset has no graph <{graphs[0]}>. {ONE_GRAPH}")
        fmt = negotiation.choose(formats.GRAPH_FORMATS + formats.DATASET_FORMATS, TURTLE, explicit=explicit)
        answer = dataset.graph(graphs[0], fmt, lambda: resources.graph_document(dataset, graphs[0], fmt))
    else:  # the dumps: the default graph is their merged triples, the dataset their graphs by source
        offered = formats.GRAPH_FORMATS if default else formats.DATASET_FORMATS
        answer = dataset.dump(negotiation.choose(offered, TURTLE if default else TRIG, explicit=explicit))
    response = answer_response(answer, dataset)[0]
    response.last_modified = state_of(current_app).data_modified()
    response.headers["Vary"] = "Accept"
    response.headers["Accept-Ranges"] = "bytes"
    return response
