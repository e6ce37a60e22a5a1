"""/healthz: is the server up, and what is it serving."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from .state import state_of

blueprint = Blueprint("health", __name__)


@blueprint.route("/healthz")
def healthz():
    """200 while the server answers; "degraded" with the reason when it serves its last good data."""
    state = state_of(current_app)
    dataset = state.dataset
    return jsonify(status="degraded" if state.problem else "ok", version=dataset.version,
                   quads=dataset.engine.quad_count, graphs=len(dataset.graph_names), engine=dataset.engine.name,
                   good_since=state.good_since, problem=state.problem)
