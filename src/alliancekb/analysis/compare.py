"""Each source's coding of a pair of states, period by period, with disagreements marked.

A pair is allied in a source on a day when both states belong to one of the source's
alliances, in the same phase, on that day (the dyad rule of `rules`). The timeline is cut
wherever any source's coding changes, so each period has one answer per source: allied (which
alliances, their dates and obligations), not allied, or unknown (outside the source's coverage
in time or space, where it says nothing). Sources that speak disagree on a period when one
codes the pair allied and another not, when their obligations contradict (one yes, one no), or
when the alliances in force over the period begin or end on different days (the earliest
start and latest end of each source's alliances, compared inside the years every speaking
source covers: ATOP 1380 runs 1891-1917 where COW 73 ends in 1893).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliancekb.analysis.rules import (
    ONE_DAY,
    Coverage,
    MembershipPairs,
    Period,
    common_period,
    coverages,
    merge_all,
)
from alliancekb.database.models import OBLIGATIONS, Alliance, Source
from alliancekb.database.states import StateDirectory, StateInfo
from alliancekb.errors import InvalidInput
from alliancekb.formats import describe_obligations

Row = dict[str, Any]
UNKNOWN = "unknown"
NOT_ALLIED = "not allied"
Codes = tuple[bool | None, ...]


@dataclass(frozen=True)
class Spell:
    """Both states in one alliance (and phase) of a source, over `period`; `alliance`: the
    alliance's own dates."""

    period: Period
    alliance: Period
    label: str
    codes: Codes


def _spells(
    session: Session, a: StateInfo, b: StateInfo, coverage: dict[str, Coverage]
) -> dict[str, list[Spell]]:
    pairs = MembershipPairs()
    mine, theirs = pairs.mine, pairs.theirs
    query = (
        pairs.select(
            Source.key,
            Alliance.key,
            Alliance.start,
            Alliance.end,
            Alliance.start_day,
            Alliance.end_day,
            mine.start_day,
            mine.end_day,
            theirs.start_day,
            theirs.end_day,
            *(getattr(mine, o) for o in OBLIGATIONS),
            *(getattr(theirs, o) for o in OBLIGATIONS),
        )
        .where(mine.state_id == a.id, theirs.state_id == b.id)
        .order_by(Source.key, mine.start_day, Alliance.key)
    )
    found: dict[str, list[Spell]] = {}
    n = len(OBLIGATIONS)
    for row in session.execute(query):
        src, key, start, end, first, last, s1, e1, s2, e2 = row[:10]
        if src not in coverage:
            continue
        open_end = coverage[src].open_end
        common = common_period(s1, e1, s2, e2, open_end)
        if common is None:
            continue
        codes = merge_all(row[10 : 10 + n], row[10 + n : 10 + 2 * n])
        label = f"{key} {start}/{end or '..'}"
        dates = Period(first, min(last or open_end, open_end))
        found.setdefault(src, []).append(Spell(common, dates, label, codes))
    return found


@dataclass(frozen=True)
class _Coding:
    """One source's answer for one period."""

    text: str
    allied: bool | None  # None: unknown
    codes: Codes = ()
    dates: Period | None = None


def _coding(spells: list[Spell], first: dt.date, last: dt.date) -> _Coding:
    active = [s for s in spells if s.period.first <= first and last <= s.period.last]
    if not active:
        return _Coding(NOT_ALLIED, False)
    parts = []
    codes = active[0].codes
    for spell in active:
        described = describe_obligations(dict(zip(OBLIGATIONS, spell.codes, strict=True)))
        parts.append(spell.label if described == "unknown" else f"{spell.label} ({described})")
        codes = merge_all(codes, spell.codes)
    dates = Period(min(s.alliance.first for s in active), max(s.alliance.last for s in active))
    return _Coding("allied: " + "; ".join(parts), True, codes, dates)


def _differences(codings: list[_Coding], common: Period | None) -> list[str]:
    """What the sources that speak disagree on: allied, obligations, dates."""
    known = [c for c in codings if c.allied is not None]
    differs = []
    if len({c.allied for c in known}) > 1:
        differs.append("allied")
    allied = [c for c in known if c.allied]
    if any(
        x is not None and y is not None and x != y
        for i, c in enumerate(allied)
        for d in allied[i + 1 :]
        for x, y in zip(c.codes, d.codes, strict=True)
    ):
        differs.append("obligations")
    if common is not None:
        stretches = {c.dates and common.clip(c.dates.first, c.dates.last) for c in allied}
        if len(stretches) > 1:
            differs.append("dates")
    return differs


def _alliance_sources(session: Session, wanted: Sequence[str]) -> dict[str, Coverage]:
    if wanted:
        return coverages(session, wanted)
    keys = session.scalars(
        select(Source.key).where(Source.id.in_(select(Alliance.source_id))).order_by(Source.key)
    )
    return coverages(session, list(keys))


def compare(
    session: Session,
    state_a: str,
    state_b: str,
    sources: Sequence[str] = (),
    period: Period = Period.years(),
) -> Iterator[Row]:
    """One row per period: each source's coding of the pair, and where the sources disagree.

    Rows carry ccode1/stateabb1/name1, ccode2/stateabb2/name2, start, end (ISO days), one
    column per source (its key), `disagree` and `differs` (what they disagree on: allied,
    obligations, dates). `sources`: only these (default: every source of alliances).
    """
    directory = StateDirectory(session)
    a, b = directory.resolve(state_a), directory.resolve(state_b)
    if a.id == b.id:
        raise InvalidInput(f"'{state_a}' and '{state_b}' are the same state: give two states")
    coverage = _alliance_sources(session, sources)
    if not coverage:
        return
    spells = _spells(session, a, b, coverage)
    # A source that does not speak for the pair (coverage in space) is unknown throughout.
    spoken = {src: cov.period for src, cov in coverage.items() if cov.covers_pair(a.ccode, b.ccode)}
    cuts = {c.period.first for c in coverage.values()}
    cuts |= {c.open_end + ONE_DAY for c in coverage.values()}
    for found in spells.values():
        cuts |= {s.period.first for s in found} | {s.period.last + ONE_DAY for s in found}
    if period.asked_first is not None:
        cuts = {c for c in cuts if c >= period.first} | {period.first}
    if period.asked_last is not None:
        cuts = {c for c in cuts if c <= period.last + ONE_DAY} | {period.last + ONE_DAY}
    periods: list[tuple[dt.date, dt.date, dict[str, _Coding]]] = []
    for first, following in pairwise(sorted(cuts)):
        last = following - ONE_DAY
        codings = {
            src: _coding(spells.get(src, []), first, last)
            if src in spoken and spoken[src].first <= first and last <= spoken[src].last
            else _Coding(UNKNOWN, None)
            for src in coverage
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
        speaking = [spoken[src] for src, c in codings.items() if c.allied is not None]
        common = None
        if speaking:
            common = Period(max(p.first for p in speaking), min(p.last for p in speaking))
        differs = _differences(list(codings.values()), common)
        yield {
            **pair,
            "start": first.isoformat(),
            "end": last.isoformat(),
            **{src: c.text for src, c in codings.items()},
            "disagree": bool(differs),
            "differs": differs,
        }
