"""The pages people read: the home page, the query page, the ontology's documentation and resource pages.

Each view asks ilrs_graph for what it shows and renders a template; the pictures are laid out by
:mod:`.charts`. Templates escape everything that comes from the data or the request.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from ilrs_graph import examples, formats, ontology_docs, overview, readable, result_table, shipped, void
from ilrs_graph.namespaces import ILRS, PREFIXES
from ilrs_graph.query import QueryError
from ilrs_graph.remote import StoreError
from ilrs_graph.resources import term_text

from . import charts, negotiation
from .conditional import with_validators
from .errors import NOT_THE_ENDPOINT, ApiError
from .guards import fits_a_request_line
from .links import local_href, public_root
from .parameters import decoded, request_body
from .sparql import FORM_TYPE
from .state import dataset_of, state_of
from .web import POSTED_QUERY, refused

blueprint = Blueprint("ui", __name__)

# The query the editor holds when nothing else is asked: the project's prefixes, then a first question.
STARTING_QUERY = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items()
                         if prefix in ("ilrs", "org", "rdfs", "xsd")) + """
# Who are the ILRS partners, and when did each join? Each partner with each date a source gives, and
# that source (sources differ: some give the day, some the month or the year, which is listed after the
# days within it); the partners no source dates have one row, without a date or source.
SELECT ?partner ?name ?since ?source WHERE {
  ?partnership a ilrs:Partnership ; org:member ?partner .
  ?partner rdfs:label ?name .
  OPTIONAL { GRAPH ?source { ?partnership ilrs:partnerSince ?since } }
}
ORDER BY ?name COALESCE(CONCAT(STR(?since), "~"), "") COALESCE(STR(?source), "")
"""
SHOWN_ROWS = 1000


@blueprint.route("/")
def home() -> Response:
    """The graph's size, three pictures and its sources; of what grows with the graph, the most recent
    only (:class:`overview.Listing`), with how many are left out and a link to list them all."""
    dataset = dataset_of(current_app)
    agreements = overview.agreement_network(dataset)
    today = None if state_of(current_app).config.static_site else date.today()
    counts = overview.counts(dataset)
    page = render_template(
        "home.html", counts=counts, extents=overview.extents(dataset), sources=overview.sources(dataset),
        timeline=charts.timeline(overview.joinings(dataset), today, counts.newest_source),
        agreements=agreements, network=charts.network(agreements),
        roadmap=charts.roadmap(overview.roadmap(dataset), today, counts.newest_source))
    return with_validators(Response(page, content_type="text/html; charset=utf-8"), page_modified(today))


def page_modified(today: date | None = None) -> datetime | None:
    """A page's Last-Modified: when what it is written from last changed. That is the data's (the one its
    RDF documents and the dumps send, ServerState.data_modified), or a later one: the server's start, since the code,
    templates and configuration writing the pages change only with a restart (their files' times say
    nothing: Nix and reproducible builds fix them at 1970); the shapes the ontology's page shows; and
    midnight for a picture drawing ``today``. Never later than now. None when the data has no date."""
    state = state_of(current_app)
    data = state.data_modified()
    if data is None:
        return None
    shapes = shipped.shapes_file().stat().st_mtime
    midnight = 0 if today is None else datetime.combine(today, time.min).timestamp()  # local, as date.today()
    now = datetime.now(timezone.utc).timestamp()
    newest = min(max(data.timestamp(), state.started, shapes, midnight), now)
    return datetime.fromtimestamp(int(newest), tz=timezone.utc)


@blueprint.route("/favicon.ico")
def no_icon() -> Response:
    """Browsers ask for /favicon.ico when a document names no icon (/void, the dumps, shown as text):
    the site has none, said without an error in the browser's console and the server's log."""
    no_content = Response(status=204, headers={"Cache-Control": "public, max-age=86400"})
    del no_content.headers["Content-Type"]
    return no_content


@blueprint.route("/query", methods=["GET", "POST"])
def query_page() -> Response:
    """The editor and the examples; with a query also its answer as a table, or the error and where it is.

    The form is POSTed (a query too long for a URL runs too, answered with this page); a query whose
    links fit a URL is sent on (303) to its GET, so that the page of an answer is a link that can be
    shared. A client asking for query results rather than a page (sent here as to Oxigraph server's
    endpoint) is told where to go.
    """
    if request.method == "POST":
        text = _posted_query()
    elif (negotiation.names_a_format(formats.ALL_FORMATS)
            or not negotiation.prefers_page(formats.ALL_FORMATS, negotiation.PAGE, tie_goes_to_page=True)):
        raise ApiError(406, NOT_THE_ENDPOINT)
    else:
        text = request.args.get("query", "")
    # the page's longest link to the query: a download's (turtle and jsonld are the longest format names)
    linkable = fits_a_request_line(url_for("sparql.sparql", query=text, format="jsonld"))
    if request.method == "POST" and linkable:
        return redirect(url_for("ui.query_page", query=text), 303)
    table = error = None
    if text.strip():
        try:
            table = result_table.run(dataset_of(current_app), text, max_rows=SHOWN_ROWS)
        except QueryError as failure:
            error = ApiError.from_query_error(failure)
            refused(error.message)
    every = examples.examples()
    as_written = text.replace("\r\n", "\n")  # a browser submits a textarea's lines ended by CRLF
    chosen = next((example for example in every if example.text == as_written), None)
    response = Response(render_template("query.html", text=text if text.strip() else STARTING_QUERY, table=table,
                                        error=error, examples=every, chosen=chosen, prefixes=PREFIXES,
                                        linkable=linkable,
                                        posted_length=len(as_written) if request.method == "POST" else None),
                        status=error.status if error else 200, mimetype="text/html")
    response.vary.add("Accept")
    if error is not None and "Retry-After" in error.headers:  # a limit reached (503): when to try again
        response.headers["Retry-After"] = error.headers["Retry-After"]
    return response


def _posted_query() -> str:
    """The query of the page's own form, as a browser POSTs it (asking for a page, form-encoded). Any other
    POST, a SPARQL client's above all (Oxigraph server's endpoint is at /query), is told to go to /sparql:
    415 for a body that is no form (the query itself), 406 for a form asking for query results."""
    if request.mimetype != FORM_TYPE:
        raise ApiError(415, NOT_THE_ENDPOINT)
    # a tie (curl's */*) goes to the results a client at Oxigraph server's endpoint would be sent
    if not negotiation.prefers_page(formats.ALL_FORMATS, formats.by_name("json")):
        raise ApiError(406, NOT_THE_ENDPOINT)
    params = decoded(request_body(state_of(current_app).config.limits.max_request_bytes))
    if "format" in params or "output" in params:
        raise ApiError(406, NOT_THE_ENDPOINT)
    text = params.get("query", [""])[0]
    request.environ[POSTED_QUERY] = text  # for the access line, as /sparql's
    return text


def ontology_page() -> Response:
    """The ontology's documentation (the HTML variant of /ontology)."""
    documentation = ontology_docs.documentation(dataset_of(current_app))
    return Response(render_template("ontology.html", doc=documentation), content_type="text/html; charset=utf-8")


def resource_page(iri: str) -> Response | None:
    """The page of one resource (the HTML variant of its IRI), or None when the graph has nothing on it."""
    page = readable.page(dataset_of(current_app), iri)
    if page is None:
        return None
    return Response(render_template("resource.html", page=page), content_type="text/html; charset=utf-8")


@blueprint.app_template_global("citation")
def citation() -> void.DatasetCitation:
    """How to cite the data served, at the address it is served at: the home page's and /void's citation,
    whose version and date every page's footer gives."""
    dataset = dataset_of(current_app)
    try:
        stated = void.served_header(dataset)
    except (QueryError, StoreError):  # the store fails: a page that needs no data (the query page) is still
        # served, its footer with the version alone
        stated = ()
    return void.citation(stated, dataset.version[:void.VERSION_DIGITS], public_root())


@blueprint.app_template_filter("term_href")
def term_href(iri: str) -> str:
    """Where a person reads about a term: its entry in the ontology's documentation when it is one of
    ours, else wherever the IRI leads."""
    local = iri[len(ILRS):]
    if iri.startswith(ILRS) and local and "/" not in local:
        return url_for("linked_data.ontology_document", _anchor=local)
    return local_href(iri)


blueprint.add_app_template_filter(term_text, "term_text")  # an RDF 1.2 triple term, as Turtle writes it
blueprint.add_app_template_filter(readable.language_name, "language_name")  # "ru" → "Russian"


@blueprint.app_template_filter("slash_breaks")
def slash_breaks(iri: str) -> Markup:
    """``iri`` with a line-break opportunity after each slash (``<wbr>``, which a copy leaves out): on a
    phone it wraps as "…/country/" over "pakistan", not inside a word, "…/country/pakista" over "n"."""
    return Markup("/<wbr>").join(escape(part) for part in iri.split("/"))


_UNBREAKABLE_RUN = re.compile(r"\S{30}")


@blueprint.app_template_test("unbreakable")
def has_unbreakable_run(text: str) -> bool:
    """Whether ``text`` holds 30 characters without a space (a URL literal), which widen a table cell past
    the window unless it may break them anywhere."""
    return bool(_UNBREAKABLE_RUN.search(text))


_ISO_DATE = re.compile(r"\d{4}(-\d{2}){1,2}")


@blueprint.app_template_test("iso_date")
def is_iso_date(text: str) -> bool:
    """Whether ``text`` is a date as ISO 8601 writes it (2024-05 or 2024-05-13): a narrow column would
    break it at a hyphen, and "2024-" over "05-13" reads as two values."""
    return bool(_ISO_DATE.fullmatch(text))


@blueprint.app_template_test("iri")
def is_iri(term) -> bool:
    return isinstance(term, ox.NamedNode)


@blueprint.app_template_test("blank_node")
def is_blank_node(term) -> bool:
    return isinstance(term, ox.BlankNode)


@blueprint.app_template_test("literal")
def is_literal(term) -> bool:
    return isinstance(term, ox.Literal)
