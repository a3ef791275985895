"""Membership of the state system: saying that a state asked about was outside it, and what
stood in its place ("255 Germany was not a member of the state system in 1985; West Germany
(260 GFR) was")."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliancekb.analysis.rules import Period
from alliancekb.country_codes import code_table
from alliancekb.database.models import State, SystemSpell
from alliancekb.database.states import StateDirectory, StateInfo, system_imported


def members(session: Session, state_ids: list[int], period: Period) -> set[int]:
    """Those of the states that were in the state system on at least one day of the period."""
    if not state_ids:
        return set()
    query = select(SystemSpell.state_id).where(
        SystemSpell.state_id.in_(state_ids), period.sql_overlaps(SystemSpell)
    )
    return set(session.scalars(query))


def outside_system_note(
    session: Session, directory: StateDirectory, state: StateInfo, period: Period
) -> str | None:
    """A line saying the state was outside the state system in the period, naming the states
    the code table puts in its place that were members then; None when it was a member, or
    when the database holds only a seed's states (no `import cow-states`)."""
    if members(session, [state.id], period) or not system_imported(session):
        return None
    day = period.first
    when = f"in {day.year}" if period == Period.year(day.year) else f"on {day.isoformat()}"
    note = f"{state.ccode} {_name(directory, state, day)} was not a member of the state system"
    note = f"{note} {when}"
    then = _in_place(session, directory, state, period)
    if not then:
        return note
    named = [f"{_name(directory, s, day)} ({s.ccode} {s.stateabb})" for s in then]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return f"{note}; {listed} {'was' if len(named) == 1 else 'were'}"


def _in_place(
    session: Session, directory: StateDirectory, state: StateInfo, period: Period
) -> list[StateInfo]:
    """The first of the code table's groups for the state that had members in the period."""
    entry = code_table().by_ccode.get(state.ccode)
    groups = entry.in_place if entry else ()
    wanted = [c for group in groups for c in group]
    ids = {
        ccode: state_id
        for state_id, ccode in session.execute(
            select(State.id, State.ccode).where(State.ccode.in_(wanted))
        )
    }
    present = members(session, list(ids.values()), period)
    directory.preload(present)
    for group in groups:
        found = [directory.by_id[ids[c]] for c in group if ids.get(c) in present]
        if found:
            return found
    return []


def _name(directory: StateDirectory, state: StateInfo, day: dt.date) -> str:
    """A recorded name in force on the day, else the code table's English name (West Germany,
    not COW's German Federal Republic), else the database's."""
    entry = code_table().by_ccode.get(state.ccode)
    return directory.recorded_name(state.id, day) or (entry.name if entry else state.name)
