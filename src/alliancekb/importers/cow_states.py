"""COW State System Membership (states2016.csv): states, their names and system spells.

Mapping: `ccode` -> the state (created, or its `stateabb`, name and source updated; its ISO3,
Gleditsch-Ward code and recorded names are kept); `statenme` -> the state's name; each row -> a
system spell from `styear/stmonth/stday` to `endyear/endmonth/endday`, where the last day of
the data (2016-12-31 in v2016) means still in the system: end NULL. The source's spells are
replaced as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from alliancekb.database.models import State, SystemSpell
from alliancekb.database.states import STATES_IMPORTER
from alliancekb.dates import PartialDate
from alliancekb.errors import WouldLoseWork
from alliancekb.importers import edits
from alliancekb.importers.bulk import BATCH
from alliancekb.importers.csvfile import CsvRows, Layout, Progress, no_progress
from alliancekb.importers.fields import Fields, end_after_start, one_version
from alliancekb.importers.sources import (
    LICENCE,
    ImportSummary,
    SourceInfo,
    log_import,
    put_source,
    source_exists,
    table,
)
from alliancekb.records.canonical import state_record
from alliancekb.records.writer import WriteContext

LAYOUT = Layout(
    "COW State System Membership v2016 (states2016.csv)",
    (
        "stateabb",
        "ccode",
        "statenme",
        "styear",
        "stmonth",
        "stday",
        "endyear",
        "endmonth",
        "endday",
        "version",
    ),
    "import cow-states",
)


@dataclass
class ParsedStates:
    source: SourceInfo
    states: dict[int, tuple[str, str]]
    """ccode -> (stateabb, name), as of the state's latest spell."""
    spells: list[tuple[int, PartialDate, PartialDate | None]]


def source_info(version: str) -> SourceInfo:
    return SourceInfo(
        key=f"cow-states-{version}",
        title=f"Correlates of War State System Membership, v{version}",
        citation=(
            f'Correlates of War Project. 2017. "State System Membership List, v{version}."'
            if version == "2016"
            else f'Correlates of War Project. "State System Membership List, v{version}."'
        ),
        url="https://correlatesofwar.org/data-sets/state-system-membership/",
        version=version,
        licence=LICENCE,
        coverage_start=1816,
        coverage_end=int(version) if version.isdigit() else None,
        notes=(
            "Imported from the COW state list: one system spell per row; the last day of the "
            "data means still in the system (no end)."
        ),
    )


def parse(path: Path, progress: Progress = no_progress) -> ParsedStates:
    states: dict[int, tuple[PartialDate, str, str]] = {}
    rows: list[tuple[int, PartialDate, PartialDate]] = []
    versions: set[str] = set()
    seen: dict[tuple[int, str], int] = {}
    for line, row in CsvRows(path, LAYOUT, progress):
        f = Fields(path, line, row)
        ccode = f.integer("ccode", 1, 99999)
        abb = row["stateabb"]
        if not abb.isalpha() or not 2 <= len(abb) <= 8:
            raise f.bad("stateabb", "is not a state abbreviation (2-8 letters)")
        name = row["statenme"]
        if not name:
            raise f.bad("statenme", "is blank: give the state's name")
        if len(name) > 200:
            raise f.bad("statenme", "is longer than 200 characters")
        start = f.date("styear", "stmonth", "stday")
        end = f.date("endyear", "endmonth", "endday")
        end_after_start(f, "endyear", start, end)
        if (ccode, str(start)) in seen:
            other = seen[(ccode, str(start))]
            raise f.bad("styear", f"starts a second spell on the same day as line {other}")
        seen[(ccode, str(start))] = line
        rows.append((ccode, start, end))
        if ccode not in states or states[ccode][0].first_day < start.first_day:
            states[ccode] = (start, abb, name)
        versions.add(row["version"])
    version = one_version(path, versions, LAYOUT)
    data_end = max(end.last_day for _, _, end in rows)
    spells = [(c, s, None if e.last_day == data_end else e) for c, s, e in rows]
    return ParsedStates(
        source_info(version), {c: (abb, name) for c, (_, abb, name) in states.items()}, spells
    )


def import_states(
    session: Session,
    path: Path,
    parsed: ParsedStates,
    context: WriteContext,
    progress: Progress = no_progress,
    replace_edits: bool = False,
) -> ImportSummary:
    """Create or replace the state-system source, its states and spells (one transaction).

    States written by hand since the last import that it would change raise WouldLoseWork,
    unless REPLACE_EDITS; each existing state it changes is logged with its values before."""
    summary = ImportSummary(parsed.source.key, path)
    summary.states, summary.spells = len(parsed.states), len(parsed.spells)
    existed = source_exists(session, parsed.source.key)
    source_id, source_changed = put_source(session, parsed.source)
    current = {
        ccode: (sid, abb, name, src)
        for sid, ccode, abb, name, src in session.execute(
            select(State.id, State.ccode, State.stateabb, State.name, State.source_id)
        )
    }
    new_spells = {(c, str(s), str(e) if e else None) for c, s, e in parsed.spells}
    old_spells = set(
        map(
            tuple,
            session.execute(
                select(State.ccode, SystemSpell.start, SystemSpell.end)
                .join(State, State.id == SystemSpell.state_id)
                .where(SystemSpell.source_id == source_id)
            ),
        )
    )
    added = [c for c in parsed.states if c not in current]
    changed = [
        c
        for c, (abb, name) in parsed.states.items()
        if c in current and current[c][1:] != (abb, name, source_id)
    ]
    if old_spells and not (source_changed or added or changed or old_spells != new_spells):
        summary.action = "unchanged"
        return summary
    if old_spells:
        summary.action = "replaced"
    # The states this import changes (their row, or their spells under this source): edits
    # made to them by hand since the last import are refused, unless replaced knowingly.
    respelled = {c for c, _, _ in old_spells ^ new_spells if c in current}
    touched = [str(c) for c in sorted(respelled.union(changed))]
    edited = edits.hand_edits(session, parsed.source.key, "state", touched) if touched else {}
    undone = sorted(edited, key=int)
    if undone and not replace_edits:
        raise WouldLoseWork(
            f"importing {path.name} would undo {len(undone)} edit"
            f"{'' if len(undone) == 1 else 's'} made to the states of {parsed.source.key} "
            f"since its last import: {edits.describe(edited, undone)}",
            "import again with replace_edits=True and amend them again (the change log keeps "
            "what they were)",
        )
    summary.reverted = undone
    before = _records(session, touched)
    _write(session, source_id, parsed, added, changed, current, progress)
    session.expire_all()
    after = _records(session, touched)
    changed_now = {key: record for key, record in before.items() if after.get(key) != record}
    edits.log_replaced(session, context, changed_now, after, "state")
    log_import(session, context, STATES_IMPORTER, summary, existed)
    return summary


def _records(session: Session, ccodes: list[str]) -> dict[str, dict[str, Any]]:
    """The states' records as the change log keeps them (as `state add` logs them)."""
    wanted = [int(c) for c in ccodes]
    found: dict[str, dict[str, Any]] = {}
    for i in range(0, len(wanted), BATCH):
        query = (
            select(State)
            .where(State.ccode.in_(wanted[i : i + BATCH]))
            .options(
                joinedload(State.source),
                selectinload(State.names),
                selectinload(State.spells).joinedload(SystemSpell.source),
            )
        )
        for row in session.scalars(query):
            found[str(row.ccode)] = state_record(row)
    return found


def _write(
    session: Session,
    source_id: int,
    parsed: ParsedStates,
    added: list[int],
    changed: list[int],
    current: dict[int, tuple[int, str, str, int]],
    progress: Progress,
) -> None:
    total = len(added) + len(changed) + len(parsed.spells)
    if added:
        session.execute(
            insert(table(State)),
            [
                {
                    "ccode": c,
                    "stateabb": parsed.states[c][0],
                    "name": parsed.states[c][1],
                    "source_id": source_id,
                }
                for c in added
            ],
        )
    if changed:
        states = table(State)
        session.execute(
            update(states)
            .where(states.c.id == bindparam("b_id"))
            .values(
                stateabb=bindparam("b_abb"), name=bindparam("b_name"), source_id=bindparam("b_src")
            ),
            [
                {
                    "b_id": current[c][0],
                    "b_abb": parsed.states[c][0],
                    "b_name": parsed.states[c][1],
                    "b_src": source_id,
                }
                for c in changed
            ],
        )
    progress("writing", len(added) + len(changed), total)
    ids = {c: i for c, i in session.execute(select(State.ccode, State.id))}
    session.execute(delete(SystemSpell).where(SystemSpell.source_id == source_id))
    rows: list[dict[str, Any]] = [
        {
            "state_id": ids[c],
            "source_id": source_id,
            "start": str(s),
            "end": str(e) if e else None,
            "start_day": s.first_day,
            "end_day": e.last_day if e else None,
        }
        for c, s, e in parsed.spells
    ]
    for i in range(0, len(rows), BATCH):
        session.execute(insert(table(SystemSpell)), rows[i : i + BATCH])
    progress("writing", total, total)


def write(
    session: Session,
    path: Path,
    parsed: ParsedStates,
    context: WriteContext,
    progress: Progress,
    replace_edits: bool = False,
) -> ImportSummary:
    """Create or replace the state-system source (states are updated, never removed)."""
    return import_states(session, path, parsed, context, progress, replace_edits)
