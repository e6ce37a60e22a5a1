"""/openapi.json: the HTTP API described in OpenAPI 3.1, for client generators and for the fuzzing tests.

Built from the same tables the views use (formats, limits), so the description cannot drift from them.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ilrs_graph import __version__, formats, search

from .conditional import with_validators
from .linked_data import DOCUMENT_FORMATS
from .state import state_of

blueprint = Blueprint("openapi", __name__)

RESULT_TYPES = [f.media_type for f in formats.RESULT_FORMATS]
TRIPLE_TYPES = [f.media_type for f in DOCUMENT_FORMATS]
DOCUMENT_SUFFIXES = ["html"] + [f.extension for f in DOCUMENT_FORMATS]
DOCUMENT_NAMES = [f.name for f in DOCUMENT_FORMATS]
PAGE_NAMES = ["html", *DOCUMENT_NAMES]
DOCUMENT_CONTENT = {f.media_type: {} for f in DOCUMENT_FORMATS}
ERROR = {"$ref": "#/components/responses/Error"}


@blueprint.route("/openapi.json")
def openapi():
    return with_validators(jsonify(description(state_of(current_app).config.limits)))


def description(limits) -> dict:
    """The OpenAPI document of this server, with ``limits`` stated where they apply."""
    graph_parameters = [
        {"name": name, "in": "query", "required": False, "explode": True,
         "description": f"{what}: one of this dataset's own graphs (GET /sparql lists them); "
                        "any other IRI is refused, nothing is ever fetched.",
         "schema": {"type": "array", "items": {"type": "string"}}}
        for name, what in (("default-graph-uri", "A graph making up the default graph"),
                           ("named-graph-uri", "A graph available to GRAPH"))]
    format_parameter = {
        "name": "format", "in": "query", "required": False,
        "description": "The answer's format by name or media type; overrides Accept. ?output= is the same.",
        "schema": {"type": "string", "enum": sorted({f.name for f in formats.ALL_FORMATS})}}
    query_schema = {"type": "string", "minLength": 1, "maxLength": limits.max_query_length,
                    "description": "A SPARQL 1.1 SELECT, ASK, CONSTRUCT or DESCRIBE query. Updates, SERVICE "
                                   "and FROM with foreign graphs are refused."}
    answers = {
        "200": {"description": "The answer: SPARQL results for SELECT/ASK, RDF for CONSTRUCT/DESCRIBE.",
                "headers": {"ETag": {"schema": {"type": "string"}}},
                "content": {t: {} for t in RESULT_TYPES + TRIPLE_TYPES}},
        "400": ERROR, "403": ERROR, "406": ERROR, "413": ERROR, "431": ERROR,
        "503": {"description": f"A limit was hit: the query ran past {limits.timeout_seconds:g} s or its "
                               "memory limit, or all query executors are busy.",
                "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                "content": _error_content()},
        "502": {"description": "The external SPARQL store this server answers from (serve --store) failed "
                               "or cannot be reached.", "content": _error_content()},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "ILRS Knowledge Graph", "version": __version__,
                 "description": "A read-only SPARQL 1.1 endpoint and linked-data site for the International "
                                "Lunar Research Station knowledge graph. Errors come as JSON, HTML or plain "
                                "text, whichever the Accept header prefers.",
                 "license": {"name": "CC BY 4.0 (data), MIT (code)"}},
        "paths": {
            "/sparql": {
                "get": {"summary": "Answer a query (SPARQL 1.1 Protocol); without one, describe the service.",
                        "parameters": [{"name": "query", "in": "query", "required": False, "schema": query_schema},
                                       *graph_parameters, format_parameter],
                        "responses": {**answers, "304": {"description": "Not modified (If-None-Match)."},
                                      "412": {"description": "If-Match names no current version of the answer.",
                                              "content": _error_content()},
                                      "303": {"description": "A browser is sent to the query page."},
                                      "414": {"description": "The request line is longer than 8190 bytes "
                                                             "(gunicorn's limit): send long queries by POST.",
                                              "content": {"text/plain": {"schema": {"type": "string"}}}}}},
                "post": {"summary": "Answer a query sent as a form or as the body.",
                         "requestBody": {"required": True, "content": {
                             "application/x-www-form-urlencoded": {"schema": {
                                 "type": "object", "required": ["query"],
                                 "properties": {"query": query_schema,
                                                "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                                                "named-graph-uri": {"type": "array", "items": {"type": "string"}}}}},
                             "application/sparql-query": {"schema": query_schema},
                             "application/sparql-update": {"schema": {
                                 "type": "string", "description": "Always refused (403): read-only."}}}},
                         "responses": {**answers, "415": {"description": "The body is not a form or a query "
                                                                         "in UTF-8.", "content": _error_content()}}},
            },
            "/id/{name}": {"get": {
                "summary": "A resource of the graph: 303 to its description in the negotiated format; with a "
                           "suffix (" + ", ".join("." + s for s in DOCUMENT_SUFFIXES) + "), that description.",
                "parameters": [{"name": "name", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[^/?#]+(/[^/?#]+)*$"}},
                               _document_format(PAGE_NAMES)],
                "responses": {"200": _document(), "303": {"description": "See the description."},
                              **_kept_document(), "404": ERROR, "406": ERROR}}},
            "/ontology": {"get": {"summary": "The ontology, in the negotiated format.",
                                  "parameters": [_document_format(PAGE_NAMES)],
                                  "responses": {"200": _document(), **_kept_document(), "406": ERROR,
                                                "404": {"description": "The graph served holds no ontology.",
                                                        "content": _error_content()}}}},
            "/ontology/": {"get": {"summary": "The ontology's namespace IRI: 303 to /ontology.",
                                   "responses": {"303": {"description": "See the ontology."}}}},
            "/ontology.{suffix}": {"get": {
                "summary": "The ontology document in the format its suffix names.",
                "parameters": [{"name": "suffix", "in": "path", "required": True,
                                "schema": {"type": "string", "enum": DOCUMENT_SUFFIXES}},
                               _document_format(PAGE_NAMES)],
                "responses": {"200": _document(), **_kept_document(), "303": _other_format(), "404": ERROR,
                              "406": ERROR}}},
            "/shapes": {"get": {
                "summary": "The SHACL shapes the data is validated against, in the negotiated format.",
                "parameters": [_document_format(DOCUMENT_NAMES)],
                "responses": {"200": {"description": "The shapes.", "content": DOCUMENT_CONTENT},
                              **_kept_document(), "406": ERROR}}},
            "/shapes.{suffix}": {"get": {
                "summary": "The shapes in the format its suffix names (a page they have not: 404).",
                "parameters": [{"name": "suffix", "in": "path", "required": True,
                                "schema": {"type": "string", "enum": DOCUMENT_SUFFIXES}},
                               _document_format(DOCUMENT_NAMES)],
                "responses": {"200": {"description": "The shapes.", "content": DOCUMENT_CONTENT},
                              **_kept_document(), "303": _other_format(), "404": ERROR, "406": ERROR}}},
            "/shapes/{name}": {"get": {
                "summary": "A shape, as validation reports name it: 303 to /shapes.",
                "parameters": [{"name": "name", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[^/?#]+$"}}],
                "responses": {"303": {"description": "See the shapes."}, "404": ERROR}}},
            "/void": {"get": {
                "summary": "The dataset's VoID/DCAT description: counts, licence, version, dumps with checksums.",
                "parameters": [{"name": "format", "in": "query", "required": False,
                                "description": "The format by name or media type; overrides Accept.",
                                "schema": {"type": "string", "enum": DOCUMENT_NAMES}}],
                "responses": {"200": {"description": "The description.",
                                      "content": DOCUMENT_CONTENT},
                              **_kept_document(), **_read_whole(), "406": ERROR}}},
            "/context.jsonld": {"get": {
                "summary": "The JSON-LD context of the JSON-LD dump and documents.",
                "responses": {"200": {"description": "The context.", "content": {"application/ld+json": {}}},
                              **_kept_document(), **_read_whole()}}},
            "/ontology/{name}": {"get": {
                "summary": "A term of the ontology: 303 to its description; an earlier version's IRI (1.0.0): that "
                           "version as released, in the negotiated format (a page it has not: 404).",
                "parameters": [{"name": "name", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[^/?#]+$"}},
                               _document_format(PAGE_NAMES)],
                "responses": {"200": _document(), "303": {"description": "See the description."},
                              **_kept_document(), "404": ERROR, "406": ERROR}}},
            "/data.{suffix}": {"get": {
                "summary": "The whole graph as one file.",
                "parameters": [{"name": "suffix", "in": "path", "required": True,
                                "schema": {"type": "string", "enum": DOCUMENT_SUFFIXES[1:]}},
                               _document_format(DOCUMENT_NAMES)],
                "responses": {"200": _document(), "304": {"description": "Not modified (If-None-Match, If-Modified-Since)."},
                              "303": _other_format(),
                              **_ranges(),
                              "412": {"description": "A precondition failed (If-Match, If-Unmodified-Since): the data "
                                                     "changed.", "content": _error_content()},
                              "404": ERROR, **_read_whole(),
                              "406": {"description": "The format cannot hold this data (JSON-LD, for data with RDF "
                                                     "1.2 triple terms), or ?format= names none offered.",
                                      "content": _error_content()}}}},
            "/store": {"get": {
                "summary": "The SPARQL 1.1 Graph Store Protocol, read-only: one named graph (?graph=IRI), the "
                           "default graph (?default, the merge of all), or without either the whole dataset by "
                           "source; byte for byte as the dumps where they are the same graph. Writes are 405.",
                "parameters": [
                    {"name": "graph", "in": "query", "required": False, "schema": {"type": "string"},
                     "description": "One of the dataset's named graphs (GET /sparql lists them)."},
                    {"name": "default", "in": "query", "required": False, "allowEmptyValue": True,
                     "schema": {"type": "string"}, "description": "The default graph, the merge of all graphs."},
                    {"name": "format", "in": "query", "required": False,
                     "description": "The format by name or media type; overrides Accept.",
                     "schema": {"type": "string", "enum": DOCUMENT_NAMES}}],
                "responses": {"200": {"description": "The graph (Turtle by default) or the dataset (TriG by default).",
                                      "content": DOCUMENT_CONTENT},
                              **_kept_document(), **_ranges(), **_read_whole(),
                              "400": ERROR, "404": ERROR, "406": ERROR}}},
            "/search": {"get": {
                "summary": "Things found by name: each word of q in one of a thing's names (labels, other names, "
                           "titles), ignoring case, spaces and punctuation; the best matches first, at most "
                           f"{search.MOST_MATCHES}. A page, or JSON (Accept: application/json or ?format=json).",
                "parameters": [{"name": "q", "in": "query", "required": False,
                                "description": "The name or part of it; the page without it is the form alone.",
                                "schema": {"type": "string", "maxLength": search.MAX_TEXT_LENGTH}},
                               {"name": "format", "in": "query", "required": False,
                                "description": "html or json; overrides Accept.",
                                "schema": {"type": "string", "enum": ["html", "json"]}}],
                "responses": {"200": {"description": "The matches.", "content": {
                                  "text/html": {}, "application/json": {"schema": {"$ref": "#/components/schemas/Matches"}}}},
                              "400": ERROR, "406": ERROR}}},
            "/healthz": {"get": {"summary": "Whether the server is up, what it serves, and any problem with "
                                            "newer data it refused; 503 while the store it answers from fails.",
                                 "responses": {status: {"description": description, "content": {"application/json": {
                                     "schema": {"$ref": "#/components/schemas/Health"}}}}
                                     for status, description in (("200", "Health: ok or degraded."),
                                                                 ("503", "Unavailable: the store (--store) fails."))}}},
            "/openapi.json": {"get": {"summary": "This description.",
                                      "responses": {"200": {"description": "OpenAPI 3.1.",
                                                            "content": {"application/json": {}}},
                                                    **_kept_document()}}},
        },
        "components": {
            "responses": {"Error": {"description": "Why the request cannot be answered.",
                                    "content": _error_content()}},
            "schemas": {
                "Error": {"type": "object", "required": ["status", "message"],
                          "properties": {"status": {"type": "integer"}, "message": {"type": "string"},
                                         "line": {"type": "integer"}, "column": {"type": "integer"}}},
                "Matches": {"type": "object", "required": ["q", "matches", "more", "suggestions"],
                            "properties": {"q": {"type": "string"}, "more": {"type": "boolean"},
                                           "suggestions": {"type": "array", "items": {"type": "string"}},
                                           "matches": {"type": "array", "items": {
                                               "type": "object", "required": ["iri", "page", "name", "matched", "kinds"],
                                               "properties": {"iri": {"type": "string"}, "page": {"type": "string"},
                                                              "name": {"type": "string"}, "matched": {"type": "string"},
                                                              "kinds": {"type": "array", "items": {"type": "string"}}}}}}},
                "Health": {"type": "object", "required": ["status", "version", "quads", "problem"],
                           "properties": {"status": {"enum": ["ok", "degraded", "unavailable"]}, "version": {"type": "string"},
                                          "quads": {"type": "integer"}, "graphs": {"type": "integer"},
                                          "engine": {"type": "string"}, "good_since": {"type": "string"},
                                          "problem": {"type": ["string", "null"]}}},
            },
        },
    }


def _error_content() -> dict:
    return {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
            "text/plain": {}, "text/html": {}}


def _kept_document() -> dict:
    """What a document sent with an ETag (/void, /context.jsonld, resources, the ontology) may answer too."""
    return {"304": {"description": "Not modified (If-None-Match; without it, If-Modified-Since where the "
                                   "document is sent with a Last-Modified: pages, and documents read from the graph)."},
            "412": {"description": "If-Match names no current version of the document.", "content": _error_content()}}


def _document_format(names: list[str]) -> dict:
    """?format= on a document: as on /sparql, it wins over Accept, and over a suffix naming another."""
    return {"name": "format", "in": "query", "required": False,
            "description": "The format by name or media type (?output= is the same); overrides Accept, and on a "
                           "document named by its suffix, a format naming another is 303 to that document.",
            "schema": {"type": "string", "enum": names}}


def _other_format() -> dict:
    return {"description": "?format= names another format than the suffix: see the document in that one."}


def _ranges() -> dict:
    """What a document offering byte ranges (the dumps, /store) may answer to a Range header."""
    return {"206": {"description": "The byte range asked for (Range; If-Range), of the bytes sent: gzipped, when "
                                   "they are.", "headers": {"Content-Range": {"schema": {"type": "string"}}}},
            "416": {"description": "The range lies past the end.", "content": _error_content()}}


def _read_whole() -> dict:
    """What a document read from every quad (/void, /context.jsonld, the dumps) may answer over an
    external store (serve --store)."""
    return {"502": {"description": "The external SPARQL store failed or cannot be reached.",
                    "content": _error_content()},
            "503": {"description": "A new version was loaded into the external store while this was read: "
                                   "ask again, the new version is served.",
                    "headers": {"Retry-After": {"schema": {"type": "integer"}}}, "content": _error_content()}}


def _document() -> dict:
    return {"description": "The document.",
            "content": {t: {} for t in ["text/html", *TRIPLE_TYPES]}}
