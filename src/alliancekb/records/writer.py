"""Writing input records: upserts by natural key, each change logged.

The canonical record of each row (`alliance_record(row)`, ...) is in records/canonical.py;
`Writer.upsert(record)` writes an input record by its natural key and reports whether it added,
changed or left the row as it was, logging every change with the values before and after.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliancekb.database.models import (
    OBLIGATIONS,
    Alignment,
    Alliance,
    Change,
    Event,
    EventParticipant,
    Membership,
    Source,
    State,
    StateName,
    SystemSpell,
    Treaty,
    TreatyParty,
)
from alliancekb.database.states import StateDirectory
from alliancekb.dates import PartialDate
from alliancekb.errors import AllianceKBError, InvalidInput
from alliancekb.records.canonical import (
    alignment_record,
    alliance_record,
    event_record,
    source_record,
    state_record,
    treaty_record,
)
from alliancekb.records.checks import StateKeys, check_alignment, guard_lengths
from alliancekb.schemas import (
    AlignmentIn,
    AllianceIn,
    EventIn,
    Record,
    SourceIn,
    StateIn,
    TreatyIn,
    check_members,
)

Row = dict[str, Any]


def _day(text: str | None, last: bool = False) -> dt.date | None:
    if text is None:
        return None
    date = PartialDate.parse(text)
    return date.last_day if last else date.first_day


def _set_period(row: Any, start: str, end: str | None) -> None:
    row.start, row.end = start, end
    row.start_day = _day(start)
    row.end_day = _day(end, last=True)


# --- writing input records -------------------------------------------------------------------


@dataclass
class WriteContext:
    """Who writes, with which command: stamped on every change-log entry."""

    command: str
    by: str = ""
    """Who writes; empty: $ALLIANCEKB_USER, else the login name."""
    at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def __post_init__(self) -> None:
        # The log's columns hold so much on both databases (SQLite would store more): a long
        # name is refused, as a name cut short could be someone else's; a long command (a long
        # path) is only a note, and is cut.
        self.by = self.by.strip() or os.environ.get("ALLIANCEKB_USER", "").strip() or _os_user()
        most = _length(Change.by)
        if len(self.by) > most:
            raise InvalidInput(
                f"the name of who writes, '{self.by[:20]}…', has {len(self.by)} characters, "
                f"more than the {most} the change log keeps: set ALLIANCEKB_USER to a shorter one"
            )
        most = _length(Change.command)
        if len(self.command) > most:
            self.command = self.command[: most - 1] + "…"


def _length(column: Any) -> int:
    length: int = column.property.columns[0].type.length
    return length


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class Entry:
    """What a Writer did to one record: added, changed (both logged) or unchanged."""

    kind: str
    key: str
    action: str
    before: Row | None
    after: Row | None


class Writer:
    """Upserts input records by natural key inside one session (one transaction)."""

    def __init__(self, session: Session, context: WriteContext) -> None:
        self.session = session
        self.context = context
        self.states = StateDirectory(session)
        self.counts: Counter[str] = Counter()
        self.entries: list[Entry] = []
        self._state_keys: StateKeys | None = None
        guard_lengths(session)

    @property
    def state_keys(self) -> StateKeys:
        if self._state_keys is None:  # read when a state is first written, not for other kinds
            self._state_keys = StateKeys(self.session)
        return self._state_keys

    # references ------------------------------------------------------------------------------
    def source(self, key: str) -> Source:
        found = self.session.scalar(select(Source).where(Source.key == key))
        if found is None:
            raise InvalidInput(f"unknown source '{key}': add it under sources first")
        return found

    def state(self, ref: str) -> State:
        try:
            info = self.states.resolve(ref)
        except AllianceKBError as exc:
            raise InvalidInput(str(exc)) from None
        return self.session.get_one(State, info.id)

    def treaty(self, key: str) -> Treaty:
        found = self.session.scalar(select(Treaty).where(Treaty.key == key))
        if found is None:
            raise InvalidInput(f"unknown treaty '{key}': add it under treaties first")
        return found

    # the change log --------------------------------------------------------------------------
    def _log(self, kind: str, key: str, before: Row | None, after: Row | None) -> str:
        if before == after:
            self.counts["unchanged"] += 1
            self.entries.append(Entry(kind, key, "unchanged", before, after))
            return "unchanged"
        action = "added" if before is None else "changed"
        self.counts[action] += 1
        self.entries.append(Entry(kind, key, action, before, after))
        self.session.add(
            Change(
                at=self.context.at,
                by=self.context.by,
                command=self.context.command,
                record_type=kind,
                record_key=key,
                action=action,
                before=None if before is None else json.dumps(before, ensure_ascii=False),
                after=None if after is None else json.dumps(after, ensure_ascii=False),
            )
        )
        return action

    def upsert(self, record: Record) -> str:
        """Write one record; return 'added', 'changed' or 'unchanged'."""
        if isinstance(record, SourceIn):
            return self._source(record)
        if isinstance(record, StateIn):
            return self._state(record)
        if isinstance(record, TreatyIn):
            return self._treaty(record)
        if isinstance(record, AllianceIn):
            return self._alliance(record)
        if isinstance(record, AlignmentIn):
            return self._alignment(record)
        if isinstance(record, EventIn):
            return self._event(record)
        raise TypeError(type(record).__name__)

    def _source(self, rec: SourceIn) -> str:
        row = self.session.scalar(select(Source).where(Source.key == rec.key))
        before = source_record(row) if row else None
        after = rec.model_dump()
        if before == after:
            return self._log("source", rec.key, before, after)
        if row is None:
            row = Source()
            self.session.add(row)
        for name, value in after.items():
            if name == "coverage_states":
                value = value or []  # null: the whole system, no rows in source_states
            setattr(row, name, value)
        self.session.flush()
        return self._log("source", rec.key, before, after)

    def _state(self, rec: StateIn) -> str:
        row = self.session.scalar(select(State).where(State.ccode == rec.ccode))
        before = state_record(row) if row else None
        source = self.source(rec.source)
        spells = [(s, self.source(s.source)) for s in rec.spells]
        after = rec.model_dump()
        after["names"].sort(key=lambda n: (_day(n["start"]), n["name"]))
        after["spells"].sort(key=lambda s: (_day(s["start"]), s["source"]))
        if before == after:
            return self._log("state", str(rec.ccode), before, after)
        self.state_keys.check(rec, row.id if row else None)
        if row is None:
            row = State(ccode=rec.ccode)
            self.session.add(row)
        else:
            row.names.clear()
            row.spells.clear()
            self.session.flush()
        row.stateabb, row.name, row.iso3, row.gwcode = rec.stateabb, rec.name, rec.iso3, rec.gwcode
        row.source = source
        for n in rec.names:
            name = StateName(name=n.name)
            _set_period(name, n.start, n.end)
            row.names.append(name)
        for s, spell_source in spells:
            spell = SystemSpell(source=spell_source)
            _set_period(spell, s.start, s.end)
            row.spells.append(spell)
        self.session.flush()
        self.states.add(row)
        self.state_keys.written(row)
        return self._log("state", str(rec.ccode), before, after)

    def _treaty(self, rec: TreatyIn) -> str:
        row = self.session.scalar(select(Treaty).where(Treaty.key == rec.key))
        before = treaty_record(row) if row else None
        parties = sorted({self.state(p).ccode: self.state(p) for p in rec.parties}.items())
        supersedes = self.treaty(rec.supersedes) if rec.supersedes else None
        source = self.source(rec.source)
        after = rec.model_dump()
        after["parties"] = [ccode for ccode, _ in parties]
        if before == after:
            return self._log("treaty", rec.key, before, after)
        if row is None:
            row = Treaty(key=rec.key)
            self.session.add(row)
        else:
            row.parties.clear()
            self.session.flush()
        for name in ("title", "atopid", "cow4id", "duration_months", "renewal_months", "notes"):
            setattr(row, name, getattr(rec, name))
        for name in ("signed", "in_force", "ended"):
            value = getattr(rec, name)
            setattr(row, name, value)
            setattr(row, f"{name}_day", _day(value, last=name == "ended"))
        row.supersedes, row.source = supersedes, source
        row.parties.extend(TreatyParty(state=state) for _, state in parties)
        self.session.flush()
        return self._log("treaty", rec.key, before, after)

    def _alliance(self, rec: AllianceIn) -> str:
        row = self.session.scalar(select(Alliance).where(Alliance.key == rec.key))
        before = alliance_record(row) if row else None
        source = self.source(rec.source)
        treaty = self.treaty(rec.treaty) if rec.treaty else None
        members = [(m, self.state(m.state)) for m in rec.members]
        try:  # the same state may be named two ways (VNM, 816): compare resolved states
            check_members(rec, [state.id for _, state in members])
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        after = rec.model_dump()
        for item, (_, state) in zip(after["members"], members, strict=True):
            item["state"] = state.ccode
        after["members"].sort(key=lambda m: (m["phase"], _day(m["start"]), m["state"]))
        if before == after:
            return self._log("alliance", rec.key, before, after)
        if row is None:
            row = Alliance(key=rec.key)
            self.session.add(row)
        else:
            row.memberships.clear()
            self.session.flush()
        row.source, row.treaty = source, treaty
        row.external_id, row.title, row.formal, row.notes = (
            rec.external_id,
            rec.title,
            rec.formal,
            rec.notes,
        )
        _set_period(row, rec.start, rec.end)
        for m, state in members:
            membership = Membership(state=state, phase=m.phase)
            _set_period(membership, m.start, m.end)
            for name in OBLIGATIONS:
                setattr(membership, name, getattr(m, name))
            row.memberships.append(membership)
        self.session.flush()
        return self._log("alliance", rec.key, before, after)

    def _alignment(self, rec: AlignmentIn) -> str:
        row = self.session.scalar(select(Alignment).where(Alignment.key == rec.key))
        before = alignment_record(row) if row else None
        a, b = (self.state(s) for s in rec.states)
        if a.id == b.id:
            raise InvalidInput(f"an alignment needs two different states, got {a.stateabb} twice")
        source = self.source(rec.source)
        check_alignment(self.session, rec, a, b)
        after = rec.model_dump()
        after["states"] = [a.ccode, b.ccode]
        if before == after:
            return self._log("alignment", rec.key, before, after)
        if row is None:
            row = Alignment(key=rec.key)
            self.session.add(row)
        row.state_a, row.state_b, row.source = a, b, source
        row.shared_ideology, row.shared_security = rec.shared_ideology, rec.shared_security
        row.rationale = rec.rationale
        _set_period(row, rec.start, rec.end)
        self.session.flush()
        return self._log("alignment", rec.key, before, after)

    def _event(self, rec: EventIn) -> str:
        row = self.session.scalar(select(Event).where(Event.key == rec.key))
        before = event_record(row) if row else None
        participants = sorted(
            {self.state(p).ccode: self.state(p) for p in rec.participants}.items()
        )
        source = self.source(rec.source)
        after = rec.model_dump()
        after["participants"] = [ccode for ccode, _ in participants]
        if before == after:
            return self._log("event", rec.key, before, after)
        if row is None:
            row = Event(key=rec.key)
            self.session.add(row)
        else:
            row.participants.clear()
            self.session.flush()
        row.title, row.kind, row.notes, row.source = rec.title, rec.kind, rec.notes, source
        _set_period(row, rec.start, rec.end)
        row.participants.extend(EventParticipant(state=state) for _, state in participants)
        self.session.flush()
        return self._log("event", rec.key, before, after)
