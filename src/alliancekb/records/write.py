"""Adding and correcting records from a file, and reading the change log back.

`write_records` reads one record or a list (YAML or JSON) of one kind, validates it whole,
then writes it in one transaction: `add` refuses a key that exists, `update` refuses one that
does not and keeps every field the file leaves out. A dry run does all of it and rolls back.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from alliancekb.database.engine import write_session
from alliancekb.database.models import Change
from alliancekb.errors import InvalidInput
from alliancekb.records.checks import check_external_id
from alliancekb.records.files import load_document
from alliancekb.records.kinds import KINDS, Kind
from alliancekb.records.writer import Entry, WriteContext, Writer
from alliancekb.schemas import AllianceIn, Record, error_lines

Row = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class WriteReport:
    """What a write did (or, for a dry run, would do) to each record of the file."""

    entries: list[Entry]
    dry_run: bool

    @property
    def counts(self) -> Counter[str]:
        return Counter(entry.action for entry in self.entries)


class _DryRun(Exception):
    """Raised inside the transaction so that a dry run rolls back everything it did."""


# --- reading a record file -------------------------------------------------------------------


def _items(path: Path, kind: Kind) -> tuple[list[Row], bool]:
    """The file's records as mappings, and whether it held a single record (not a list)."""
    data = load_document(path)
    single = isinstance(data, dict)
    items = [data] if single else data
    if not isinstance(items, list):
        raise InvalidInput(
            f"{path}: expected {kind.article} {kind.name} record or a list of them, "
            f"got {type(data).__name__}"
        )
    if not items:
        raise InvalidInput(f"{path}: the list is empty: give at least one {kind.name} record")
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise InvalidInput(
                f"{path}: [{index}]: expected {kind.article} {kind.name} record (a mapping), "
                f"got {type(item).__name__}"
            )
    return items, single


def _where(path: Path, single: bool, index: int) -> str:
    return f"{path}: " if single else f"{path}: [{index}]: "


def _validate(path: Path, kind: Kind, items: list[Row], single: bool) -> list[Record]:
    """Every record checked at once; InvalidInput has one line per problem."""
    from alliancekb.records.tables import as_written

    items = [as_written(item) for item in items]
    try:
        if single:
            return [kind.schema.model_validate(items[0])]
        adapter: TypeAdapter[list[Record]] = TypeAdapter(list[kind.schema])  # type: ignore[name-defined]
        return adapter.validate_python(items)
    except ValidationError as exc:
        raise InvalidInput.of(error_lines(exc, f"{path}: ")) from None


def key_of(record: Record, kind: Kind) -> str:
    return str(getattr(record, kind.key_field))


def _raw_key(path: Path, kind: Kind, item: Row, single: bool, index: int) -> str | int:
    where = f"{path}: " if single else f"{path}: [{index}]."
    value = item.get(kind.key_field)
    if value is None:
        raise InvalidInput(
            f"{where}{kind.key_field}: missing: a record to update is found by its {kind.key_field}"
        )
    if kind.key_field == "ccode":
        if isinstance(value, bool) or not str(value).strip().isdigit():
            raise InvalidInput(f"{where}ccode: {value!r} is not a ccode (a whole number)")
        return int(str(value).strip())
    return str(value)


def _check_unique(path: Path, kind: Kind, records: list[Record], single: bool) -> None:
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        key = key_of(record, kind)
        if key in seen:
            raise InvalidInput(
                f"{path}: [{index}].{kind.key_field}: duplicate {kind.key_field} '{key}' "
                f"(also at [{seen[key]}]): give each record its own"
            )
        seen[key] = index


def dependency_order(records: list[T], treaty: Callable[[T], Any] = lambda r: r) -> list[T]:
    """Treaties ordered so that each comes after the treaty it supersedes (when both given)."""
    keys = {_get(treaty(r), "key") for r in records}
    done: set[str] = set()
    ordered: list[T] = []
    pending = list(records)
    while pending:
        ready = []
        for record in pending:
            target = _get(treaty(record), "supersedes")
            if target is None or target in done or target not in keys:
                ready.append(record)
        if not ready:  # a cycle: leave the rest in order, the writer names the missing key
            ordered.extend(pending)
            break
        for record in ready:
            ordered.append(record)
            done.add(_get(treaty(record), "key"))
        taken = {id(r) for r in ready}
        pending = [r for r in pending if id(r) not in taken]
    return ordered


def _get(record: Any, name: str) -> Any:
    return record.get(name) if isinstance(record, dict) else getattr(record, name)


# --- writing ---------------------------------------------------------------------------------


def _find(session: Session, kind: Kind, key: str | int) -> Any:
    column = getattr(kind.model, kind.key_field)
    return session.scalar(select(kind.model).where(column == key))


def _missing(session: Session, kind: Kind, key: str | int) -> InvalidInput:
    keys = [str(k) for k in session.scalars(select(getattr(kind.model, kind.key_field)))]
    close = difflib.get_close_matches(str(key), keys, n=3, cutoff=0.6)
    hint = f" (closest: {', '.join(close)})" if close else ""
    return InvalidInput(
        f"no {kind.name} '{key}' to update{hint}: check the {kind.key_field} or add it with "
        f"`alliancekb {kind.name} add`"
    )


def _duplicate(kind: Kind, key: str) -> InvalidInput:
    return InvalidInput(
        f"duplicate {kind.key_field}: {kind.name} '{key}' already exists; to change it use "
        f"--update or `alliancekb {kind.name} amend`"
    )


def _check_natural_keys(writer: Writer, record: Record) -> None:
    """An alliance's external id, named before the database refuses (alignments' dyads are
    checked by the Writer, for seed too)."""
    if isinstance(record, AllianceIn):
        check_external_id(writer.session, record)


def write_records(
    engine: Engine,
    kind_name: str,
    path: Path,
    context: WriteContext,
    *,
    update: bool = False,
    dry_run: bool = False,
) -> WriteReport:
    """Add (or, with `update`, amend) the records of a file in one transaction, all or nothing.

    An update keeps each field the file leaves out; give null to clear an optional one.
    """
    kind = KINDS[kind_name]
    items, single = _items(path, kind)
    records: list[Record] = [] if update else _validate(path, kind, items, single)
    if not update:
        _check_unique(path, kind, records, single)
    entries: list[Entry] = []
    try:
        with write_session(engine) as session:
            writer = Writer(session, context)
            if update:
                records = _merged(session, path, kind, items, single)
            else:
                for index, record in enumerate(records):
                    if _find(session, kind, getattr(record, kind.key_field)) is not None:
                        where = _where(path, single, index)
                        raise InvalidInput(f"{where}{_duplicate(kind, key_of(record, kind))}")
            numbered = list(enumerate(records))
            if kind.name == "treaty":
                numbered = dependency_order(numbered, lambda pair: pair[1])
            for index, record in numbered:
                try:
                    _check_natural_keys(writer, record)
                    writer.upsert(record)
                except InvalidInput as exc:
                    raise InvalidInput(f"{_where(path, single, index)}{exc}") from None
            entries = writer.entries
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return WriteReport(entries, dry_run)


def _merged(
    session: Session, path: Path, kind: Kind, items: list[Row], single: bool
) -> list[Record]:
    """Each update laid over the stored record, then validated as a whole record."""
    merged: list[Row] = []
    seen: dict[str | int, int] = {}
    for index, item in enumerate(items):
        key = _raw_key(path, kind, item, single, index)
        if key in seen:
            raise InvalidInput(
                f"{path}: [{index}].{kind.key_field}: duplicate {kind.key_field} '{key}' "
                f"(also at [{seen[key]}]): give each record its own"
            )
        seen[key] = index
        row = _find(session, kind, key)
        if row is None:
            raise InvalidInput(f"{_where(path, single, index)}{_missing(session, kind, key)}")
        merged.append({**kind.record(row), **item})
    return _validate(path, kind, merged, single)


# --- reading back: what changed, the change log ----------------------------------------------


def _show(value: Any, limit: int | None) -> str:
    text = "null" if value is None else value if isinstance(value, str) else None
    if text is None:
        text = json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def differences(before: Row | None, after: Row | None, limit: int | None = None) -> list[str]:
    """`field: old -> new` for each field that differs (nothing for an added record)."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    names = list(dict.fromkeys([*before, *after]))
    return [
        f"{name}: {_show(before.get(name), limit)} -> {_show(after.get(name), limit)}"
        for name in names
        if before.get(name) != after.get(name)
    ]


def _utc(moment: dt.datetime) -> str:
    # SQLite hands back the naive UTC time that was stored; PostgreSQL an aware one.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _load(text: str | None) -> Any:
    """A logged record (JSON); text that is not JSON is shown as it is."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


HISTORY_COLUMNS = ["id", "at", "by", "action", "record_type", "record_key", "changes"]


def history(session: Session, key: str | None = None, kind: str | None = None) -> Iterator[Row]:
    """The change log, oldest first: who changed what, when, with which command, and how."""
    query = select(Change).order_by(Change.id)
    if key is not None:
        query = query.where(Change.record_key == key)
    if kind is not None:
        query = query.where(Change.record_type == kind)
    for change in session.scalars(query.execution_options(yield_per=500)):
        before, after = _load(change.before), _load(change.after)
        yield {
            "id": change.id,
            "at": _utc(change.at),
            "by": change.by,
            "command": change.command,
            "record_type": change.record_type,
            "record_key": change.record_key,
            "action": change.action,
            "changes": differences(before, after),
            "before": before,
            "after": after,
        }
