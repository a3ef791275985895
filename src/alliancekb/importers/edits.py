"""What a replacing import would undo, and the change log of what it removes or changes.

An analyst may add an alliance under an imported source (`alliance add`) or correct one
(`alliance amend`). Importing the source again replaces its rows as a whole, so those edits
would be lost: the import refuses, naming them, unless told to replace them. Either way each
alliance a replacing import removes or changes is logged with its values before (and after).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session, joinedload, selectinload

from alliancekb.database.models import Alliance, Change, Membership, Source
from alliancekb.errors import InvalidInput, WouldLoseWork
from alliancekb.records.canonical import alliance_record
from alliancekb.records.writer import WriteContext

SHOWN = 5
"""How many edited records a refusal names before `and N more`."""
CHUNK = 500
"""Keys per IN (...) when records are read back."""
BUNDLED_SEED = ("seed", "first use")
"""The change log's commands for the bundled seed: project data, not an analyst's edit."""

Stored = dict[str, tuple[tuple[Any, ...], set[tuple[Any, ...]]]]
"""key -> (the alliance's tuple, its memberships' tuples), as pipeline compares them."""


def by_key(alliances: Iterable[tuple[Any, ...]], members: Iterable[tuple[Any, ...]]) -> Stored:
    """Alliance and membership tuples (each starting with the alliance's key) grouped by key."""
    grouped: Stored = {a[0]: (a, set()) for a in alliances}
    for m in members:
        grouped[m[0]][1].add(m)
    return grouped


def differing(old: Stored, new: Stored) -> tuple[list[str], list[str]]:
    """The keys the import removes, and those it changes, each sorted."""
    removed = sorted(old.keys() - new.keys())
    changed = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
    return removed, changed


def edited_since_import(session: Session, source_key: str, source_id: int) -> dict[str, Change]:
    """The source's alliances written by hand since its last import: key -> the latest entry."""
    keys = select(Alliance.key).where(Alliance.source_id == source_id)
    return hand_edits(session, source_key, "alliance", keys)


def hand_edits(
    session: Session, source_key: str, record_type: str, keys: Select[Any] | list[str]
) -> dict[str, Change]:
    """Records of RECORD_TYPE among KEYS written since SOURCE_KEY's last import (the source's
    own import entry is the mark) by a command other than the bundled seed's (whose states are
    COW's own): key -> the latest entry."""
    last_import = session.scalar(
        select(func.max(Change.id)).where(
            Change.record_type == "source",
            Change.record_key == source_key,
            Change.after.like('%"importer": %'),
        )
    )
    query = (
        select(Change)
        .where(
            Change.record_type == record_type,
            Change.id > (last_import or 0),
            Change.command.not_in(BUNDLED_SEED),
            Change.record_key.in_(keys),
        )
        .order_by(Change.id)
    )
    return {change.record_key: change for change in session.scalars(query)}


def _when(moment: dt.datetime) -> str:
    if moment.tzinfo is None:  # SQLite gives back the naive UTC time it stored
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def describe(edits: dict[str, Change], keys: Sequence[str]) -> str:
    """`KEY (added by alice, 2026-12-01 21:40 UTC), ...`, at most SHOWN of them."""
    shown = [
        f"{key} ({edits[key].action} by {edits[key].by}, {_when(edits[key].at)})"
        for key in keys[:SHOWN]
    ]
    more = f" and {len(keys) - SHOWN} more" if len(keys) > SHOWN else ""
    return ", ".join(shown) + more


def records(session: Session, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The alliances' records as the change log keeps them (as `alliance add` logs them)."""
    found: dict[str, dict[str, Any]] = {}
    for i in range(0, len(keys), CHUNK):
        query = (
            select(Alliance)
            .where(Alliance.key.in_(keys[i : i + CHUNK]))
            .options(
                joinedload(Alliance.source),
                joinedload(Alliance.treaty),
                selectinload(Alliance.memberships).joinedload(Membership.state),
            )
        )
        for row in session.scalars(query):
            found[row.key] = alliance_record(row)
    return found


def log_replaced(
    session: Session,
    context: WriteContext,
    before: dict[str, dict[str, Any]],
    after: dict[str, dict[str, Any]],
    record_type: str = "alliance",
) -> None:
    """One entry per record removed (after: none) or changed, with its values before."""
    rows = [
        {
            "at": context.at,
            "by": context.by,
            "command": context.command[:200],
            "record_type": record_type,
            "record_key": key,
            "action": "changed" if key in after else "removed",
            "before": json.dumps(record, ensure_ascii=False),
            "after": json.dumps(after[key], ensure_ascii=False) if key in after else None,
        }
        for key, record in sorted(before.items())
    ]
    if rows:
        session.execute(insert(Change), rows)


@dataclass
class Before:
    """What a replacing import removes or changes: the records before, the analysts' edits."""

    records: dict[str, dict[str, Any]]
    edited: set[str]


def undo_check(
    session: Session,
    path: Path,
    source_key: str,
    source_id: int,
    replaced: tuple[list[str], list[str]],
    replace_edits: bool,
) -> Before:
    """The records the import removes or changes (REPLACED), read before it does. Edits made
    by hand since the source's last import among them raise WouldLoseWork, unless
    REPLACE_EDITS."""
    removed, changed = replaced
    edited = edited_since_import(session, source_key, source_id)
    undone = sorted(k for k in (*removed, *changed) if k in edited)
    if undone and not replace_edits:
        raise WouldLoseWork(
            f"importing {path.name} would undo {len(undone)} edit"
            f"{'' if len(undone) == 1 else 's'} made to {source_key} since its last import: "
            f"{describe(edited, undone)}",
            "keep them under a source of your own, or import again with replace_edits=True "
            "(the change log keeps what they were)",
        )
    return Before(records(session, [*removed, *changed]), set(undone))


def check_keys_free(session: Session, path: Path, source_id: int, keys: Iterable[str]) -> None:
    """Refuse a file whose alliance keys another source holds now (an analyst may have moved
    an imported alliance to a source of their own): the import would have to overwrite it."""
    others = {
        key: source
        for key, source in session.execute(
            select(Alliance.key, Source.key)
            .join(Source, Source.id == Alliance.source_id)
            .where(Alliance.source_id != source_id)
        )
    }
    taken = sorted(k for k in keys if k in others)
    if taken:
        listed = ", ".join(f"{k} (source {others[k]})" for k in taken[:SHOWN])
        more = f" and {len(taken) - SHOWN} more" if len(taken) > SHOWN else ""
        raise InvalidInput(
            f"{path.name} gives {len(taken)} alliance key{'' if len(taken) == 1 else 's'} "
            f"that another source holds: {listed}{more}; add "
            f"{'it' if len(taken) == 1 else 'them'} under a key of your own first"
        )
