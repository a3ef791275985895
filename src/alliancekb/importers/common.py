"""What every importer shares: reading a layout, parsing fields, replacing a source in bulk.

An importer reads its whole file into compact tuples first (a bad row raises before anything
is written), compares them with what the database holds for its source (the same file again
changes nothing), and otherwise replaces the source's rows with the driver's bulk insert
(bulk.py: COPY or executemany) in one transaction, logging the import as one entry in `changes`.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from alliancekb.dates import PartialDate
from alliancekb.errors import InvalidInput
from alliancekb.importers.bulk import ALLIANCE_COLUMNS, MEMBERSHIP_COLUMNS, BulkWriter
from alliancekb.models import (
    OBLIGATIONS,
    Alliance,
    Base,
    Change,
    Membership,
    Source,
    State,
    Treaty,
)
from alliancekb.store import WriteContext

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called now and then while reading and writing."""

BATCH = 5000
MAX_LINE = 100_000
"""The longest line a CSV file may have (ATOP's 111 columns take about 300 characters)."""
CHUNK = 1 << 16
"""Characters read at a time; lines are split from these chunks."""
STATES_IMPORTER = "cow-states"


def table(model: type[Base]) -> Table:
    """The Core table of a model, for bulk inserts without ORM objects."""
    return Base.metadata.tables[model.__tablename__]


def no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


# --- reading a layout ------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """A CSV layout: its name (for messages), the columns an importer needs, a hint."""

    name: str
    columns: tuple[str, ...]
    command: str


class CsvRows:
    """The data rows of a CSV file in a known layout, each with its line number."""

    def __init__(self, path: Path, layout: Layout, progress: Progress = no_progress) -> None:
        self.path = path
        self.layout = layout
        self.progress = progress
        try:
            self.size = path.stat().st_size
        except OSError as exc:
            raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
        if path.is_dir():
            raise InvalidInput(f"{path} is a folder: give the {layout.name} CSV file")
        self.index: dict[str, int] = {}
        self.pick: Callable[[list[str]], tuple[str, ...]] = tuple

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        for line, values in self.records():
            yield line, self.row(values)

    def row(self, values: list[str]) -> dict[str, str]:
        """A record's cells in the layout's columns, by name, stripped."""
        return {name: values[i].strip() for name, i in self.index.items()}

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """The data rows as read (cells not stripped), each with its line number. Once the
        first row is out, `index` maps the layout's columns to their places in a row and
        `pick(values)` gives their cells in the layout's order."""
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(self._lines(handle))
                header = next(reader, None)
                self.index = self._check_header(header)
                self.pick = itemgetter(*self.index.values())
                width = len(header or [])
                for values in reader:
                    if len(values) != width:
                        if not values or values == [""]:
                            continue
                        # A cell lost or added shifts every value after it into the wrong
                        # column: refuse the row rather than read shifted values.
                        raise InvalidInput(
                            f"{self.path} line {reader.line_num}: {len(values)} cells, but the "
                            f"header has {width} columns: fix the row (a missing or extra comma?)"
                        )
                    yield reader.line_num, values
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"{self.path}: not UTF-8 text ({exc.reason} at byte {exc.start}): "
                f"give the {self.layout.name} CSV file"
            ) from None
        except csv.Error as exc:
            raise InvalidInput(f"{self.path}: not a readable CSV file ({exc})") from None
        self.progress("reading", self.size, self.size)

    def _lines(self, handle: TextIO) -> Iterator[str]:
        """The file's lines, read in chunks with a bound: a file with no line breaks is refused
        after MAX_LINE characters, never read whole. A line that is too long or holds a NUL
        is refused when the reader reaches it, after the lines before it."""
        count = done = 0
        rest = ""
        while True:
            chunk = handle.read(CHUNK)
            if chunk.endswith("\r"):
                chunk += handle.read(1)  # keep a \r\n together
            done += len(chunk)
            text = rest + chunk
            if not text:
                return
            # Split as readline does with newline="": at \n, \r or \r\n, endings kept.
            lines = io.StringIO(text, newline="").readlines()
            rest = lines.pop() if chunk and not lines[-1].endswith(("\n", "\r")) else ""
            if len(text) <= MAX_LINE and "\x00" not in text:
                count += len(lines)  # no line can be too long: the common case
                yield from lines
            else:
                for line in lines:
                    count += 1
                    self._check_line(line, count)
                    yield line
                if len(rest) > MAX_LINE:
                    self._check_line(rest, count + 1)
            if not chunk:
                return
            if done % (CHUNK * 16) < CHUNK:
                self.progress("reading", min(done, self.size), self.size)

    def _check_line(self, line: str, count: int) -> None:
        if len(line) > MAX_LINE:
            raise InvalidInput(
                f"{self.path} line {count} is longer than {MAX_LINE:,} "
                f"characters: give the {self.layout.name} CSV file"
            )
        if "\x00" in line:
            raise InvalidInput(
                f"{self.path} line {count} holds a NUL byte: a binary file, "
                f"not the {self.layout.name} CSV file"
            )

    def _check_header(self, header: list[str] | None) -> dict[str, int]:
        found = [h.strip().lower() for h in header or []]
        missing = [c for c in self.layout.columns if c not in found]
        if missing:
            raise InvalidInput(
                f"{self.path} is not in the {self.layout.name} layout: missing column"
                f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                f"(expected {self.layout.name} with columns {', '.join(self.layout.columns)}; "
                f"`alliancekb {self.layout.command}` reads that layout)"
            )
        return {c: found.index(c) for c in self.layout.columns}


class Fields:
    """Typed access to one row's cells; a bad value raises naming file, line, column, value."""

    def __init__(self, path: Path, line: int, row: dict[str, str]) -> None:
        self.path, self.line, self.row = path, line, row

    def bad(self, column: str, problem: str) -> InvalidInput:
        return InvalidInput(
            f"{self.path} line {self.line}, column {column}: '{self.row.get(column, '')}' {problem}"
        )

    def integer(self, column: str, low: int = 0, high: int = 99999) -> int:
        text = self.row[column]
        try:
            value = int(float(text)) if text.endswith(".0") else int(text)
        except ValueError:
            raise self.bad(column, "is not a whole number") from None
        if not low <= value <= high:
            raise self.bad(column, f"is out of range ({low}-{high})")
        return value

    def optional_int(
        self, column: str, low: int, high: int, missing: tuple[str, ...]
    ) -> int | None:
        return None if self.row[column] in missing else self.integer(column, low, high)

    def flag(self, column: str) -> bool | None:
        """0/1 as False/True; blank (or COW's -9) is unknown."""
        text = self.row[column]
        if text in ("", "-9", "."):
            return None
        if text in ("0", "1"):
            return text == "1"
        raise self.bad(column, "is not 0 or 1 (or blank for unknown)")

    def date(
        self, year: str, month: str, day: str, missing: tuple[str, ...] = ("",)
    ) -> PartialDate:
        """A partial date from split fields; a missing month or day keeps the year's precision."""
        y = self.integer(year, 1000, 9999)
        m = self.optional_int(month, 1, 12, missing)
        d = None if m is None else self.optional_int(day, 1, 31, missing)
        if d is not None and m is not None and d > calendar.monthrange(y, m)[1]:
            raise self.bad(day, f"is not a day of {y}-{m:02d}")
        return PartialDate(y, m, d)


def end_after_start(fields: Fields, column: str, start: PartialDate, end: PartialDate) -> None:
    if end.last_day < start.first_day:
        raise fields.bad(column, f"gives an end ({end}) before the start ({start})")


def one_version(path: Path, versions: set[str], layout: Layout) -> str:
    if not versions:
        raise InvalidInput(f"{path} has no data rows: give the {layout.name} CSV file")
    if len(versions) > 1:
        raise InvalidInput(
            f"{path} mixes versions {', '.join(sorted(versions))}: import one version per file"
        )
    version = next(iter(versions))
    return version[:-2] if version.endswith(".0") else version


# --- what an import writes -------------------------------------------------------------------


@dataclass(frozen=True)
class SourceInfo:
    key: str
    title: str
    citation: str
    url: str | None
    version: str
    licence: str
    coverage_start: int
    coverage_end: int | None
    notes: str | None

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


LICENCE = "Free for research use; cite the dataset. Not redistributed with alliancekb."


@dataclass
class AllianceRow:
    key: str
    external_id: str
    start: PartialDate
    end: PartialDate | None
    title: str | None
    notes: str | None
    treaty_key: tuple[str, int] | None = None
    """How to find the alliance's treaty: ("atopid", 3825) or ("cow4id", 301)."""
    fallback_treaty: tuple[str, int] | None = None


MemberRow = tuple[str, int, int, PartialDate, PartialDate | None, tuple[bool | None, ...]]
"""(alliance key, ccode, phase, start, end, the five obligations)."""


@dataclass
class ImportSummary:
    """What an import did; the CLI turns it into one line."""

    source: str
    path: Path
    action: str = "added"  # added | replaced | unchanged
    alliances: int = 0
    memberships: int = 0
    states: int = 0
    spells: int = 0
    linked: list[tuple[str, str]] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)

    def skip(self, reason: str, item: str) -> None:
        self.skipped.setdefault(reason, []).append(item)

    @property
    def nothing_changed(self) -> bool:
        return self.action == "unchanged"

    def record(self) -> dict[str, Any]:
        """The summary as the change log keeps it (`after`)."""
        return {
            "file": self.path.name,
            "alliances": self.alliances,
            "memberships": self.memberships,
            "states": self.states,
            "spells": self.spells,
            "linked": [f"{a} -> {t}" for a, t in self.linked],
            "skipped": self.skipped,
        }


# --- the source and the change log -----------------------------------------------------------


def put_source(session: Session, info: SourceInfo) -> tuple[int, bool]:
    """Create or update the source row; return its id and whether its fields changed."""
    row = session.execute(select(Source).where(Source.key == info.key)).scalar_one_or_none()
    values = info.values()
    if row is None:
        new_id = session.execute(insert(Source).values(**values).returning(Source.id)).scalar_one()
        return new_id, True
    same = all(getattr(row, name) == value for name, value in values.items())
    if not same:
        session.execute(update(Source).where(Source.id == row.id).values(**values))
    return row.id, not same


def log_import(
    session: Session,
    context: WriteContext,
    importer: str,
    summary: ImportSummary,
    existed: bool,
) -> None:
    after = {"importer": importer, **summary.record()}
    session.execute(
        insert(Change).values(
            at=context.at,
            by=context.by,
            command=context.command[:200],
            record_type="source",
            record_key=summary.source,
            action="changed" if existed else "added",
            before=None,
            after=json.dumps(after, ensure_ascii=False),
        )
    )


def source_exists(session: Session, key: str) -> bool:
    return session.scalar(select(Source.id).where(Source.key == key)) is not None


def states_imported(session: Session) -> bool:
    """Whether `import cow-states` has run on this database (the change log says so)."""
    found = session.scalar(
        select(Change.id)
        .where(
            Change.record_type == "source",
            Change.after.like(f'%"importer": "{STATES_IMPORTER}"%'),
        )
        .limit(1)
    )
    return found is not None


# --- alliances and memberships ---------------------------------------------------------------


def state_ids(
    session: Session,
    path: Path,
    members: list[MemberRow],
    lines: dict[tuple[str, int], int],
    summary: ImportSummary,
    what: str,
) -> tuple[dict[int, int], list[MemberRow]]:
    """Map ccodes to state ids; codes that are not COW states are skipped (and reported)."""
    ids = {c: i for c, i in session.execute(select(State.ccode, State.id))}
    unknown = sorted({m[1] for m in members} - ids.keys())
    if unknown and not states_imported(session):
        code = unknown[0]
        line = min(v for (k, c), v in lines.items() if c == code)
        raise InvalidInput(
            f"{path} line {line}: member {code} is not a state in this database "
            f"({len(unknown)} codes missing): import the COW state system first with "
            "`alliancekb import cow-states PATH/states2016.csv`"
        )
    if not unknown:
        return ids, members
    kept = []
    for member in members:
        if member[1] in ids:
            kept.append(member)
            continue
        where = f"{what} {member[0].rsplit('-', 1)[-1]}, line {lines[(member[0], member[1])]}"
        summary.skip(f"member {member[1]} is not a COW state code", where)
    return ids, kept


def member_tuple(m: MemberRow) -> tuple[Any, ...]:
    key, ccode, phase, start, end, codes = m
    return (key, ccode, phase, str(start), str(end) if end else None, *codes)


def alliance_tuple(a: AllianceRow, treaty_id: int | None) -> tuple[Any, ...]:
    end = str(a.end) if a.end else None
    return (a.key, a.external_id, str(a.start), end, a.title, a.notes, True, treaty_id)


def treaty_links(session: Session, alliances: Sequence[AllianceRow]) -> dict[str, tuple[int, str]]:
    """Each alliance's treaty, found through the treaty's atopid or cow4id."""
    by: dict[str, dict[int, tuple[int, str]]] = {"atopid": {}, "cow4id": {}}
    for tid, key, atopid, cow4id in session.execute(
        select(Treaty.id, Treaty.key, Treaty.atopid, Treaty.cow4id).where(
            (Treaty.atopid.is_not(None)) | (Treaty.cow4id.is_not(None))
        )
    ):
        if atopid is not None:
            by["atopid"].setdefault(atopid, (tid, key))
        if cow4id is not None:
            by["cow4id"].setdefault(cow4id, (tid, key))
    links = {}
    for a in alliances:
        for ref in (a.treaty_key, a.fallback_treaty):
            if ref is not None and ref[1] in by[ref[0]]:
                links[a.key] = by[ref[0]][ref[1]]
                break
    return links


def existing_alliances(
    session: Session, source_id: int
) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    alliances = set(
        map(
            tuple,
            session.execute(
                select(
                    Alliance.key,
                    Alliance.external_id,
                    Alliance.start,
                    Alliance.end,
                    Alliance.title,
                    Alliance.notes,
                    Alliance.formal,
                    Alliance.treaty_id,
                ).where(Alliance.source_id == source_id)
            ),
        )
    )
    members = set(
        map(
            tuple,
            session.execute(
                select(
                    Alliance.key,
                    State.ccode,
                    Membership.phase,
                    Membership.start,
                    Membership.end,
                    *(getattr(Membership, o) for o in OBLIGATIONS),
                )
                .join(Alliance, Alliance.id == Membership.alliance_id)
                .join(State, State.id == Membership.state_id)
                .where(Alliance.source_id == source_id)
            ),
        )
    )
    return alliances, members


def write_alliances(
    session: Session,
    source_id: int,
    alliances: Sequence[AllianceRow],
    members: Sequence[MemberRow],
    state_of: dict[int, int],
    links: dict[str, tuple[int, str]],
    progress: Progress,
) -> None:
    """Replace the source's alliances and memberships with the driver's bulk insert."""
    ids_of_source = select(Alliance.id).where(Alliance.source_id == source_id)
    session.execute(delete(Membership).where(Membership.alliance_id.in_(ids_of_source)))
    session.execute(delete(Alliance).where(Alliance.source_id == source_id))
    total = len(alliances) + len(members)
    writer = BulkWriter(session)
    period = writer.period
    rows = [
        (
            a.key,
            source_id,
            a.external_id,
            links[a.key][0] if a.key in links else None,
            a.title,
            True,
            a.notes,
            *period(a.start, a.end),
        )
        for a in alliances
    ]
    writer.insert("alliances", ALLIANCE_COLUMNS, rows, lambda n: progress("writing", n, total))
    alliance_id = {
        key: i
        for key, i in session.execute(
            select(Alliance.key, Alliance.id).where(Alliance.source_id == source_id)
        )
    }
    if writer.postgres:
        member_rows = [
            (alliance_id[key], state_of[ccode], phase, *period(start, end), *codes)
            for key, ccode, phase, start, end, codes in members
        ]
    else:  # the same as period() gives, written out: a third of the time
        iso = dt.date.isoformat
        member_rows = [
            (
                alliance_id[key],
                state_of[ccode],
                phase,
                str(start),
                None,
                iso(start.first_day),
                None,
                *codes,
            )
            if end is None
            else (
                alliance_id[key],
                state_of[ccode],
                phase,
                str(start),
                str(end),
                iso(start.first_day),
                iso(end.last_day),
                *codes,
            )
            for key, ccode, phase, start, end, codes in members
        ]
    writer.insert(
        "memberships",
        MEMBERSHIP_COLUMNS,
        member_rows,
        lambda n: progress("writing", len(alliances) + n, total),
    )


def year_of(day: dt.date | None) -> int | None:
    return None if day is None else day.year


# --- the whole import of an alliance source --------------------------------------------------


@dataclass
class Parsed:
    """An alliance file read whole: its source, alliances and memberships."""

    source: SourceInfo
    alliances: list[AllianceRow]
    members: list[MemberRow]
    lines: dict[tuple[str, int], int]
    """(alliance key, ccode) -> the first line of that member, for messages."""
    what: str
    """How the summary names an alliance of this source ('atopid', 'version4id')."""
    member_lines: list[int]
    """The line of each membership (same order as `members`)."""
    path: Path

    def __post_init__(self) -> None:
        check_overlaps(self)


def check_overlaps(parsed: Parsed) -> None:
    """No two memberships of a state in one alliance and phase share a day (PostgreSQL's
    EXCLUDE constraint refuses them; on SQLite this check is the guard)."""
    spells: dict[tuple[str, int, int], list[tuple[dt.date, dt.date | None, int]]] = {}
    for member, line in zip(parsed.members, parsed.member_lines, strict=False):
        key, ccode, phase, start, end, _codes = member
        spells.setdefault((key, ccode, phase), []).append(
            (start.first_day, end.last_day if end else None, line)
        )
    for (key, ccode, phase), found in spells.items():
        found.sort(key=lambda s: s[0])
        for (_s, last, line), (first, _e, other) in pairwise(found):
            if last is None or last >= first:
                raise InvalidInput(
                    f"{parsed.path} line {other}: member {ccode} of {key} (phase {phase}) "
                    f"overlaps its membership on line {line}: fix the dates or remove one row"
                )


def check_unique(fields: Fields, seen: dict[tuple[Any, ...], int], key: tuple[Any, ...]) -> None:
    """One membership per alliance, state, phase and start (the table's natural key)."""
    if key in seen:
        raise InvalidInput(
            f"{fields.path} line {fields.line}: the same member, phase and start as line "
            f"{seen[key]}: remove the duplicate row"
        )
    seen[key] = fields.line


def import_alliances(
    session: Session,
    path: Path,
    parsed: Parsed,
    importer: str,
    context: WriteContext,
    progress: Progress,
) -> ImportSummary:
    """Create or replace an alliance source from a parsed file, inside the caller's transaction."""
    summary = ImportSummary(parsed.source.key, path)
    state_of, kept = state_ids(session, path, parsed.members, parsed.lines, summary, parsed.what)
    left_out = {(m[0], m[1]) for m in parsed.members if m[1] not in state_of}
    for alliance in parsed.alliances:
        for code in sorted(c for k, c in left_out if k == alliance.key):
            alliance.notes = (
                f"{alliance.notes or ''} Member {code} is not a COW state code: left out.".strip()
            )
    links = treaty_links(session, parsed.alliances)
    existed = source_exists(session, parsed.source.key)
    source_id, source_changed = put_source(session, parsed.source)
    summary.alliances = len(parsed.alliances)
    summary.memberships = len(kept)
    summary.states = len({m[1] for m in kept})
    summary.linked = sorted((key, treaty) for key, (_, treaty) in links.items())
    old_alliances, old_members = existing_alliances(session, source_id)
    if old_alliances:
        new_alliances = {
            alliance_tuple(a, links.get(a.key, (None, ""))[0]) for a in parsed.alliances
        }
        new_members = {member_tuple(m) for m in kept}
        if not source_changed and old_alliances == new_alliances and old_members == new_members:
            summary.action = "unchanged"
            return summary
        summary.action = "replaced"
    write_alliances(session, source_id, parsed.alliances, kept, state_of, links, progress)
    log_import(session, context, importer, summary, existed)
    return summary


def alliance_period(
    dates: list[tuple[PartialDate, PartialDate | None]],
) -> tuple[PartialDate, PartialDate | None]:
    """From the earliest member start to the latest member end (None while any is in)."""
    start = min((s for s, _ in dates), key=lambda d: (d.first_day, -len(str(d))))
    ends = [e for _, e in dates if e is not None]
    if len(ends) < len(dates):
        return start, None
    return start, max(ends, key=lambda d: (d.last_day, len(str(d))))
