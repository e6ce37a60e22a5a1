"""Where things go in the home page's three pictures: the layout, in SVG user units.

The facts come from :mod:`ilrs_graph.overview`; these functions only place them (positions, sizes, which
side a label goes), and the templates in ``templates/charts/`` draw the result as inline SVG. Layouts
are deterministic: the same graph always gives the same picture.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from ilrs_graph.dates import PartialDate, fractional_year
from ilrs_graph.overview import AgreementNetwork, Joining, MissionDates, Phase, Roadmap
from ilrs_graph.resources import Citation

WIDTH = 900.0
# How wide a character of the pictures' 12px text may be drawn, bold (the weight of a hovered or focused
# label, and of the roadmap's names), by the widest of its group: DejaVu Sans Bold as Chromium draws it
# ("W" 13.2 px, "m" 12.5, "A" 9.3, "a" 8.1, "i" 4.1), the stylesheet's last choice and a wide face.
GLYPH_WIDTHS = {"!'(),-./:;IJ[\\]fijl|": 5.5, '"*?_`crstz': 7.2, "$0123456789EFLSTabdeghknopquvxy{}": 8.6,
                "#&+<=>ABCDGHKNOPQRUVXYZ^~": 10.5, "%@MWmw": 13.3, " ": 4.2}
GLYPH_WIDTH = {glyph: width for glyphs, width in GLYPH_WIDTHS.items() for glyph in glyphs}
OTHER_GLYPH_WIDTH = 12.0  # any other letter as wide as the font is high: Chinese, Japanese, Ж
LINE = 14.0            # from one line of a 12px label to the next
SPAN_LINE = 12.0       # of a phase's years
SPAN_SIZE = 10.5       # their font size
# A roadmap name's longest line (a longer name wraps): the names' column takes less than half of what a
# 375px phone shows of the picture (315px), leaving the rest to the bars
NAME_ROOM = 120.0
HEADING_ROOM = 300.0   # a plan's heading, kept whole in view on that phone as it scrolls
# A timeline label's longest line, in its column at the picture's left on a phone: as the roadmap's names,
# the column (this and 16px) stays in view as the picture scrolls and takes less than half of those 315px;
# the longest date ("23 September 2024", 135px) fits a line
TIMELINE_LABEL_ROOM = 140.0
ROW = 22.0             # one partner, one mission
PHASE_ROW = 30.0       # one phase: its name and, below, its years
PLAN_ROW = 20.0        # the heading of one plan's phases
SECTION_ROW = 18.0     # the heading of the missions
AXIS_TOP = 28.0
ASCENT, DESCENT = 11.0, 3.0  # how far a 12px label's letters reach above and below their baseline


@dataclass(frozen=True)
class Tick:
    """A gridline at the start of a year, and the year's label centred on its span (or no label)."""

    x: float
    label: str
    label_x: float


def _text_width(text: str, size: float = 12.0) -> float:
    """How wide ``text`` may be drawn at ``size`` px, bold: rather too wide than too narrow, so that a label
    given this room fits it, hovered or focused too. An accented letter is as wide as its letter."""
    return round(sum(GLYPH_WIDTH.get(unicodedata.normalize("NFD", glyph)[:1], OTHER_GLYPH_WIDTH) for glyph in text)
                 * size / 12.0, 1)


def _wrapped(text: str, room: float, size: float = 12.0) -> tuple[str, ...]:
    """``text`` cut into lines no wider than ``room`` (:func:`_text_width`), between words or after a
    hyphen; a word wider than the room is cut where it fills it, as the page's own text does. Each line
    keeps the space it was cut at: joined, the lines are the text again (its spaces made single)."""
    lines, line = [], ""
    for token in re.findall(r"[^ -]*-+| +|[^ -]+", " ".join(text.split())):
        if not token.isspace() and line.strip() and _text_width(line + token, size) > room:
            lines.append(line)
            line = ""
        line += token
        while _text_width(line.rstrip(), size) > room:  # one word alone on its line, too wide for it
            fits = next(n for n in range(len(line) - 1, 0, -1) if _text_width(line[:n], size) <= room or n == 1)
            lines.append(line[:fits])
            line = line[fits:]
    return tuple(lines + [line] if line else lines) or (text,)


def _baselines(first: float, lines: tuple[str, ...], step: float = LINE,
               anchor: str = "start") -> list[tuple[float, str, str]]:
    """Each line's baseline, ``step`` apart; what its ``<tspan>`` holds; and what follows the tspan, so
    that the text reads whole: the space a line was cut at goes where it moves neither line's aligned edge,
    at the start of the next line's tspan when they are aligned by their ends (``anchor``), after it
    otherwise."""
    cut_at = [line[len(line.rstrip()):] for line in lines]
    return [(round(first + step * index, 1),
             (cut_at[index - 1] if anchor == "end" and index else "") + line.rstrip(),
             "" if anchor == "end" else cut_at[index])
            for index, line in enumerate(lines)]


@dataclass(frozen=True)
class LabelLines:
    """A label on lines of its own: ``y`` is the first line's baseline, each next one ``LINE`` lower."""
    x: float
    y: float
    lines: tuple[str, ...]
    anchor: str  # SVG text-anchor

    @property
    def baselines(self) -> list[tuple[float, str, str]]:
        return _baselines(self.y, self.lines, anchor=self.anchor)

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Where its letters may be drawn, bold too: left, top, right, bottom (:func:`_text_width`)."""
        width = max(_text_width(shown) for _, shown, _ in self.baselines)
        left = {"start": self.x, "end": self.x - width, "middle": self.x - width / 2}[self.anchor]
        return left, self.y - ASCENT, left + width, self.y + LINE * (len(self.lines) - 1) + DESCENT


@dataclass(frozen=True)
class TimeAxis:
    """Years ``first``…``last`` (exclusive) spread over ``left``…``right``."""

    first: int
    last: int
    left: float
    right: float

    def x(self, when: date | float) -> float:
        year = fractional_year(when) if isinstance(when, date) else when
        return round(self.left + (year - self.first) / (self.last - self.first) * (self.right - self.left), 1)

    def ticks(self) -> list[Tick]:
        """A gridline at every year boundary; years labelled as often as their labels fit."""
        per_year = (self.right - self.left) / (self.last - self.first)
        step = next((s for s in (1, 2, 5, 10) if per_year * s >= 40), 10)
        return [Tick(self.x(year), str(year) if year < self.last and (year - self.first) % step == 0 else "",
                     self.x(year + 0.5)) for year in range(self.first, self.last + 1)]

    def at(self, day: date | None) -> float | None:
        """Where ``day`` falls on the axis; None when no day is given or it falls outside."""
        return self.x(day) if day is not None and self.first <= fractional_year(day) <= self.last else None


@dataclass(frozen=True)
class Moment:
    """A day marked across a chart: where it falls, and what it is."""
    x: float
    label: str


def _sources_end(axis: TimeAxis, newest_source: PartialDate | None) -> Moment | None:
    """The newest source's day, when it falls on the axis: what happened since is not in the graph."""
    x = axis.at(newest_source.start) if newest_source is not None else None
    return None if x is None else Moment(x, f"newest source: {newest_source}")


@dataclass(frozen=True)
class Band:
    """The stretch of the names' column a row holds, from ``top``, which its names' backdrop covers:
    the rows' bands tile the column, so that what scrolls under the names shows nowhere between them."""
    top: float
    height: float


# --- Partners joining -------------------------------------------------------------------------------

@dataclass(frozen=True)
class JoiningRow:
    joining: Joining
    y: float  # its mark's middle
    x_start: float
    x_end: float
    exact: bool  # a day: drawn as a dot; a month or a year: as the interval it names
    label: LabelLines
    band: Band  # in the column, its label's backdrop


@dataclass(frozen=True)
class TimelineLayout:
    """One drawing of the partners joining, one row each in the order they joined."""
    width: float
    height: float
    labels_width: float  # the labels' column, left of the time axis; 0: each label beside its mark
    ticks: list[Tick]
    today: float | None
    rows: list[JoiningRow]
    sources_end: Moment | None


@dataclass(frozen=True)
class TimelineChart:
    """The timeline drawn two ways, the page showing the one that fits its box (style.css): ``beside``, each
    label beside its mark, where the whole picture shows (a desktop's); ``column``, the labels in a column at
    the left, where the box shows only part of it (a phone's 315px): beside their marks, the labels left
    that part mostly empty, most partners having joined late, their labels far to the right. The column
    stays in view as the picture scrolls under it (style.css), as the roadmap's names do: scrolled to the
    marks, a reader saw no names."""
    beside: TimelineLayout
    column: TimelineLayout
    undated: list[Joining]

    def first_named(self, countries: bool) -> list[tuple[tuple[Citation, ...], list[Joining]]]:
        """The undated countries (or organisations), those first named by the same sources together
        (:attr:`Joining.first_named_by`), in the order those sources were published; those no dated
        source names last: a line each under the picture, Sputnik Africa's three not lost among the rest."""
        groups: dict[tuple[Citation, ...], list[Joining]] = {}
        for joining in self.undated:
            if joining.country == countries:
                groups.setdefault(joining.first_named_by, []).append(joining)
        never = date.max
        return sorted(groups.items(), key=lambda group: group[0][0].issued.start if group[0] else never)


def timeline(joinings: list[Joining], today: date | None, newest_source: PartialDate | None = None) -> TimelineChart:
    """Both drawings of the partners a source dates (:class:`TimelineChart`), time along x; a line at ``today``
    and one at the ``newest_source``'s date (None: no line). In the column, narrow enough to stay in view on
    that phone as the picture scrolls under it (:data:`TIMELINE_LABEL_ROOM`), a long name wraps, its date
    kept whole."""
    dated = [j for j in joinings if j.since is not None]
    undated = [j for j in joinings if j.since is None]
    if not dated:
        nothing = TimelineLayout(WIDTH, AXIS_TOP, 0.0, [], None, [], None)
        return TimelineChart(nothing, nothing, undated)
    first = min(j.since.start.year for j in dated)
    years = (first, max(first + 1, *(math.ceil(fractional_year(j.since.end)) for j in dated)))
    column_labels = [_name_and_date(joining.name, str(joining.since)) for joining in dated]
    labels_width = max(_text_width(line.rstrip()) for label in column_labels for line in label) + 16
    beside_labels = [(f"{joining.name} · {joining.since}",) for joining in dated]
    return TimelineChart(_timeline_layout(dated, years, beside_labels, 0.0, today, newest_source),
                         _timeline_layout(dated, years, column_labels, labels_width, today, newest_source), undated)


def _timeline_layout(dated: list[Joining], years: tuple[int, int], labels: list[tuple[str, ...]],
                     labels_width: float, today: date | None, newest_source: PartialDate | None) -> TimelineLayout:
    """Each partner's row, as tall as its label's lines, the years ``first``…``last`` (exclusive) on the axis:
    its label in the column ``labels_width`` wide at the left, or, without one (0), beside its mark: right of
    a mark in the axis's left half, left of one in its right half (the rows' order keeps labels apart)."""
    axis = TimeAxis(*years, labels_width or 12.0, WIDTH - 12.0)
    middle = (axis.left + axis.right) / 2
    rows = []
    top = AXIS_TOP
    for joining, lines in zip(dated, labels):
        height = ROW + LINE * (len(lines) - 1)
        x_start, x_end = axis.x(joining.since.start), axis.x(joining.since.end)
        x, anchor = (4.0, "start") if labels_width else (x_end + 9, "start") if x_start < middle else (x_start - 9, "end")
        rows.append(JoiningRow(joining, top + height / 2, x_start, x_end, joining.since.precision == 3,
                               LabelLines(x, top + 15, lines, anchor), Band(top, height)))
        top += height
    return TimelineLayout(WIDTH, top + 8, labels_width, axis.ticks(), axis.at(today), rows,
                          _sources_end(axis, newest_source))


def _name_and_date(name: str, since: str) -> tuple[str, ...]:
    """"name · date" on lines of :data:`TIMELINE_LABEL_ROOM` at most: the date whole, on the name's last line
    where it fits there, on a line of its own otherwise."""
    lines = _wrapped(f"{name} ·", TIMELINE_LABEL_ROOM)
    if len(lines) > 1 and lines[-1] == "·":  # the dot cut off alone: it goes down with the name's last word
        head, _, word = lines[-2].rstrip().rpartition(" ")
        lines = lines[:-2] + ((head + " ",) if head else ()) + (f"{word} ·",)
    last = f"{lines[-1]} {since}"
    return lines[:-1] + ((last,) if _text_width(last) <= TIMELINE_LABEL_ROOM else (lines[-1] + " ", since))


# --- The network of agreements ----------------------------------------------------------------------

NETWORK_LINE_ROOM = 200.0  # a label's longest line: a longer name wraps onto more lines
NETWORK_ARC = math.radians(60)  # how far above and below the middle the parties go on each side
NETWORK_MARGIN = 10.0
# The picture's bounds, whatever the size of the graph: its widest (at 80% of it, it fits a box of 800px,
# style.css; narrower, it scrolls) and how many parties it draws, those bound with the most others
NETWORK_MOST_WIDTH = 1000.0
NETWORK_MOST_PARTIES = 60
# The least half-height of the ring: room inside it for the middle party's label, NETWORK_LINE_ROOM wide
NETWORK_LEAST_RADIUS = 150.0


@dataclass(frozen=True)
class NetworkNode:
    iri: str
    name: str
    x: float
    y: float
    radius: float
    partners: int      # how many parties on other sides it is bound with
    instruments: int   # how many instruments bind it
    label: LabelLines


@dataclass(frozen=True)
class NetworkEdge:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    names: tuple[str, str]
    instruments: tuple[str, ...]


@dataclass(frozen=True)
class NetworkChart:
    width: float
    height: float
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    parties: int  # how many the instruments name: more than it draws when it leaves some out


def network(graph: AgreementNetwork) -> NetworkChart:
    """The most connected party in the middle, the others on a ring in the order they first signed (down
    its right side, then up its left), so that parties of the same instrument sit side by side; a line for
    each pair bound together. Parties on the same side of an instrument (a country and its agency, two
    organisations of one country: :meth:`Party.same_side`) are not bound to each other by it, so they are
    not joined. At most :data:`NETWORK_MOST_PARTIES`: those bound with the most others (among equals, the
    latest to sign).

    Each name shows whole, wrapped onto lines, level and outside the ring beside its party. The ring leaves
    its top and bottom empty, where labels side by side would run into one another: on each side, the
    parties are spaced down the ring as far apart as their labels are tall, so that no two labels meet.
    The ring is as tall as that takes, but no wider than leaves the picture :data:`NETWORK_MOST_WIDTH`
    wide: an ellipse, then, on which every line between two parties still runs inside."""
    shared: dict[tuple[str, str], list[str]] = {}
    bound: dict[str, int] = {iri: 0 for iri in graph.parties}
    for instrument in graph.instruments:
        for party in instrument.parties:
            bound[party] += 1
        for i, a in enumerate(instrument.parties):
            for b in instrument.parties[i + 1:]:
                if not graph.parties[a].same_side(graph.parties[b]):
                    shared.setdefault(tuple(sorted((a, b))), []).append(instrument.name)
    neighbours: dict[str, set[str]] = {iri: set() for iri in graph.parties}
    for a, b in shared:
        neighbours[a].add(b)
        neighbours[b].add(a)
    hub = max(graph.parties, key=lambda iri: (len(neighbours[iri]), graph.parties[iri].name), default=None)
    if hub is not None and not neighbours[hub]:
        hub = None
    first_signed = {party: index for index, party in enumerate(dict.fromkeys(
        party for instrument in graph.instruments for party in instrument.parties if party != hub))}
    signers = list(first_signed)
    most_bound = sorted(signers, key=lambda iri: (-len(neighbours[iri]), -first_signed[iri]))  # the newest first
    drawn = set(most_bound[:NETWORK_MOST_PARTIES - (1 if hub else 0)])
    ring = [party for party in signers if party in drawn]

    lines = {iri: _wrapped(graph.parties[iri].short_name, NETWORK_LINE_ROOM) for iri in ring + ([hub] if hub else [])}
    dot = {iri: round(4.5 + 1.6 * math.sqrt(len(neighbours[iri])), 1) for iri in graph.parties}
    right_side = ring[:(len(ring) + 1) // 2]
    left_side = ring[(len(ring) + 1) // 2:][::-1]  # top to bottom, as the right side
    heights = [_stack(side, lines, dot) for side in (right_side, left_side)]
    tall = max(NETWORK_LEAST_RADIUS, max(heights) / (2 * math.sin(NETWORK_ARC)))  # the ring's half-height
    # how far a label may reach beyond the ring (a space before a line aligned by its end makes it wider)
    beside = max((dot[iri] + 6 - LabelLines(0.0, 0.0, lines[iri], "end").box[0] for iri in ring), default=0.0)
    wide = min(tall, NETWORK_MOST_WIDTH / 2 - NETWORK_MARGIN - beside)  # its half-width

    def across(y: float) -> float:
        """How far from the middle the ring is at ``y``."""
        return wide * math.sqrt(max(1 - (y / tall) ** 2, 0.0))

    span = 2 * tall * math.sin(NETWORK_ARC)
    placed: dict[str, tuple[float, float, LabelLines]] = {}  # around the middle at (0, 0)
    for side, height, sign in ((right_side, heights[0], 1), (left_side, heights[1], -1)):
        stretch = span / height if height else 1.0
        y = -span / 2 if height else 0.0  # a side of one party: at the middle
        for index, iri in enumerate(side):
            if index:
                y += _gap(side[index - 1], iri, lines, dot) * stretch
            half = LINE * len(lines[iri]) / 2
            nearest = 0.0 if abs(y) <= half else abs(y) - half  # the label's row nearest the middle
            clear = across(nearest) + dot[iri] + 6  # outside the ring, even there
            placed[iri] = (sign * across(y), y,
                           LabelLines(sign * clear, y - half + ASCENT, lines[iri], "start" if sign > 0 else "end"))
    if hub:
        placed[hub] = (0.0, 0.0, LabelLines(0.0, dot[hub] + 4 + ASCENT, lines[hub], "middle"))
    # as far as the labels and dots reach, each way
    reach = [(x - dot[iri], y - dot[iri], x + dot[iri], y + dot[iri]) for iri, (x, y, _) in placed.items()]
    reach += [label.box for _, _, label in placed.values()]
    left = min((box[0] for box in reach), default=0.0) - NETWORK_MARGIN
    top = min((box[1] for box in reach), default=0.0) - NETWORK_MARGIN
    nodes = []
    for iri in ring + ([hub] if hub else []):
        x, y, label = placed[iri]
        nodes.append(NetworkNode(iri, graph.parties[iri].name, round(x - left, 1), round(y - top, 1),
                                 dot[iri], len(neighbours[iri]), bound[iri],
                                 LabelLines(round(label.x - left, 1), round(label.y - top, 1), label.lines, label.anchor)))
    position = {node.iri: (node.x, node.y) for node in nodes}
    edges = []
    for (a, b), instruments in sorted(shared.items()):
        if a in position and b in position:
            (x1, y1), (x2, y2) = position[a], position[b]
            edges.append(NetworkEdge(x1, y1, x2, y2, round(1.2 + 1.3 * (len(instruments) - 1), 1),
                                     (graph.parties[a].name, graph.parties[b].name), tuple(instruments)))
    right = max((box[2] for box in reach), default=0.0) + NETWORK_MARGIN
    bottom = max((box[3] for box in reach), default=0.0) + NETWORK_MARGIN
    return NetworkChart(round(right - left, 1), round(bottom - top, 1), nodes, edges, len(graph.parties))


def _gap(above: str, below: str, lines: dict[str, tuple[str, ...]], dot: dict[str, float]) -> float:
    """How far below the party ``above`` the party ``below`` goes on one side: their labels, each centred
    on its party, a few pixels apart; their dots apart too."""
    labels = LINE * (len(lines[above]) + len(lines[below])) / 2 + 4
    return max(labels, dot[above] + dot[below] + 4)


def _stack(side: list[str], lines: dict[str, tuple[str, ...]], dot: dict[str, float]) -> float:
    """How tall one side of the ring must be for its labels: from its first party to its last."""
    return sum(_gap(a, b, lines, dot) for a, b in zip(side, side[1:]))


# --- The roadmap ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Segment:
    x1: float
    x2: float
    # "firm": the sources agree; "disputed": sources give different years; "no-start" (from the axis's left
    # end) and "no-end" (to its right end): no source gives the start or the end, drawn fading away
    kind: str


@dataclass(frozen=True)
class PhaseLane:
    phase: Phase
    name_lines: tuple[str, ...]  # its name, wrapped to the names' column
    y: float  # its bars' middle
    segments: list[Segment]
    span: str  # the years in words: "2021 to 2025", "from 2035 or 2036", "until 2028 or 2035"
    span_lines: tuple[str, ...]
    band: Band

    @property
    def name_baselines(self) -> list[tuple[float, str, str]]:
        return _baselines(self.band.top + 13, self.name_lines)

    @property
    def span_baselines(self) -> list[tuple[float, str, str]]:
        return _baselines(self.name_baselines[-1][0] + 13, self.span_lines, SPAN_LINE)


@dataclass(frozen=True)
class PlanLanes:
    """The phases of one plan under its heading: those defined in one programme document, in their order;
    or those no source places in a document (``plan`` None), which the chart does not mix with a plan."""

    plan: str | None
    heading: str
    heading_lines: tuple[str, ...]
    band: Band  # the heading's
    phases: list[PhaseLane]

    @property
    def heading_baselines(self) -> list[tuple[float, str, str]]:
        return _baselines(self.band.top + 14, self.heading_lines)

    @property
    def heading_width(self) -> float:
        """How far its backdrop reaches: over its heading, wider than the names' column, too."""
        return round(4 + max(_text_width(line.rstrip()) for line in self.heading_lines) + 4, 1)


@dataclass(frozen=True)
class Marker:
    x: float
    kind: str  # "launched", "failed" or "planned"
    text: str


@dataclass(frozen=True)
class MissionLane:
    mission: MissionDates
    name_lines: tuple[str, ...]  # its name, wrapped to the names' column
    y: float  # its markers' middle
    markers: list[Marker]
    x1: float  # the line joining its markers: how far its date moved between sources
    x2: float
    band: Band

    @property
    def name_baselines(self) -> list[tuple[float, str, str]]:
        return _baselines(self.band.top + 15, self.name_lines)


@dataclass(frozen=True)
class RoadmapChart:
    width: float
    height: float
    names_width: float  # the names' column, left of the time axis
    first_year: int
    last_year: int
    ticks: list[Tick]
    today: float | None
    plans: list[PlanLanes]
    missions_top: float
    missions: list[MissionLane]
    undated_missions: list[MissionDates]
    sources_end: Moment | None = None

    @property
    def phases(self) -> list[PhaseLane]:
        """Every phase's lane, top to bottom."""
        return [lane for plan in self.plans for lane in plan.phases]

    @property
    def missions_band(self) -> Band:
        """The missions' heading's."""
        return Band(self.missions_top - SECTION_ROW, SECTION_ROW)


def roadmap(plan: Roadmap, today: date | None, newest_source: PartialDate | None = None) -> RoadmapChart:
    """Phases under the plan that defines them, then missions, each in its own lane on one time axis from
    the earliest year any source gives to the latest; a line at ``today`` and one at the ``newest_source``'s
    date (None: no line): a plan past the latter may have happened, or slipped, since. Every name shows
    whole, wrapped onto lines in a column narrow enough to leave most of a phone's box to the bars (the
    column stays in view as the picture scrolls; a word longer than a line is cut), each row as tall as
    its lines."""
    dated = [m for m in plan.missions if m.years]
    years = [y for p in plan.phases for y in p.start_years + p.end_years] + [y for m in dated for y in m.years]
    first, last = (min(years), max(years) + 1) if years else (date.today().year, date.today().year + 1)
    names = {name: _wrapped(name, NAME_ROOM) for name in [p.name for p in plan.phases] + [m.name for m in dated]}
    spans = {phase.iri: _wrapped(_span(phase), NAME_ROOM, SPAN_SIZE) for phase in plan.phases}
    label_width = max([_text_width(line.rstrip()) for lines in names.values() for line in lines]
                      + [_text_width(line.rstrip(), SPAN_SIZE) for lines in spans.values() for line in lines],
                      default=0.0) + 16
    axis = TimeAxis(first, last, label_width, WIDTH - 14.0)
    plans = []
    top = AXIS_TOP
    for name, phases in _by_plan(plan.phases):
        heading = f"Phases defined in the {name}" if name else "Phases no source places in a programme document"
        heading_lines = _wrapped(heading, HEADING_ROOM)
        heading_band = Band(top, PLAN_ROW + LINE * (len(heading_lines) - 1))
        top += heading_band.height
        lanes = []
        for phase in phases:
            band = Band(top, PHASE_ROW + LINE * (len(names[phase.name]) - 1) + SPAN_LINE * (len(spans[phase.iri]) - 1))
            lanes.append(PhaseLane(phase, names[phase.name], top + band.height / 2, _segments(phase, axis), _span(phase),
                                   spans[phase.iri], band))
            top += band.height
        plans.append(PlanLanes(name, heading, heading_lines, heading_band, lanes))
    missions_top = top + SECTION_ROW
    top = missions_top
    missions = []
    for mission in dated:
        markers = [Marker(axis.x(year + 0.5), "planned", f"planned for {year} by a source")
                   for year in mission.planned_years]
        if mission.launched is not None:
            kind = "failed" if mission.status == "failed" else "launched"
            markers.append(Marker(axis.x(mission.launched.start), kind, f"launched {mission.launched}"
                                  + (" (failed)" if kind == "failed" else "")))
        xs = [m.x for m in markers]
        band = Band(top, ROW + LINE * (len(names[mission.name]) - 1))
        missions.append(MissionLane(mission, names[mission.name], top + band.height / 2, markers, min(xs), max(xs), band))
        top += band.height
    height = top + 8
    return RoadmapChart(WIDTH, height, label_width, first, last - 1, axis.ticks(), axis.at(today), plans,
                        missions_top, missions, [m for m in plan.missions if not m.years],
                        _sources_end(axis, newest_source))


def _by_plan(phases: list[Phase]) -> list[tuple[str | None, list[Phase]]]:
    """The phases of each programme document, the earliest plan first, each in its own order (the years
    where none is given); then those no source places in a document. Two plans each have a phase 1."""
    plans: dict[str | None, list[Phase]] = {}
    for phase in phases:
        plans.setdefault(phase.plan, []).append(phase)

    def earliest(phase: Phase) -> int:
        return min(phase.start_years + phase.end_years, default=9999)

    def in_order(phase: Phase) -> tuple:
        return phase.order is None, phase.order or 0, earliest(phase), phase.name

    named = sorted((name for name in plans if name is not None),
                   key=lambda name: (min(map(earliest, plans[name])), name))
    return [(name, sorted(plans[name], key=in_order)) for name in [*named, *([None] if None in plans else [])]]


def _segments(phase: Phase, axis: TimeAxis) -> list[Segment]:
    starts, ends = phase.start_years, phase.end_years
    segments = []
    start = axis.x(max(starts)) if starts else None
    end = axis.x(min(ends) + 1) if ends else None  # an end year runs to its last day
    if start is not None and end is not None:
        segments.append(Segment(start, end, "firm"))
    elif start is not None:
        segments.append(Segment(start, axis.right, "no-end"))
    elif end is not None:
        segments.append(Segment(axis.left, end, "no-start"))
    if len(starts) > 1:
        segments.append(Segment(axis.x(min(starts)), axis.x(max(starts)), "disputed"))
    if len(ends) > 1:
        segments.append(Segment(axis.x(min(ends) + 1), axis.x(max(ends) + 1), "disputed"))
    return segments


def _span(phase: Phase) -> str:
    starts = " or ".join(map(str, phase.start_years))
    ends = " or ".join(map(str, phase.end_years))
    if starts and ends:
        return f"{starts} to {ends}"
    if starts:
        return f"from {starts}"
    if ends:
        return f"until {ends}"
    return "no source gives its years"

