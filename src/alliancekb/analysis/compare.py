"""Each source's coding of a pair of states, period by period, with disagreements marked.

A pair is allied in a source on a day when both states belong to one of the source's
alliances, in the same phase, on that day. The timeline is cut wherever any source's coding
changes, so each period has one answer per source: allied (which alliances, their dates and
obligations), not allied, or unknown (outside the source's coverage, where it says nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from alliancekb.analysis.queries import _merge, describe_obligations
from alliancekb.database.models import OBLIGATIONS, Alliance, Membership, Source
from alliancekb.database.states import StateDirectory, StateInfo
from alliancekb.errors import AllianceKBError

Row = dict[str, Any]
UNKNOWN = "unknown"
NOT_ALLIED = "not allied"
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Spell:
    """Both states in one alliance (and phase) of a source, from first to last day."""

    first: dt.date
    last: dt.date
    label: str
    codes: tuple[bool | None, ...]


@dataclass(frozen=True)
class Coverage:
    first: dt.date
    last: dt.date


def _coverage(start: int, end: int | None) -> Coverage:
    last = dt.date(end, 12, 31) if end is not None else dt.date(dt.date.today().year, 12, 31)
    return Coverage(dt.date(start, 1, 1), last)


def _spells(session: Session, a: StateInfo, b: StateInfo) -> dict[str, list[Spell]]:
    mine, theirs = aliased(Membership), aliased(Membership)
    query = (
        select(
            Source.key,
            Source.coverage_end,
            Alliance.key,
            Alliance.start,
            Alliance.end,
            mine.start_day,
            mine.end_day,
            theirs.start_day,
            theirs.end_day,
            *(getattr(mine, o) for o in OBLIGATIONS),
            *(getattr(theirs, o) for o in OBLIGATIONS),
        )
        .select_from(mine)
        .join(theirs, and_(theirs.alliance_id == mine.alliance_id, theirs.phase == mine.phase))
        .join(Alliance, Alliance.id == mine.alliance_id)
        .join(Source, Source.id == Alliance.source_id)
        .where(mine.state_id == a.id, theirs.state_id == b.id)
        .order_by(Source.key, mine.start_day, Alliance.key)
    )
    found: dict[str, list[Spell]] = {}
    n = len(OBLIGATIONS)
    for row in session.execute(query):
        src, cov_end, key, start, end, s1, e1, s2, e2 = row[:9]
        open_end = _coverage(1000, cov_end).last
        first, last = max(s1, s2), min(e1 or open_end, e2 or open_end)
        if first > last:
            continue
        codes = tuple(_merge(row[9 + i], row[9 + n + i]) for i in range(n))
        label = f"{key} {start}/{end or '..'}"
        found.setdefault(src, []).append(Spell(first, last, label, codes))
    return found


def _coding(spells: list[Spell], first: dt.date, last: dt.date) -> str:
    active = [s for s in spells if s.first <= first and last <= s.last]
    if not active:
        return NOT_ALLIED
    parts = []
    for spell in active:
        described = describe_obligations(dict(zip(OBLIGATIONS, spell.codes, strict=True)))
        parts.append(spell.label if described == "unknown" else f"{spell.label} ({described})")
    return "allied: " + "; ".join(parts)


def compare(session: Session, state_a: str, state_b: str) -> Iterator[Row]:
    """One row per period: each source's coding of the pair, and whether the sources disagree.

    Rows carry ccode1/stateabb1/name1, ccode2/stateabb2/name2, start, end (ISO days), one
    column per source (its key) and `disagree` (the sources that speak differ on allied).
    """
    directory = StateDirectory(session)
    a, b = directory.resolve(state_a), directory.resolve(state_b)
    if a.id == b.id:
        raise AllianceKBError(f"'{state_a}' and '{state_b}' are the same state: give two states")
    coverage = {
        key: _coverage(start, end)
        for key, start, end in session.execute(
            select(Source.key, Source.coverage_start, Source.coverage_end)
            .where(Source.id.in_(select(Alliance.source_id)))
            .order_by(Source.key)
        )
    }
    if not coverage:
        return
    spells = _spells(session, a, b)
    cuts = {c.first for c in coverage.values()} | {c.last + ONE_DAY for c in coverage.values()}
    for found in spells.values():
        cuts |= {s.first for s in found} | {s.last + ONE_DAY for s in found}
    bounds = sorted(cuts)
    periods: list[tuple[dt.date, dt.date, dict[str, str]]] = []
    for first, following in pairwise(bounds):
        last = following - ONE_DAY
        codings = {
            src: _coding(spells.get(src, []), first, last)
            if cov.first <= first and last <= cov.last
            else UNKNOWN
            for src, cov in coverage.items()
        }
        if periods and periods[-1][2] == codings:
            periods[-1] = (periods[-1][0], last, codings)
        else:
            periods.append((first, last, codings))
    pair = {
        "ccode1": a.ccode,
        "stateabb1": a.stateabb,
        "name1": a.name,
        "ccode2": b.ccode,
        "stateabb2": b.stateabb,
        "name2": b.name,
    }
    for first, last, codings in periods:
        known = {c.startswith("allied") for c in codings.values() if c != UNKNOWN}
        yield {
            **pair,
            "start": first.isoformat(),
            "end": last.isoformat(),
            **codings,
            "disagree": len(known) > 1,
        }
