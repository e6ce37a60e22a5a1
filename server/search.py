"""Finding things by name (/search?q=): a page listing the matches, each linked to its page, or the same
as JSON for a program; the matching itself is :mod:`ilrs_graph.search`'s."""

from __future__ import annotations

import json

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from ilrs_graph import search
from ilrs_graph.formats import Format

from . import negotiation, ui
from .conditional import with_validators
from .errors import ApiError
from .links import local_href
from .state import dataset_of, state_of
from .web import refused

blueprint = Blueprint("search", __name__)

# The matches as JSON, a format for negotiation to choose (by Accept or ?format=json) beside the page; written
# by json.dumps below, never by Oxigraph, whose results format fills the field a Format must have.
MATCHES = Format("json", "application/json", "matches", ox.QueryResultsFormat.JSON, "json")


@blueprint.route("/search")
def search_page() -> Response:
    """The page without a text (or a blank one, as an empty box sends) is the form alone; a text that
    cannot be looked for is a 400 that says why."""
    chosen = negotiation.choose((negotiation.PAGE, MATCHES), negotiation.PAGE, explicit=negotiation.requested())
    text = request.args.get("q", "")
    found, error = search.Found([], False), None
    if text.strip() or chosen is MATCHES:
        try:
            found = search.find(dataset_of(current_app), text)
        except search.SearchError as failure:
            if chosen is MATCHES:
                raise ApiError(400, str(failure)) from None
            error = str(failure)
            refused(error)
    if chosen is MATCHES:
        body = {"q": text, "matches": [{"iri": m.iri, "page": local_href(m.iri), "name": m.name, "matched": m.matched,
                                        "kinds": list(m.kinds)} for m in found.matches],
                "more": found.more, "suggestions": [s.word for s in found.suggestions]}
        response = Response(json.dumps(body, ensure_ascii=False), content_type=MATCHES.content_type)
    else:
        response = Response(render_template("search.html", text=text.strip(), found=found, error=error,
                                            most=search.MOST_MATCHES),
                            status=400 if error else 200, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    # 304 to a client asking again; a page changes with its template too, not only with the data
    return with_validators(response, state_of(current_app).data_modified() if chosen is MATCHES else ui.page_modified())
