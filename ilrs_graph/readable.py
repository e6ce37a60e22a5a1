"""A resource as a person reads it: its facts grouped by what they say (when, who, where…), each with
human labels, dates at their precision and the sources that state it — and, where sources disagree,
their claims side by side.

Built on :func:`ilrs_graph.resources.describe` (every statement and the graphs that hold it), with a
few more SPARQL lookups: what kind of thing each linked resource is, and who published each source when.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import langcodes
import pyoxigraph as ox

from . import overview, resources
from .dataset import Dataset
from .dates import DATE_TYPES, PartialDate, most_precise, named_before, newest_first, precision_first
from .namespaces import BASE, ILRS, shorten
from .resources import Citation, Value, term_text

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMBER_TYPES = frozenset(XSD + name for name in (
    "decimal", "integer", "double", "float", "int", "long", "short", "nonNegativeInteger", "positiveInteger"))
TEXT_TYPES = frozenset((XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"))

MISSION_STATUS = ILRS + "missionStatus"
LANGUAGE = "http://purl.org/dc/terms/language"

# The groups of a page, in the order they are shown.
GROUPS = ("About", "When", "Figures", "Who", "Where", "Related", "Elsewhere on the web", "Other facts")

# Labels for the reused terms the ontology does not label, where their local names read badly.
_REUSED_TERM_LABELS = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": "kind",
    "http://www.w3.org/2000/01/rdf-schema#label": "name",
    "http://www.w3.org/2004/02/skos/core#altLabel": "other name",
    "http://www.w3.org/2004/02/skos/core#exactMatch": "same as",
    "http://purl.org/dc/terms/issued": "published",
    "https://schema.org/url": "web address",
    "http://www.w3.org/ns/org#subOrganizationOf": "part of",
    "http://www.w3.org/ns/org#organization": "partnership in",  # a partnership's programme (ORG: a membership's)
    "https://schema.org/superEvent": "part of the event",
    "https://schema.org/translationOfWork": "translation of",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "based on",  # a relay's report; PROV's "was derived from" is jargon
}

_PREFIXES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
"""
# Classes whose members are "who" (agents) and "where" (places), with the ontology's subclasses of them.
_KINDS = {"Who": ("foaf:Agent", "foaf:Person", "org:Organization", "org:FormalOrganization"),
          "Where": ("schema:Place", "schema:City", "schema:Country")}


@dataclass(frozen=True)
class Claim:
    """One value of a property and the sources that state it, the newest first (as the page's list of
    sources)."""

    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
    label: str | None  # a link's; a literal's where it has a name in words, a language code's ("Chinese")
    date: PartialDate | None  # for a date value, the date it names
    citations: tuple[Citation, ...]
    stated_on: PartialDate | None = None  # for a statement (a partner count), when it was made (ilrs:statedOn)
    latest: bool = False  # a mission's status its newest dated source gives (the home page's "latest status")

    @property
    def is_link(self) -> bool:
        return isinstance(self.term, ox.NamedNode)

    @property
    def text(self) -> str:
        return term_text(self.term)


@dataclass(frozen=True)
class Fact:
    """A property of the resource with all its values; ``disputed`` when sources disagree on it."""

    property: str
    label: str
    claims: tuple[Claim, ...]
    disputed: bool

    @property
    def graphs_name(self) -> bool:
        """Whether it is the resource's name (``rdfs:label``): the graph's own, written in every graph that
        mentions the resource and quoting none of them, so that the graphs holding it are not its sources."""
        return self.property == resources.LABEL


@dataclass(frozen=True)
class Group:
    title: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class LinkIn:
    """A resource whose facts name this one, with the sources that state the fact, the newest first: a link
    is a source's claim (a mission "planned" in 2023), not what the resource is now."""

    iri: str
    label: str
    citations: tuple[Citation, ...]
    latest_status: str | None = None  # a mission linked by a status its latest word no longer gives: that word's


@dataclass(frozen=True)
class Backlink:
    """The resources that point at this one with one property."""

    property: str
    label: str
    subjects: tuple[LinkIn, ...]  # by label


@dataclass(frozen=True)
class Membership:
    """The resource's partnership in a programme, with the date each source says it joined: the date sits
    on the partnership (``ilrs:partnerSince``), which the member's page otherwise reaches only through
    a backlink few readers would follow."""

    partnership: str
    programme_name: str
    since: tuple[Claim, ...]  # the most precise first
    # the sources that say it is a partner without dating its joining, newest first (the home page's
    # "named, no date given, by"): all that say it is one, where no source dates it
    named_by: tuple[Citation, ...]

    @property
    def named_earlier(self) -> bool:
        """Whether a source names it a partner before a date another gives for its joining begins: by that
        source, it was one already."""
        return named_before((source.issued for source in self.named_by if source.issued),
                            (claim.date for claim in self.since if claim.date))

    @property
    def disputed(self) -> bool:
        """Whether its sources disagree, as a fact's do: dates that do not nest, or a naming before a date."""
        return self.named_earlier or _disputed(self.since)


@dataclass(frozen=True)
class Reference:
    """A source document cited whole, as a researcher cites a web page: its authors (else whom it is cited
    as), its title, whom it is cited as (after its authors), its date ("n.d.": the graph records none) and
    its address; only what the graph records. Where the graph records no title, the project's name for it
    stands in square brackets, as a description (APA's "[Description of work]"), without the publisher's
    name it may begin with. The reader adds the day they read it."""

    creators: tuple[tuple[str, str | None], ...]  # each author's name and its language tag, where it has one
    publisher: str | None
    original_publisher: str | None    # of the report it copies, where it is a copy
    title: str | None                 # the document's own (dcterms:title)
    title_language: str | None        # its language tag, where it has one
    described_as: str                 # the project's name for it (rdfs:label)
    issued: PartialDate | None
    url: str | None

    @property
    def cited_as(self) -> str | None:
        return resources.cited_as(self.publisher, self.original_publisher)

    @property
    def by(self) -> tuple[tuple[str, str | None], ...]:
        """Who opens the citation, each name with its language: its authors, else whom it is cited as."""
        return self.creators or (((self.cited_as, None),) if self.cited_as else ())

    @property
    def by_stop(self) -> str:
        """The full stop after :attr:`by`, unless its last name ends with one ("Example Inc.")."""
        return _stop(self.by[-1][0]) if self.by else ""

    @property
    def opening(self) -> str | None:
        """:attr:`by` as the citation writes it, with its full stop."""
        return ", ".join(name for name, _ in self.by) + self.by_stop if self.by else None

    @property
    def titled(self) -> str | None:
        """Its own title, to stand in quotation marks."""
        return _ended(self.title) if self.title else None

    @property
    def described(self) -> str:
        """The project's name for it, as a description, where the graph records no title."""
        return _ended(f"[{resources.without_publisher(self.described_as, self.cited_as)}]")

    @property
    def closing(self) -> str:
        """What follows the title: whom it is cited as, after its authors, and its date."""
        date = str(self.issued) if self.issued else "n.d."
        return _ended(f"{self.cited_as}, {date}" if self.creators and self.cited_as else date)

    @property
    def text(self) -> str:
        title = f"“{self.titled}”" if self.titled else self.described
        return " ".join(part for part in (self.opening, title, self.closing, self.url) if part)


def _stop(part: str) -> str:
    """The full stop after a part of a citation, unless it ends with one already (a title ending "ILRS.")."""
    return "" if part.endswith((".", "?", "!")) else "."


def _ended(part: str) -> str:
    return part + _stop(part)


@dataclass(frozen=True)
class Page:
    iri: str
    label: str | None
    types: tuple[Claim, ...]  # each with a name in words: its label, else its local name's words (a reused class)
    types_by_all: frozenset[str]  # the kinds (as text) every source stating a kind states, shown without sources
    memberships: tuple[Membership, ...]
    groups: tuple[Group, ...]
    backlinks: tuple[Backlink, ...]
    sources: tuple[Citation, ...]  # every source cited on the page, the newest first; not the page's own
    facts_stated: int              # for a source document: how many facts its graph holds
    reference: Reference | None = None  # for a source document: how to cite it
    stated_about: tuple[tuple[str, str], ...] = ()  # for a source document: what its facts are about, named

    @property
    def facts_query(self) -> str:
        """The SPARQL query that lists the facts this resource's graph holds (for a source document)."""
        return (f"SELECT ?subject ?property ?value WHERE {{\n  GRAPH {ox.NamedNode(self.iri)} "
                "{ ?subject ?property ?value }\n}\nORDER BY ?subject ?property")


def page(dataset: Dataset, iri: str) -> Page | None:
    """What the HTML page of ``iri`` shows, or None when the graph says nothing about it."""
    description = resources.describe(dataset, iri)
    if description is None:
        return None
    cited = {source.value for values in description.properties.values() for v in values for source in v.sources}
    cited |= {source.value for t in description.types for source in t.sources}
    joined = _partner_since(dataset, iri)
    # the sources of its partnership: those of its dates and those saying it is a partner
    cited |= {source.value for stated, dates in joined.values() for v in (stated, *dates) for source in v.sources}
    linking = _linking_sources(dataset, iri, description.incoming)
    cited |= {source for sources in linking.values() for source in sources}
    citations = _citations(dataset, cited, description.source_labels)
    kinds = _kinds(dataset, iri)
    labels = _property_labels(dataset, [*description.properties, *(p for _, p, _ in description.incoming)],
                              description.property_labels)
    grouped: dict[str, list[Fact]] = {title: [] for title in GROUPS}
    listed = {citation: index for index, citation in enumerate(_newest_first(citations.values()))}
    stated_on = _stated_on(dataset, {v.term.value for values in description.properties.values() for v in values
                                     if isinstance(v.term, ox.NamedNode)})
    for prop, values in description.properties.items():
        claims = _newest_first_claims(tuple(replace(_claim(v, citations), stated_on=stated_on.get(v.term.value)
                                                    if isinstance(v.term, ox.NamedNode) else None)
                                            for v in values), listed)
        if prop == MISSION_STATUS and len(claims) > 1:  # one status needs no mark
            claims = _latest_word_first(dataset, iri, claims)
        if prop == LANGUAGE:
            claims = tuple(replace(c, label=language_name(c.text)) if isinstance(c.term, ox.Literal) else c
                           for c in claims)
        fact = Fact(prop, labels[prop], _not_citing(claims, iri), _disputed(claims))
        grouped[_group_of(values[0], kinds)].append(fact)
    groups = tuple(Group(title, tuple(sorted(facts, key=lambda f: f.label.lower())))
                   for title, facts in grouped.items() if facts)
    backlinks: dict[str, list[LinkIn]] = {}
    moved_on = _statuses_moved_on(dataset, iri, [s for s, prop, _ in description.incoming if prop == MISSION_STATUS])
    for subject, prop, label in description.incoming:
        sources = _newest_first(citations[s] for s in linking.get((subject.value, prop), ()) if s != iri)
        backlinks.setdefault(prop, []).append(LinkIn(subject.value, label or shorten(subject.value), sources,
                                                     moved_on.get(subject.value) if prop == MISSION_STATUS else None))
    types = tuple(_claim(_named(t), citations) for t in description.types)
    typing = {c for t in types for c in t.citations}
    return Page(
        iri=iri, label=description.label,
        types=_not_citing(types, iri),
        types_by_all=frozenset(t.text for t in types if set(t.citations) == typing),
        memberships=_memberships(dataset, joined, citations),
        groups=groups,
        backlinks=tuple(Backlink(p, labels[p], tuple(sorted(s, key=lambda linked: linked.label.lower())))
                        for p, s in sorted(backlinks.items(), key=lambda item: labels[item[0]].lower())),
        sources=_newest_first(c for c in citations.values() if c.iri != iri),
        facts_stated=description.graph_size,
        reference=_reference(dataset, iri) if description.graph_size else None,
        stated_about=_stated_about(dataset, iri) if description.graph_size else (),
    )


def _stated_about(dataset: Dataset, iri: str) -> tuple[tuple[str, str], ...]:
    """The resources the source document ``iri`` states facts about, but itself, each with its name, by name:
    a reader asking what a report says follows them to pages citing it beside each fact, where its
    graph's triples, on the query page, read as IRIs."""
    rows = dataset.select(_PREFIXES + f"""
        SELECT ?subject ?label WHERE {{
          {{ SELECT DISTINCT ?subject WHERE {{ GRAPH {resources.iri_term(iri)} {{ ?subject ?property ?value }} }} }}
          FILTER (isIRI(?subject) && ?subject != {resources.iri_term(iri)})
          OPTIONAL {{ ?subject rdfs:label ?label }}
        }}""")
    names: dict[str, str] = {}
    for row in rows:
        name = term_text(row["label"]) if "label" in row else shorten(row["subject"].value)
        names[row["subject"].value] = min(names.get(row["subject"].value, name), name)
    return tuple(sorted(names.items(), key=lambda item: (item[1].lower(), item[0])))


def _reference(dataset: Dataset, iri: str) -> Reference | None:
    """How to cite the source document ``iri`` (None when it is no source document): a copy as the report
    it reproduces, at its site, and by that report's date (as a fact's citation); several authors, or
    titles, in a stable order."""
    term = resources.iri_term(iri)
    rows = dataset.select(_PREFIXES + f"""
        PREFIX ilrs: <{ILRS}>
        SELECT ?label ?title ?creator ?publisher ?originalPublisher ?issued ?url WHERE {{
          VALUES ?source {{ {term} }}
          ?source a ilrs:SourceDocument .
          OPTIONAL {{ ?source rdfs:label ?label }}
          OPTIONAL {{ ?source dcterms:title ?title }}
          OPTIONAL {{ ?source dcterms:creator ?creator FILTER(isLiteral(?creator)) }}
          OPTIONAL {{ ?source dcterms:publisher/rdfs:label ?publisher }}
          OPTIONAL {{ ?source schema:url ?url }}
          {resources.ORIGINAL_PUBLISHER}
          {resources.CITED_DATE}
        }}""")
    if not rows:
        return None

    def first(name: str) -> ox.Literal | ox.NamedNode | None:
        found = sorted((row[name] for row in rows if name in row), key=term_text)
        return found[0] if found else None

    title, issued, url = first("title"), first("issued"), first("url")
    publisher, original = first("publisher"), first("originalPublisher")
    return Reference(
        creators=tuple(sorted({(term_text(row["creator"]), row["creator"].language) for row in rows if "creator" in row},
                              key=lambda creator: creator[0])),
        publisher=term_text(publisher) if publisher is not None else None,
        original_publisher=term_text(original) if original is not None else None,
        title=term_text(title) if title is not None else None,
        title_language=title.language if isinstance(title, ox.Literal) and title.language else None,
        described_as=term_text(first("label")) if first("label") is not None else shorten(iri),
        issued=PartialDate.parse(issued.value) if isinstance(issued, ox.Literal) else None,
        url=url.value if url is not None else None)


def human_label(iri: str, label: str | None = None) -> str:
    """The label the graph gives a term, else a known one, else its local name in words
    (``jobTitle`` → "job title")."""
    if label:
        return label
    if iri in _REUSED_TERM_LABELS:
        return _REUSED_TERM_LABELS[iri]
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower() or iri


def language_name(tag: str) -> str | None:
    """The English name of the language a BCP 47 tag names ("zh" → "Chinese"), as a page shows a source's
    language (``dcterms:language``, a code in the data) and text in another language; None for text that
    names no language the IANA registry knows."""
    if not langcodes.tag_is_valid(tag):
        return None
    name = langcodes.Language.get(tag).display_name("en")
    return None if name.startswith("Unknown language") else name


def _named(value: Value) -> Value:
    """``value`` with a name: the graph's label, else (a term the data reuses, as ``foaf:Person``) its local
    name in words, as :func:`human_label` names properties."""
    if value.label or not isinstance(value.term, ox.NamedNode):
        return value
    return Value(value.term, human_label(value.term.value), value.sources)


def _claim(value: Value, citations: dict[str, Citation]) -> Claim:
    term = value.term
    date = PartialDate.parse(term.value) if isinstance(term, ox.Literal) and term.datatype.value in DATE_TYPES else None
    return Claim(term, value.label, date, _newest_first(citations[s.value] for s in value.sources))


def _newest_first_claims(claims: tuple[Claim, ...], listed: dict[Citation, int]) -> tuple[Claim, ...]:
    """A fact's values newest first (the partner counts officials gave, a mission's statuses): a statement
    by the day it was made, which its source may not give (a conference's programme), else by its newest
    source's date; among equals in the order of their newest sources in the page's list of sources, then
    by name."""
    def when(claim: Claim) -> PartialDate | None:
        return claim.stated_on or (claim.citations[0].issued if claim.citations else None)

    return tuple(sorted(claims, key=lambda c: ((0, -when(c).start.toordinal()) if when(c) else (1, 0),
                                               listed[c.citations[0]] if c.citations else len(listed),
                                               (c.label or c.text).lower())))


def _stated_on(dataset: Dataset, iris: set[str]) -> dict[str, PartialDate]:
    """The day (or month, or year) each of ``iris`` that is a statement was made, the most precise where
    sources differ."""
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(iri)) for iri in sorted(iris))
    dates: dict[str, list[PartialDate]] = {}
    for row in dataset.select(f"""PREFIX ilrs: <{ILRS}>
            SELECT ?statement ?on WHERE {{ VALUES ?statement {{ {values} }} ?statement ilrs:statedOn ?on }}"""):
        on = PartialDate.parse(row["on"].value)
        if on:
            dates.setdefault(row["statement"].value, []).append(on)
    return {iri: most_precise(found) for iri, found in dates.items()}


def _latest_word_first(dataset: Dataset, iri: str, claims: tuple[Claim, ...]) -> tuple[Claim, ...]:
    """A mission's statuses (newest first), the one the home page gives as its latest status marked and
    first (:func:`overview.latest_statuses`; none when it has no name)."""
    latest = overview.latest_statuses(dataset, f"VALUES ?mission {{ {resources.iri_term(iri)} }}").get(iri)
    named = latest is not None and latest[1] is not None
    marked = [replace(c, latest=named and c.term == latest[0]) for c in claims]
    return tuple(sorted(marked, key=lambda c: not c.latest))  # first also among statuses of the same day


def _linking_sources(dataset: Dataset, iri: str, incoming) -> dict[tuple[str, str], list[str]]:
    """(subject, property) → the sources (named graphs) stating that the subject links to ``iri`` with the
    property, for the links ``incoming`` holds."""
    if not incoming:
        return {}
    pairs = " ".join(f"({subject} {ox.NamedNode(prop)})" for subject, prop, _ in incoming)
    rows = dataset.select(f"""SELECT DISTINCT ?s ?p ?g WHERE {{
        VALUES (?s ?p) {{ {pairs} }} GRAPH ?g {{ ?s ?p {resources.iri_term(iri)} }} }}""")
    found: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        found.setdefault((row["s"].value, row["p"].value), []).append(row["g"].value)
    return found


def _statuses_moved_on(dataset: Dataset, status: str, missions: list[ox.NamedNode]) -> dict[str, str]:
    """Mission → the status its latest word gives, for the ``missions`` some source gives ``status`` whose
    latest word (:func:`overview.latest_statuses`, as the home page's roadmap reads it) is another, named."""
    if not missions:
        return {}
    latest = overview.latest_statuses(dataset, f"VALUES ?mission {{ {' '.join(map(str, missions))} }}")
    return {mission: label for mission, (value, label) in latest.items() if value.value != status and label}


def _not_citing(claims: tuple[Claim, ...], source: str) -> tuple[Claim, ...]:
    """The claims as a page of ``source`` shows them: without citing the page's own source on every line."""
    return tuple(replace(c, citations=tuple(x for x in c.citations if x.iri != source)) for c in claims)


def _partner_since(dataset: Dataset, iri: str) -> dict[tuple[str, str], tuple[Value, list[Value]]]:
    """(partnership, programme) → the partnership with the sources that say its partner is its ``org:member``,
    and its ``ilrs:partnerSince`` dates with the sources that state each (none when no source dates it),
    for the partnerships whose ``org:member`` is ``iri``, or for ``iri`` where it is a partnership."""
    term = resources.iri_term(iri)
    rows = dataset.select(_PREFIXES + f"""
        PREFIX ilrs: <{ILRS}>
        SELECT DISTINCT ?partnership ?programme ?since ?source ?member WHERE {{
          {{ VALUES ?partner {{ {term} }} ?partnership org:member ?partner }}
          UNION {{ VALUES ?partnership {{ {term} }} ?partnership org:member ?partner }}
          ?partnership org:organization ?programme .
          OPTIONAL {{
            {{ GRAPH ?source {{ ?partnership ilrs:partnerSince ?since }} }}
            UNION {{ GRAPH ?member {{ ?partnership org:member ?partner }} }}
          }}
        }}""")
    found: dict[tuple[str, str], tuple[Value, dict[ox.Literal, Value]]] = {}
    for row in rows:
        stated, since = found.setdefault((row["partnership"].value, row["programme"].value),
                                         (Value(row["partnership"]), {}))
        if "since" in row:
            since.setdefault(row["since"], Value(row["since"])).sources.append(row["source"])
        if "member" in row:
            stated.sources.append(row["member"])
    return {key: (stated, list(since.values())) for key, (stated, since) in found.items()}


def _memberships(dataset: Dataset, joined: dict[tuple[str, str], tuple[Value, list[Value]]],
                 citations: dict[str, Citation]) -> tuple[Membership, ...]:
    """Each partnership with its dates, the programme named as people name it ("ILRS": its
    ``skos:altLabel``, else its label)."""
    if not joined:
        return ()
    programmes = " ".join(str(ox.NamedNode(programme)) for _, programme in sorted(joined))
    names = {row["programme"].value: term_text(row["name"]) for row in dataset.select(_PREFIXES + f"""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?programme (MIN(COALESCE(?short, ?label)) AS ?name) WHERE {{
          VALUES ?programme {{ {programmes} }}
          OPTIONAL {{ ?programme skos:altLabel ?short }}
          OPTIONAL {{ ?programme rdfs:label ?label }}
        }} GROUP BY ?programme""") if "name" in row}
    memberships = []
    for (partnership, programme), (stated, values) in sorted(joined.items()):
        claims = sorted((_claim(v, citations) for v in values), key=_most_precise_first)
        dating = {source for v in values for source in v.sources}
        naming = replace(stated, sources=[source for source in stated.sources if source not in dating])
        memberships.append(Membership(partnership, names.get(programme) or shorten(programme), tuple(claims),
                                      _claim(naming, citations).citations))
    return tuple(memberships)


def _most_precise_first(claim: Claim) -> tuple:
    """Dated claims by :func:`precision_first`, then those without a date."""
    return (0, *precision_first(claim.date), claim.text) if claim.date else (1, claim.text)


def _group_of(value: Value, kinds: dict[str, str]) -> str:
    term = value.term
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in DATE_TYPES:
            return "When"
        if datatype in NUMBER_TYPES:
            return "Figures"
        return "About" if datatype in TEXT_TYPES else "Other facts"
    if isinstance(term, (ox.BlankNode, ox.Triple)):
        return "Other facts"
    if term.value in kinds:
        return kinds[term.value]
    return "Related" if value.label or term.value.startswith(BASE) else "Elsewhere on the web"


def _newest_first(citations) -> tuple[Citation, ...]:
    """The order of citations everywhere on a page: beside each fact as in its list of sources."""
    return tuple(newest_first(citations, lambda c: c.issued, lambda c: c.title))


def _disputed(claims: tuple[Claim, ...]) -> bool:
    """Whether two sources give values that cannot both be true: dates whose intervals do not nest, or
    different numbers — each stated by a source that does not state the other. (Kinds are not judged: a
    resource may be of several, a publisher and a space agency, and the graph does not say which exclude
    each other; each kind a source alone gives is shown with it.)"""
    for i, a in enumerate(claims):
        for b in claims[i + 1:]:
            if not set(a.citations) - set(b.citations) or not set(b.citations) - set(a.citations):
                continue
            if a.date and b.date and not a.date.agrees_with(b.date):
                return True
            if _number(a.term) is not None and _number(b.term) is not None and _number(a.term) != _number(b.term):
                return True
    return False


def _number(term) -> float | None:
    if isinstance(term, ox.Literal) and term.datatype.value in NUMBER_TYPES:
        try:
            return float(term.value)
        except ValueError:
            return None
    return None


def _citations(dataset: Dataset, sources: set[str], labels: dict[str, str]) -> dict[str, Citation]:
    """The sources as citations; ``labels`` are the titles already known, the others are looked up
    (a partnership's sources, cited on its member's page, state nothing about the member itself)."""
    if not sources:
        return {}
    values = " ".join(str(ox.NamedNode(s)) for s in sorted(sources))
    rows = dataset.select(_PREFIXES + f"""
        SELECT ?source ?title ?publisher ?originalPublisher ?issued WHERE {{
          VALUES ?source {{ {values} }}
          OPTIONAL {{ ?source rdfs:label ?title }}
          OPTIONAL {{ ?source dcterms:publisher/rdfs:label ?publisher }}
          {resources.ORIGINAL_PUBLISHER}
          {resources.CITED_DATE}
        }}""")
    found = {}
    for row in rows:
        source = row["source"].value
        issued = PartialDate.parse(row["issued"].value) if isinstance(row.get("issued"), ox.Literal) else None
        title = labels.get(source) or (term_text(row["title"]) if "title" in row else shorten(source))
        found[source] = Citation(source, title, term_text(row["publisher"]) if "publisher" in row else None, issued,
                                 term_text(row["originalPublisher"]) if "originalPublisher" in row else None)
    return found


def _kinds(dataset: Dataset, iri: str) -> dict[str, str]:
    """"Who" or "Where" for each resource ``iri`` links to that is an agent or a place."""
    term = resources.iri_term(iri)
    found: dict[str, str] = {}
    for title, classes in _KINDS.items():
        rows = dataset.select(_PREFIXES + f"""
            SELECT DISTINCT ?o WHERE {{
              {term} ?p ?o . ?o a/rdfs:subClassOf* ?kind . VALUES ?kind {{ {" ".join(classes)} }}
            }}""")
        for row in rows:
            found.setdefault(row["o"].value, title)
    return found


def _property_labels(dataset: Dataset, properties: list[str], known: dict[str, str]) -> dict[str, str]:
    missing = sorted({p for p in properties if not known.get(p)})
    labels = dict(known)
    if missing:
        values = " ".join(str(ox.NamedNode(p)) for p in missing)
        for row in dataset.select(_PREFIXES + f"SELECT ?p ?label WHERE {{ VALUES ?p {{ {values} }} ?p rdfs:label ?label }}"):
            labels[row["p"].value] = term_text(row["label"])
    return {p: human_label(p, labels.get(p)) for p in properties}
