"""What the home page shows, read from the graph at request time: its size, its sources, and the facts
behind three pictures (partners joining, the network of agreements, the roadmap).

Each function is one or two SPARQL queries through the dataset's engine, so the pages change when the
data does and work the same on the embedded store and on an external one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .dataset import Dataset
from .dates import PartialDate, most_precise
from .resources import term_text

_PREFIXES = """PREFIX ilrs: <https://w3id.org/ilrs/ontology/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

# The most precise of the dates the sources give for ?thing ?property (a day beats a month beats a
# year), the earliest of those: the same rule as queries/partners-timeline.rq.
_MOST_PRECISE = """
  ?thing {property} ?date .
  FILTER NOT EXISTS {{ ?thing {property} ?finer . FILTER (STRLEN(STR(?finer)) > STRLEN(STR(?date))) }}
"""


@dataclass(frozen=True)
class Counts:
    partners: int
    agreements: int
    missions: int
    sources: int
    facts: int  # distinct triples stated by source documents


@dataclass(frozen=True)
class Source:
    iri: str
    label: str
    publisher: str | None
    issued: PartialDate | None
    facts: int


@dataclass(frozen=True)
class Joining:
    """A partner and the most precise date any source gives for its joining (None when none does)."""

    iri: str
    name: str
    since: PartialDate | None


@dataclass(frozen=True)
class Party:
    iri: str
    name: str
    short_name: str  # the shortest of its label and other names (CNSA rather than China National Space Administration)


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


@dataclass(frozen=True)
class Roadmap:
    phases: list[Phase]
    missions: list[MissionDates]


def counts(dataset: Dataset) -> Counts:
    row = dataset.select(_PREFIXES + """
        SELECT
          (COUNT(DISTINCT ?partner) AS ?partners) (COUNT(DISTINCT ?agreement) AS ?agreements)
          (COUNT(DISTINCT ?mission) AS ?missions) (COUNT(DISTINCT ?source) AS ?sources)
        WHERE {
          { ?partnership a ilrs:Partnership ; org:member ?partner }
          UNION { ?agreement a/rdfs:subClassOf* ilrs:Agreement }
          UNION { ?mission a ilrs:Mission }
          UNION { ?source a ilrs:SourceDocument }
        }""")[0]
    facts = dataset.select(_PREFIXES + """
        SELECT (COUNT(*) AS ?facts) WHERE {
          SELECT DISTINCT ?s ?p ?o WHERE { ?source a ilrs:SourceDocument . GRAPH ?source { ?s ?p ?o } }
        }""")[0]
    return Counts(*(int(row[name].value) for name in ("partners", "agreements", "missions", "sources")),
                  facts=int(facts["facts"].value))


def sources(dataset: Dataset) -> list[Source]:
    """Every source document with its publisher, date and number of facts; the newest first."""
    rows = dataset.select(_PREFIXES + """
        SELECT ?source ?label ?publisherName ?issued (COUNT(*) AS ?facts) WHERE {
          ?source a ilrs:SourceDocument ; rdfs:label ?label .
          OPTIONAL { ?source dcterms:publisher/rdfs:label ?publisherName }
          OPTIONAL { ?source dcterms:issued ?issued }
          GRAPH ?source { ?s ?p ?o }
        }
        GROUP BY ?source ?label ?publisherName ?issued""")
    found = [Source(r["source"].value, term_text(r["label"]), _text(r.get("publisherName")),
                    _date(r.get("issued")), int(r["facts"].value)) for r in rows]
    dated = sorted((s for s in found if s.issued), key=lambda s: (-s.issued.start.toordinal(), s.label.lower()))
    return dated + sorted((s for s in found if not s.issued), key=lambda s: s.label.lower())


def joinings(dataset: Dataset) -> list[Joining]:
    """Every partner of the programme and when it joined, in the order they joined; undated ones last."""
    rows = dataset.select(_PREFIXES + """
        SELECT ?partner ?name (MIN(?date) AS ?since) WHERE {
          ?thing a ilrs:Partnership ; org:member ?partner .
          ?partner rdfs:label ?name .
          OPTIONAL {""" + _MOST_PRECISE.format(property="ilrs:partnerSince") + """}
        }
        GROUP BY ?partner ?name""")
    found = [Joining(r["partner"].value, term_text(r["name"]), _date(r.get("since"))) for r in rows]
    dated = sorted((j for j in found if j.since), key=lambda j: (j.since.start, j.since.end, j.name.lower()))
    return dated + sorted((j for j in found if not j.since), key=lambda j: j.name.lower())


def agreement_network(dataset: Dataset) -> AgreementNetwork:
    """Who is bound by which instrument (agreements and laws), and when each was signed."""
    rows = dataset.select(_PREFIXES + """
        SELECT ?instrument ?name ?kind ?party ?partyName WHERE {
          ?instrument ilrs:party ?party ; rdfs:label ?name .
          ?party rdfs:label ?partyName .
          OPTIONAL {
            ?instrument a ?class . ?class rdfs:subClassOf+ ilrs:Instrument ; rdfs:label ?kind .
            FILTER NOT EXISTS { ?instrument a ?narrower . ?narrower rdfs:subClassOf+ ?class }
          }
        }""")
    other_names = dataset.select(_PREFIXES + """
        SELECT DISTINCT ?party ?other WHERE { ?instrument ilrs:party ?party . ?party skos:altLabel ?other }""")
    signed = {r["thing"].value: _date(r.get("signed")) for r in dataset.select(
        _PREFIXES + "SELECT ?thing (MIN(?date) AS ?signed) WHERE {" + _MOST_PRECISE.format(property="ilrs:signedOn")
        + "} GROUP BY ?thing")}
    names: dict[str, list[str]] = {}
    for row in other_names:
        names.setdefault(row["party"].value, []).append(term_text(row["other"]))
    parties: dict[str, Party] = {}
    instrument_names: dict[str, str] = {}
    members: dict[str, set[str]] = {}
    kinds: dict[str, set[str]] = {}
    for row in rows:
        iri, party = row["instrument"].value, row["party"].value
        if party not in parties:
            name = term_text(row["partyName"])
            parties[party] = Party(party, name, min([name, *names.get(party, [])], key=lambda n: (len(n), n)))
        instrument_names[iri] = term_text(row["name"])
        members.setdefault(iri, set()).add(party)
        kinds.setdefault(iri, set()).add(_text(row.get("kind")) or "instrument")
    instruments = [Instrument(iri, name, ", ".join(sorted(kinds[iri])), signed.get(iri),
                              tuple(sorted(members[iri], key=lambda p: parties[p].name.lower())))
                   for iri, name in instrument_names.items()]
    never = PartialDate(9999)
    instruments.sort(key=lambda i: ((i.signed or never).start, i.name.lower()))
    return AgreementNetwork(dict(sorted(parties.items(), key=lambda item: item[1].name.lower())), instruments)


def roadmap(dataset: Dataset) -> Roadmap:
    """The programme's phases with the years each source gives, and its missions with their dates."""
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
          ?mission a ilrs:Mission ; rdfs:label ?name .
          OPTIONAL { ?mission ilrs:launchDate ?launched }
          OPTIONAL { ?mission ilrs:plannedLaunchYear ?planned }
        }""")
    # The status the most recent dated source gives (sources without a date cannot say what is latest),
    # picked here: as a FILTER NOT EXISTS it took seconds at 100k quads.
    status_rows = dataset.select(_PREFIXES + """
        SELECT ?mission ?status ?issued WHERE {
          GRAPH ?source { ?mission ilrs:missionStatus ?value } ?source dcterms:issued ?issued .
          OPTIONAL { ?value rdfs:label ?status }
        }""")
    phases: dict[str, dict] = {}
    for row in phase_rows:
        phase = phases.setdefault(row["phase"].value, {
            "name": term_text(row["name"]), "order": _int(row.get("order")), "plan": _text(row.get("planName")),
            "start": set(), "end": set()})
        phase["plan"] = phase["plan"] or _text(row.get("planName"))
        for key in ("start", "end"):
            if key in row and (year := _int(row[key])) is not None:
                phase[key].add(year)
    missions: dict[str, dict] = {}
    for row in mission_rows:
        mission = missions.setdefault(row["mission"].value, {
            "name": term_text(row["name"]), "launched": set(), "planned": set()})
        if "launched" in row and (launched := _date(row["launched"])) is not None:
            mission["launched"].add(launched)
        if "planned" in row and (year := _int(row["planned"])) is not None:
            mission["planned"].add(year)
    latest: dict[str, tuple[str, str]] = {}  # mission → (issued, status) of its newest source
    for row in status_rows:
        dated = (term_text(row["issued"]), _text(row.get("status")) or "")
        latest[row["mission"].value] = max(latest.get(row["mission"].value, dated), dated)
    statuses = {mission: status for mission, (_, status) in latest.items() if status}  # unnamed: none shown
    return Roadmap(
        phases=sorted((Phase(iri, p["name"], p["order"], p["plan"], tuple(sorted(p["start"])), tuple(sorted(p["end"])))
                       for iri, p in phases.items()),
                      key=lambda p: (min(p.start_years + p.end_years, default=9999), p.order or 0, p.name)),
        missions=sorted((MissionDates(iri, m["name"], most_precise(m["launched"]), tuple(sorted(m["planned"])),
                                      statuses.get(iri))
                         for iri, m in missions.items()),
                        key=lambda m: (min(m.years, default=9999), m.name)),
    )


# Data served without validation may hold anything where a label, a number or a date is expected (an
# IRI, an RDF 1.2 triple term): a label is shown as written, and what is not a literal is no number or date.

def _text(term) -> str | None:
    return term_text(term) if term is not None else None


def _int(term) -> int | None:
    try:
        return int(term.value) if isinstance(term, ox.Literal) else None
    except ValueError:
        return None


def _date(term) -> PartialDate | None:
    return PartialDate.parse(term.value) if isinstance(term, ox.Literal) else None
