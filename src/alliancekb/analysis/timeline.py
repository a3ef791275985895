"""A state's alliances over time as a Gantt-style picture: gathered as plain data, then drawn.

`gather` reads what the picture shows (one lane per partner, a bar per alliance and source,
treaty markers, shading for shared values and shared security, events) without any plotting
library; `render` draws it with matplotlib, imported only then (the optional extra `plot`).
An alliance with more than MAX_PARTNERS other members gets a lane of its own, so a
multilateral pact such as ATOP's ASEAN Treaty of Amity does not bury the bilateral ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from alliancekb.analysis.rules import Coverage, MembershipPairs, Period, coverages, source_id
from alliancekb.database.models import (
    Alignment,
    Alliance,
    Event,
    EventParticipant,
    Source,
    Treaty,
    TreatyParty,
)
from alliancekb.database.states import StateDirectory
from alliancekb.errors import AllianceKBError

MAX_PARTNERS = 4
FORMATS = ("svg", "png")
INSTALL_HINT = "the timeline needs matplotlib: pip install 'alliancekb[plot]'"


class PlotUnavailable(AllianceKBError):
    """matplotlib (the `plot` extra) is not installed."""


@dataclass(frozen=True)
class Bar:
    """One source's coding of an alliance between the state and the lane's partner."""

    source: str
    key: str
    start: dt.date
    end: dt.date
    ongoing: bool


@dataclass(frozen=True)
class Shade:
    kind: str  # "shared ideology" or "shared security"
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Marker:
    kind: str  # "signed" or "ended"
    day: dt.date
    treaty: str


@dataclass
class Lane:
    label: str
    ccode: int | None  # None: a lane for one multilateral alliance
    bars: list[Bar] = field(default_factory=list)
    shades: list[Shade] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)

    @property
    def begins(self) -> dt.date:
        return min([b.start for b in self.bars] + [s.start for s in self.shades])


@dataclass(frozen=True)
class EventMark:
    key: str
    title: str
    kind: str
    start: dt.date
    end: dt.date


@dataclass
class Timeline:
    state: str
    names: list[str]
    first: int
    last: int
    sources: list[str]
    lanes: list[Lane]
    events: list[EventMark]
    coverage: dict[str, tuple[int, int | None]] = field(default_factory=dict)


def _clip(start: dt.date, end: dt.date, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    return max(start, first), min(end, last)


def _names(directory: StateDirectory, state_id: int, first: dt.date, last: dt.date) -> list[str]:
    """The state's names in force over the period, in order, without repeats."""
    names: list[str] = []
    for year in range(first.year, last.year + 1):
        name = directory.name_on(state_id, max(first, dt.date(year, 1, 1)))
        if name not in names:
            names.append(name)
    return names


def gather(session: Session, state: str, period: Period, sources: Iterable[str] = ()) -> Timeline:
    """Everything the timeline of STATE shows, clipped to the period (default: its records)."""
    directory = StateDirectory(session)
    focal = directory.resolve(state)
    source_ids = [source_id(session, key) for key in sources]
    coverage = coverages(session)
    pairs_of = MembershipPairs()
    mine, theirs = pairs_of.mine, pairs_of.theirs
    query = (
        pairs_of.select(
            theirs.state_id,
            Source.key,
            Alliance.id,
            Alliance.key,
            Alliance.title,
            Alliance.treaty_id,
            mine.start_day,
            mine.end_day,
            theirs.start_day,
            theirs.end_day,
        )
        .where(mine.state_id == focal.id, theirs.state_id != focal.id)
        .order_by(Alliance.key)
    )
    if source_ids:
        query = query.where(Alliance.source_id.in_(source_ids))
    # A pair outside a source's coverage in space is unknown there: no bar.
    pairs = [
        row
        for row in session.execute(query)
        if coverage[row[1]].covers_pair(focal.ccode, directory.by_id[row[0]].ccode)
    ]
    partners: dict[int, set[int]] = {}
    for row in pairs:
        partners.setdefault(row[2], set()).add(row[0])
    lanes: dict[Any, Lane] = {}
    treaty_lanes: dict[int, list[Any]] = {}
    for partner, src, aid, key, title, treaty_id, s1, e1, s2, e2 in pairs:
        open_end = coverage[src].open_end
        start, end = max(s1, s2), min(e1 or open_end, e2 or open_end)
        if start > end:
            continue
        multilateral = len(partners[aid]) > MAX_PARTNERS
        lane_key: Any = ("alliance", aid) if multilateral else partner
        if lane_key not in lanes:
            label = f"{title or key} ({len(partners[aid]) + 1} members)" if multilateral else ""
            lanes[lane_key] = Lane(label, None if multilateral else directory.by_id[partner].ccode)
        bar = Bar(src, key, s1 if multilateral else start, e1 or open_end, e1 is None)
        if not multilateral:
            bar = Bar(src, key, start, end, e1 is None and e2 is None)
        if bar not in lanes[lane_key].bars:
            lanes[lane_key].bars.append(bar)
        if treaty_id is not None:
            treaty_lanes.setdefault(treaty_id, []).append(lane_key)
    _add_shades(session, focal.id, lanes, directory, coverage)
    _add_treaties(session, focal.id, lanes, treaty_lanes)
    return _finish(session, directory, focal.id, period, lanes, sources)


def _add_shades(
    session: Session,
    focal: int,
    lanes: dict[Any, Lane],
    directory: StateDirectory,
    coverage: dict[str, Coverage],
) -> None:
    rows = session.execute(
        select(Alignment, Source.key)
        .join(Source, Source.id == Alignment.source_id)
        .where(or_(Alignment.state_a_id == focal, Alignment.state_b_id == focal))
        .order_by(Alignment.start_day)
    )
    for alignment, src in rows:
        partner = alignment.state_b_id if alignment.state_a_id == focal else alignment.state_a_id
        end = alignment.end_day or coverage[src].open_end
        lane = lanes.setdefault(partner, Lane("", directory.by_id[partner].ccode))
        for kind, flag in (
            ("shared ideology", alignment.shared_ideology),
            ("shared security", alignment.shared_security),
        ):
            if flag:
                lane.shades.append(Shade(kind, alignment.start_day, end))


def _add_treaties(
    session: Session, focal: int, lanes: dict[Any, Lane], treaty_lanes: dict[int, list[Any]]
) -> None:
    """Signing and end markers: on the lane of each alliance the treaty founds, and on the
    lane of the other party of a bilateral treaty of the state."""
    other = aliased(TreatyParty)
    bilateral = session.execute(
        select(Treaty.id, other.state_id)
        .join(TreatyParty, and_(TreatyParty.treaty_id == Treaty.id, TreatyParty.state_id == focal))
        .join(other, and_(other.treaty_id == Treaty.id, other.state_id != focal))
    ).all()
    targets = {tid: set(keys) for tid, keys in treaty_lanes.items()}
    counts: dict[int, int] = {}
    for tid, _partner in bilateral:
        counts[tid] = counts.get(tid, 0) + 1
    for tid, partner in bilateral:
        if counts[tid] == 1 and partner in lanes:
            targets.setdefault(tid, set()).add(partner)
    if not targets:
        return
    for treaty in session.scalars(select(Treaty).where(Treaty.id.in_(targets))):
        label = treaty.title if len(treaty.title) <= 40 else treaty.key
        for lane_key in targets[treaty.id]:
            lane = lanes[lane_key]
            if treaty.signed_day is not None:
                lane.markers.append(Marker("signed", treaty.signed_day, label))
            if treaty.ended_day is not None:
                lane.markers.append(Marker("ended", treaty.ended_day, label))


def _finish(
    session: Session,
    directory: StateDirectory,
    focal: int,
    period: Period,
    lanes: dict[Any, Lane],
    sources: Iterable[str],
) -> Timeline:
    info = directory.by_id[focal]
    if not lanes:
        raise AllianceKBError(
            f"{info.name} ({info.ccode} {info.stateabb}) has no alliance or alignment "
            f"{'in ' + ', '.join(sources) + ' ' if sources else ''}to draw: "
            "check the state or the sources asked"
        )
    events = _events(session, focal, {lane.ccode for lane in lanes.values()}, directory)
    ends = [b.end for lane in lanes.values() for b in lane.bars]
    ends += [s.end for lane in lanes.values() for s in lane.shades]
    own = _own_events(session, focal)
    ends += [e.end for e in events if e.key in own]
    begins = min(ln.begins for ln in lanes.values()).year
    first = period.asked_first if period.asked_first is not None else begins - begins % 5
    last = period.asked_last if period.asked_last is not None else max(ends).year
    asked = f"{period.asked_first or ''}-{period.asked_last or ''}"
    nothing = (
        f"{info.name} has nothing to draw in {asked}: its records run "
        f"{begins}-{max(ends).year}; widen the years asked"
    )
    if first > last:
        raise AllianceKBError(nothing)
    lo, hi = dt.date(first, 1, 1), dt.date(last, 12, 31)
    kept = []
    for lane in lanes.values():
        lane.bars = [
            Bar(b.source, b.key, *_clip(b.start, b.end, lo, hi), b.ongoing)
            for b in lane.bars
            if b.start <= hi and b.end >= lo
        ]
        lane.shades = [
            Shade(s.kind, *_clip(s.start, s.end, lo, hi))
            for s in lane.shades
            if s.start <= hi and s.end >= lo
        ]
        lane.markers = sorted(
            (m for m in lane.markers if lo <= m.day <= hi), key=lambda m: (m.day, m.kind)
        )
        if lane.bars or lane.shades:
            if lane.ccode is not None:
                state_id = next(i for i, s in directory.by_id.items() if s.ccode == lane.ccode)
                lane.label = " / ".join(_names(directory, state_id, lo, hi))
            kept.append(lane)
    if not kept:
        raise AllianceKBError(nothing)
    kept.sort(key=lambda ln: (ln.begins, ln.ccode is None, ln.ccode or 0, ln.label))
    used = sorted({b.source for lane in kept for b in lane.bars})
    return Timeline(
        state=info.name,
        names=_names(directory, focal, lo, hi),
        first=first,
        last=last,
        sources=used,
        lanes=kept,
        events=[e for e in events if e.start <= hi and e.end >= lo],
        coverage={
            key: (start, end)
            for key, start, end in session.execute(
                select(Source.key, Source.coverage_start, Source.coverage_end)
                .where(Source.key.in_(used))
                .order_by(Source.key)
            )
        },
    )


def _own_events(session: Session, focal: int) -> set[str]:
    return set(
        session.scalars(
            select(Event.key)
            .join(EventParticipant, EventParticipant.event_id == Event.id)
            .where(EventParticipant.state_id == focal)
        )
    )


def _events(
    session: Session, focal: int, partners: set[int | None], directory: StateDirectory
) -> list[EventMark]:
    """Events of the state, and those of the partners that are wars or dissolutions."""
    ids = {i for i, s in directory.by_id.items() if s.ccode in partners}
    query = (
        select(Event)
        .join(EventParticipant, EventParticipant.event_id == Event.id)
        .where(
            or_(
                EventParticipant.state_id == focal,
                and_(EventParticipant.state_id.in_(ids), Event.kind.in_(("war", "dissolution"))),
            )
        )
        .distinct()
        .order_by(Event.start_day, Event.key)
    )
    return [
        EventMark(e.key, e.title, e.kind, e.start_day, e.end_day or e.start_day)
        for e in session.scalars(query)
    ]


def require_matplotlib() -> None:
    """Raise PlotUnavailable naming the extra to install when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PlotUnavailable(INSTALL_HINT) from None
