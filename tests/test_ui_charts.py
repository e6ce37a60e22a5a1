"""Dates at their precision, and where the home page's pictures put things: made-up facts in, positions out."""

from __future__ import annotations

import math
import random
from datetime import date

import pytest

from ilrs_graph.dates import PartialDate, chronological, fractional_year, most_precise
from ilrs_graph.overview import AgreementNetwork, Instrument, Joining, MissionDates, Party, Phase, Roadmap
from ilrs_server import charts

# --- partial dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lexical, shown, iso, start, end", [
    ("2023", "2023", "2023", date(2023, 1, 1), date(2024, 1, 1)),
    ("2023-12", "December 2023", "2023-12", date(2023, 12, 1), date(2024, 1, 1)),
    ("2023-07-17", "17 July 2023", "2023-07-17", date(2023, 7, 17), date(2023, 7, 18)),
    ("2024-05-03T10:00:00Z", "3 May 2024", "2024-05-03", date(2024, 5, 3), date(2024, 5, 4)),
])
def test_a_partial_date_is_the_interval_it_names(lexical, shown, iso, start, end):
    parsed = PartialDate.parse(lexical)
    assert (str(parsed), parsed.iso, parsed.start, parsed.end) == (shown, iso, start, end)


@pytest.mark.parametrize("lexical", ["", "soon", "2023-13", "2023-02-30", "23-07-17"])
def test_what_is_not_a_date_is_none(lexical):
    assert PartialDate.parse(lexical) is None


def test_dates_agree_when_one_lies_within_the_other():
    month, day, other_day, year = (PartialDate.parse(x) for x in ("2023-07", "2023-07-17", "2023-07-18", "2023"))
    assert month.agrees_with(day) and day.agrees_with(month) and year.agrees_with(day)
    assert not day.agrees_with(other_day) and not PartialDate(2024).agrees_with(PartialDate(2026))
    assert most_precise([year, month, other_day, day]) == day


def test_dates_fall_in_order_each_span_after_the_dates_within_it():
    """"May 2024" may be any day of May: it comes after 3 May 2024, as "2024" after both."""
    spans = [PartialDate(2024), PartialDate(2024, 5), PartialDate(2024, 5, 3), PartialDate(2024, 3, 20), PartialDate(2023)]
    assert sorted(spans, key=chronological) == [PartialDate(2023), PartialDate(2024, 3, 20), PartialDate(2024, 5, 3),
                                               PartialDate(2024, 5), PartialDate(2024)]


def test_a_fractional_year_places_a_day_on_a_time_axis():
    assert fractional_year(date(2024, 1, 1)) == 2024.0
    assert fractional_year(date(2023, 7, 2)) == pytest.approx(2023.5, abs=0.002)


# --- partners joining -----------------------------------------------------------------------------------

def joining(name: str, since: str | None) -> Joining:
    return Joining(f"https://w3id.org/ilrs/id/country/{name.lower()}", name, PartialDate.parse(since) if since else None)


def test_the_timeline_gives_each_partner_its_own_row_in_order_in_both_its_drawings():
    chart = charts.timeline([joining("Ares", "2021-06"), joining("Borea", "2021-06-20"), joining("Ceto", "2023"),
                             joining("Dione", "2024-11-30"), joining("Eos", None)], today=date(2022, 7, 2))
    assert [j.name for j in chart.undated] == ["Eos"]
    for drawn in (chart.beside, chart.column):
        assert [row.joining.name for row in drawn.rows] == ["Ares", "Borea", "Ceto", "Dione"]
        assert [row.y for row in drawn.rows] == sorted({row.y for row in drawn.rows})  # one row each, top to bottom
        assert [t.label for t in drawn.ticks if t.label] == ["2021", "2022", "2023", "2024"]
        ares, borea, ceto, dione = drawn.rows
        assert not ares.exact and borea.exact and ares.x_start < borea.x_start < ares.x_end  # the day within the month
        axis = drawn.width - 12 - (drawn.labels_width or 12)
        assert ceto.x_end - ceto.x_start == pytest.approx(axis / 4, abs=0.2)  # a year spans a year
        assert dione.label.lines == (("Dione · 30 November 2024",) if drawn is chart.beside
                                     else ("Dione · ", "30 November 2024"))  # the column: less than half a phone's box
        assert drawn.height > drawn.rows[-1].y
        ticks = {t.label: t.x for t in drawn.ticks if t.label}
        assert drawn.today == pytest.approx((ticks["2022"] + ticks["2023"]) / 2, abs=1)  # the line at mid-2022
    # in the column, every label at the left, every mark to its right
    assert {(row.label.x, row.label.anchor) for row in chart.column.rows} == {(4.0, "start")}
    assert all(row.label.box[2] <= chart.column.labels_width <= row.x_start for row in chart.column.rows)
    # beside its mark, every label, on the side of the axis with more room
    ares, _, _, dione = chart.beside.rows
    assert chart.beside.labels_width == 0
    assert ares.label.anchor == "start" and ares.label.x == ares.x_end + 9      # left half: label right
    assert dione.label.anchor == "end" and dione.label.x == dione.x_start - 9   # right half: label left
    assert chart.beside.height == charts.AXIS_TOP + charts.ROW * 4 + 8


def test_a_long_timeline_label_wraps_in_the_column_its_date_kept_whole_and_its_row_as_tall_as_its_lines():
    """The column takes less than half of the 315 px a 375 px phone shows of the picture: a long name wraps there;
    beside its mark, where the whole picture shows, it stays on one line."""
    long_name = "National University of Sciences and Technology (Pakistan)"
    chart = charts.timeline([joining(long_name, "2024-09-05"), joining("Oman Lens", "2024-12-02"),
                             joining("Moon Village Association", "2024-07-17")], today=None)
    wrapped, short, fitted = chart.column.rows
    assert "".join(wrapped.label.lines) == f"{long_name} · 5 September 2024"  # read whole, as written
    assert len(wrapped.label.lines) > 1 and wrapped.label.lines[-1].endswith("5 September 2024")
    assert short.label.lines == ("Oman Lens · ", "2 December 2024")
    assert fitted.label.lines[-1].endswith("17 July 2024")
    assert chart.column.labels_width <= charts.TIMELINE_LABEL_ROOM + 16 < 315 / 2
    tops = [row.label.box[1] for row in chart.column.rows]
    assert all(above.label.box[3] <= top for above, top in zip(chart.column.rows, tops[1:]))  # rows apart, however tall
    assert chart.beside.rows[0].label.lines == (f"{long_name} · 5 September 2024",)


def test_a_wrapped_timeline_label_keeps_its_dot_with_the_name():
    """At 375 px "Space Science and Geospatial Institute ·" wrapped before its dot, which then began the date's
    line ("· 5 April 2024"): the dot goes down with the name's last word."""
    chart = charts.timeline([joining("Space Science and Geospatial Institute", "2024-04-05"),
                             joining("African Space Development Foundation", "2024-09-05")], today=None)
    for row in chart.column.rows:
        assert "".join(row.label.lines) == f"{row.joining.name} · {row.joining.since}"  # read whole, as written
        assert not any(line.startswith("·") for line in row.label.lines), row.label.lines
        assert all(charts._text_width(line.rstrip()) <= charts.TIMELINE_LABEL_ROOM for line in row.label.lines)


def test_a_timeline_with_no_dated_partner_draws_none():
    chart = charts.timeline([joining("Eos", None)], today=date(2022, 7, 2))
    assert chart.beside.rows == chart.column.rows == [] and [j.name for j in chart.undated] == ["Eos"]


# --- the network of agreements ----------------------------------------------------------------------------

def party(name: str, short: str | None = None, country: str | None = None) -> Party:
    """A party; ``country`` names the country it is or belongs to (its IRI made the same way)."""
    return Party(f"https://w3id.org/ilrs/id/agency/{name.lower()}", name, short or name,
                 frozenset({f"https://w3id.org/ilrs/id/agency/{country.lower()}"} if country else ()))


def test_the_network_puts_the_most_connected_party_in_the_middle_and_joins_co_signers():
    hub, a, b, c, lone = party("Hub Space Administration", "HSA"), party("Alba"), party("Brio"), party("Cima"), party("Lone")
    instruments = [Instrument("i1", "Hub–Alba MoU", "memorandum", PartialDate(2021), (hub.iri, a.iri)),
                   Instrument("i2", "Hub–Alba agreement", "agreement", PartialDate(2022), (a.iri, hub.iri)),
                   Instrument("i3", "Hub–Brio–Cima statement", "joint statement", PartialDate(2023), (b.iri, c.iri, hub.iri)),
                   Instrument("i4", "Lone statement", "joint statement", None, (lone.iri,))]
    chart = charts.network(AgreementNetwork({p.iri: p for p in (hub, a, b, c, lone)}, instruments))
    nodes = {node.name: node for node in chart.nodes}
    centre = nodes["Hub Space Administration"]
    assert centre.label.anchor == "middle" and centre.partners == 3  # its label under it
    assert centre.label.lines == ("HSA",) and centre.instruments == 3
    ring = [nodes[name] for name in ("Alba", "Brio", "Cima", "Lone")]
    distances = {round(math.dist((n.x, n.y), (centre.x, centre.y))) for n in ring}
    assert len(distances) == 1  # all on one ring, in the order they first signed: clockwise from the top
    clockwise = [math.atan2(n.x - centre.x, centre.y - n.y) % (2 * math.pi) for n in ring]
    assert clockwise == sorted(clockwise) and ring[0].y < centre.y and ring[0].x > centre.x
    pairs = {frozenset(edge.names): edge for edge in chart.edges}
    assert set(pairs) == {frozenset({"Hub Space Administration", "Alba"}), frozenset({"Hub Space Administration", "Brio"}),
                          frozenset({"Hub Space Administration", "Cima"}), frozenset({"Brio", "Cima"})}
    twice = pairs[frozenset({"Hub Space Administration", "Alba"})]
    assert twice.instruments == ("Hub–Alba MoU", "Hub–Alba agreement")
    assert twice.width > pairs[frozenset({"Brio", "Cima"})].width
    assert nodes["Lone"].partners == 0
    for node in ring:  # labels sit outside the ring, away from the middle
        assert math.dist((node.label.x, node.label.y), (centre.x, centre.y)) > math.dist((node.x, node.y), (centre.x, centre.y))
        assert 0 <= node.label.x <= chart.width and 0 <= node.label.y <= chart.height


def read(baselines: list[tuple[float, str, str]]) -> str:
    """A label's lines as the page's text reads them."""
    return "".join(line + between for _, line, between in baselines)


def long_named_network(size: int, seed: int = 7) -> AgreementNetwork:
    """``size`` parties with names of one to a dozen words, one unbreakable, each bound with the hub and others."""
    rng = random.Random(seed)
    words = ["Space", "Agency", "National", "Institute", "of", "Sciences", "and", "Technology", "Observatory",
             "Lunar", "Research", "Interdisciplinary", "Ministry", "Digital", "Development,", "Aerospace"]
    names = ["Hub"] + [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) + f" {n}" for n in range(1, size)]
    names[-1] = "Supercalifragilisticexpialidocious-Aerospace-Consortium"  # a word longer than a line
    parties = [party(name, name) for name in names]
    instruments = [Instrument(f"i{n}", f"Statement {n}", "joint statement", PartialDate(2000 + n),
                              (parties[0].iri, parties[n].iri,
                               *(p.iri for p in rng.sample(parties[1:n] + parties[n + 1:], min(rng.randint(0, 2), size - 2)))))
                   for n in range(1, size)] or [Instrument("i0", "Statement 0", "joint statement", None, (parties[0].iri,))]
    return AgreementNetwork({p.iri: p for p in parties}, instruments)


def crosses(edge: charts.NetworkEdge, box: tuple[float, float, float, float]) -> bool:
    """Whether the line ``edge`` runs through ``box`` (left, top, right, bottom): cut to the box's rows,
    what remains of it reaches into the box's columns."""
    left, top, right, bottom = box
    (x1, y1), (x2, y2) = (edge.x1, edge.y1), (edge.x2, edge.y2)
    low, high = 0.0, 1.0  # the stretch of the line (0 at its first end, 1 at its other) within the rows
    for start, step, least, most in ((x1, x2 - x1, left, right), (y1, y2 - y1, top, bottom)):
        if step == 0:
            if not least < start < most:
                return False
            continue
        enter, leave = sorted(((least - start) / step, (most - start) / step))
        low, high = max(low, enter), min(high, leave)
    return low < high


@pytest.mark.parametrize("size", [1, 2, 5, 40, 59, 60, 61, 160, 201])
def test_every_network_label_shows_whole_apart_from_the_others_and_the_lines_inside_a_bounded_picture(size):
    """A journalist's review: labels lay over one another at the bottom of the ring, and long names were cut.
    A second reading: 201 parties drew a picture 5,626 px wide, and a one-party graph's was half empty."""
    graph = long_named_network(size)
    chart = charts.network(graph)
    assert chart.parties == size and len(chart.nodes) == min(size, charts.NETWORK_MOST_PARTIES)
    assert chart.width <= charts.NETWORK_MOST_WIDTH
    drawn = {node.iri for node in chart.nodes}  # those bound with the most others
    bound_with = {iri: len({b for a, b in pairs(graph) if a == iri}) for iri in graph.parties}
    assert min(node.partners for node in chart.nodes) >= max((bound_with[iri] for iri in graph.parties if iri not in drawn),
                                                             default=0)
    names = {p.iri: p.short_name for p in graph.parties.values()}
    assert sorted(read(node.label.baselines) for node in chart.nodes) == sorted(names[iri] for iri in drawn)
    for node in chart.nodes:  # no line wider than a line's room, bold, however long a word
        assert all(charts._text_width(shown.strip()) <= charts.NETWORK_LINE_ROOM for _, shown, _ in node.label.baselines)
    boxes = {node.name: node.label.box for node in chart.nodes}
    for name, (left, top, right, bottom) in boxes.items():
        assert 0 <= left and right <= chart.width and 0 <= top and bottom <= chart.height, name
    crossing = [(a, b) for a, (l1, t1, r1, b1) in boxes.items() for b, (l2, t2, r2, b2) in boxes.items()
                if a < b and l1 < r2 and l2 < r1 and t1 < b2 and t2 < b1]
    assert crossing == []
    centre = next((node for node in chart.nodes if node.partners and node.label.anchor == "middle"), None)
    through = [(edge.names, node.name) for edge in chart.edges for node in chart.nodes
               if node is not centre and crosses(edge, node.label.box)]
    assert through == []  # every line runs inside the ring, every label outside it (but the middle one's)
    # nothing but the margin around what is drawn
    reach = [box for box in boxes.values()] + [(n.x - n.radius, n.y - n.radius, n.x + n.radius, n.y + n.radius)
                                               for n in chart.nodes]
    assert [round(min(box[0] for box in reach), 1), round(min(box[1] for box in reach), 1)] == [charts.NETWORK_MARGIN] * 2
    assert [round(chart.width - max(box[2] for box in reach), 1),
            round(chart.height - max(box[3] for box in reach), 1)] == pytest.approx([charts.NETWORK_MARGIN] * 2, abs=0.2)


def pairs(graph: AgreementNetwork) -> set[tuple[str, str]]:
    """The pairs of parties bound together by an instrument, on different sides of it."""
    return {(a, b) for i in graph.instruments for a in i.parties for b in i.parties
            if a != b and not graph.parties[a].same_side(graph.parties[b])}


def test_parties_of_one_country_are_one_side_and_are_not_joined_to_each_other():
    """A source names the agency, another the country, of the same signing: they are one side of it, not two
    parties bound to each other. An organisation of no country is joined to every party as before."""
    hsa, hub_land, lab = (party("Hub Space Administration", "HSA", "Hubland"), party("Hubland", None, "Hubland"),
                          party("Hub Lab", None, "Hubland"))
    alba_agency, alba = party("Alba Space Agency", None, "Alba"), party("Alba", None, "Alba")
    union = party("Union of Space Agencies")  # intergovernmental: no country
    instruments = [Instrument("i1", "Hub–Alba statement", "joint statement", PartialDate(2023),
                              (alba.iri, alba_agency.iri, hsa.iri, hub_land.iri)),
                   Instrument("i2", "Hub–Union agreement", "agreement", PartialDate(2024), (hsa.iri, lab.iri, union.iri))]
    chart = charts.network(AgreementNetwork({p.iri: p for p in (hsa, hub_land, lab, alba_agency, alba, union)}, instruments))
    pairs = {frozenset(edge.names) for edge in chart.edges}
    assert pairs == {frozenset(pair) for pair in (
        ("Hub Space Administration", "Alba"), ("Hub Space Administration", "Alba Space Agency"),
        ("Hubland", "Alba"), ("Hubland", "Alba Space Agency"),
        ("Hub Space Administration", "Union of Space Agencies"), ("Hub Lab", "Union of Space Agencies"))}
    nodes = {node.name: node for node in chart.nodes}
    assert (nodes["Hub Space Administration"].instruments, nodes["Hub Space Administration"].partners) == (2, 3)
    assert (nodes["Alba"].partners, nodes["Hub Lab"].partners, nodes["Union of Space Agencies"].partners) == (2, 1, 2)


# --- the roadmap ----------------------------------------------------------------------------------------------

def test_the_roadmap_shows_agreed_disputed_and_unknown_spans_and_each_planned_and_actual_launch():
    phases = [Phase("p1", "Scouting", 1, "Plan A", (2021,), (2025,)),
              Phase("p2", "Building", 2, "Plan A", (2026, 2027), (2035,)),
              Phase("p3", "Base", 1, None, (), (2028, 2030)),
              Phase("p4", "Using", 3, "Plan A", (2036,), ()),
              Phase("p5", "Someday", 4, None, (), ())]
    missions = [MissionDates("m1", "Probe 1", PartialDate.parse("2024-05-03"), (2024, 2026), "completed"),
                MissionDates("m2", "Probe 2", PartialDate.parse("2023-08-11"), (), "failed"),
                MissionDates("m3", "Probe 3", None, (2040,), "planned"),
                MissionDates("m4", "Probe 4", None, (), None)]
    chart = charts.roadmap(Roadmap(phases, missions), today=None)
    assert (chart.first_year, chart.last_year) == (2021, 2040) and chart.today is None  # no day, no line
    lanes = {lane.phase.name: lane for lane in chart.phases}
    x = {tick.label: tick.x for tick in chart.ticks if tick.label}
    year = (chart.ticks[-1].x - chart.ticks[0].x) / (len(chart.ticks) - 1)

    def spans(name):
        return [(s.kind, s.x1, s.x2) for s in lanes[name].segments]

    def at(years_after_2021):
        return pytest.approx(x["2021"] + years_after_2021 * year, abs=0.11)

    left, right = chart.ticks[0].x, chart.ticks[-1].x
    assert spans("Scouting") == [("firm", at(0), at(5))]
    assert spans("Building") == [("firm", at(6), at(15)), ("disputed", at(5), at(6))]
    assert spans("Base") == [("no-start", left, at(8)), ("disputed", at(8), at(10))]  # drawn fading in: no start
    assert spans("Using") == [("no-end", at(15), right)]
    assert spans("Someday") == [] and lanes["Someday"].span == "no source gives its years"
    assert (lanes["Building"].span, lanes["Base"].span, lanes["Using"].span) == ("2026 or 2027 to 2035", "until 2028 or 2030", "from 2036")
    probes = {lane.mission.name: lane for lane in chart.missions}
    assert [m.kind for m in probes["Probe 1"].markers] == ["planned", "planned", "launched"]
    launched = fractional_year(date(2024, 5, 3))  # from the launch to the last planned year, mid-2026
    assert probes["Probe 1"].x2 - probes["Probe 1"].x1 == pytest.approx((2026.5 - launched) * year, abs=0.3)
    assert [m.kind for m in probes["Probe 2"].markers] == ["failed"]
    assert [m.name for m in chart.undated_missions] == ["Probe 4"]
    assert chart.missions_top > max(lane.y for lane in chart.phases)
    assert all(lane.y < chart.height for lane in chart.missions)
    # the names' backdrops (kept at the left while the picture scrolls) tile the column: nothing shows between
    bands = [b for plan in chart.plans for b in (plan.band, *(lane.band for lane in plan.phases))]
    bands += [chart.missions_band, *(lane.band for lane in chart.missions)]
    assert bands[0].top == charts.AXIS_TOP and all(a.top + a.height == b.top for a, b in zip(bands, bands[1:]))
    assert chart.names_width == chart.ticks[0].x


def test_the_roadmap_marks_where_its_sources_end_apart_from_today():
    """An analyst read 'Chang'e 7 never launched' from its 2026 ring left of today's line: the sources ended
    in January 2026. The newest source's day is drawn as its own line (off the axis, none)."""
    plan = Roadmap([], [MissionDates("m1", "Probe 1", None, (2026,), "planned")])
    chart = charts.roadmap(plan, date(2026, 12, 6), PartialDate.parse("2026-01-27"))
    year = chart.ticks[1].x - chart.ticks[0].x
    assert chart.sources_end.label == "newest source: 27 January 2026"
    assert chart.sources_end.x == pytest.approx(chart.ticks[0].x + (fractional_year(date(2026, 1, 27)) - 2026) * year, abs=0.1)
    assert chart.sources_end.x < chart.today
    assert charts.roadmap(plan, None, PartialDate.parse("2019")).sources_end is None
    assert charts.roadmap(plan, None).sources_end is None


def test_the_roadmap_shows_each_plans_phases_apart_under_its_name_in_their_order():
    """Two plans each number their phases from 1: interleaved by year, they read as one plan of six."""
    phases = [Phase("a1", "Scouting", 1, "Plan A", (2021,), (2025,)),
              Phase("b1", "Base", 1, None, (), (2028,)),
              Phase("a2", "Building", 2, "Plan A", (2026,), (2035,)),
              Phase("b2", "Extended base", 2, None, (), (2040,)),
              Phase("z1", "Zero", 1, "Plan Z", (2030,), ()),
              Phase("b3", "Station", 3, None, (), ()),
              Phase("a3", "Using", 3, "Plan A", (2036,), ())]
    chart = charts.roadmap(Roadmap(phases, [MissionDates("m1", "Probe 1", None, (2024,), "planned")]), today=None)
    assert [(plan.plan, [lane.phase.name for lane in plan.phases]) for plan in chart.plans] == [
        ("Plan A", ["Scouting", "Building", "Using"]), ("Plan Z", ["Zero"]), (None, ["Base", "Extended base", "Station"])]
    assert [plan.heading for plan in chart.plans] == [
        "Phases defined in the Plan A", "Phases defined in the Plan Z", "Phases no source places in a programme document"]
    below = 20.0  # the years' labels, above the gridlines
    for plan in chart.plans:  # each heading below the lanes before it, above its own (11 px of letters up, 3 down)
        assert plan.heading_baselines[0][0] - 11 >= below
        heading_bottom = plan.heading_baselines[-1][0] + 3
        assert all(min(lane.name_baselines[0][0] - 11, lane.y - 7) >= heading_bottom for lane in plan.phases)
        below = max(lane.span_baselines[-1][0] + 3 for lane in plan.phases)
    assert chart.missions_top - charts.SECTION_ROW >= below and [lane.phase.name for lane in chart.phases][:3] == ["Scouting", "Building", "Using"]


def test_a_long_roadmap_name_wraps_whole_onto_lines_of_a_column_that_leaves_a_phone_room_for_the_bars():
    """At 375 px the names' column (pinned at the box's left) took about 220 of the 315 px shown, and a name
    longer than it was cut. Names wrap onto lines, whole, in a column less than half that wide; a word too
    long for it is cut where it fills a line (it filled a phone's box)."""
    long_name = "The International Lunar Research Station's first crewed construction flight"
    long_words = "Extraordinarilylongmissionnamewithoutbreaks-7"
    phases = [Phase("p1", "Application-oriented station", 1, "International Lunar Research Station Roadmap (V1.0)",
                    (), (2040, 2045, 2050)),
              Phase("p2", "Supercalifragilisticexpialidociousphase", 2, "International Lunar Research Station Roadmap (V1.0)",
                    (2050,), ())]
    missions = [MissionDates("m1", "China's crewed lunar landing", None, (2030,), "planned"),
                MissionDates("m2", long_name, None, (2031,), "planned"),
                MissionDates("m3", "Luna 28", None, (2032,), "planned"),
                MissionDates("m4", long_words, None, (2033,), "planned")]
    chart = charts.roadmap(Roadmap(phases, missions), today=None)
    lanes = {lane.mission.name: lane for lane in chart.missions}
    assert read(lanes[long_name].name_baselines) == long_name and read(lanes[long_words].name_baselines) == long_words
    assert read(chart.phases[1].name_baselines) == "Supercalifragilisticexpialidociousphase"
    assert [line for _, line, _ in lanes["China's crewed lunar landing"].name_baselines] == ["China's crewed", "lunar landing"]
    phase = chart.phases[0]
    assert read(phase.name_baselines) == "Application-oriented station" and read(phase.span_baselines) == phase.span
    assert read(chart.plans[0].heading_baselines) == chart.plans[0].heading
    assert lanes["Luna 28"].band.height == charts.ROW  # a short name's row as before
    left = chart.ticks[0].x  # where the years begin
    assert left == chart.names_width <= 315 / 2
    for lane in [*chart.phases, *chart.missions]:  # every line before the years, inside its row
        lines = lane.name_baselines + (lane.span_baselines if lane in chart.phases else [])
        widths = [charts._text_width(line) for _, line, _ in lane.name_baselines]
        widths += [charts._text_width(line, charts.SPAN_SIZE) for _, line, _ in lines[len(lane.name_baselines):]]
        assert all(4 + width <= left for width in widths)
        assert lane.band.top <= lines[0][0] - 11 and lines[-1][0] + 3 <= lane.band.top + lane.band.height
        assert lane.band.top < lane.y < lane.band.top + lane.band.height
