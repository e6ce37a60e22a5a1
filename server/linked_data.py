"""Linked data: every IRI the data mints resolves here, as a page or as RDF; the ontology; the dumps.

Resources follow "Cool URIs for the Semantic Web": /id/<kind>/<slug> names the thing itself and answers
303 See Other to a document about it, chosen by the Accept header (Vary: Accept); the documents have
suffixes: .html, .ttl, .nt, .jsonld, .rdf, .trig, .nq.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, redirect, request

from ilrs_graph import export, formats, jsonld, resources, shipped, void
from ilrs_graph.formats import Format
from ilrs_graph.namespaces import ONTOLOGY, SHAPES

from . import negotiation, ui
from .conditional import with_validators
from .encoding import answer_response
from .errors import ApiError
from .links import iri_for_path, path_for, public_root
from .state import dataset_of, state_of

blueprint = Blueprint("linked_data", __name__)

HTML = "html"
DOCUMENT_FORMATS = formats.GRAPH_FORMATS + formats.DATASET_FORMATS
DUMP_FORMATS = {f.extension: f for f in DOCUMENT_FORMATS}
PAGE_FORMATS = (*DOCUMENT_FORMATS, negotiation.PAGE)  # last: a client rating RDF as highly gets RDF


def _suffix_format(name: str) -> tuple[str, str | None]:
    """Split 'agency/cnsa.ttl' into ('agency/cnsa', 'ttl') when the suffix is a document format."""
    stem, dot, suffix = name.rpartition(".")
    if dot and (suffix == HTML or suffix in DUMP_FORMATS):
        return stem, suffix
    return name, None


def _negotiated_suffix() -> str:
    """The document suffix ?format= names, or else the Accept header prefers (HTML for browsers, Turtle by
    default)."""
    return negotiation.choose(PAGE_FORMATS, formats.by_name("turtle"), explicit=negotiation.requested()).extension


def _named_instead(path: str, suffix: str, offered: tuple[Format, ...]) -> Response | None:
    """303 to ``path`` with the suffix of the other format ?format= names, if it names one."""
    instead = negotiation.named_instead(next(f for f in offered if f.extension == suffix), offered)
    return None if instead is None else _see_other(path_for(f"{path}.{instead.extension}"))


def _refuse_encoded_slash() -> None:
    """A path with %2F names another IRI than the same path with a slash (RFC 3986, 2.2), and the data
    mints none: 404, rather than the resource the decoded path would name."""
    raw = (request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or "").split("?", 1)[0]
    if "%2f" in raw.lower():
        raise ApiError(404, f"The graph has nothing about <{iri_for_path(raw)}>.")


@blueprint.route("/id/<path:name>")
def resource(name: str) -> Response:
    _refuse_encoded_slash()
    stem, suffix = _suffix_format(name)
    iri = iri_for_path("id/" + stem)
    dataset = dataset_of(current_app)
    if not resources.exists(dataset, iri):
        raise _unknown_suffix("id", name) or ApiError(404, f"The graph has nothing about <{iri}>.")
    if suffix is None:
        return _see_other(path_for(f"id/{stem}.{_negotiated_suffix()}"))
    return _named_instead(f"id/{stem}", suffix, PAGE_FORMATS) or _document(iri, suffix)


@blueprint.route("/ontology")
@blueprint.route("/ontology.<suffix>")
def ontology_document(suffix: str | None = None) -> Response:
    """The ontology is itself a document: served directly, with the variant named in Content-Location."""
    if suffix is not None and suffix != HTML and suffix not in DUMP_FORMATS:
        raise ApiError(404, f"No ontology document as .{suffix}; it is at /ontology." + ", /ontology.".join(
            [HTML, *DUMP_FORMATS]) + "." + _meant(suffix, PAGE_FORMATS))
    if ONTOLOGY not in dataset_of(current_app).graph_names:
        raise ApiError(404, f"The graph served holds no ontology (no graph <{ONTOLOGY}>): serve the ontology's "
                            "file with the data (ilrs-graph serve --data ONTOLOGY-FILE DATA…).")
    if suffix is not None and (moved := _named_instead("ontology", suffix, PAGE_FORMATS)) is not None:
        return moved
    chosen = suffix or _negotiated_suffix()
    response = _document(ONTOLOGY, chosen, whole_graph=True)
    if suffix is None:
        response.headers["Content-Location"] = f"/ontology.{chosen}"
    return response


@blueprint.route("/ontology/")
def ontology_namespace() -> Response:
    """The namespace IRI (vann:preferredNamespaceUri, a slash namespace): 303 to the vocabulary, as W3C's
    "Best Practice Recipes for Publishing RDF Vocabularies" (recipe 3) has it; /ontology negotiates (a
    ?format= kept)."""
    return _see_other(_with_query("/ontology"))


@blueprint.route("/ontology/<path:name>")
def ontology_term(name: str) -> Response:
    _refuse_encoded_slash()
    stem, suffix = _suffix_format(name)
    iri = iri_for_path("ontology/" + stem)
    if resources.is_version_of(dataset_of(current_app), iri, ONTOLOGY):  # this version: the ontology, as written
        return _see_other(_with_query("/ontology" + (f".{suffix}" if suffix else "")))
    if stem in shipped.ontology_versions():
        return _earlier_version(stem, suffix)
    version, _, other = name.rpartition(".")  # a version's IRI with a suffix that is no format's
    if other and version in shipped.ontology_versions():
        return _earlier_version(version, other)
    if other and resources.is_version_of(dataset_of(current_app), iri_for_path("ontology/" + version), ONTOLOGY):
        return ontology_document(other)
    if not resources.exists(dataset_of(current_app), iri):
        raise _unknown_suffix("ontology", name) or ApiError(404, f"The ontology defines no term <{iri}>.")
    if suffix is None:
        return _see_other(path_for(f"ontology/{stem}.{_negotiated_suffix()}"))
    return _named_instead(f"ontology/{stem}", suffix, PAGE_FORMATS) or _document(iri, suffix)


def _unknown_suffix(path: str, name: str) -> ApiError | None:
    """A 404 naming the suffixes there are, when ``name`` is a resource's with a suffix that is not a
    format's ('cnsa.xml', 'Agreement.owl'); None when it is not."""
    stem, dot, suffix = name.rpartition(".")
    if not (dot and suffix) or not resources.exists(dataset_of(current_app), iri_for_path(f"{path}/{stem}")):
        return None
    documents = path_for(f"{path}/{stem}")
    return ApiError(404, f"<{iri_for_path(f'{path}/{stem}')}> is not written as .{suffix}: {documents}."
                    + f", {documents}.".join(f.extension for f in PAGE_FORMATS) + "." + _meant(suffix, PAGE_FORMATS))


def _meant(suffix: str, offered: tuple[Format, ...]) -> str:
    """What a suffix that is another name of a format offered meant ('xml', 'owl': RDF/XML's .rdf)."""
    fmt = formats.by_name(suffix, offered)
    return "" if fmt is None else f" For {fmt.media_type}, ask for .{fmt.extension}."


def _earlier_version(version: str, suffix: str | None) -> Response:
    """An earlier version of the ontology, as it was released."""
    return _shipped_document(f"ontology/{version}", f"Version {version} of the ontology",
                             shipped.ontology_versions()[version], ONTOLOGY, suffix)


@blueprint.route("/shapes")
@blueprint.route("/shapes.<suffix>")
def shapes_document(suffix: str | None = None) -> Response:
    """The SHACL shapes the data is validated against: validation reports name them by their IRIs."""
    return _shipped_document("shapes", "The shapes document", shipped.shapes_file(), SHAPES, suffix)


@blueprint.route("/shapes/<path:name>")
def shape(name: str) -> Response:
    """A shape's IRI (a slash namespace): 303 to the shapes document, as the ontology's terms once were."""
    _refuse_encoded_slash()
    if f"{SHAPES}/{name}" not in _shape_iris(shipped.shapes_file()):
        raise ApiError(404, f"The shapes define no <{SHAPES}/{name}>; they are at /shapes.")
    return _see_other(_with_query("/shapes"))


@lru_cache(maxsize=1)  # the shipped file does not change while the server runs: read once
def _shape_iris(path: Path) -> frozenset[str]:
    return frozenset(q.subject.value for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE)
                     if isinstance(q.subject, ox.NamedNode))


def _shipped_document(path: str, what: str, released: Path, graph: str, suffix: str | None) -> Response:
    """A Turtle file the project ships as it is (not part of the graph served) as a document in any
    format: its own bytes as Turtle, by default; in TriG and N-Quads, in the graph ``graph``; never a page."""
    if suffix is None:
        fmt = negotiation.choose(DOCUMENT_FORMATS, formats.by_name("turtle"), explicit=negotiation.requested())
    elif suffix in DUMP_FORMATS:
        if (moved := _named_instead(path, suffix, DOCUMENT_FORMATS)) is not None:
            return moved
        fmt = DUMP_FORMATS[suffix]
    else:
        kind = "a document, not a page" if suffix == HTML else f"not written as .{suffix}"
        raise ApiError(404, f"{what} is {kind}: /{path}." + f", /{path}.".join(DUMP_FORMATS) + "."
                       + _meant(suffix, DOCUMENT_FORMATS))
    dataset = dataset_of(current_app)
    answer = dataset.document(("shipped", path), fmt, lambda: released.read_bytes() if fmt.name == "turtle"
                              else export.serialize([ox.Quad(*q.triple, ox.NamedNode(graph))
                                                     for q in ox.parse(path=released, format=ox.RdfFormat.TURTLE)], fmt))
    response = answer_response(answer, dataset)[0]
    response.headers["Vary"] = "Accept"
    if suffix is None:
        response.headers["Content-Location"] = f"/{path}.{fmt.extension}"
    return response


@blueprint.route("/void")
def void_description() -> Response:
    """The VoID/DCAT description of the dataset: counts, licence, version, dumps with checksums."""
    fmt = negotiation.choose(DOCUMENT_FORMATS, formats.by_name("turtle"), explicit=negotiation.requested())
    dataset, root = dataset_of(current_app), public_root()
    answer = dataset.document(("void", root), fmt,
                              lambda: export.serialize(dataset.description(root), fmt, void.PREFIXES))
    response = answer_response(answer, dataset)[0]
    response.headers["Vary"] = "Accept"
    return response


@blueprint.route("/context.jsonld")
def jsonld_context() -> Response:
    """The JSON-LD context the JSON-LD dump and documents use, to read them as plain JSON."""
    dataset = dataset_of(current_app)
    answer = dataset.document(("context",), formats.by_name("jsonld"),
                              lambda: jsonld.to_bytes(jsonld.context_document(dataset.loaded)))
    return answer_response(answer, dataset)[0]


@blueprint.route("/data.<suffix>")
def dump(suffix: str) -> Response:
    fmt = DUMP_FORMATS.get(suffix)
    if fmt is None:
        raise ApiError(404, f"No dump as .{suffix}; the dumps are " + ", ".join(f"/data.{s}" for s in DUMP_FORMATS)
                       + "." + _meant(suffix, DOCUMENT_FORMATS))
    if (moved := _named_instead("data", suffix, DOCUMENT_FORMATS)) is not None:
        return moved
    dataset = dataset_of(current_app)
    response = answer_response(dataset.dump(fmt), dataset)[0]
    response.last_modified = state_of(current_app).data_modified()
    response.headers["Content-Disposition"] = f'inline; filename="{export.DUMP_STEM}.{suffix}"'  # as SHA256SUMS names it
    response.headers["Accept-Ranges"] = "bytes"
    return response


def _document(iri: str, suffix: str, *, whole_graph: bool = False) -> Response:
    dataset = dataset_of(current_app)
    if suffix == HTML:
        response = ui.ontology_page() if whole_graph else ui.resource_page(iri)
        if response is None:
            raise ApiError(404, f"The graph has nothing about <{iri}>.")
        with_validators(response, ui.page_modified())
    else:
        fmt = DUMP_FORMATS[suffix]
        body = resources.graph_document(dataset, iri, fmt) if whole_graph else resources.rdf(dataset, iri, fmt)
        response = with_validators(Response(body, content_type=fmt.content_type), state_of(current_app).data_modified())
    response.headers["Vary"] = "Accept"
    return response


def _with_query(path: str) -> str:
    """``path`` with this request's query string: a ?format= goes along to where the client is sent."""
    return path + (f"?{request.query_string.decode('latin-1')}" if request.query_string else "")


def _see_other(location: str) -> Response:
    response = redirect(location, code=303)
    response.headers["Vary"] = "Accept"
    return response

