"""Whole-table exports: each row as its canonical record (what `add` and `seed` read back)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

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
from alliancekb.records import kinds
from alliancekb.records.canonical import (
    alignment_record,
    alliance_record,
    event_record,
    source_record,
    state_record,
    treaty_record,
)

Row = dict[str, Any]
BATCH = 500


def _rows(session: Session, query: Any, record: Callable[[Any], Row]) -> Iterator[Row]:
    for row in session.scalars(query.execution_options(yield_per=BATCH)):
        yield record(row)


def sources(session: Session) -> Iterator[Row]:
    return _rows(session, select(Source).order_by(Source.key), source_record)


def states(session: Session) -> Iterator[Row]:
    query = (
        select(State)
        .options(
            selectinload(State.source),
            selectinload(State.names),
            selectinload(State.spells).selectinload(SystemSpell.source),
        )
        .order_by(State.ccode)
    )
    return _rows(session, query, state_record)


def treaties(session: Session) -> Iterator[Row]:
    query = (
        select(Treaty)
        .options(
            selectinload(Treaty.source),
            selectinload(Treaty.supersedes),
            selectinload(Treaty.parties).selectinload(TreatyParty.state),
        )
        .order_by(Treaty.key)
    )
    return _rows(session, query, treaty_record)


def alliances(session: Session) -> Iterator[Row]:
    query = (
        select(Alliance)
        .options(
            selectinload(Alliance.source),
            selectinload(Alliance.treaty),
            selectinload(Alliance.memberships).selectinload(Membership.state),
        )
        .order_by(Alliance.key)
    )
    return _rows(session, query, alliance_record)


def memberships(session: Session) -> Iterator[Row]:
    query = (
        select(Alliance.key, Source.key, State.ccode, State.stateabb, Membership)
        .join(Membership.alliance)
        .join(Alliance.source)
        .join(Membership.state)
        .order_by(Alliance.key, Membership.phase, Membership.start_day, State.ccode)
        .execution_options(yield_per=BATCH)
    )
    for alliance, source, ccode, abb, m in session.execute(query):
        row: Row = {
            "alliance": alliance,
            "source": source,
            "ccode": ccode,
            "stateabb": abb,
            "phase": m.phase,
            "start": m.start,
            "end": m.end,
        }
        row.update({name: getattr(m, name) for name in OBLIGATIONS})
        yield row


def alignments(session: Session) -> Iterator[Row]:
    query = (
        select(Alignment)
        .options(
            selectinload(Alignment.source),
            selectinload(Alignment.state_a),
            selectinload(Alignment.state_b),
        )
        .order_by(Alignment.key)
    )
    return _rows(session, query, alignment_record)


def events(session: Session) -> Iterator[Row]:
    query = (
        select(Event)
        .options(
            selectinload(Event.source),
            selectinload(Event.participants).selectinload(EventParticipant.state),
        )
        .order_by(Event.key)
    )
    return _rows(session, query, event_record)


TABLES: dict[str, Callable[[Session], Iterator[Row]]] = {
    name: globals()[name] for name in kinds.TABLES
}
"""Each table of the kinds registry (records/kinds.py), by name: its function here."""


PARTIAL_DATES = ("start", "end", "signed", "in_force", "ended")
"""The partial dates of the exported records (text such as `1954-07`)."""


def exported(rows: Iterator[Row]) -> Iterator[Row]:
    """Rows as `export` writes them: beside each partial date its first and last day
    (`start_first_day`, `start_last_day`: 1954-07 -> 1954-07-01, 1954-07-31), and booleans
    as 1/0 at any depth, the one convention of every export format."""
    from alliancekb.dates import PartialDate

    for row in rows:
        out: Row = {}
        for name, value in row.items():
            out[name] = _ints(value)
            if name in PARTIAL_DATES:
                day = PartialDate.parse(value) if value is not None else None
                out[f"{name}_first_day"] = day.first_day.isoformat() if day else None
                out[f"{name}_last_day"] = day.last_day.isoformat() if day else None
        yield out


DERIVED_DAYS = frozenset(f"{n}_{e}_day" for n in PARTIAL_DATES for e in ("first", "last"))
"""The day columns `exported` adds: derived from the text, ignored when a record is read back."""


BOOLEANS = frozenset({*OBLIGATIONS, "formal", "shared_ideology", "shared_security"})
"""The yes/no fields, written 1/0 by `exported`."""


def as_written(item: Row) -> Row:
    """A record read from an export file as `add` reads a record: without the day columns
    derived from its dates, and 1/0 in a yes/no field (here or in its members) as true/false,
    so an exported table can be edited and added back."""
    return {k: _booleans(k, v) for k, v in item.items() if k not in DERIVED_DAYS}


def _booleans(name: str, value: Any) -> Any:
    if name in BOOLEANS and type(value) is int and value in (0, 1):
        return bool(value)
    if name == "members" and isinstance(value, list):
        return [as_written(v) if isinstance(v, dict) else v for v in value]
    return value


def _ints(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list):
        return [_ints(v) for v in value]
    if isinstance(value, dict):
        return {k: _ints(v) for k, v in value.items()}
    return value
