"""ILRS-shaped graphs of any size, for the benchmark: the real data's classes, properties and layout.

The shipped data has, per source document, one named graph holding the document's own description
(title, publisher, date, URL) and the facts it states; facts about one partner (its country, agency,
people, partnership, instruments, missions, payloads) come from a few sources that partly agree and
partly disagree (a month in one, the exact day in another; a planned launch year that moves; a status
that changes). This generator repeats that pattern — one "partner cluster" at a time, numbered, with
values drawn from a seeded generator — until the dataset holds the asked number of quads, and puts
the ontology in its own graph as `ilrs-graph` does. The same size and seed give the same files.
It uses every class and property the shipped data uses, and no other, and conforms to the shapes
(tests/test_bench.py), so every example query has work to do at every size. Its Wikidata links
are numbered from Q900000000, far beyond Wikidata's items, so that they point at nothing real.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from ilrs_graph import shipped
from ilrs_graph.namespaces import ILRS, ONTOLOGY, PREFIXES, RESOURCE

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
NS = {"rdfs": "http://www.w3.org/2000/01/rdf-schema#", "dcterms": "http://purl.org/dc/terms/",
      "org": "http://www.w3.org/ns/org#", "schema": "https://schema.org/", "skos": "http://www.w3.org/2004/02/skos/core#",
      "foaf": "http://xmlns.com/foaf/0.1/", "prov": "http://www.w3.org/ns/prov#", "ilrs": ILRS}
INSTRUMENT_KINDS = ("MemorandumOfUnderstanding", "JointStatement", "JointDeclaration", "CooperationAgreement",
                    "IntergovernmentalAgreement", "Agreement")
ORGANISATION_KINDS = ("SpaceAgency", "ResearchInstitution", "Ministry", "Company", "Association",
                      "IntergovernmentalOrganisation")
STATUSES = ("Planned", "Launched", "Completed", "Failed")
PHASES = ("reconnaissance", "construction", "utilization", "basic-model", "extended-model")
SITES = ("south-pole-aitken-basin", "lunar-south-pole", "shackleton-crater", "von-karman-crater", "mare-imbrium")
WIKIDATA = "http://www.wikidata.org/entity/"
NOTHING_REAL_ON_WIKIDATA = 900_000_000
LANGUAGES = ("it", "ru", "zh", "fr")


def p(term: str) -> ox.NamedNode:
    """``prefix:local`` → IRI."""
    prefix, local = term.split(":", 1)
    return ox.NamedNode(NS[prefix] + local)


def r(kind: str, slug: str) -> ox.NamedNode:
    return ox.NamedNode(f"{RESOURCE}{kind}/{slug}")


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def _date(rng: random.Random, year: int, precision: str) -> ox.Literal:
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    if precision == "gYear":
        return typed(f"{year}", "gYear")
    if precision == "gYearMonth":
        return typed(f"{year}-{month:02d}", "gYearMonth")
    return typed(f"{year}-{month:02d}-{day:02d}", "date")


class Generator:
    """Quads of an ILRS-shaped dataset, cluster by cluster."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def shared(self) -> Iterator[ox.Quad]:
        """The programme, its roadmap and the forum that released it, its phases, objectives and sites,
        stated by one roadmap source."""
        source = r("source", "roadmap")
        yield from self._source(source, "ILRS roadmap", 2021)
        programme, cnsa, roadmap = r("programme", "ilrs"), r("agency", "cnsa"), r("document", "roadmap-v1")
        china = r("country", "china")
        forum, conference = r("event", "roadmap-forum"), r("event", "conference")
        facts = [(programme, RDF_TYPE, p("ilrs:Programme")), (programme, p("rdfs:label"), en("International Lunar Research Station")),
                 (programme, p("ilrs:initiatedOn"), typed("2021-03-09", "date")), (programme, p("ilrs:initiatedBy"), cnsa),
                 (programme, p("dcterms:description"), en("A planned base on the Moon.")),
                 (programme, p("ilrs:evidence"), source),
                 (cnsa, RDF_TYPE, p("ilrs:SpaceAgency")), (cnsa, p("rdfs:label"), en("China National Space Administration")),
                 (cnsa, p("ilrs:country"), china), (china, RDF_TYPE, p("ilrs:Country")), (china, p("rdfs:label"), en("China")),
                 (roadmap, RDF_TYPE, p("ilrs:ProgrammeDocument")), (roadmap, p("rdfs:label"), en("ILRS Roadmap (V1.0)")),
                 (roadmap, p("schema:version"), ox.Literal("1.0")), (roadmap, p("dcterms:creator"), cnsa),
                 (roadmap, p("ilrs:releasedAt"), forum), (roadmap, p("dcterms:description"), en("The programme's roadmap.")),
                 (forum, RDF_TYPE, p("ilrs:Event")), (forum, p("rdfs:label"), en("Roadmap forum")),
                 (forum, p("schema:startDate"), typed("2021-06-16", "date")), (forum, p("schema:superEvent"), conference),
                 (forum, p("schema:organizer"), cnsa),
                 (conference, RDF_TYPE, p("ilrs:Event")), (conference, p("rdfs:label"), en("Exploration conference")),
                 (conference, p("schema:startDate"), typed("2021-06-14", "date")),
                 (conference, p("schema:endDate"), typed("2021-06-18", "date"))]
        for order, slug in enumerate(PHASES, 1):
            phase = r("phase", slug)
            facts += [(phase, RDF_TYPE, p("ilrs:Phase")), (phase, p("rdfs:label"), en(slug.replace("-", " ").capitalize())),
                      (phase, p("ilrs:phaseOf"), programme), (phase, p("ilrs:phaseOrder"), typed(str(order), "integer")),
                      (phase, p("ilrs:startYear"), typed(str(2016 + 5 * order), "gYear")),
                      (phase, p("ilrs:endYear"), typed(str(2020 + 5 * order), "gYear")),
                      (phase, p("ilrs:definedIn"), roadmap), (phase, p("ilrs:goal"), ox.Literal(f"The goal of phase {order}."))]
        for index in range(7):
            objective = r("objective", f"objective-{index}")
            facts += [(objective, RDF_TYPE, p("ilrs:ScientificObjective")), (objective, p("rdfs:label"), en(f"Objective {index}")),
                      (programme, p("ilrs:objective"), objective)]
        for slug in SITES:
            site = r("site", slug)
            facts += [(site, RDF_TYPE, p("ilrs:LunarSite")), (site, p("rdfs:label"), en(slug.replace("-", " ").title()))]
        facts.append((r("site", "shackleton-crater"), p("schema:containedInPlace"), r("site", "lunar-south-pole")))
        yield from (ox.Quad(*fact, source) for fact in facts)

    def cluster(self, n: int) -> Iterator[ox.Quad]:
        """One partner: country, organisation, people, partnership, instruments, a mission and payloads,
        as stated by three to five sources that partly disagree."""
        rng = self.rng
        year = rng.randint(2022, 2025)  # instruments are signed the year before; the programme began in 2021
        sources = [r("source", f"s{n}-{k}") for k in range(rng.randint(3, 5))]
        for k, source in enumerate(sources):
            yield from self._source(source, f"Report {k} on partner {n}", year + k // 2)
        if len(sources) > 3:  # a wiki page citing the reports
            yield from (ox.Quad(sources[0], p("dcterms:references"), cited, sources[0]) for cited in sources[1:])
        if len(sources) > 4:  # a translation of another report
            yield ox.Quad(sources[-1], p("schema:translationOfWork"), sources[-2], sources[-1])
        country, organisation = r("country", f"c{n}"), r("agency", f"a{n}")
        people = [r("person", f"p{n}-{k}") for k in range(2)]
        partnership, mission = r("partnership", f"c{n}"), r("mission", f"m{n}")
        instruments = [r("agreement", f"ag{n}-{k}") for k in range(rng.randint(1, 3))]
        city, event = r("place", f"city{n % 97}"), r("event", f"e{n % 41}")
        event_year = 2022 + n % 41 % 4  # the event's own: partners' clusters share it (as IAC is shared)

        def stated(facts, how_many=1):
            for source in rng.sample(sources, min(how_many, len(sources))):
                yield from (ox.Quad(*fact, source) for fact in facts)

        yield from stated([(country, RDF_TYPE, p("ilrs:Country")), (country, p("rdfs:label"), en(f"Country {n}"))], 2)
        yield from stated([(country, p("skos:exactMatch"), ox.NamedNode(f"{WIKIDATA}Q{NOTHING_REAL_ON_WIKIDATA + n}"))])
        # each kind in the first clusters (so that even a small graph has every class), then any
        kind = ORGANISATION_KINDS[n] if n < len(ORGANISATION_KINDS) else rng.choice(ORGANISATION_KINDS)
        organisation_facts = [(organisation, RDF_TYPE, p(f"ilrs:{kind}")), (organisation, p("rdfs:label"), en(f"Agency {n}")),
                              (organisation, p("skos:altLabel"), en(f"A{n}")), (organisation, p("ilrs:country"), country)]
        if kind == "ResearchInstitution":
            organisation_facts.append((organisation, p("org:subOrganizationOf"), r("agency", "cnsa")))
        yield from stated(organisation_facts)
        for k, person in enumerate(people):
            yield from stated([(person, RDF_TYPE, p("foaf:Person")), (person, p("rdfs:label"), en(f"Person {n}-{k}")),
                               (person, p("schema:jobTitle"), en(rng.choice(("Director", "Chief engineer", "Minister")))),
                               (person, p("org:memberOf"), organisation)])
        partner = [(partnership, RDF_TYPE, p("ilrs:Partnership")), (partnership, p("rdfs:label"), en(f"Country {n}'s partnership")),
                   (partnership, p("org:member"), country), (partnership, p("org:organization"), r("programme", "ilrs")),
                   (partnership, p("ilrs:establishedBy"), instruments[0])]
        if n % 50 == 0:
            partner.append((partnership, p("org:role"), p("ilrs:FoundingMember")))
        yield from stated(partner, 2)
        for source, precision in zip(rng.sample(sources, 2), ("gYearMonth", "date")):  # a month, then the day
            yield ox.Quad(partnership, p("ilrs:partnerSince"), _date(rng, year, precision), source)
        for k, instrument in enumerate(instruments):
            facts = [(instrument, RDF_TYPE, p(f"ilrs:{rng.choice(INSTRUMENT_KINDS)}")),
                     (instrument, p("rdfs:label"), en(f"Instrument {n}-{k}")),
                     (instrument, p("ilrs:party"), organisation), (instrument, p("ilrs:party"), r("agency", "cnsa")),
                     (instrument, p("ilrs:signatory"), rng.choice(people)), (instrument, p("ilrs:signingPlace"), city),
                     (instrument, p("ilrs:signedAt"), event),
                     (instrument, p("dcterms:description"), en(f"What instrument {n}-{k} provides for.")),
                     (instrument, p("ilrs:evidence"), rng.choice(sources))]
            if rng.random() < 0.3:
                facts += [(instrument, p("ilrs:cooperationArea"), ox.Literal(area)) for area in ("design", "operation")]
            yield from stated(facts)
            for source in rng.sample(sources, rng.randint(1, 2)):
                yield ox.Quad(instrument, p("ilrs:signedOn"), _date(rng, year - 1, rng.choice(("gYearMonth", "date"))), source)
        if n % 25 == 0:  # a law ratifying the partner's first instrument, which then enters into force
            law = r("agreement", f"law{n}")
            yield from stated([(law, RDF_TYPE, p("ilrs:RatificationLaw")), (law, p("rdfs:label"), en(f"Ratification law {n}")),
                               (law, p("ilrs:party"), country), (law, p("ilrs:ratifies"), instruments[0]),
                               (law, p("ilrs:signatory"), people[0]), (law, p("ilrs:signedOn"), _date(rng, year + 1, "date")),
                               (instruments[0], p("ilrs:entryIntoForce"), _date(rng, year + 1, "date"))], 2)
        yield from stated([(city, RDF_TYPE, p("schema:City")), (city, p("rdfs:label"), en(f"City {n % 97}")),
                           (event, RDF_TYPE, p("ilrs:Event")), (event, p("rdfs:label"), en(f"Event {n % 41}")),
                           (event, p("schema:startDate"), typed(f"{event_year}-10-02", "date")),
                           (event, p("schema:endDate"), typed(f"{event_year}-10-06", "date")), (event, p("schema:location"), city),
                           (event, p("schema:organizer"), organisation), (event, p("schema:attendee"), rng.choice(people))])
        mission_facts = [(mission, RDF_TYPE, p("ilrs:Mission")), (mission, p("rdfs:label"), en(f"Mission {n}")),
                         (mission, p("ilrs:operator"), country), (mission, p("ilrs:phase"), r("phase", rng.choice(PHASES))),
                         (mission, p("ilrs:targetSite"), r("site", rng.choice(SITES))),
                         (mission, p("ilrs:goal"), ox.Literal(f"The goal of mission {n}."))]
        if n >= 2 and rng.random() < 0.3:  # earlier partners contribute, and the mission follows one of theirs
            mission_facts += [(mission, p("ilrs:contributor"), r("country", f"c{n - 1}")),
                              (mission, p("ilrs:contributor"), r("country", f"c{n - 2}")),
                              (mission, p("ilrs:buildsOn"), r("mission", f"m{n - 1}"))]
        if rng.random() < 0.2:
            mission_facts += [(mission, p("ilrs:expectedSampleMassKg"), typed(f"{rng.randint(5, 40) / 10:g}", "decimal")),
                              (mission, p("ilrs:internationalPayloadCapacityKg"), typed(str(rng.randint(1, 20) * 10), "decimal"))]
        yield from stated(mission_facts, 2)
        if n % 10 == 0:  # a relay satellite for the partner's mission
            relay = r("mission", f"relay{n}")
            yield from stated([(relay, RDF_TYPE, p("ilrs:Mission")), (relay, p("rdfs:label"), en(f"Relay {n}")),
                               (relay, p("ilrs:operator"), country), (relay, p("ilrs:relaySatelliteFor"), mission)])
        for k, source in enumerate(sources[:3]):  # the plan moves, the status changes
            yield ox.Quad(mission, p("ilrs:plannedLaunchYear"), typed(str(year + 1 + k), "gYear"), source)
            status = ("Planned", rng.choice(("Planned", "Launched")), rng.choice(STATUSES))[k]
            yield ox.Quad(mission, p("ilrs:missionStatus"), p(f"ilrs:{status}"), source)
        if rng.random() < 0.3:  # launched and landed; some brought samples back
            flown = [(mission, p("ilrs:launchDate"), _date(rng, year + 1, "date")),
                     (mission, p("ilrs:landingDate"), _date(rng, year + 2, "date"))]
            if rng.random() < 0.5:
                flown += [(mission, p("ilrs:sampleReturnDate"), _date(rng, year + 3, "date")),
                          (mission, p("ilrs:sampleMassKg"), typed(f"{rng.randint(5, 40) / 10:g}", "decimal"))]
            yield from stated(flown)
        for k in range(rng.randint(0, 3)):
            payload = r("payload", f"pl{n}-{k}")
            yield from stated([(payload, RDF_TYPE, p("ilrs:Payload")), (payload, p("rdfs:label"), en(f"Payload {n}-{k}")),
                               (payload, p("ilrs:carriedBy"), mission), (payload, p("ilrs:contributedBy"), organisation),
                               (payload, p("ilrs:contributedBy"), country),
                               (payload, p("ilrs:massKg"), typed(f"{rng.randint(1, 400) / 10:g}", "decimal"))])
        if rng.random() < 0.2:
            statement = r("statement", f"st{n}")
            how = rng.choice(("countAtLeast", "countExactly", "countApproximately"))
            yield from stated([(r("programme", "ilrs"), p("ilrs:partnerCount"), statement),
                               (statement, RDF_TYPE, p("ilrs:PartnerCountStatement")),
                               (statement, p("rdfs:label"), en(f"Partner count statement {n}")),
                               (statement, p(f"ilrs:{how}"), typed(str(n // 2 + 10), "integer")),
                               (statement, p("ilrs:counts"), ox.Literal("partner countries and organisations")),
                               (statement, p("ilrs:statedBy"), people[0]),
                               (statement, p("ilrs:statedOn"), _date(rng, year, "date"))])

    def _source(self, source: ox.NamedNode, title: str, year: int) -> Iterator[ox.Quad]:
        rng = self.rng
        number = rng.randrange(60)
        publisher, name = r("organisation", f"publisher-{number}"), source.value.rsplit("/", 1)[1]
        issued = _date(rng, year, "date")
        facts = [(source, RDF_TYPE, p("ilrs:SourceDocument")), (source, p("rdfs:label"), en(title)),
                 (source, p("dcterms:title"), en(title)), (source, p("dcterms:publisher"), publisher),
                 (source, p("dcterms:issued"), issued),
                 (source, p("schema:url"), ox.NamedNode(f"https://news.example/{name}")),
                 (source, p("dcterms:description"), en(f"A report: {title}.")),
                 (publisher, RDF_TYPE, p("ilrs:Publisher")), (publisher, p("rdfs:label"), en(f"Publisher {number}"))]
        if number % 10 < 2:  # one in ten a copy of another publisher's report, one in ten a relay of one
            report, original = r("report", name), r("organisation", f"publisher-{(number + 1) % 60}")
            facts += [(source, p("ilrs:copyOf" if number % 10 == 0 else "prov:wasDerivedFrom"), report),
                      (report, RDF_TYPE, p("foaf:Document")), (report, p("rdfs:label"), en(f"The report {name} carries")),
                      (report, p("dcterms:publisher"), original), (original, RDF_TYPE, p("ilrs:Publisher")),
                      (original, p("rdfs:label"), en(f"Publisher {(number + 1) % 60}"))]
            if number % 20 == 0:  # the original's date, where the copy prints it
                facts.append((report, p("dcterms:issued"), issued))
        if rng.random() < 0.3:
            facts.append((source, p("ilrs:localCopy"), ox.Literal(f"{name}.txt")))
        if rng.random() < 0.05:
            facts.append((source, p("dcterms:language"), ox.Literal(rng.choice(LANGUAGES))))
        yield from (ox.Quad(*fact, source) for fact in facts)


def generate(quads_wanted: int, seed: int = 2021) -> list[ox.Quad]:
    """The ontology (in its graph) and ILRS-shaped data: about ``quads_wanted`` distinct quads."""
    ontology = ox.NamedNode(ONTOLOGY)
    quads = {ox.Quad(q.subject, q.predicate, q.object, ontology)
             for q in ox.parse(path=str(shipped.ontology_file()), format=ox.RdfFormat.TURTLE)}
    generator = Generator(seed)
    quads.update(generator.shared())
    n = 0
    while len(quads) < quads_wanted:
        quads.update(generator.cluster(n))
        n += 1
    return sorted(quads, key=str)


def write(quads: list[ox.Quad], directory: Path, name: str) -> tuple[Path, Path]:
    """``name.trig`` (as the project's data is written) and ``name.nq`` for a store: the same quads plus
    their merge as the default graph, the layout `ilrs-graph load --store` gives an external store."""
    directory.mkdir(parents=True, exist_ok=True)
    trig, nquads = directory / f"{name}.trig", directory / f"{name}.nq"
    with trig.open("wb") as output:
        ox.serialize(quads, output, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    merged = dict.fromkeys(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    with nquads.open("wb") as output:
        ox.serialize([*quads, *merged], output, format=ox.RdfFormat.N_QUADS)
    return trig, nquads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("quads", type=int, help="how many quads (e.g. 10000)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("-o", "--output", type=Path, default=Path("bench/results/data"))
    args = parser.parse_args()
    quads = generate(args.quads, args.seed)
    for path in write(quads, args.output, f"ilrs-{args.quads}"):
        print(path)


if __name__ == "__main__":
    main()
