"""Listings by year or day: states, alliances, allies, treaties, alignments, events.

Each function yields plain dict rows (JSON-ready: dates as ISO text, lists as lists). The
rules: a record is in force in a year when it overlaps the year by at least a day; an ongoing
record is in force to the end of its source's coverage; outside a source's coverage the source
says nothing (its records are left out and `coverage_notes` says so).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from alliancekb.analysis.rules import (
    MembershipPairs,
    Period,
    common_period,
    coverages,
    has_obligation,
    merge_all,
    obligations_asked,
    source_id,
    sql_covers_year,
    sql_overlaps,
)
from alliancekb.analysis.system import outside_system_note
from alliancekb.database.models import (
    OBLIGATIONS,
    Alignment,
    Alliance,
    Event,
    EventParticipant,
    Source,
    State,
    SystemSpell,
    Treaty,
    TreatyParty,
)
from alliancekb.database.states import StateDirectory, StateInfo
from alliancekb.errors import InvalidInput

Row = dict[str, Any]


def asked(year: int | None = None, on: dt.date | None = None) -> Period | None:
    """The time a listing asks about: a whole year, a single day, or (None) all time."""
    if year is not None and on is not None:
        raise InvalidInput(f"give a year ({year}) or a day ({on}), not both")
    if on is not None:
        return Period.day(on)
    return Period.year(year) if year is not None else None


def single_year(period: Period | None) -> int | None:
    """The one year a period lies in (coverage is by year), else None."""
    if period is None or period.first.year != period.last.year:
        return None
    return period.first.year


def naming_day(period: Period | None) -> dt.date | None:
    return period.first if period is not None else None


def _state_columns(directory: StateDirectory, info: StateInfo, day: dt.date | None) -> Row:
    return {"ccode": info.ccode, "stateabb": info.stateabb, "name": directory.name_on(info.id, day)}


def coverage_notes(
    session: Session,
    period: Period | None,
    source: str | None = None,
    kind: type[Any] = Alliance,
    state: str | None = None,
) -> list[str]:
    """One line per source of `kind` records that does not speak for the year asked, or (with
    `state`) for every dyad of the state; first, with `state`, whether it was outside the
    state system then."""
    year = single_year(period)
    if year is None and state is None:
        return []
    keys = list(
        session.scalars(
            select(Source.key).where(Source.id.in_(select(kind.source_id))).order_by(Source.key)
        )
    )
    if source is not None:
        keys = [k for k in keys if k == source]
    directory = StateDirectory(session, preload=False)
    focal = directory.resolve(state) if state is not None else None
    outside = None
    if focal is not None and period is not None:
        outside = outside_system_note(session, directory, focal, period)
    notes = [outside] if outside else []
    for cov in coverages(session, keys).values():
        if year is not None and not cov.covers_year(year):
            notes.append(
                f"{cov.source} covers {cov.years_text()}: its answer for {year} is unknown"
            )
        elif focal is not None and not cov.covers_state(focal.ccode):
            notes.append(
                f"{cov.source} codes only the dyads of {cov.states_text()}: its answer for "
                f"the other dyads of {focal.ccode} {focal.stateabb} is unknown"
            )
    return notes


# --- states ----------------------------------------------------------------------------------


def states(session: Session, period: Period | None, state: str | None = None) -> Iterator[Row]:
    """States, named as of the period's first day; with a period, those in the state system then."""
    directory = StateDirectory(session, preload=False)
    query = select(State).options(selectinload(State.spells)).order_by(State.ccode)
    if state is not None:
        query = query.where(State.id == directory.resolve(state).id)
    if period is not None:
        query = query.where(
            State.id.in_(select(SystemSpell.state_id).where(period.sql_overlaps(SystemSpell)))
        )
    for row in session.scalars(query):
        info = directory.by_id[row.id]
        yield {
            **_state_columns(directory, info, naming_day(period)),
            "iso3": row.iso3,
            "gwcode": row.gwcode,
            "system": "; ".join(f"{s.start}/{s.end or ''}" for s in row.spells),
            "source": row.source.key,
        }


# --- alliances and allies --------------------------------------------------------------------


def allies(
    session: Session,
    state: str,
    period: Period | None,
    source: str | None = None,
    obligations: Iterable[str] | None = None,
) -> Iterator[Row]:
    """Each ally of a state in the period once, with every source that codes the pair allied.

    Two states are allied when both belong to the same alliance, in the same phase, on at
    least one common day of the period, inside the source's coverage in time and space.
    `obligations` holds one object per source: the five obligations merged over its alliances.
    Asked for obligations, only the alliances whose pair (either way) carries any of them count.
    """
    asked = obligations_asked(obligations)
    directory = StateDirectory(session, preload=False)
    focal = directory.resolve(state)
    wanted = source_id(session, source)
    pairs = MembershipPairs()
    mine, theirs = pairs.mine, pairs.theirs
    ally = aliased(State)
    query: Select[Any] = (
        pairs.select(
            theirs.state_id,
            ally.ccode,
            Source.key,
            Alliance.key,
            mine.start_day,
            mine.end_day,
            theirs.start_day,
            theirs.end_day,
            *(getattr(mine, o) for o in OBLIGATIONS),
            *(getattr(theirs, o) for o in OBLIGATIONS),
        )
        .join(ally, ally.id == theirs.state_id)
        .where(
            mine.state_id == focal.id,
            theirs.state_id != focal.id,
            sql_overlaps(period, mine),
            sql_overlaps(period, theirs),
            sql_covers_year(single_year(period)),
        )
    )
    if wanted is not None:
        query = query.where(Alliance.source_id == wanted)
    coverage = coverages(session)
    found: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    n = len(OBLIGATIONS)
    for row in session.execute(query):
        ally_id, ally_ccode, src, key, s1, e1, s2, e2 = row[:8]
        cov = coverage[src]
        if not cov.covers_pair(focal.ccode, ally_ccode):
            continue
        if common_period(s1, e1, s2, e2, cov.open_end, period) is None:
            continue
        codes = merge_all(row[8 : 8 + n], row[8 + n : 8 + 2 * n])
        if not has_obligation(asked, codes):
            continue
        entry = found[ally_id].get(src)
        if entry is None:
            found[ally_id][src] = {"alliances": {key}, "obligations": codes}
            continue
        entry["alliances"].add(key)
        entry["obligations"] = merge_all(entry["obligations"], codes)
    day = naming_day(period)
    directory.preload(found)
    for ally_id in sorted(found, key=lambda i: directory.by_id[i].ccode):
        by_source = found[ally_id]
        yield {
            **_state_columns(directory, directory.by_id[ally_id], day),
            "sources": sorted(by_source),
            "alliances": sorted(k for v in by_source.values() for k in v["alliances"]),
            "obligations": [
                {
                    "source": src,
                    **dict(zip(OBLIGATIONS, by_source[src]["obligations"], strict=True)),
                }
                for src in sorted(by_source)
            ],
        }


# --- treaties, alignments, events ------------------------------------------------------------


def treaties(
    session: Session, period: Period | None, state: str | None = None, source: str | None = None
) -> Iterator[Row]:
    """Treaties (signed to ended) in the period, optionally with a state among the parties."""
    directory = StateDirectory(session, preload=False)
    wanted = source_id(session, source)
    query: Select[Any] = (
        select(Treaty)
        .join(Treaty.source)
        .options(selectinload(Treaty.parties), selectinload(Treaty.supersedes))
        .order_by(Treaty.signed_day, Treaty.key)
    )
    if period is not None:
        query = query.where(
            Treaty.signed_day <= period.last,
            or_(Treaty.ended_day.is_(None), Treaty.ended_day >= period.first),
            sql_covers_year(single_year(period)),
        )
    if wanted is not None:
        query = query.where(Treaty.source_id == wanted)
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
    session: Session, period: Period | None, state: str | None = None, source: str | None = None
) -> Iterator[Row]:
    """Shared-ideology and shared-security flags per dyad and period (None = unknown)."""
    directory = StateDirectory(session, preload=False)
    wanted = source_id(session, source)
    query: Select[Any] = (
        select(Alignment)
        .join(Alignment.source)
        .where(sql_overlaps(period, Alignment), sql_covers_year(single_year(period)))
        .order_by(Alignment.start_day, Alignment.key)
    )
    if wanted is not None:
        query = query.where(Alignment.source_id == wanted)
    if state is not None:
        sid = directory.resolve(state).id
        query = query.where(or_(Alignment.state_a_id == sid, Alignment.state_b_id == sid))
    for row in session.scalars(query):
        day = naming_day(period) or row.start_day
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
    session: Session, period: Period | None, state: str | None = None, source: str | None = None
) -> Iterator[Row]:
    """Events (wars, summits, dissolutions) in the period, optionally with a participant."""
    directory = StateDirectory(session, preload=False)
    wanted = source_id(session, source)
    query: Select[Any] = (
        select(Event)
        .options(selectinload(Event.participants), selectinload(Event.source))
        .where(sql_overlaps(period, Event))
        .order_by(Event.start_day, Event.key)
    )
    if wanted is not None:
        query = query.where(Event.source_id == wanted)
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
