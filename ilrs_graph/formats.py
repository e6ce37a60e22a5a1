"""Media types ↔ serialisers, as data: the one table every reader and writer of the project uses.

Each format has a short name (used by ``?format=``, ``--format`` and file suffixes), the media type
it is served as, the other media types a client may ask for it by, and Oxigraph's serialiser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    kind: str  # "results" (SELECT/ASK answers), "graph" (triples) or "dataset" (quads)
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat
    extension: str
    aliases: tuple[str, ...] = ()

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)

    @property
    def content_type(self) -> str:
        text_like = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml"))
        return f"{self.media_type}; charset=utf-8" if text_like else self.media_type

    @property
    def iana_iri(self) -> str:
        """The media type's entry in IANA's register: what DCAT's ``dcat:mediaType`` points at."""
        return f"https://www.iana.org/assignments/media-types/{self.media_type}"

    @property
    def registry_iri(self) -> str:
        """The format's IRI in W3C's register of file formats (https://www.w3.org/ns/formats/): what
        the Service Description's ``sd:resultFormat`` and DCAT's ``dcterms:conformsTo`` name. Oxigraph's
        own IRI is that one for every format but JSON-LD (``https://www.w3.org/ns/formats/data/JSON-LD``,
        which the register does not define)."""
        return _REGISTRY_IRIS.get(self.name, self.oxigraph.iri)


RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "results", ox.QueryResultsFormat.JSON, "srj",
           ("application/json",)),
    Format("xml", "application/sparql-results+xml", "results", ox.QueryResultsFormat.XML, "srx",
           ("application/xml", "text/xml")),
    Format("csv", "text/csv", "results", ox.QueryResultsFormat.CSV, "csv"),
    Format("tsv", "text/tab-separated-values", "results", ox.QueryResultsFormat.TSV, "tsv"),
)

GRAPH_FORMATS: tuple[Format, ...] = (
    # N3 is a superset of Turtle: a client asking for N3 can read Turtle.
    Format("turtle", "text/turtle", "graph", ox.RdfFormat.TURTLE, "ttl",
           ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3")),
    Format("ntriples", "application/n-triples", "graph", ox.RdfFormat.N_TRIPLES, "nt", ("text/plain",)),
    Format("jsonld", "application/ld+json", "graph", ox.RdfFormat.JSON_LD, "jsonld", ("application/json",)),
    Format("rdfxml", "application/rdf+xml", "graph", ox.RdfFormat.RDF_XML, "rdf", ("application/xml", "text/xml")),
)

DATASET_FORMATS: tuple[Format, ...] = (
    Format("trig", "application/trig", "dataset", ox.RdfFormat.TRIG, "trig"),
    Format("nquads", "application/n-quads", "dataset", ox.RdfFormat.N_QUADS, "nq"),
)

ALL_FORMATS: tuple[Format, ...] = RESULT_FORMATS + GRAPH_FORMATS + DATASET_FORMATS

_REGISTRY_IRIS = {"jsonld": "http://www.w3.org/ns/formats/JSON-LD"}


class CannotWrite(ValueError):
    """What is to be written cannot be expressed in ``fmt``: RDF 1.2 triple terms in JSON-LD 1.1, or
    characters that XML 1.0 forbids (even as character references) in an XML format."""

    def __init__(self, fmt: Format):
        what = ("RDF 1.2 triple terms" if fmt.name == "jsonld" else
                "Characters XML 1.0 forbids (U+0000 to U+001F but tab and line ends, U+FFFE, U+FFFF)")
        others = ", ".join(f.media_type for f in (RESULT_FORMATS if fmt.kind == "results" else
                                                  GRAPH_FORMATS + DATASET_FORMATS) if f != fmt)
        super().__init__(f"{what} cannot be written as {fmt.media_type}; these formats can: {others}.")


_XML_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # and U+FFFE, U+FFFF: in UTF-8, below


def writable(body: bytes, fmt: Format) -> bytes:
    """``body``, written in ``fmt``, if a reader of ``fmt`` can read it: Oxigraph's XML writers copy the
    characters XML 1.0 forbids as they are, which makes the document unreadable (CannotWrite then)."""
    if fmt.oxigraph in (ox.RdfFormat.RDF_XML, ox.QueryResultsFormat.XML) and (
            _XML_FORBIDDEN.search(body) or b"\xef\xbf\xbe" in body or b"\xef\xbf\xbf" in body):
        raise CannotWrite(fmt)  # (a character class and two searches: three times the alternation's speed)
    return body


# Names people type for the same format ("ttl" for turtle, "nt" for ntriples…).
_NICKNAMES = {"srj": "json", "srx": "xml", "ttl": "turtle", "n3": "turtle", "nt": "ntriples",
              "n-triples": "ntriples", "json-ld": "jsonld", "rdf": "rdfxml", "rdf/xml": "rdfxml", "rdf+xml": "rdfxml",
              "owl": "rdfxml", "nq": "nquads", "n-quads": "nquads"}


# What a results-format name means when triples are asked for (as Fuseki reads ?output=json for CONSTRUCT).
_FOR_TRIPLES = {"json": "jsonld", "xml": "rdfxml"}


def by_name(name: str, formats: tuple[Format, ...] = ALL_FORMATS) -> Format | None:
    """The format called ``name`` (its name, a nickname or file suffix, or a media type) among ``formats``."""
    wanted = _NICKNAMES.get(name.strip().lower(), name.strip().lower())
    for candidate in (wanted, _FOR_TRIPLES.get(wanted)):
        for fmt in formats:
            if candidate == fmt.name or candidate in fmt.media_types:
                return fmt
    return None

