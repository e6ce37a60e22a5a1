"""/healthz: is the server up, and what is it serving."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from .state import state_of

blueprint = Blueprint("health", __name__)


@blueprint.route("/healthz")
def healthz() -> Response:
    """200 while the server answers, "degraded" with the reason when it serves its last good data; 503
    "unavailable" while the store it answers from fails, so that a load balancer checking the status
    alone sends clients elsewhere. Never kept by a cache."""
    state = state_of(current_app)
    dataset = state.dataset
    status = "unavailable" if state.store_fails else "degraded" if state.problem else "ok"
    response = jsonify(status=status, version=dataset.version,
                       quads=dataset.engine.quad_count, graphs=len(dataset.graph_names), engine=dataset.engine.name,
                       good_since=state.good_since, problem=state.problem)
    response.status_code = 503 if state.store_fails else 200
    response.headers["Cache-Control"] = "no-store"
    return response
