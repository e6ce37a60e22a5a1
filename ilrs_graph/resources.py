"""Describing one resource: what linked-data pages and per-resource files show.

All lookups are SPARQL queries through the dataset's engine, so they work the same on the embedded
store and on an external one. The IRI is always passed through :class:`pyoxigraph.NamedNode`, which
refuses anything that is not an IRI, before it is written into a query.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from . import formats
from .dataset import Dataset
from .dates import PartialDate
from .formats import Format
from .export import serialize

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
MOST_LINKS_IN = 500  # statements linking to a resource that its page and documents show
_PREFIXES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@dataclass
class Value:
    """One value of a property, with its label and the sources (graphs) that state it."""

    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
    label: str | None = None
    sources: list[ox.NamedNode] = field(default_factory=list)


# The publisher of the report a source copies (ilrs:copyOf), as an OPTIONAL pattern on ``?source``
ORIGINAL_PUBLISHER = ("OPTIONAL { ?source <https://w3id.org/ilrs/ontology/copyOf>/<http://purl.org/dc/terms/publisher>"
                      "/<http://www.w3.org/2000/01/rdf-schema#label> ?originalPublisher }")
# The date a ?source is cited with (?issued): that of the report it copies where it is a copy and that
# report has one (a copy's own date, if any, is when the site carried it), else its own.
CITED_DATE = ("OPTIONAL { ?source <http://purl.org/dc/terms/issued> ?ownDate } "
              "OPTIONAL { ?source <https://w3id.org/ilrs/ontology/copyOf>/<http://purl.org/dc/terms/issued> ?originalDate } "
              "BIND (COALESCE(?originalDate, ?ownDate) AS ?issued)")


def cited_as(publisher: str | None, original_publisher: str | None) -> str | None:
    """Whom a source is cited as: a copy as the publisher of the report it reproduces, at the site that
    carries it ("Xinhua (copy at gudianfeng.com)"), since a claim is weighed by whose report it is."""
    if original_publisher:
        return f"{original_publisher} (copy at {publisher})" if publisher else f"{original_publisher} (copy)"
    return publisher


def without_publisher(title: str, cited_as: str | None) -> str:
    """``title`` without the name of whom it is cited as, where it begins with it before a colon or a word
    in lower case ("SpaceNews: Venezuela signs up…"; "Xinhua: 17 countries…", cited as "Xinhua (copy at LINE
    Today)"; "Global Times report on…"), for a citation that names them already."""
    for name in _short_names(cited_as.partition(" (")[0]) if cited_as else ():
        opening, rest = title[:len(name)], title[len(name):]
        before_colon = rest.startswith(": ") and rest[2:].strip()
        before_word = rest.startswith(" ") and rest[1:2].islower()
        if opening.casefold() == name.casefold() and (before_colon or before_word):
            return rest.removeprefix(":").lstrip()
    return title


def _short_names(publisher: str) -> tuple[str, ...]:
    """How a title may name ``publisher``: its name, its initials ("ILOA", the International Lunar Observatory
    Association) or a site's name without its domain ("RussianSpaceWeb", RussianSpaceWeb.com)."""
    initials = "".join(word[0] for word in publisher.split() if word[0].isupper())
    site = re.sub(r"\.[a-z]{2,}$", "", publisher, flags=re.IGNORECASE)
    return (publisher, site, *([initials] if len(initials) > 1 else []))


@dataclass(frozen=True)
class Citation:
    """A source document, short enough to sit beside a fact: "SpaceNews, 17 July 2023"; without a date,
    whom it is cited as and its title ("Islamabad Scene, Pakistan joins China's…": a publisher alone would
    not tell two undated reports apart, a title alone did not say whose report it is), the title without
    that name where it begins with it ("SpaceNews: …", "ILOA: …"); without a publisher, its title (and
    date). Never cut: a title cut read "… Lunar Coll…" to a screen reader or on a phone."""

    iri: str
    title: str
    publisher: str | None
    issued: PartialDate | None
    original_publisher: str | None = None  # of the report the source copies, where it is a copy

    @property
    def cited_as(self) -> str | None:
        return cited_as(self.publisher, self.original_publisher)

    @property
    def short(self) -> str:
        if self.cited_as:
            return f"{self.cited_as}, {self.issued or without_publisher(self.title, self.cited_as)}"
        return f"{self.title}, {self.issued}" if self.issued else self.title


@dataclass
class Description:
    """Everything a resource page shows about one IRI."""

    iri: str
    label: str | None
    types: list[Value]
    properties: dict[str, list[Value]]          # property IRI → values, in a stable order
    property_labels: dict[str, str]
    incoming: list[tuple[ox.NamedNode, str, str | None]]  # (subject, property IRI, subject label)
    source_labels: dict[str, str]
    graph_size: int = 0  # for a source document: how many facts its graph holds


def iri_term(iri: str) -> ox.NamedNode | None:
    """The IRI as a term, or None when it is not a valid IRI."""
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


def exists(dataset: Dataset, iri: str) -> bool:
    term = iri_term(iri)
    if term is None:
        return False
    return bool(dataset.select(f"SELECT ?p WHERE {{ {{ {term} ?p ?o }} UNION {{ GRAPH {term} {{ ?s ?p ?o }} }} }} LIMIT 1"))


def is_version_of(dataset: Dataset, iri: str, ontology: str) -> bool:
    """Whether ``iri`` is the version IRI of ``ontology``."""
    term = iri_term(iri)
    return term is not None and bool(dataset.select(
        f"SELECT ?o WHERE {{ <{ontology}> <http://www.w3.org/2002/07/owl#versionIRI> {term} . BIND(1 AS ?o) }}"))


def graph_document(dataset: Dataset, graph_iri: str, fmt: Format) -> bytes:
    """A whole named graph (the ontology's, a source's) in ``fmt``."""
    term = iri_term(graph_iri)
    if fmt.kind == "dataset":
        rows = dataset.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {term} {{ ?s ?p ?o }} }}")
        return serialize([ox.Quad(r["s"], r["p"], r["o"], term) for r in rows], fmt)
    return _reserialized(dataset, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {term} {{ ?s ?p ?o }} }}", fmt)


def _reserialized(dataset: Dataset, construct: str, fmt: Format) -> bytes:
    """A CONSTRUCT's triples in ``fmt``, written with the project's prefixes."""
    ntriples = dataset.triples(construct, formats.by_name("ntriples"))
    return serialize(list(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)), fmt)


def rdf(dataset: Dataset, iri: str, fmt: Format) -> bytes:
    """The resource's concise bounded description, the statements that link to it (as its page's "Linked
    from", at most ``MOST_LINKS_IN``) and the labels of the resources on their other ends, in ``fmt``.

    Dataset formats (TriG, N-Quads) keep each statement, labels included, in the graph of the source (or
    the ontology) that states it.
    """
    term = iri_term(iri)
    links_in = (f"{{ SELECT DISTINCT ?s ?ip WHERE {{ ?s ?ip {term} FILTER(isIRI(?s)) }} "
                f"ORDER BY ?ip ?s LIMIT {MOST_LINKS_IN} }}")
    if fmt.kind == "dataset":  # the links found once, then looked up in each graph with the labels
        linking = [(row["s"], row["ip"]) for row in dataset.select(f"SELECT ?s ?ip WHERE {links_in}")]
        pairs, subjects = " ".join(f"({s} {ip})" for s, ip in linking), " ".join(str(s) for s, _ in linking)
        rows = dataset.select(f"""{_PREFIXES}
            SELECT ?s ?p ?o ?g WHERE {{
              {{ GRAPH ?g {{ {term} ?p ?o }} BIND({term} AS ?s) }}
              UNION {{ VALUES (?s ?ip) {{ {pairs} }} GRAPH ?g {{ ?s ?ip {term} }} BIND(?ip AS ?p) BIND({term} AS ?o) }}
              UNION {{ {{ SELECT DISTINCT ?s WHERE {{
                        {{ {term} ?p ?s FILTER(isIRI(?s)) }} UNION {{ VALUES ?s {{ {subjects} }} }} }} }}
                      GRAPH ?g {{ ?s rdfs:label ?o }} BIND(rdfs:label AS ?p) }}
            }}""")
        return serialize([ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in rows], fmt)
    return _reserialized(dataset, f"""{_PREFIXES}
        CONSTRUCT {{ {term} ?p ?o . ?o ?bp ?bo . ?o rdfs:label ?label . ?s ?ip {term} . ?s rdfs:label ?sLabel }}
        WHERE {{
          {{ {term} ?p ?o .
            OPTIONAL {{ FILTER(isBlank(?o)) ?o ?bp ?bo }}
            OPTIONAL {{ FILTER(isIRI(?o)) ?o rdfs:label ?label }} }}
          UNION {{ {links_in} OPTIONAL {{ ?s rdfs:label ?sLabel }} }}
        }}""", fmt)


def describe(dataset: Dataset, iri: str) -> Description | None:
    """What the HTML page of ``iri`` shows, or None when the graph says nothing about it."""
    term = iri_term(iri)
    if term is None:
        return None
    rows = dataset.select(f"""{_PREFIXES}
        SELECT ?p ?o ?g ?oLabel ?pLabel ?gLabel WHERE {{
          GRAPH ?g {{ {term} ?p ?o }}
          OPTIONAL {{ ?o rdfs:label ?oLabel }}
          OPTIONAL {{ ?p rdfs:label ?pLabel }}
          OPTIONAL {{ ?g rdfs:label ?gLabel }}
        }}""")
    graph_size = dataset.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {term} {{ ?s ?p ?o }} }}")
    facts_in_graph = int(graph_size[0]["n"].value) if graph_size else 0
    if not rows and not facts_in_graph:
        return None
    values: dict[str, dict[ox.NamedNode | ox.BlankNode | ox.Literal, Value]] = defaultdict(dict)
    property_labels: dict[str, str] = {}
    source_labels: dict[str, str] = {}
    for row in rows:
        prop = row["p"].value
        value = values[prop].setdefault(row["o"], Value(row["o"], optional_text(row.get("oLabel"))))
        if row["g"] not in value.sources:
            value.sources.append(row["g"])
        if "pLabel" in row:
            property_labels[prop] = term_text(row["pLabel"])
        if "gLabel" in row:
            source_labels[row["g"].value] = term_text(row["gLabel"])
    properties = {p: sorted(v.values(), key=_order) for p, v in sorted(values.items(), key=lambda item: _property_order(item[0]))}
    types = properties.pop("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", [])
    labels = properties.get(LABEL, [])
    incoming = [(row["s"], row["p"].value, optional_text(row.get("sLabel"))) for row in dataset.select(f"""{_PREFIXES}
        SELECT DISTINCT ?s ?p ?sLabel WHERE {{
          ?s ?p {term} . FILTER(isIRI(?s))
          OPTIONAL {{ ?s rdfs:label ?sLabel }}
        }} ORDER BY ?p ?s LIMIT {MOST_LINKS_IN}""")]
    for _, prop, _ in incoming:
        property_labels.setdefault(prop, "")
    return Description(iri, term_text(labels[0].term) if labels else None, types, properties, property_labels,
                       incoming, source_labels, facts_in_graph)


def optional_text(term) -> str | None:
    """The text of a term an OPTIONAL may have left unbound."""
    return term_text(term) if term is not None else None


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """A term as a page shows it: an IRI, a blank node's label, a literal's text; an RDF 1.2 triple
    term (which has none of these) as Turtle writes it."""
    if isinstance(term, ox.Triple):
        return f"<<( {term} )>>"
    return term.value


def _order(value: Value) -> tuple:
    return (value.label or term_text(value.term)).lower(), term_text(value.term)


_FIRST = [LABEL, "http://www.w3.org/2004/02/skos/core#altLabel", "http://purl.org/dc/terms/title",
          "http://purl.org/dc/terms/description", "http://www.w3.org/2004/02/skos/core#definition"]


def _property_order(iri: str) -> tuple:
    return (_FIRST.index(iri) if iri in _FIRST else len(_FIRST), iri)
