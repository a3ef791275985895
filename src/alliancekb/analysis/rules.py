"""The rules every answer shares, in one place.

- **Period**: a closed range of days, the one name for a time range.
- **Coverage**: what a source speaks for, in time (its first and last year) and in space (the
  whole state system, or the dyads of a list of states). Outside it a source's answer is
  unknown, never "not allied".
- **The open end**: an ongoing record (no end) is in force to the end of its source's coverage.
- **The dyad rule**: two states form a dyad of a source when both belong to the same alliance,
  in the same phase, on at least one common day (`MembershipPairs`, `common_period`).
- **Merging obligations**: either says yes: yes; both say no: no; else unknown (`merge`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_, select, true
from sqlalchemy.orm import Session, aliased

from alliancekb.database.models import Alliance, Membership, Source, SourceState
from alliancekb.errors import InvalidInput, NotFound

ONE_DAY = dt.timedelta(days=1)


# --- time ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A closed range of days, first to last."""

    first: dt.date
    last: dt.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def day(cls, day: dt.date) -> Period:
        return cls(day, day)

    @classmethod
    def years(cls, first: int | None = None, last: int | None = None) -> Period:
        """From January 1 of `first` to December 31 of `last`; None: unbounded that side."""
        if first is not None and last is not None and first > last:
            raise InvalidInput(f"the first year {first} is after the last year {last}: swap them")
        return cls(
            dt.date(first, 1, 1) if first is not None else dt.date.min,
            dt.date(last, 12, 31) if last is not None else dt.date.max,
        )

    @property
    def asked_first(self) -> int | None:
        """The first year, None when the period is unbounded at its start."""
        return None if self.first == dt.date.min else self.first.year

    @property
    def asked_last(self) -> int | None:
        """The last year, None when the period is unbounded at its end."""
        return None if self.last == dt.date.max else self.last.year

    @property
    def first_year(self) -> int:
        return self.first.year

    @property
    def last_year(self) -> int:
        return self.last.year

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        return first <= self.last and self.first <= last

    def clip(self, first: dt.date, last: dt.date) -> Period | None:
        """The part of first..last inside this period, or None."""
        start, end = max(first, self.first), min(last, self.last)
        return Period(start, end) if start <= end else None

    def sql_overlaps(self, model: Any) -> ColumnElement[bool]:
        """SQL: a dated record (start_day, end_day; an open end runs on) overlaps the period."""
        return and_(
            model.start_day <= self.last,
            or_(model.end_day.is_(None), model.end_day >= self.first),
        )


def sql_overlaps(period: Period | None, model: Any) -> ColumnElement[bool]:
    """SQL: the record overlaps the period; no period: always."""
    return true() if period is None else period.sql_overlaps(model)


# --- coverage --------------------------------------------------------------------------------


def this_year() -> int:
    return dt.date.today().year


@dataclass(frozen=True)
class Coverage:
    """What a source speaks for: years `first`..`last` (None: to this year) and the dyads of
    `states` (COW codes; None: every pair of the state system)."""

    source: str
    first: int
    last: int | None
    states: frozenset[int] | None = None

    @property
    def last_year(self) -> int:
        return self.last if self.last is not None else this_year()

    @property
    def period(self) -> Period:
        return Period(dt.date(self.first, 1, 1), self.open_end)

    @property
    def open_end(self) -> dt.date:
        """Where an ongoing record of the source ends: the last day of its coverage."""
        return dt.date(self.last_year, 12, 31)

    def covers_year(self, year: int) -> bool:
        return self.first <= year <= self.last_year

    def covers_pair(self, ccode1: int, ccode2: int) -> bool:
        """The source speaks for the dyad: the whole system, or one of its states listed."""
        return self.states is None or ccode1 in self.states or ccode2 in self.states

    def covers_state(self, ccode: int) -> bool:
        """The source speaks for every dyad of the state (so for its own alliance status)."""
        return self.states is None or ccode in self.states

    def years_text(self) -> str:
        return f"{self.first}-{self.last if self.last is not None else ''}"

    def states_text(self) -> str:
        return ", ".join(str(c) for c in sorted(self.states or ()))


def coverages(session: Session, keys: Iterable[str] | None = None) -> dict[str, Coverage]:
    """Every source's coverage by key (or the sources named, in that order)."""
    scopes: dict[int, set[int]] = {}
    for source_id, ccode in session.execute(select(SourceState.source_id, SourceState.ccode)):
        scopes.setdefault(source_id, set()).add(ccode)
    found = {
        key: Coverage(key, start, end, frozenset(scopes[i]) if i in scopes else None)
        for i, key, start, end in session.execute(
            select(Source.id, Source.key, Source.coverage_start, Source.coverage_end).order_by(
                Source.key
            )
        )
    }
    if keys is None:
        return found
    return {key: found[key] if key in found else _unknown_source(found, key) for key in keys}


def _unknown_source(found: dict[str, Coverage], key: str) -> Coverage:
    raise NotFound(f"unknown source '{key}' (known: {', '.join(sorted(found))})")


def source_id(session: Session, key: str | None) -> int | None:
    """The id of the source KEY (None for None); an unknown key names the known ones."""
    if key is None:
        return None
    found = session.scalar(select(Source.id).where(Source.key == key))
    if found is None:
        known = ", ".join(session.scalars(select(Source.key).order_by(Source.key)))
        raise NotFound(f"unknown source '{key}' (known: {known})")
    return found


def sql_covers_year(year: int | None) -> ColumnElement[bool]:
    """SQL on `sources`: the source speaks for the year (no year: always)."""
    if year is None:
        return true()
    return and_(
        Source.coverage_start <= year,
        or_(Source.coverage_end.is_(None), Source.coverage_end >= year),
    )


# --- the dyad rule ---------------------------------------------------------------------------


class MembershipPairs:
    """Pairs of memberships of one alliance and phase (`mine` and `theirs`), with the alliance
    and its source joined: the rows of every dyad."""

    def __init__(self) -> None:
        self.mine = aliased(Membership)
        self.theirs = aliased(Membership)

    def select(self, *columns: Any) -> Select[Any]:
        mine, theirs = self.mine, self.theirs
        return (
            select(*columns)
            .select_from(mine)
            .join(theirs, and_(theirs.alliance_id == mine.alliance_id, theirs.phase == mine.phase))
            .join(Alliance, Alliance.id == mine.alliance_id)
            .join(Source, Source.id == Alliance.source_id)
        )

    def meet(self) -> ColumnElement[bool]:
        """SQL: the two memberships share at least one day (an open end runs on)."""
        mine, theirs = self.mine, self.theirs
        return and_(
            or_(theirs.end_day.is_(None), mine.start_day <= theirs.end_day),
            or_(mine.end_day.is_(None), theirs.start_day <= mine.end_day),
        )


def common_period(
    start1: dt.date,
    end1: dt.date | None,
    start2: dt.date,
    end2: dt.date | None,
    open_end: dt.date,
    within: Period | None = None,
) -> Period | None:
    """The days both memberships are in force (an open end runs to `open_end`), inside
    `within` if given; None if they share no day."""
    first = max(start1, start2)
    last = min(end1 or open_end, end2 or open_end, open_end)
    if within is not None:
        first, last = max(first, within.first), min(last, within.last)
    return Period(first, last) if first <= last else None


Flag = TypeVar("Flag", bool, int)


def merge(a: Flag | None, b: Flag | None) -> Flag | None:
    """Two codings of one obligation as one: either says yes: yes; both say no: no; else
    unknown. For booleans or 1/0 alike."""
    if a == 1:
        return a
    if b == 1:
        return b
    if a == 0 and b == 0:
        return a
    return None


def merge_all(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[Any, ...]:
    """`merge` position by position (the five obligations of two memberships)."""
    return tuple(merge(x, y) for x, y in zip(a, b, strict=True))


# --- asking by obligation --------------------------------------------------------------------


def obligations_asked(names: Iterable[str] | None) -> tuple[str, ...]:
    """The obligations a question asks for (any of them will do), checked; () asks none."""
    from alliancekb.database.models import OBLIGATIONS

    asked = tuple(dict.fromkeys(names or ()))
    for name in asked:
        if name not in OBLIGATIONS:
            raise InvalidInput(f"no obligation '{name}': choose one of {', '.join(OBLIGATIONS)}")
    return asked


def sql_has_obligation(asked: tuple[str, ...], model: Any) -> ColumnElement[bool]:
    """A membership (or any row with the five obligation columns) that carries any obligation
    asked; every row when none is asked. Unknown (NULL) is not a yes."""
    if not asked:
        return true()
    return or_(*(getattr(model, name).is_(True) for name in asked))


def has_obligation(asked: tuple[str, ...], codes: tuple[Any, ...]) -> bool:
    """Merged obligations (in OBLIGATIONS order) that say yes to any obligation asked."""
    from alliancekb.database.models import OBLIGATIONS

    return not asked or any(codes[OBLIGATIONS.index(name)] for name in asked)
