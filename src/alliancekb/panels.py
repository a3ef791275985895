"""Dyad-year and state-year panels, streamed.

The dyad rule is day-level: A and B form a dyad in year Y when both belong to the same
alliance, in the same phase, on at least one common day of Y. The database returns each pair
of memberships once with their common period, ordered by dyad; the years are expanded in one
streaming pass, so memory holds one dyad at a time, however large the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from alliancekb.errors import AllianceKBError
from alliancekb.models import (
    OBLIGATIONS,
    Alignment,
    Alliance,
    Membership,
    Source,
    State,
    SystemSpell,
)
from alliancekb.queries import _merge, _source_id

Row = dict[str, Any]
DYAD_COLUMNS = (
    "ccode1",
    "ccode2",
    "stateabb1",
    "stateabb2",
    "year",
    "source",
    *OBLIGATIONS,
    "shared_ideology",
    "shared_security",
    "alliances",
)
STATE_YEAR_COLUMNS = ("ccode", "stateabb", "year", "source", "allies", "alliance", *OBLIGATIONS)


@dataclass(frozen=True)
class Span:
    first: int | None = None
    last: int | None = None

    def __post_init__(self) -> None:
        if self.first is not None and self.last is not None and self.first > self.last:
            raise AllianceKBError(f"--from {self.first} is after --to {self.last}: swap them")


def _coverage_end(year: int | None) -> dt.date:
    return dt.date(year if year is not None else dt.date.today().year, 12, 31)


class _Alignments:
    """Shared-ideology and shared-security flags per undirected dyad and year, any source."""

    def __init__(self, session: Session) -> None:
        self.by_dyad: dict[tuple[int, int], list[tuple[int, int, bool | None, bool | None]]] = {}
        a, b = aliased(State), aliased(State)
        rows = session.execute(
            select(
                a.ccode,
                b.ccode,
                Alignment.start_day,
                Alignment.end_day,
                Source.coverage_end,
                Alignment.shared_ideology,
                Alignment.shared_security,
            )
            .join(a, a.id == Alignment.state_a_id)
            .join(b, b.id == Alignment.state_b_id)
            .join(Source, Source.id == Alignment.source_id)
        )
        for c1, c2, start, end, cov_end, ideology, security in rows:
            last = (end or _coverage_end(cov_end)).year
            key = (min(c1, c2), max(c1, c2))
            self.by_dyad.setdefault(key, []).append((start.year, last, ideology, security))

    def flags(self, c1: int, c2: int, year: int) -> tuple[bool | None, bool | None]:
        """The flags in force that year; sources that disagree leave a flag unknown."""
        spans = self.by_dyad.get((min(c1, c2), max(c1, c2)))
        if not spans:
            return None, None
        ideology: set[bool | None] = set()
        security: set[bool | None] = set()
        for first, last, i, s in spans:
            if first <= year <= last:
                ideology.add(i)
                security.add(s)
        return (
            ideology.pop() if len(ideology) == 1 else None,
            security.pop() if len(security) == 1 else None,
        )


def _pairs(session: Session, source: str | None, directed: bool) -> Iterator[Any]:
    """Each pair of memberships of one alliance and phase, ordered by source and dyad."""
    m1, m2 = aliased(Membership), aliased(Membership)
    s1, s2 = aliased(State), aliased(State)
    source_id = _source_id(session, source)
    query = (
        select(
            Source.key,
            Source.coverage_start,
            Source.coverage_end,
            s1.ccode,
            s2.ccode,
            s1.stateabb,
            s2.stateabb,
            Alliance.key,
            m1.start_day,
            m1.end_day,
            m2.start_day,
            m2.end_day,
            *(getattr(m1, o) for o in OBLIGATIONS),
            *(getattr(m2, o) for o in OBLIGATIONS),
        )
        .select_from(m1)
        .join(m2, and_(m2.alliance_id == m1.alliance_id, m2.phase == m1.phase))
        .join(s1, s1.id == m1.state_id)
        .join(s2, s2.id == m2.state_id)
        .join(Alliance, Alliance.id == m1.alliance_id)
        .join(Source, Source.id == Alliance.source_id)
        .where(
            s1.ccode != s2.ccode if directed else s1.ccode < s2.ccode,
            or_(m2.end_day.is_(None), m1.start_day <= m2.end_day),
            or_(m1.end_day.is_(None), m2.start_day <= m1.end_day),
        )
        .order_by(Source.key, s1.ccode, s2.ccode)
    )
    if source_id is not None:
        query = query.where(Alliance.source_id == source_id)
    yield from session.execute(query.execution_options(yield_per=5000))


def dyad_years(
    session: Session, source: str | None = None, directed: bool = False, span: Span = Span()
) -> Iterator[Row]:
    """Dyad-year rows (DYAD_COLUMNS), streamed by source, dyad and year.

    Directed rows give A's own obligations towards B; undirected rows (ccode1 < ccode2) take
    each obligation as the maximum of both directions. Unknown stays None, never 0.
    """
    alignments = _Alignments(session)
    n = len(OBLIGATIONS)
    current: tuple[str, int, int] | None = None
    years: dict[int, list[Any]] = {}
    labels: tuple[str, str] = ("", "")

    def flush() -> Iterator[Row]:
        assert current is not None
        src, c1, c2 = current
        for year in sorted(years):
            codes, keys = years[year]
            ideology, security = alignments.flags(c1, c2, year)
            row: Row = {
                "ccode1": c1,
                "ccode2": c2,
                "stateabb1": labels[0],
                "stateabb2": labels[1],
                "year": year,
                "source": src,
            }
            row.update(zip(OBLIGATIONS, codes, strict=True))
            row["shared_ideology"] = ideology
            row["shared_security"] = security
            row["alliances"] = sorted(keys)
            yield row

    for pair in _pairs(session, source, directed):
        src, cov_start, cov_end, c1, c2, abb1, abb2, key, st1, en1, st2, en2 = pair[:12]
        dyad = (src, c1, c2)
        if dyad != current:
            if current is not None:
                yield from flush()
            current, years, labels = dyad, {}, (abb1, abb2)
        open_end = _coverage_end(cov_end)
        first = max(st1, st2).year
        last = min(en1 or open_end, en2 or open_end).year
        first = max(first, cov_start, span.first if span.first is not None else first)
        last = min(last, open_end.year, span.last if span.last is not None else last)
        if directed:
            codes = list(pair[12 : 12 + n])
        else:
            codes = [_merge(pair[12 + i], pair[12 + n + i]) for i in range(n)]
        for year in range(first, last + 1):
            entry = years.get(year)
            if entry is None:
                years[year] = [list(codes), {key}]
            else:
                entry[0] = [_merge(a, b) for a, b in zip(entry[0], codes, strict=True)]
                entry[1].add(key)
    if current is not None:
        yield from flush()


def _system_years(session: Session) -> dict[int, tuple[str, list[tuple[int, int | None]]]]:
    """Each state's years in the state system, as (first, last or None) spans, by ccode."""
    found: dict[int, tuple[str, list[tuple[int, int | None]]]] = {}
    rows = session.execute(
        select(State.ccode, State.stateabb, SystemSpell.start_day, SystemSpell.end_day).join(
            SystemSpell, SystemSpell.state_id == State.id
        )
    )
    for ccode, abb, start, end in rows:
        found.setdefault(ccode, (abb, []))[1].append((start.year, end.year if end else None))
    return found


def state_years(session: Session, source: str | None = None, span: Span = Span()) -> Iterator[Row]:
    """Per state, year and source: number of allies, any alliance, and each obligation.

    The rows cover each state's years in the state system within the source's coverage (no
    ally: zeros, which within coverage are known), plus any year a state outside the system
    was allied (a government in exile). One state's years are held at a time.
    """
    _source_id(session, source)
    query = select(Source.key, Source.coverage_start, Source.coverage_end).order_by(Source.key)
    if source is not None:
        query = query.where(Source.key == source)
    system = _system_years(session)
    for src, cov_start, cov_end in session.execute(query).all():
        first = max(cov_start, span.first if span.first is not None else cov_start)
        last = _coverage_end(cov_end).year
        last = min(last, span.last if span.last is not None else last)
        allied = _allied_years(dyad_years(session, src, directed=True, span=span))
        pending = next(allied, None)
        for ccode in sorted(set(system) | _allied_ccodes(session, src)):
            years: dict[int, tuple[int, list[bool | None]]] = {}
            abb = system[ccode][0] if ccode in system else ""
            if pending is not None and pending[0] == ccode:
                abb, years = pending[1], pending[2]
                pending = next(allied, None)
            in_system: set[int] = set()
            for start, end in system.get(ccode, ("", []))[1]:
                in_system.update(range(max(start, first), min(end or last, last) + 1))
            for year in sorted(in_system | set(years)):
                count, codes = years.get(year, (0, [False] * len(OBLIGATIONS)))
                row: Row = {
                    "ccode": ccode,
                    "stateabb": abb,
                    "year": year,
                    "source": src,
                    "allies": count,
                    "alliance": count > 0,
                }
                row.update(zip(OBLIGATIONS, codes, strict=True))
                yield row


def _allied_ccodes(session: Session, source: str) -> set[int]:
    return set(
        session.scalars(
            select(State.ccode)
            .join(Membership, Membership.state_id == State.id)
            .join(Alliance, Alliance.id == Membership.alliance_id)
            .join(Source, Source.id == Alliance.source_id)
            .where(Source.key == source)
            .distinct()
        )
    )


def _allied_years(
    rows: Iterator[Row],
) -> Iterator[tuple[int, str, dict[int, tuple[int, list[bool | None]]]]]:
    """Group directed dyad-years (ordered by ccode1) into per-state year summaries."""
    current: int | None = None
    abb = ""
    years: dict[int, tuple[set[int], list[bool | None]]] = {}
    for row in rows:
        if row["ccode1"] != current:
            if current is not None:
                yield current, abb, {y: (len(a), c) for y, (a, c) in years.items()}
            current, abb, years = row["ccode1"], row["stateabb1"], {}
        codes = [row[o] for o in OBLIGATIONS]
        entry = years.get(row["year"])
        if entry is None:
            years[row["year"]] = ({row["ccode2"]}, codes)
        else:
            entry[0].add(row["ccode2"])
            years[row["year"]] = (
                entry[0],
                [_merge(a, b) for a, b in zip(entry[1], codes, strict=True)],
            )
    if current is not None:
        yield current, abb, {y: (len(a), c) for y, (a, c) in years.items()}
