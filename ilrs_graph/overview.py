"""What the home page shows, read from the graph at request time: its size, its sources, and the facts
behind three pictures (partners joining, the network of agreements, the roadmap).

Each function is one or two SPARQL queries through the dataset's engine, so the pages change when the
data does and work the same on the embedded store and on an external one. What may grow with the graph
(partners, agreements, missions, sources) is a :class:`Listing`: the page shows its first rows only, so
that it stays small and quick whatever the size of the graph, and links to the query listing them all.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .dataset import Dataset
from .dates import PartialDate, chronological, most_precise, named_before, newest_first
from .namespaces import ILRS, shorten
from .resources import CITED_DATE, ORIGINAL_PUBLISHER, Citation, cited_as, optional_text, term_text

_PREFIXES = """PREFIX ilrs: <https://w3id.org/ilrs/ontology/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

# The most precise of the dates the sources give for {thing} {property} (a day beats a month beats a
# year), the earliest of those: the same rule as queries/partners-timeline.rq.
_MOST_PRECISE = """
  {thing} {property} ?date .
  FILTER NOT EXISTS {{ {thing} {property} ?finer . FILTER (STRLEN(STR(?finer)) > STRLEN(STR(?date))) }}
"""


@dataclass(frozen=True)
class Listing:
    """Things of one kind, one a row, in the order the home page chooses the ones it shows by (the most
    recent first); it shows the first ``most`` rows. The bounds are above what the shipped graph holds,
    with room to grow, so that its home page shows all of it (a test says when the data comes near one)."""

    query: str  # a SELECT query without its prefixes
    most: int

    @property
    def text(self) -> str:
        """The query as it runs on its own, on the query page."""
        return _PREFIXES + self.query

    @property
    def first(self) -> str:
        """The query of its first ``most`` rows, those the page shows (without its prefixes)."""
        return self.query + f"\nLIMIT {self.most}"


@dataclass(frozen=True)
class Extent:
    """How much of a listing the page shows: ``shown`` of ``total``; ``query`` lists them all."""

    shown: int
    total: int
    query: str

    @property
    def left_out(self) -> int:
        return self.total - self.shown


# Each in the order of its date, the latest first; what has no date last, as "" (rdflib's evaluator, the
# second engine, cannot order by an unbound value).
# Newest first as dates.chronological orders them: "2024-04~" sorts after "2024-04-05~" ('~' after '-'),
# so a month counts as later than the days within it, a year than its months.
PARTNERS = Listing("""SELECT ?partner ?name (MIN(?date) AS ?since) WHERE {
  ?thing a ilrs:Partnership ; org:member ?partner .
  ?partner rdfs:label ?name .
  OPTIONAL {""" + _MOST_PRECISE.format(thing="?thing", property="ilrs:partnerSince") + """}
}
GROUP BY ?partner ?name
ORDER BY DESC(COALESCE(CONCAT(STR(?since), "~"), "")) LCASE(STR(?name))""", most=60)

AGREEMENTS = Listing("""SELECT ?instrument (SAMPLE(?label) AS ?name) (MIN(?date) AS ?signed) WHERE {
  ?instrument ilrs:party ?party ; rdfs:label ?label .
  ?party rdfs:label ?partyName .
  OPTIONAL {""" + _MOST_PRECISE.format(thing="?instrument", property="ilrs:signedOn") + """}
}
GROUP BY ?instrument
ORDER BY DESC(COALESCE(CONCAT(STR(?signed), "~"), "")) LCASE(STR(?name))""", most=60)

# A mission's latest date: the last year a source plans it for or says it launched in.
MISSIONS = Listing("""SELECT ?mission (SAMPLE(?label) AS ?name) (MAX(?year) AS ?latestYear) WHERE {
  ?mission a ilrs:Mission ; rdfs:label ?label .
  OPTIONAL {
    { ?mission ilrs:plannedLaunchYear ?date } UNION { ?mission ilrs:launchDate ?date }
    BIND (SUBSTR(STR(?date), 1, 4) AS ?year)
  }
}
GROUP BY ?mission
ORDER BY DESC(COALESCE(?latestYear, "")) LCASE(STR(?name))""", most=40)

# One row per source whatever unvalidated data says of it (the shapes allow one title and date). Its
# publisher and facts are looked up for the shown ones only (sources()): at 1M quads, for all of them,
# they took 0.6 and 0.4 s.
SOURCES = Listing("""SELECT ?source (SAMPLE(?label) AS ?title) (SAMPLE(?issued) AS ?date) WHERE {
  ?source a ilrs:SourceDocument ; rdfs:label ?label .
  """ + CITED_DATE + """
}
GROUP BY ?source
ORDER BY DESC(COALESCE(STR(?date), "")) LCASE(STR(?title))""", most=150)


@dataclass(frozen=True)
class Counts:
    partners: int
    partner_countries: int  # of the partners, those that are countries (the others are organisations)
    instruments: int  # agreements and laws
    missions: int
    sources: int
    publishers: int  # distinct names of the publishers whose reports the sources are (a copy's: its original's)
    copies: int  # sources that reproduce another publisher's report (ilrs:copyOf)
    unpublished: int  # sources that name no publisher (the shapes allow it)
    newest_source: PartialDate | None  # the latest publication date of a source
    programme: str | None  # the programme the partners are partners of
    facts: int  # distinct triples stated by source documents


@dataclass(frozen=True)
class Source:
    iri: str
    label: str
    publisher: str | None
    issued: PartialDate | None
    facts: int


@dataclass(frozen=True)
class JoiningClaim:
    """What one source says of a partner's joining: the date it gives, or None where it names the partner
    without one (Roscosmos's list of participating countries, in Sputnik Africa's report, does so); the
    source's own date is then one by which the partner had joined, according to it."""

    since: PartialDate | None
    source: Citation


@dataclass(frozen=True)
class Joining:
    """A partner and the most precise date any source gives for its joining (None when none does)."""

    iri: str
    name: str
    since: PartialDate | None
    # its classes, (label, IRI) by label: ("country", ilrs:Country), or an organisation's ("research institution", …)
    kinds: tuple[tuple[str, str], ...] = ()
    country: bool = False
    claims: tuple[JoiningClaim, ...] = ()  # each source's dates as they fall, then the sources giving none

    @property
    def named_earlier(self) -> bool:
        """Whether a source names it a partner before a date another gives for its joining begins."""
        return named_before((c.source.issued for c in self.claims if not c.since and c.source.issued),
                            (c.since for c in self.claims if c.since))

    @property
    def disputed(self) -> bool:
        """Whether its sources disagree, as its page says: dates that do not nest, or a naming before a date."""
        dated = [c for c in self.claims if c.since]
        return self.named_earlier or any(a.source != b.source and not a.since.agrees_with(b.since)
                                         for a in dated for b in dated)

    @property
    def first_named_by(self) -> tuple[Citation, ...]:
        """The earliest of the dated sources naming it a partner without dating its joining (several when
        they share that date), by name; none when no dated source does. For a partner no source dates,
        the graph knows no joining date, only this one by which it was a partner, according to them."""
        named = [claim.source for claim in self.claims if claim.since is None and claim.source.issued]
        first = min((source.issued for source in named), key=lambda when: when.start, default=None)
        return tuple(sorted((source for source in named if source.issued == first), key=lambda s: s.short.lower()))


@dataclass(frozen=True)
class Party:
    iri: str
    name: str
    short_name: str  # the shortest of its label and its English other names (CNSA rather than China National Space Administration)
    # The countries it is or belongs to: a country itself; an organisation its ilrs:country, or that of the
    # organisation it is part of (a laboratory of CNSA: China); none for an organisation of no country (APSCO).
    countries: frozenset[str] = frozenset()

    def same_side(self, other: Party) -> bool:
        """Whether the two stand for one country: a country and its agency, or two organisations of one
        country, which sources name in turn as the party to one signing (CNSA, or China)."""
        return bool(self.countries & other.countries)


@dataclass(frozen=True)
class Instrument:
    iri: str
    name: str
    kind: str            # the label of its most specific class: memorandum of understanding, ratification law…
    signed: PartialDate | None
    parties: tuple[str, ...]  # party IRIs, by name


@dataclass(frozen=True)
class AgreementNetwork:
    parties: dict[str, Party]
    instruments: list[Instrument]  # in the order they were signed; undated ones last


@dataclass(frozen=True)
class Phase:
    """A phase of the programme, with every start and end year some source gives it."""

    iri: str
    name: str
    order: int | None
    plan: str | None  # the programme document that defines it, when a source says
    start_years: tuple[int, ...]
    end_years: tuple[int, ...]


@dataclass(frozen=True)
class MissionDates:
    """A mission with its launch date (if it flew) and every launch year some source planned for it."""

    iri: str
    name: str
    launched: PartialDate | None
    planned_years: tuple[int, ...]
    status: str | None  # the latest status a dated source gives

    @property
    def years(self) -> tuple[int, ...]:
        """Every year the mission is placed in: its launch and its planned launches."""
        return tuple(sorted({*self.planned_years, *([self.launched.year] if self.launched else [])}))

    @property
    def roadmap_order(self) -> tuple:
        """Its earliest date, a launch known to the day before a bare planned year of the same year, then its
        name: Queqiao-2 (launched 20 March 2024) comes before Chang'e 6 (planned for 2024, launched 3 May).
        Missions no source dates come last."""
        dates = [*([self.launched] if self.launched else []), *(PartialDate(year) for year in self.planned_years)]
        return min((chronological(when) for when in dates), default=chronological(PartialDate(9999))), self.name


@dataclass(frozen=True)
class Roadmap:
    phases: list[Phase]
    missions: list[MissionDates]


def counts(dataset: Dataset) -> Counts:
    row = dataset.select(_PREFIXES + """
        SELECT
          (COUNT(DISTINCT ?partner) AS ?partners) (COUNT(DISTINCT ?partnerCountry) AS ?partnerCountries)
          (SAMPLE(?ofProgramme) AS ?programme) (COUNT(DISTINCT ?instrument) AS ?instruments)
          (COUNT(DISTINCT ?mission) AS ?missions) (COUNT(DISTINCT ?source) AS ?sources)
          (COUNT(DISTINCT ?publisherName) AS ?publishers) (COUNT(DISTINCT ?copy) AS ?copies)
          (COUNT(DISTINCT ?unpublished) AS ?unpublishedSources)
        WHERE {
          { ?partnership a ilrs:Partnership ; org:member ?partner ; org:organization ?ofProgramme
            OPTIONAL { ?partner a ilrs:Country BIND (?partner AS ?partnerCountry) } }
          UNION { ?instrument a/rdfs:subClassOf* ilrs:Instrument }
          UNION { ?mission a ilrs:Mission }
          UNION { ?source a ilrs:SourceDocument }
          UNION { ?copy a ilrs:SourceDocument ; ilrs:copyOf ?reproduced }
          UNION { ?unpublished a ilrs:SourceDocument FILTER NOT EXISTS { ?unpublished dcterms:publisher ?anyPublisher } }
          UNION {  # the publishers first: joined with every label, 0.6 s at 1M quads; so, 0.05 s
            # whose report each source is: a copy's is the publisher of the report it reproduces, not the site
            { SELECT DISTINCT ?publisher WHERE {
                ?publishing a ilrs:SourceDocument .
                { ?publishing ilrs:copyOf/dcterms:publisher ?publisher }
                UNION { ?publishing dcterms:publisher ?publisher FILTER NOT EXISTS { ?publishing ilrs:copyOf/dcterms:publisher ?any } }
            } }
            ?publisher rdfs:label ?publisherName
          }
        }""")[0]
    facts = dataset.select(_PREFIXES + """
        SELECT (COUNT(*) AS ?facts) WHERE {
          SELECT DISTINCT ?s ?p ?o WHERE { ?source a ilrs:SourceDocument . GRAPH ?source { ?s ?p ?o } }
        }""")[0]
    newest = dataset.select(_PREFIXES + """
        SELECT (MAX(STR(?issued)) AS ?newest) WHERE { ?source a ilrs:SourceDocument ; dcterms:issued ?issued }""")[0]
    number = {name: int(row[name].value) for name in ("partners", "partnerCountries", "instruments", "missions", "sources",
                                                      "publishers", "copies", "unpublishedSources")}
    return Counts(number["partners"], number["partnerCountries"], number["instruments"], number["missions"],
                  number["sources"], number["publishers"], number["copies"],
                  number["unpublishedSources"], _date(newest.get("newest")),
                  row["programme"].value if "programme" in row else None, facts=int(facts["facts"].value))


def extents(dataset: Dataset) -> dict[str, Extent]:
    """How much of each listing the home page shows, by name: partners, agreements, missions, sources."""
    found = {}
    for name, listing in (("partners", PARTNERS), ("agreements", AGREEMENTS), ("missions", MISSIONS),
                          ("sources", SOURCES)):
        row = dataset.select(_PREFIXES + "SELECT (COUNT(*) AS ?total) WHERE { { " + listing.query + " } }")[0]
        total = int(row["total"].value)
        found[name] = Extent(min(total, listing.most), total, listing.text)
    return found


def sources(dataset: Dataset) -> list[Source]:
    """The newest source documents (:data:`SOURCES`) with their publisher, date and number of facts (0 for
    one without a graph of its own, which unvalidated data may have); the newest first."""
    shown = dataset.select(_PREFIXES + SOURCES.first)
    named = " ".join(str(row["source"]) for row in shown if isinstance(row["source"], ox.NamedNode))
    facts: dict[str, int] = {}
    publishers: dict[str, str] = {}
    if named:  # looked up for the shown ones only, by a join the engine makes one source at a time
        for row in dataset.select(_PREFIXES + f"""SELECT ?source (COUNT(*) AS ?facts) WHERE {{
                VALUES ?source {{ {named} }} GRAPH ?source {{ ?s ?p ?o }} }} GROUP BY ?source"""):
            facts[row["source"].value] = int(row["facts"].value)
        for row in dataset.select(_PREFIXES + f"""
                SELECT ?source (SAMPLE(?name) AS ?publisher) (SAMPLE(?originalPublisher) AS ?original) WHERE {{
                VALUES ?source {{ {named} }} ?source dcterms:publisher/rdfs:label ?name {ORIGINAL_PUBLISHER} }}
                GROUP BY ?source"""):
            publishers[row["source"].value] = cited_as(term_text(row["publisher"]), optional_text(row.get("original")))
    found = [Source(r["source"].value, term_text(r["title"]), publishers.get(r["source"].value),
                    _date(r.get("date")), facts.get(r["source"].value, 0)) for r in shown]
    return newest_first(found, lambda s: s.issued, lambda s: s.label)


def joinings(dataset: Dataset) -> list[Joining]:
    """The partners that joined the programme most recently (:data:`PARTNERS`) and when, in the order they
    joined (a month after the days within it: "April 2024" may be its last day); undated ones last. Each
    with its kinds and what each source says of its joining, by one query whose rows are a partner's
    classes, then each source's statements (a date, or the partner named) with the source's title,
    publisher and date."""
    rows = dataset.select(_PREFIXES + """
        SELECT ?partner ?name ?since ?kindOf ?class ?kind ?source ?date ?title ?publisher ?originalPublisher ?issued
        WHERE {
          { """ + PARTNERS.first + """ }
          OPTIONAL {
            {  # the classes a partner may be of, as the shapes say: a country, or an organisation
              VALUES ?kindOf { ilrs:Country org:FormalOrganization }
              ?partner a ?class . ?class rdfs:subClassOf* ?kindOf ; rdfs:label ?kind .
              FILTER (LANG(?kind) = "" || LANGMATCHES(LANG(?kind), "en"))
            } UNION {  # two GRAPH patterns: one of either property with a FILTER took 1.5 s at 1M quads, this 0.01 s
              ?partnership a ilrs:Partnership ; org:member ?partner .
              { GRAPH ?source { ?partnership org:member ?partner } }
              UNION { GRAPH ?source { ?partnership ilrs:partnerSince ?date } }
              OPTIONAL { ?source rdfs:label ?title }
              OPTIONAL { ?source dcterms:publisher/rdfs:label ?publisher }
              """ + ORIGINAL_PUBLISHER + """
              """ + CITED_DATE + """
            }
          }
        }""")
    partners: dict[str, dict] = {}
    for row in rows:
        if (iri := row["partner"].value) not in partners:
            partners[iri] = {"name": term_text(row["name"]), "since": _date(row.get("since")), "kinds": set(),
                             "country": False, "sources": {}}
        partner = partners[iri]
        if "kind" in row:
            partner["kinds"].add((term_text(row["kind"]), row["class"].value))
            partner["country"] |= row["kindOf"].value == ILRS + "Country"
        if "source" in row:
            said = partner["sources"].setdefault(row["source"].value, {
                "dates": set(), "title": set(), "publisher": set(), "originalPublisher": set(), "issued": set()})
            if when := _date(row.get("date")):
                said["dates"].add(when)
            for key in ("title", "publisher", "originalPublisher", "issued"):
                if key in row:
                    said[key].add(row[key])
    found = [Joining(iri, p["name"], p["since"], tuple(sorted(p["kinds"])), p["country"], _joining_claims(p["sources"]))
             for iri, p in partners.items()]
    dated = sorted((j for j in found if j.since), key=lambda j: (chronological(j.since), j.name.lower()))
    return dated + sorted((j for j in found if not j.since), key=lambda j: j.name.lower())


def _joining_claims(sources: dict[str, dict]) -> tuple[JoiningClaim, ...]:
    """Each source's dates (a source naming the partner without a date: one claim without), cited by its
    title, publisher and date (the first of each, in unvalidated data that gives several)."""
    def first(terms: set) -> ox.NamedNode | ox.Literal | None:
        return min(terms, key=str) if terms else None

    claims = []
    for source, said in sources.items():
        title, publisher, issued = first(said["title"]), first(said["publisher"]), first(said["issued"])
        citation = Citation(source, term_text(title) if title else shorten(source),
                            optional_text(publisher), _date(issued), optional_text(first(said["originalPublisher"])))
        claims.extend(JoiningClaim(when, citation) for when in said["dates"] or {None})
    dated = sorted((c for c in claims if c.since), key=lambda c: (chronological(c.since), c.source.short.lower()))
    return tuple(dated + newest_first((c for c in claims if not c.since), lambda c: c.source.issued,
                                      lambda c: c.source.short))


def agreement_network(dataset: Dataset) -> AgreementNetwork:
    """Who is bound by which of the instruments (agreements and laws) signed most recently
    (:data:`AGREEMENTS`), and when each was signed."""
    rows = dataset.select(_PREFIXES + """
        SELECT ?instrument ?name ?signed ?kind ?party ?partyName ?other WHERE {
          { """ + AGREEMENTS.first + """ }
          ?instrument ilrs:party ?party .
          ?party rdfs:label ?partyName .
          OPTIONAL {  # a short name in the page's language: "深空探测实验室" is shorter than "DSEL"'s label, but not English
            ?party skos:altLabel ?other FILTER (LANG(?other) = "" || LANGMATCHES(LANG(?other), "en"))
          }
          OPTIONAL {
            ?instrument a ?class . ?class rdfs:subClassOf+ ilrs:Instrument ; rdfs:label ?kind .
            FILTER NOT EXISTS { ?instrument a ?narrower . ?narrower rdfs:subClassOf+ ?class }
          }
        }""")
    party_names: dict[str, str] = {}
    other_names: dict[str, set[str]] = {}
    instrument_names: dict[str, str] = {}
    signed: dict[str, PartialDate | None] = {}
    members: dict[str, set[str]] = {}
    kinds: dict[str, set[str]] = {}
    for row in rows:
        iri, party = row["instrument"].value, row["party"].value
        party_names.setdefault(party, term_text(row["partyName"]))
        other_names.setdefault(party, set()).update([term_text(row["other"])] if "other" in row else [])
        instrument_names[iri] = term_text(row["name"])
        signed[iri] = _date(row.get("signed"))
        members.setdefault(iri, set()).add(party)
        kinds.setdefault(iri, set()).add(optional_text(row.get("kind")) or "instrument")
    countries = _countries(dataset, [row["party"] for row in rows])
    parties = {iri: Party(iri, name, min([name, *other_names[iri]], key=lambda n: (len(n), n)),
                          frozenset(countries.get(iri, ())))
               for iri, name in party_names.items()}
    instruments = [Instrument(iri, name, ", ".join(sorted(kinds[iri])), signed[iri],
                              tuple(sorted(members[iri], key=lambda p: parties[p].name.lower())))
                   for iri, name in instrument_names.items()]
    never = PartialDate(9999)
    instruments.sort(key=lambda i: (chronological(i.signed or never), i.name.lower()))
    return AgreementNetwork(dict(sorted(parties.items(), key=lambda item: item[1].name.lower())), instruments)


def _countries(dataset: Dataset, parties: list[ox.Term]) -> dict[str, set[str]]:
    """The countries each of ``parties`` is or belongs to (see :class:`Party`), by party IRI."""
    named = " ".join(sorted({str(party) for party in parties if isinstance(party, ox.NamedNode)}))
    if not named:
        return {}
    found: dict[str, set[str]] = {}
    for row in dataset.select(_PREFIXES + f"""SELECT DISTINCT ?party ?country WHERE {{
            VALUES ?party {{ {named} }}
            {{ ?party a ilrs:Country BIND (?party AS ?country) }}
            UNION {{ ?party org:subOrganizationOf*/ilrs:country ?country }}
            FILTER (isIRI(?country)) }}"""):
        found.setdefault(row["party"].value, set()).add(row["country"].value)
    return found


def roadmap(dataset: Dataset) -> Roadmap:
    """The programme's phases with the years each source gives, and the missions with the latest dates
    (:data:`MISSIONS`) with every date the sources give them."""
    phase_rows = dataset.select(_PREFIXES + """
        SELECT ?phase ?name ?order ?planName ?start ?end WHERE {
          ?phase a ilrs:Phase ; rdfs:label ?name .
          OPTIONAL { ?phase ilrs:phaseOrder ?order }
          OPTIONAL { ?phase ilrs:definedIn/rdfs:label ?planName }
          OPTIONAL { ?phase ilrs:startYear ?start }
          OPTIONAL { ?phase ilrs:endYear ?end }
        }""")
    mission_rows = dataset.select(_PREFIXES + """
        SELECT ?mission ?name ?launched ?planned WHERE {
          { """ + MISSIONS.first + """ }
          OPTIONAL { ?mission ilrs:launchDate ?launched }
          OPTIONAL { ?mission ilrs:plannedLaunchYear ?planned }
        }""")
    phases: dict[str, dict] = {}
    for row in phase_rows:
        phase = phases.setdefault(row["phase"].value, {
            "name": term_text(row["name"]), "order": _int(row.get("order")), "plan": optional_text(row.get("planName")),
            "start": set(), "end": set()})
        phase["plan"] = phase["plan"] or optional_text(row.get("planName"))
        for key in ("start", "end"):
            if key in row and (year := _year(row[key])) is not None:
                phase[key].add(year)
    missions: dict[str, dict] = {}
    for row in mission_rows:
        mission = missions.setdefault(row["mission"].value, {
            "name": term_text(row["name"]), "launched": set(), "planned": set()})
        if "launched" in row and (launched := _date(row["launched"])) is not None:
            mission["launched"].add(launched)
        if "planned" in row and (year := _year(row["planned"])) is not None:
            mission["planned"].add(year)
    latest = latest_statuses(dataset, "{ " + MISSIONS.first + " }")
    statuses = {mission: status for mission, (_, status) in latest.items() if status}  # unnamed: none shown
    return Roadmap(
        phases=sorted((Phase(iri, p["name"], p["order"], p["plan"], tuple(sorted(p["start"])), tuple(sorted(p["end"])))
                       for iri, p in phases.items()),
                      key=lambda p: (min(p.start_years + p.end_years, default=9999), p.order or 0, p.name)),
        missions=sorted((MissionDates(iri, m["name"], most_precise(m["launched"]), tuple(sorted(m["planned"])),
                                      statuses.get(iri))
                         for iri, m in missions.items()),
                        key=lambda m: m.roadmap_order),
    )


def latest_statuses(dataset: Dataset, missions: str) -> dict[str, tuple[ox.NamedNode, str | None]]:
    """Mission → the status its most recently published dated source gives, and the status's label (None
    when it has none): the rule of queries/latest-mission-status.rq (a source without a date cannot say
    what is latest), for the missions the graph pattern ``missions`` binds to ``?mission``. Picked here: as
    a FILTER NOT EXISTS it took seconds at 100k quads."""
    rows = dataset.select(_PREFIXES + """
        SELECT ?mission ?value ?status ?issued WHERE {
          """ + missions + """
          GRAPH ?source { ?mission ilrs:missionStatus ?value } ?source dcterms:issued ?issued .
          OPTIONAL { ?value rdfs:label ?status }
        }""")
    latest: dict[str, tuple[str, str, str]] = {}  # mission → (issued, status, value) of its newest source
    values = {}
    for row in rows:
        dated = (term_text(row["issued"]), optional_text(row.get("status")) or "", term_text(row["value"]))
        values[dated[2]] = row["value"]
        latest[row["mission"].value] = max(latest.get(row["mission"].value, dated), dated)
    return {mission: (values[value], status or None) for mission, (_, status, value) in latest.items()}


# Data served without validation may hold anything where a label, a number or a date is expected (an
# IRI, an RDF 1.2 triple term): a label is shown as written, and what is not a literal is no number or date.

def _int(term) -> int | None:
    try:
        return int(term.value) if isinstance(term, ox.Literal) else None
    except ValueError:
        return None


def _year(term) -> int | None:
    """A year as a date's is read (PartialDate: four digits, 1 to 9999): another number, which data served
    without validation may give, would stretch a picture's time axis to it, a gridline a year."""
    year = _int(term)
    return year if year is not None and 1 <= year <= 9999 else None


def _date(term) -> PartialDate | None:
    return PartialDate.parse(term.value) if isinstance(term, ox.Literal) else None
