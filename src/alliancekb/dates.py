"""Partial dates (`1954`, `1954-07`, `1954-07-21`) that keep their precision."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
FORMAT_HINT = "use YYYY, YYYY-MM or YYYY-MM-DD"


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day; never invents what is unknown."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse an ISO partial date; raise ValueError naming the value and the fix."""
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"'{text}' is not a date ({FORMAT_HINT})")
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"'{text}' has no month {month} ({FORMAT_HINT})")
        if day is not None:
            assert month is not None
            if not 1 <= day <= calendar.monthrange(year, month)[1]:
                raise ValueError(f"'{text}' is not a day of the calendar ({FORMAT_HINT})")
        if year < 1000:
            raise ValueError(f"'{text}' has a year before 1000 ({FORMAT_HINT})")
        return cls(year, month, day)

    @classmethod
    def from_parts(cls, year: int, month: int | None, day: int | None) -> PartialDate:
        """Build from split fields, where a missing month or day is None."""
        if month is None:
            return cls.parse(f"{year:04d}")
        if day is None:
            return cls.parse(f"{year:04d}-{month:02d}")
        return cls.parse(f"{year:04d}-{month:02d}-{day:02d}")

    first_day: dt.date = field(init=False, repr=False, compare=False)
    """The earliest day the date can mean."""
    last_day: dt.date = field(init=False, repr=False, compare=False)
    """The latest day the date can mean."""
    _text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Computed once, when made: importers use each date's days and text many times.
        year, month, day = self.year, self.month, self.day
        first = dt.date(year, month or 1, day or 1)
        if month is not None and day is not None:
            text = f"{year:04d}-{month:02d}-{day:02d}"
        else:
            text = f"{year:04d}"
            if month is not None:
                text += f"-{month:02d}"
            if day is not None:
                text += f"-{day:02d}"
        if day is not None and month is not None:
            last = first
        else:
            last_month = month or 12
            last_of_month = day or calendar.monthrange(year, last_month)[1]
            last = dt.date(year, last_month, last_of_month)
        setattr_ = object.__setattr__
        setattr_(self, "first_day", first)
        setattr_(self, "last_day", last)
        setattr_(self, "_text", text)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def __str__(self) -> str:
        return self._text


def parse_optional(text: str | None) -> PartialDate | None:
    return None if text is None else PartialDate.parse(text)


def first_day(text: str) -> dt.date:
    return PartialDate.parse(text).first_day


def last_day(text: str | None) -> dt.date | None:
    return None if text is None else PartialDate.parse(text).last_day


def outside(
    start: PartialDate, end: PartialDate | None, m_start: PartialDate, m_end: PartialDate | None
) -> str | None:
    """How a member's dates fall outside its alliance's ('starts before', 'ends after'), or
    None: outside only when no day the member's dates can mean is inside."""
    if m_start.last_day < start.first_day:
        return "starts before"
    if end is not None and (m_end is None or m_end.first_day > end.last_day):
        return "ends after"
    return None
