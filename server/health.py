"""/healthz: is the server up, and what is it serving."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from .state import dataset_of

blueprint = Blueprint("health", __name__)


@blueprint.route("/healthz")
def healthz():
    dataset = dataset_of(current_app)
    return jsonify(status="ok", version=dataset.version, quads=dataset.engine.quad_count,
                   graphs=len(dataset.graph_names), engine=dataset.engine.name)
