"""Listings by year or day: states, alliances, allies, treaties, alignments, events.

Each function yields plain dict rows (JSON-ready: dates as ISO text, lists as lists). The
rules: a record is in force in a year when it overlaps the year by at least a day; an ongoing
record is in force to the end of its source's coverage; outside a source's coverage the source
says nothing (its records are left out and `coverage_notes` says so).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Select, and_, or_, select, true
from sqlalchemy.orm import Session, aliased, selectinload

from alliancekb import collector
from alliancekb.database.models import (
    OBLIGATIONS,
    Alignment,
    Alliance,
    Event,
    EventParticipant,
    Membership,
    Source,
    State,
    SystemSpell,
    Treaty,
    TreatyParty,
)
from alliancekb.database.states import StateDirectory, StateInfo, name_day
from alliancekb.errors import AllianceKBError, NotFound

Row = dict[str, Any]


@dataclass(frozen=True)
class Window:
    """The time a query asks about: a whole year, a single day, or all time."""

    first: dt.date | None = None
    last: dt.date | None = None
    year: int | None = None
    on: dt.date | None = None

    @classmethod
    def of(cls, year: int | None = None, on: dt.date | None = None) -> Window:
        if year is not None and on is not None:
            raise AllianceKBError("give --year or --on, not both")
        if on is not None:
            return cls(on, on, on.year, on)
        if year is not None:
            return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), year, None)
        return cls()

    @property
    def name_day(self) -> dt.date | None:
        return name_day(self.year, self.on)

    def overlaps(self, model: Any) -> Any:
        """SQL: the record overlaps the window (an open end runs on)."""
        if self.first is None or self.last is None:
            return true()
        return and_(
            model.start_day <= self.last, or_(model.end_day.is_(None), model.end_day >= self.first)
        )

    def covered_by(self, source: Any) -> Any:
        """SQL: the source speaks for the window's year."""
        if self.year is None:
            return true()
        return and_(
            source.coverage_start <= self.year,
            or_(source.coverage_end.is_(None), source.coverage_end >= self.year),
        )


def _state_columns(directory: StateDirectory, info: StateInfo, day: dt.date | None) -> Row:
    return {"ccode": info.ccode, "stateabb": info.stateabb, "name": directory.name_on(info.id, day)}


def _source_id(session: Session, key: str | None) -> int | None:
    if key is None:
        return None
    found = session.scalar(select(Source.id).where(Source.key == key))
    if found is None:
        known = ", ".join(session.scalars(select(Source.key).order_by(Source.key)))
        raise NotFound(f"unknown source '{key}' (known: {known})")
    return found


def coverage_notes(
    session: Session, window: Window, source: str | None = None, kind: type[Any] = Alliance
) -> list[str]:
    """One line per source of `kind` records that does not speak for the year asked."""
    if window.year is None:
        return []
    query = select(Source).where(Source.id.in_(select(kind.source_id))).order_by(Source.key)
    if source is not None:
        query = query.where(Source.key == source)
    notes = []
    for src in session.scalars(query):
        end = src.coverage_end
        if window.year < src.coverage_start or (end is not None and window.year > end):
            span = f"{src.coverage_start}-{end if end is not None else ''}"
            notes.append(f"{src.key} covers {span}: its answer for {window.year} is unknown")
    return notes


# --- states ----------------------------------------------------------------------------------


def states(session: Session, window: Window, state: str | None = None) -> Iterator[Row]:
    """States, named as of the window; with a window, those in the state system then."""
    directory = StateDirectory(session, preload=False)
    query = select(State).options(selectinload(State.spells)).order_by(State.ccode)
    if state is not None:
        query = query.where(State.id == directory.resolve(state).id)
    if window.first is not None:
        query = query.where(
            State.id.in_(select(SystemSpell.state_id).where(window.overlaps(SystemSpell)))
        )
    for row in session.scalars(query):
        info = directory.by_id[row.id]
        yield {
            **_state_columns(directory, info, window.name_day),
            "iso3": row.iso3,
            "gwcode": row.gwcode,
            "system": "; ".join(f"{s.start}/{s.end or ''}" for s in row.spells),
            "source": row.source.key,
        }


# --- alliances and allies --------------------------------------------------------------------


def alliances(
    session: Session, window: Window, state: str | None = None, source: str | None = None
) -> Iterator[Row]:
    """Alliances in force in the window (each source's coding), optionally of one state, with
    the members they had in the window.

    One Core query (alliance columns with each member and its state, an alliance's members
    together), then the members' names over time, a few hundred states per query. ORM objects
    would cost more than the answer at world scale.
    """
    directory = StateDirectory(session, preload=False)
    source_id = _source_id(session, source)
    treaty = aliased(Treaty)
    in_force = [window.overlaps(Alliance), window.overlaps(Membership), window.covered_by(Source)]
    if source_id is not None:
        in_force.append(Alliance.source_id == source_id)
    if state is not None:
        member = directory.resolve(state)
        in_force.append(
            Alliance.id.in_(
                select(Membership.alliance_id).where(
                    Membership.state_id == member.id, window.overlaps(Membership)
                )
            )
        )
    query = (
        select(
            Alliance.id,
            Alliance.key,
            Source.key,
            Alliance.start,
            Alliance.end,
            Alliance.start_day,
            Alliance.title,
            Alliance.formal,
            treaty.key,
            Alliance.external_id,
            Membership.state_id,
            State.ccode,
            State.stateabb,
            State.name,
        )
        .join(Source, Source.id == Alliance.source_id)
        .join(Membership, Membership.alliance_id == Alliance.id)
        .join(State, State.id == Membership.state_id)
        .outerjoin(treaty, treaty.id == Alliance.treaty_id)
        .where(*in_force)
        .order_by(Alliance.start_day, Alliance.key, Alliance.id, State.ccode)
    )
    with collector.paused():
        rows: list[Any] = list(session.connection().execute(query))
        for state_id, ccode, stateabb, name in {row[10]: row[10:14] for row in rows}.values():
            directory.known(state_id, ccode, stateabb, name)
        directory.preload(row[10] for row in rows)  # the members' names over time
    for _alliance_id, group in groupby(rows, key=itemgetter(0)):
        first, *more = group
        key, src, start, end, start_day, title, formal, treaty_key, ext = first[1:10]
        ids = [first[10]]
        for row in more:
            if row[10] != ids[-1]:  # a member of two phases is listed once
                ids.append(row[10])
        day = window.name_day or start_day
        yield {
            "key": key,
            "source": src,
            "start": start,
            "end": end,
            "title": title,
            "formal": formal,
            "treaty": treaty_key,
            "external_id": ext,
            "members": [directory.by_id[i].stateabb for i in ids],
            "member_names": [directory.name_on(i, day) for i in ids],
        }


Flag = TypeVar("Flag", bool, int)


def _merge(a: Flag | None, b: Flag | None) -> Flag | None:
    """Either says yes: yes; both say no: no; else unknown. For booleans or 1/0 alike."""
    if a == 1:
        return a
    if b == 1:
        return b
    if a == 0 and b == 0:
        return a
    return None


def describe_obligations(values: dict[str, bool | None]) -> str:
    if all(v is None for v in values.values()):
        return "unknown"
    held = [name for name, v in values.items() if v]
    unknown = [name for name, v in values.items() if v is None]
    text = ", ".join(held) if held else "none"
    return text + (f" ({', '.join(unknown)} unknown)" if unknown else "")


def allies(
    session: Session, state: str, window: Window, source: str | None = None
) -> Iterator[Row]:
    """Each ally of a state in the window once, with every source that codes the pair allied.

    Two states are allied when both belong to the same alliance, in the same phase, on at
    least one common day of the window.
    """
    directory = StateDirectory(session, preload=False)
    focal = directory.resolve(state)
    source_id = _source_id(session, source)
    mine, theirs = aliased(Membership), aliased(Membership)
    query: Select[Any] = (
        select(
            theirs.state_id,
            Source.key,
            Source.coverage_end,
            Alliance.key,
            mine.start_day,
            mine.end_day,
            theirs.start_day,
            theirs.end_day,
            *(getattr(mine, o) for o in OBLIGATIONS),
            *(getattr(theirs, o) for o in OBLIGATIONS),
        )
        .join(theirs, and_(theirs.alliance_id == mine.alliance_id, theirs.phase == mine.phase))
        .join(Alliance, Alliance.id == mine.alliance_id)
        .join(Source, Source.id == Alliance.source_id)
        .where(
            mine.state_id == focal.id,
            theirs.state_id != focal.id,
            window.overlaps(mine),
            window.overlaps(theirs),
            window.covered_by(Source),
        )
    )
    if source_id is not None:
        query = query.where(Alliance.source_id == source_id)
    found: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    n = len(OBLIGATIONS)
    for row in session.execute(query):
        ally_id, src, cov_end, key, s1, e1, s2, e2 = row[:8]
        open_end = dt.date(cov_end, 12, 31) if cov_end else dt.date.max
        first = max(s1, s2, window.first or dt.date.min)
        last = min(e1 or open_end, e2 or open_end, window.last or dt.date.max)
        if first > last:
            continue
        codes = {name: _merge(row[8 + i], row[8 + n + i]) for i, name in enumerate(OBLIGATIONS)}
        entry = found[ally_id].get(src)
        if entry is None:
            found[ally_id][src] = {"alliances": {key}, "obligations": codes}
            continue
        entry["alliances"].add(key)
        for name, value in codes.items():
            entry["obligations"][name] = _merge(entry["obligations"][name], value)
    day = window.name_day
    directory.preload(found)
    for ally_id in sorted(found, key=lambda i: directory.by_id[i].ccode):
        by_source = found[ally_id]
        yield {
            **_state_columns(directory, directory.by_id[ally_id], day),
            "sources": sorted(by_source),
            "alliances": sorted(k for v in by_source.values() for k in v["alliances"]),
            "obligations": [
                f"{src}: {describe_obligations(by_source[src]['obligations'])}"
                for src in sorted(by_source)
            ],
        }


# --- treaties, alignments, events ------------------------------------------------------------


def treaties(
    session: Session, window: Window, state: str | None = None, source: str | None = None
) -> Iterator[Row]:
    """Treaties (signed to ended) in the window, optionally with a state among the parties."""
    directory = StateDirectory(session, preload=False)
    source_id = _source_id(session, source)
    query: Select[Any] = (
        select(Treaty)
        .join(Treaty.source)
        .options(selectinload(Treaty.parties), selectinload(Treaty.supersedes))
        .order_by(Treaty.signed_day, Treaty.key)
    )
    if window.first is not None:
        query = query.where(
            Treaty.signed_day <= window.last,
            or_(Treaty.ended_day.is_(None), Treaty.ended_day >= window.first),
            window.covered_by(Source),
        )
    if source_id is not None:
        query = query.where(Treaty.source_id == source_id)
    if state is not None:
        party = directory.resolve(state)
        query = query.where(
            Treaty.id.in_(select(TreatyParty.treaty_id).where(TreatyParty.state_id == party.id))
        )
    superseded_by = {
        old: new
        for old, new in session.execute(
            select(Treaty.supersedes_id, Treaty.key).where(Treaty.supersedes_id.is_not(None))
        )
    }
    for row in session.scalars(query):
        parties = sorted((p.state_id for p in row.parties), key=lambda i: directory.by_id[i].ccode)
        yield {
            "key": row.key,
            "title": row.title,
            "source": row.source.key,
            "start": row.signed,
            "end": row.ended,
            "signed": row.signed,
            "in_force": row.in_force,
            "ended": row.ended,
            "parties": [directory.by_id[i].stateabb for i in parties],
            "supersedes": row.supersedes.key if row.supersedes else None,
            "superseded_by": superseded_by.get(row.id),
            "atopid": row.atopid,
            "cow4id": row.cow4id,
        }


def alignments(
    session: Session, window: Window, state: str | None = None, source: str | None = None
) -> Iterator[Row]:
    """Shared-ideology and shared-security flags per dyad and period (None = unknown)."""
    directory = StateDirectory(session, preload=False)
    source_id = _source_id(session, source)
    query: Select[Any] = (
        select(Alignment)
        .join(Alignment.source)
        .where(window.overlaps(Alignment), window.covered_by(Source))
        .order_by(Alignment.start_day, Alignment.key)
    )
    if source_id is not None:
        query = query.where(Alignment.source_id == source_id)
    if state is not None:
        sid = directory.resolve(state).id
        query = query.where(or_(Alignment.state_a_id == sid, Alignment.state_b_id == sid))
    for row in session.scalars(query):
        day = window.name_day or row.start_day
        a, b = directory.by_id[row.state_a_id], directory.by_id[row.state_b_id]
        yield {
            "key": row.key,
            "source": row.source.key,
            "start": row.start,
            "end": row.end,
            "ccode1": a.ccode,
            "stateabb1": a.stateabb,
            "name1": directory.name_on(a.id, day),
            "ccode2": b.ccode,
            "stateabb2": b.stateabb,
            "name2": directory.name_on(b.id, day),
            "shared_ideology": row.shared_ideology,
            "shared_security": row.shared_security,
            "rationale": row.rationale,
        }


def events(
    session: Session, window: Window, state: str | None = None, source: str | None = None
) -> Iterator[Row]:
    """Events (wars, summits, dissolutions) in the window, optionally with a participant."""
    directory = StateDirectory(session, preload=False)
    source_id = _source_id(session, source)
    query: Select[Any] = (
        select(Event)
        .options(selectinload(Event.participants), selectinload(Event.source))
        .where(window.overlaps(Event))
        .order_by(Event.start_day, Event.key)
    )
    if source_id is not None:
        query = query.where(Event.source_id == source_id)
    if state is not None:
        sid = directory.resolve(state).id
        query = query.where(
            Event.id.in_(select(EventParticipant.event_id).where(EventParticipant.state_id == sid))
        )
    for row in session.scalars(query):
        parties = sorted(
            (p.state_id for p in row.participants), key=lambda i: directory.by_id[i].ccode
        )
        yield {
            "key": row.key,
            "title": row.title,
            "kind": row.kind,
            "source": row.source.key,
            "start": row.start,
            "end": row.end,
            "participants": [directory.by_id[i].stateabb for i in parties],
        }
