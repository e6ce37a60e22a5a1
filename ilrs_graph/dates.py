"""Dates at the precision a source gives them: a day (xsd:date), a month (xsd:gYearMonth) or a year (xsd:gYear).

Sources say "17 July 2023", "July 2023" or "2023"; the graph keeps each as written. A partial date is
the interval it names, so pictures can place it and pages can tell whether two claims disagree (a
month and a day within it do not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

XSD = "http://www.w3.org/2001/XMLSchema#"
DATE_TYPES = frozenset(XSD + name for name in ("date", "gYearMonth", "gYear", "dateTime"))
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_LEXICAL = re.compile(r"(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T(\d{2}):(\d{2})[^Z+-]*)?(Z|[+-]\d{2}:\d{2})?$")


@dataclass(frozen=True)
class PartialDate:
    """A year, a month or a day; ``month`` and ``day`` are None when the source does not give them."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, lexical: str) -> PartialDate | None:
        """``2023``, ``2023-07``, ``2023-07-17`` (or an xsd:dateTime, kept to its day); None otherwise."""
        found = _LEXICAL.match(lexical.strip())
        if found is None:
            return None
        year, month, day = int(found.group(1)), found.group(2), found.group(3)
        try:
            date(year, int(month or 1), int(day or 1))
        except ValueError:
            return None
        return cls(year, int(month) if month else None, int(day) if day else None)

    @property
    def precision(self) -> int:
        """1 for a year, 2 for a month, 3 for a day."""
        return 1 + (self.month is not None) + (self.day is not None)

    @property
    def start(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> date:
        """The first day after the interval this date names."""
        if self.day is not None:
            return date.fromordinal(self.start.toordinal() + 1)
        if self.month is not None:
            return date(self.year + (self.month == 12), self.month % 12 + 1, 1)
        return date(self.year + 1, 1, 1)

    def agrees_with(self, other: PartialDate) -> bool:
        """Whether both can be true: one interval lies within the other (July 2023 and 17 July 2023)."""
        return (self.start <= other.start and other.end <= self.end) or \
               (other.start <= self.start and self.end <= other.end)

    def __str__(self) -> str:
        """As people write it: ``17 July 2023``, ``July 2023``, ``2023``."""
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return f"{self.day} {MONTHS[self.month - 1]} {self.year}"

    @property
    def iso(self) -> str:
        """The same date in ISO 8601, at its own precision (for ``<time datetime>``)."""
        return "-".join([f"{self.year:04d}"] + [f"{part:02d}" for part in (self.month, self.day) if part is not None])


def precision_first(when: PartialDate) -> tuple[int, date]:
    """A key putting the most precise dates first (a day beats a month beats a year), the earliest first
    among equals."""
    return -when.precision, when.start


def most_precise(dates) -> PartialDate | None:
    """The most precise of ``dates``, the earliest of those."""
    return min(dates, key=precision_first, default=None)


def named_before(named, dated) -> bool:
    """Whether a source naming a partner on one of the days ``named`` (its own dates) did so before one of
    the ``dated`` (another's dates for its joining) begins: by that source, it had joined already, and the
    two cannot both be true."""
    dated = list(dated)
    return any(when.end < date.start for when in named for date in dated)


def chronological(when: PartialDate) -> tuple[int, int, int]:
    """A key ordering dates as they fall, a year or a month after the dates within it: "2024" may be any
    day of 2024, "3 May 2024" is known to come before its end (and "May 2024" after "3 May 2024")."""
    return when.year, when.month or 13, when.day or 32


def newest_first(items, issued, name) -> list:
    """``items`` as lists of sources are ordered: the newest first by ``issued(item)`` (a
    :class:`PartialDate` or None), those without a date last, each by ``name(item)`` (case aside) among
    equals."""
    items = list(items)
    dated = sorted((i for i in items if issued(i)), key=lambda i: (-issued(i).start.toordinal(), name(i).lower()))
    return dated + sorted((i for i in items if not issued(i)), key=lambda i: name(i).lower())


def fractional_year(day: date) -> float:
    """``day`` as a position on a time axis measured in years (1 July 2023 ≈ 2023.5)."""
    first = date(day.year, 1, 1).toordinal()
    length = date(day.year + 1, 1, 1).toordinal() - first
    return day.year + (day.toordinal() - first) / length
