"""The dataset's description in VoID and DCAT: what it is, its licence, size, links and where to get it.

Every value is read from the graph or from the dumps it describes: the ontology's header gives the
licence, creator and dates (``dcterms:created`` is the dataset's issue date), the data its version (the
hash of its files, as ``/healthz`` and ``load --store`` name it), the counts, the example resources and
the links to Wikidata, and each dump its media type, size and SHA-256. The dataset and its linksets
have one IRI wherever it is published (``https://w3id.org/ilrs/void#dataset``); the dumps, the endpoint
and the landing page are those of the address the description is made for. The export writes the
description beside the dumps; the web server builds the same one for its own address, and a static site
(``ilrs-graph export --site``) one without a SPARQL endpoint. The description's
``dcterms:bibliographicCitation`` is the :class:`DatasetCitation` the home page shows, made by one function.
Nothing here knows about HTTP.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import namespaces
from .load import LoadedGraph
from .namespaces import BASE, ONTOLOGY, RDF, RDFS, RESOURCE, XSD

if TYPE_CHECKING:
    from .dataset import Dataset
    from .export import Dump

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
DCTERMS = namespaces.PREFIXES["dcterms"]
FOAF = namespaces.PREFIXES["foaf"]
WIKIDATA = namespaces.PREFIXES["wd"]
PREFIXES = {**namespaces.PREFIXES, "void": VOID, "dcat": DCAT, "spdx": SPDX}

TITLE = "ILRS Knowledge Graph"
DESCRIPTION = ("The open, validated, queryable record of the International Lunar Research Station (ILRS) "
               "programme: its partners and when they joined, the agreements that bind them, the missions "
               "that build it, its payloads and the phases it goes through. Every fact sits in the named "
               "graph of the source document that states it.")
NO_ENDPOINT = ("Published as static files, with no SPARQL endpoint: to query the data, load one of its "
               "distributions into a SPARQL store, or serve it with `ilrs-graph serve --data FILE`.")
EXAMPLE_RESOURCES = 5  # the most described resources, as void:exampleResource
_NAMES = BASE + "void"  # the dataset's and its linksets' names, wherever it is published, are <_NAMES>#…
DATASET = _NAMES + "#dataset"
VERSION_DIGITS = 12  # of the data's hash, as the command line and /healthz show it
# The ontology header's statements that describe the release, and what the dataset states with each.
_FROM_ONTOLOGY = {DCTERMS + "license": DCTERMS + "license", DCTERMS + "creator": DCTERMS + "creator",
                  DCTERMS + "created": DCTERMS + "issued", DCTERMS + "modified": DCTERMS + "modified"}
# The licences a citation names by their short name; any other by its IRI.
_LICENCE_NAMES = {"https://creativecommons.org/licenses/by/4.0/": "CC BY 4.0"}
_YEAR_MONTH = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2]))?")  # how an ISO 8601 date begins
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")  # BibTeX's macros
_LATEX_SPECIAL = re.compile(r"[\\{}&%$#_~^]")
# BibTeX counts every brace, escaped or not: a brace of the text is written as a word, in balanced braces
_LATEX_WORDS = {"\\": "\\textbackslash{}", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}",
                "{": "\\textbraceleft{}", "}": "\\textbraceright{}"}
# The header's statements read from the graph served (its default graph: the statements of every graph).
_HEADER_QUERY = (f"SELECT DISTINCT ?property ?value WHERE {{ <{ONTOLOGY}> ?property ?value "
                 f"VALUES ?property {{ {' '.join(f'<{p}>' for p in _FROM_ONTOLOGY)} }} }}")
_DUMP_CONTENT = {"graph": "Every statement of the graph, each once (the named graphs merged).",
                 "dataset": "Every statement in the named graph of the source document that states it."}
_TYPE = RDF + "type"


Header = tuple[tuple[str, ox.NamedNode | ox.Literal], ...]  # dataset property → value, from the ontology's header


@dataclass(frozen=True)
class Summary:
    """What the description says of the graph itself, wherever it is published: read from every quad
    (at 100k quads, most of the description's cost), so a server makes it once per version and only
    the addresses for each of its names."""

    header: Header
    version: str  # the data's
    vocabularies: tuple[str, ...]
    sizes: dict[str, int]  # VoID statistic → number
    classes: tuple[tuple[ox.NamedNode, int], ...]  # class → instances
    examples: tuple[ox.NamedNode, ...]
    wikidata_links: tuple[tuple[ox.NamedNode, int], ...]  # property linking to Wikidata → links


def summarize(loaded: LoadedGraph) -> Summary:
    """The counts, vocabularies, examples, links and release statements of ``loaded``."""
    triples = {q.triple for q in loaded.quads}
    subjects = Counter(t.subject for t in triples)
    entities = {s for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(RESOURCE)}
    instances = Counter(t.object for t in triples if t.predicate.value == _TYPE)
    links = Counter(t.predicate for t in triples
                    if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(WIKIDATA))
    return Summary(
        header=header(triples),
        version=loaded.content_hash[:VERSION_DIGITS],
        vocabularies=tuple(sorted(_vocabularies(triples))),
        sizes={"triples": len(triples), "entities": len(entities), "classes": len(instances),
               "properties": len({t.predicate for t in triples}), "distinctSubjects": len(subjects),
               "distinctObjects": len({t.object for t in triples})},
        classes=tuple((cls, instances[cls]) for cls in sorted(instances, key=str)),
        examples=tuple(sorted(entities, key=lambda s: (-subjects[s], s.value))[:EXAMPLE_RESOURCES]),
        wikidata_links=tuple((predicate, links[predicate]) for predicate in sorted(links, key=str)))


@dataclass(frozen=True)
class DatasetCitation:
    """How to cite one version of the dataset published at ``url``: the creators, licence and date the
    ontology's header gives (what it does not give is left out, never made up) and the data's version.
    The reader adds the day they accessed it."""

    url: str
    version: str
    creators: tuple[str, ...] = ()
    modified: str | None = None  # ISO 8601, dcterms:modified as the description states it
    licence: str | None = None  # IRI
    title: str = TITLE

    @property
    def licence_name(self) -> str | None:
        return _LICENCE_NAMES.get(self.licence, self.licence)

    @property
    def year_and_month(self) -> tuple[str | None, str | None]:
        """Of the date, as BibTeX names them (``2026``, ``dec``); None for what it does not give."""
        begins = _YEAR_MONTH.match(self.modified or "")
        if begins is None:
            return None, None
        return begins[1], _MONTHS[int(begins[2]) - 1] if begins[2] else None

    @property
    def text(self) -> str:
        """One line, after DataCite's and APA's form for a data set: creators (year). Title (version,
        date) [Data set]. URL. Licence."""
        year = f" ({self.year_and_month[0]})" if self.year_and_month[0] else ""
        edition = ", ".join(part for part in (f"version {self.version}" if self.version else "", self.modified) if part)
        parts = [f"{'; '.join(self.creators)}{year}." if self.creators else "",
                 f"{self.title}{f' ({edition})' if edition else ''} [Data set].", f"{self.url}.",
                 f"Licence: {self.licence_name} ({self.licence})." if self.licence else ""]
        return " ".join(part for part in parts if part)

    @property
    def bibtex(self) -> str:
        """A BibTeX @misc entry (biblatex reads its version field too); each creator in braces of its own,
        as a body of people is no "Last, First"."""
        authors = " and ".join("{" + _latex(creator) + "}" for creator in self.creators)
        year, month = self.year_and_month
        fields = [("author", "{" + authors + "}" if authors else ""),
                  ("title", "{{" + _latex(self.title) + "}}"),
                  ("year", f"{{{year}}}" if year else ""),
                  ("month", month or ""),
                  ("version", f"{{{self.version}}}" if self.version else ""),
                  ("url", f"{{{self.url}}}"),
                  ("howpublished", f"{{\\url{{{self.url}}}}}"),
                  ("note", "{Data set" + (f", version {self.version}" if self.version else "")
                   + (f" of {_latex(self.modified)}" if self.modified else "")
                   + (f". Licence: {_latex(self.licence_name)}, \\url{{{self.licence}}}" if self.licence else "") + "}")]
        key = "ilrs-knowledge-graph" + (f"-{self.version}" if self.version else "")
        return f"@misc{{{key},\n" + "".join(f"  {name:<12} = {value},\n" for name, value in fields if value) + "}"


def header(triples: Iterable[ox.Triple]) -> Header:
    """What the ontology's header, among ``triples``, says of the release, as the dataset states it."""
    stated = [t for t in triples if t.subject.value == ONTOLOGY and t.predicate.value in _FROM_ONTOLOGY]
    return tuple((_FROM_ONTOLOGY[t.predicate.value], t.object) for t in sorted(stated, key=str))


def served_header(dataset: Dataset) -> Header:
    """:func:`header` of the graph ``dataset`` serves, by one small query once per version: all that a
    page's citation needs, without reading every quad as :func:`summarize` does."""
    return dataset.derived("release header", lambda: header(
        ox.Triple(ox.NamedNode(ONTOLOGY), row["property"], row["value"]) for row in dataset.select(_HEADER_QUERY)))


def citation(stated: Header, version: str, base_url: str) -> DatasetCitation:
    """The citation of version ``version`` of the graph whose header states ``stated``, published at
    ``base_url``: the one /void states and the home page shows."""
    def values(predicate: str) -> list[str]:
        return [value.value for name, value in stated if name == DCTERMS + predicate]
    return DatasetCitation(url=base_url, version=version, creators=tuple(values("creator")),
                           modified=max(values("modified"), default=None),  # the newest, were there more than one
                           licence=next(iter(values("license")), None))


def describe(summary: Summary, base_url: str, dumps: Sequence[Dump] = (), *,
             static_site: bool = False) -> list[ox.Triple]:
    """The VoID/DCAT description of the graph ``summary`` sums up, published under ``base_url`` (ending
    in ``/``), with the ``dumps`` downloaded from ``<base_url><file name>``.

    Served by the web server, the description is ``<base_url>void`` and the SPARQL endpoint
    ``<base_url>sparql``. Published as a static site (``static_site``), the description is the file
    ``<base_url>void.ttl`` and there is no endpoint: the description says so, and names none.
    The dataset is :data:`DATASET` wherever it is published.
    """
    here = base_url + ("void.ttl" if static_site else "void")
    dataset = ox.NamedNode(DATASET)
    return [
        _t(dataset, _TYPE, ox.NamedNode(VOID + "Dataset")),
        _t(dataset, _TYPE, ox.NamedNode(DCAT + "Dataset")),
        _t(dataset, DCTERMS + "title", ox.Literal(TITLE, language="en")),
        _t(dataset, DCTERMS + "description", ox.Literal(DESCRIPTION, language="en")),
        *(_t(dataset, predicate, value) for predicate, value in summary.header),
        *([_t(dataset, DCAT + "version", ox.Literal(summary.version))] if summary.version else []),
        _t(dataset, DCTERMS + "bibliographicCitation",
           ox.Literal(citation(summary.header, summary.version, base_url).text, language="en")),
        _t(dataset, FOAF + "homepage", ox.NamedNode(base_url)),
        _t(dataset, DCAT + "landingPage", ox.NamedNode(base_url)),
        _t(dataset, VOID + "uriSpace", ox.Literal(RESOURCE)),
        *(_t(dataset, VOID + "vocabulary", ox.NamedNode(ns)) for ns in summary.vocabularies),
        *_statistics(dataset, summary),
        *_wikidata_links(dataset, summary),
        *_distributions(dataset, here, dumps, base_url),
        *([_t(dataset, RDFS + "comment", ox.Literal(NO_ENDPOINT, language="en"))] if static_site
          else _endpoint(dataset, here, base_url + "sparql")),
    ]


def _endpoint(dataset: ox.NamedNode, here: str, url: str) -> list[ox.Triple]:
    """The SPARQL endpoint that answers for the dataset, in VoID and as a DCAT data service."""
    endpoint, service = ox.NamedNode(url), ox.NamedNode(here + "#sparql")
    return [
        _t(dataset, VOID + "sparqlEndpoint", endpoint),
        _t(service, _TYPE, ox.NamedNode(DCAT + "DataService")),
        _t(service, DCTERMS + "title", ox.Literal(f"SPARQL endpoint of the {TITLE}", language="en")),
        _t(service, DCAT + "endpointURL", endpoint),
        _t(service, DCTERMS + "conformsTo", ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/")),
        _t(service, DCAT + "servesDataset", dataset),
    ]


def _statistics(dataset: ox.NamedNode, summary: Summary) -> list[ox.Triple]:
    """Sizes (VoID's statistics), one class partition per class, and the most described resources."""
    out = [_t(dataset, VOID + name, _integer(number)) for name, number in summary.sizes.items()]
    for cls, instances in summary.classes:
        partition = ox.BlankNode()
        out += [_t(dataset, VOID + "classPartition", partition), _t(partition, VOID + "class", cls),
                _t(partition, VOID + "entities", _integer(instances))]
    return out + [_t(dataset, VOID + "exampleResource", resource) for resource in summary.examples]


def _wikidata_links(dataset: ox.NamedNode, summary: Summary) -> list[ox.Triple]:
    """A void:Linkset per property that links resources to Wikidata items, with its number of links."""
    if not summary.wikidata_links:
        return []
    wikidata = ox.NamedNode(_NAMES + "#wikidata")
    out = [_t(wikidata, _TYPE, ox.NamedNode(VOID + "Dataset")),
           _t(wikidata, DCTERMS + "title", ox.Literal("Wikidata", language="en")),
           _t(wikidata, FOAF + "homepage", ox.NamedNode("https://www.wikidata.org/")),
           _t(wikidata, VOID + "uriSpace", ox.Literal(WIKIDATA))]
    for predicate, links in summary.wikidata_links:
        linkset = ox.NamedNode(f"{_NAMES}#wikidata-{namespaces.shorten(predicate.value).replace(':', '-')}")
        out += [_t(dataset, VOID + "subset", linkset), _t(linkset, _TYPE, ox.NamedNode(VOID + "Linkset")),
                _t(linkset, VOID + "linkPredicate", predicate), _t(linkset, VOID + "subjectsTarget", dataset),
                _t(linkset, VOID + "objectsTarget", wikidata),
                _t(linkset, VOID + "triples", _integer(links))]
    return out


def _distributions(dataset: ox.NamedNode, here: str, dumps: Sequence[Dump], base_url: str) -> list[ox.Triple]:
    """A dcat:Distribution per dump: where to download it, its media type, size and SHA-256."""
    out = []
    for dump in dumps:
        download = ox.NamedNode(base_url + dump.file_name)
        distribution = ox.NamedNode(f"{here}#{dump.file_name}")
        checksum = ox.BlankNode()
        out += [
            _t(dataset, DCAT + "distribution", distribution),
            _t(dataset, VOID + "dataDump", download),
            _t(distribution, _TYPE, ox.NamedNode(DCAT + "Distribution")),
            _t(distribution, DCTERMS + "title", ox.Literal(dump.file_name)),
            _t(distribution, DCTERMS + "description", ox.Literal(_DUMP_CONTENT[dump.format.kind], language="en")),
            _t(distribution, DCAT + "downloadURL", download),
            _t(distribution, DCAT + "mediaType", ox.NamedNode(dump.format.iana_iri)),
            _t(distribution, DCTERMS + "conformsTo", ox.NamedNode(dump.format.registry_iri)),
            _t(distribution, DCAT + "byteSize",
               ox.Literal(str(len(dump.body)), datatype=ox.NamedNode(XSD + "nonNegativeInteger"))),
            _t(distribution, SPDX + "checksum", checksum),
            _t(checksum, SPDX + "algorithm", ox.NamedNode(SPDX + "checksumAlgorithm_sha256")),
            _t(checksum, SPDX + "checksumValue", ox.Literal(dump.sha256, datatype=ox.NamedNode(XSD + "hexBinary"))),
        ]
    return out


def _vocabularies(triples: set[ox.Triple]) -> set[str]:
    """The namespaces (among the project's prefixes) of the properties and classes the data uses."""
    terms = {t.predicate.value for t in triples} | {t.object.value for t in triples
                                                    if t.predicate.value == _TYPE and isinstance(t.object, ox.NamedNode)}
    found = set()
    for term in terms:
        namespace = max((ns for ns in namespaces.PREFIXES.values()
                         if term.startswith(ns) and not ns.startswith(RESOURCE)), key=len, default=None)
        if namespace:
            found.add(namespace)
    return found


def _latex(text: str) -> str:
    """``text`` as BibTeX's LaTeX reads it back: its special characters escaped."""
    return _LATEX_SPECIAL.sub(lambda m: _LATEX_WORDS.get(m.group(), "\\" + m.group()), text)


def _t(subject: ox.NamedNode | ox.BlankNode, predicate: str, obj) -> ox.Triple:
    return ox.Triple(subject, ox.NamedNode(predicate), obj)


def _integer(number: int) -> ox.Literal:
    return ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer"))
