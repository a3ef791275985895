"""What every importer shares: reading a layout, parsing fields, replacing a source in bulk.

An importer reads its whole file into compact tuples first (a bad row raises before anything
is written), compares them with what the database holds for its source (the same file again
changes nothing), and otherwise replaces the source's rows with the driver's bulk insert
(bulk.py: COPY or executemany) in one transaction, logging the import as one entry in `changes`.
"""

from __future__ import annotations

import calendar
import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from alliancekb.database.models import (
    OBLIGATIONS,
    Alliance,
    Base,
    Change,
    Membership,
    Source,
    State,
    Treaty,
)
from alliancekb.dates import PartialDate
from alliancekb.errors import InvalidInput
from alliancekb.importers.bulk import ALLIANCE_COLUMNS, MEMBERSHIP_COLUMNS, BulkWriter
from alliancekb.inputs import regular_file
from alliancekb.records.writer import WriteContext

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
        regular_file(path, f"give the {layout.name} CSV file")  # not a FIFO, /dev/zero, ...
        self.index: dict[str, int] = {}

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        for line, cells in self.records():
            yield line, self.row(cells)

    def row(self, cells: Sequence[str]) -> dict[str, str]:
        """A record's cells (as records() gives them) by column name, stripped."""
        return {name: cell.strip() for name, cell in zip(self.layout.columns, cells, strict=True)}

    def records(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        """The data rows as read: the cells of the layout's columns in its order, not stripped,
        each row with its line number. Once the first row is out, `index` maps the layout's
        columns to their places in a row.

        A line with no quote is a row whose cells are between its commas, as the csv module
        reads it: such a line is cut with split(), cell by cell only as far as the columns
        wanted (quick_cells), in half the csv module's time. A line with a quote (a comma or a
        line break inside a cell) goes to the csv module."""
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as handle:
                lines = self._lines(handle)
                reader = csv.reader(lines)
                header = next(reader, None)
                self.index = self._check_header(header)
                width = len(header or [])
                pick = itemgetter(*self.index.values())
                quick = quick_cells(width, list(self.index.values()))
                line = reader.line_num
                for text in lines:
                    line += 1
                    if '"' in text:
                        quoted = csv.reader(chain((text,), lines))  # reads on as it needs
                        values = next(quoted)
                        line += quoted.line_num - 1
                    else:
                        text = text.rstrip("\r\n")
                        if text.count(",") == width - 1:
                            yield line, quick(text)
                            continue
                        values = text.split(",") if text else []
                    if len(values) != width:
                        if not values or values == [""]:
                            continue
                        # A cell lost or added shifts every value after it into the wrong
                        # column: refuse the row rather than read shifted values.
                        raise InvalidInput(
                            f"{self.path} line {line}: {len(values)} cells, but the "
                            f"header has {width} columns: fix the row (a missing or extra comma?)"
                        )
                    yield line, pick(values)
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


def quick_cells(width: int, positions: Sequence[int]) -> Callable[[str], tuple[str, ...]]:
    """For a line of WIDTH cells and no quote: the cells at POSITIONS (two or more), in that
    order. The line is split from the left as far as the wanted cells at its start and from
    the right as far as those at its end, so that few of the others become strings (of ATOP's
    105 cells, the 16 wanted are among the first 35 and the last one)."""
    ordered = sorted(positions)
    # The first i wanted cells from the left, the others from the right: the fewest strings.
    # On a tie, the left: a split of every cell leaves no rest of the line, which is fine on
    # the left (its last piece is a cell) but not on the right (its first piece is).
    choices = [
        (ordered[i - 1] + 1 if i else 0, width - ordered[i] if i < len(ordered) else 0)
        for i in range(len(ordered) + 1)
    ]
    left, right = min(reversed(choices), key=sum)
    # split(",", left) gives cells 0 .. left-1 and the rest of the line; rsplit(",", right)
    # the rest of the line and cells width-right .. width-1.
    shift = left + 2 - (width - right)
    get = itemgetter(*(p if p < left else p + shift for p in positions))
    return lambda text: get(text.split(",", left) + text.rsplit(",", right))


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


StoredDate = tuple[str, str, str]
"""A partial date as the tables store it: (its text, its first day, its last day), days as ISO
text ('1874-06', '1874-06-01', '1874-06-30'). The days of four-digit years sort as ISO text as
they do as days, so the checks compare the text."""


def stored(date: PartialDate) -> StoredDate:
    return str(date), date.first_day.isoformat(), date.last_day.isoformat()


@dataclass(slots=True)
class AllianceRow:
    """An alliance as the alliances table stores it (the files give no title), with the number
    its memberships give. (Slots: a large file has tens of thousands.)"""

    key: str
    number: int
    """The alliance's id in its file (ATOP's atopid, COW's version4id): its external id."""
    start: str
    end: str | None
    start_day: str
    end_day: str | None
    notes: str | None
    treaty_key: tuple[str, int] | None = None
    """How to find the alliance's treaty: ("atopid", 3825) or ("cow4id", 301)."""
    fallback_treaty: tuple[str, int] | None = None

    @property
    def external_id(self) -> str:
        return str(self.number)


Flag = int | None
"""An obligation as SQLite stores a boolean: 1, 0 or None (unknown). Plain integers bind
without the driver's adaptation of bools, which takes a third of an executemany of rows with
five of them; PostgreSQL's COPY reads 1 and 0 as true and false."""

MemberRow = tuple[int, int, int, str, str | None, str, str | None, Flag, Flag, Flag, Flag, Flag]
"""A membership as the memberships table stores it but for its two ids: (the alliance's number,
ccode, phase, start, end, start_day, end_day, defense, offense, neutrality, nonaggression,
consultation). An import keeps hundreds of thousands of them: flat tuples of shared strings
and small integers, written as they are."""


def member_row(
    number: int,
    ccode: int,
    phase: int,
    start: StoredDate,
    end: StoredDate | None,
    codes: Sequence[bool | None],
) -> MemberRow:
    text, first_day, _ = start
    end_text, _, last_day = (None, None, None) if end is None else end
    defense, offense, neutrality, nonaggression, consultation = (
        None if code is None else int(code) for code in codes
    )
    return (
        number,
        ccode,
        phase,
        text,
        end_text,
        first_day,
        last_day,
        defense,
        offense,
        neutrality,
        nonaggression,
        consultation,
    )


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
    session: Session, parsed: Parsed, summary: ImportSummary
) -> tuple[dict[int, int], list[MemberRow]]:
    """Map ccodes to state ids; codes that are not COW states are skipped (and reported)."""
    ids = {c: i for c, i in session.execute(select(State.ccode, State.id))}
    members, lines = parsed.members, parsed.member_lines
    unknown = sorted({m[1] for m in members} - ids.keys())
    if unknown and not states_imported(session):
        code = unknown[0]
        line = next(line for m, line in zip(members, lines, strict=True) if m[1] == code)
        raise InvalidInput(
            f"{parsed.path} line {line}: member {code} is not a state in this database "
            f"({len(unknown)} codes missing): import the COW state system first with "
            "`alliancekb import cow-states PATH/states2016.csv`"
        )
    if not unknown:
        return ids, members
    kept = []
    first_line: dict[tuple[int, int], int] = {}
    for member, line in zip(members, lines, strict=True):
        if member[1] in ids:
            kept.append(member)
            continue
        first = first_line.setdefault((member[0], member[1]), line)
        where = f"{parsed.what} {member[0]}, line {first}"
        summary.skip(f"member {member[1]} is not a COW state code", where)
    return ids, kept


def member_tuple(m: MemberRow, keys: dict[int, str]) -> tuple[Any, ...]:
    """What existing_alliances reads back for a membership."""
    return (keys[m[0]], *m[1:5], *m[7:])


def alliance_tuple(a: AllianceRow, treaty_id: int | None) -> tuple[Any, ...]:
    return (a.key, a.external_id, a.start, a.end, None, a.notes, True, treaty_id)  # no title


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


def delete_alliances(session: Session, source_id: int) -> None:
    """Delete the source's alliances and memberships."""
    ids_of_source = select(Alliance.id).where(Alliance.source_id == source_id)
    session.execute(delete(Membership).where(Membership.alliance_id.in_(ids_of_source)))
    session.execute(delete(Alliance).where(Alliance.source_id == source_id))


def write_alliances(
    session: Session,
    source_id: int,
    alliances: Sequence[AllianceRow],
    members: Sequence[MemberRow],
    state_of: dict[int, int],
    links: dict[str, tuple[int, str]],
    progress: Progress,
) -> None:
    """Write the source's alliances and memberships with the driver's bulk insert."""
    total = len(alliances) + len(members)
    writer = BulkWriter(session)
    with writer.roomy_cache():
        rows = alliance_rows(source_id, alliances, links)
        writer.insert("alliances", ALLIANCE_COLUMNS, rows, lambda n: progress("writing", n, total))
        id_of_key = writer.ids("alliances", source_id)
        alliance_id = {a.number: id_of_key[a.key] for a in alliances}
        writer.insert(
            "memberships",
            MEMBERSHIP_COLUMNS,
            member_rows(members, alliance_id, state_of),
            lambda n: progress("writing", len(alliances) + n, total),
        )


def alliance_rows(
    source_id: int, alliances: Sequence[AllianceRow], links: dict[str, tuple[int, str]]
) -> Iterator[tuple[Any, ...]]:
    """The alliances in ALLIANCE_COLUMNS."""
    for a in alliances:
        treaty_id = links[a.key][0] if a.key in links else None
        yield (
            a.key,
            source_id,
            a.external_id,
            treaty_id,
            1,  # formal: true, as a Flag
            a.notes,
            a.start,
            a.end,
            a.start_day,
            a.end_day,
        )


def member_rows(
    members: Sequence[MemberRow], alliance_id: dict[int, int], state_of: dict[int, int]
) -> Iterator[tuple[Any, ...]]:
    """The memberships in MEMBERSHIP_COLUMNS, made as the driver takes them, a batch at a time:
    they never all exist at once."""
    return (
        (alliance_id[number], state_of[ccode], phase, start, end, first, last, d, o, n, na, c)
        for number, ccode, phase, start, end, first, last, d, o, n, na, c in members
    )


# --- the whole import of an alliance source --------------------------------------------------


@dataclass
class Parsed:
    """An alliance file read whole: its source, alliances and memberships."""

    source: SourceInfo
    alliances: list[AllianceRow]
    members: list[MemberRow]
    what: str
    """How the summary names an alliance of this source ('atopid', 'version4id')."""
    member_lines: list[int]
    """The line of each membership (same order as `members`), for messages."""
    path: Path

    def __post_init__(self) -> None:
        check_overlaps(self)


def check_overlaps(parsed: Parsed) -> None:
    """No two memberships of a state in one alliance and phase share a day (PostgreSQL's
    EXCLUDE constraint refuses them; on SQLite this check is the guard). A state mostly has one
    membership per alliance and phase: only those it has more than once are compared, group by
    group in the order the file first gives them, each sorted by its first day."""
    members = parsed.members
    first: dict[tuple[int, ...], int] = {}
    repeated: dict[tuple[int, ...], list[int]] = {}
    for index, member in enumerate(members):
        group = member[:3]
        earlier = first.setdefault(group, index)
        if earlier != index:
            repeated.setdefault(group, [earlier]).append(index)
    for indexes in sorted(repeated.values(), key=itemgetter(0)):
        indexes.sort(key=lambda i: members[i][5])  # stable: a tie keeps the file's order
        for one, other in pairwise(indexes):
            last, first_day = members[one][6], members[other][5]
            if last is None or last >= first_day:
                number, ccode, phase = members[other][:3]
                key = next(a.key for a in parsed.alliances if a.number == number)
                raise InvalidInput(
                    f"{parsed.path} line {parsed.member_lines[other]}: member {ccode} of {key} "
                    f"(phase {phase}) overlaps its membership on line "
                    f"{parsed.member_lines[one]}: fix the dates or remove one row"
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
    state_of, kept = state_ids(session, parsed, summary)
    if len(kept) < len(parsed.members):
        left_out = {(m[0], m[1]) for m in parsed.members if m[1] not in state_of}
        for alliance in parsed.alliances:
            for code in sorted(c for n, c in left_out if n == alliance.number):
                alliance.notes = (
                    f"{alliance.notes or ''} Member {code} is not a COW state code: left out."
                ).strip()
    links = treaty_links(session, parsed.alliances)
    existed = source_exists(session, parsed.source.key)
    source_id, source_changed = put_source(session, parsed.source)
    summary.alliances = len(parsed.alliances)
    summary.memberships = len(kept)
    summary.states = len({m[1] for m in kept})
    summary.linked = sorted((key, treaty) for key, (_, treaty) in links.items())
    # A source created just now has no rows to compare or delete.
    old_alliances, old_members = (
        existing_alliances(session, source_id) if existed else (set(), set())
    )
    if old_alliances:
        new_alliances = {
            alliance_tuple(a, links.get(a.key, (None, ""))[0]) for a in parsed.alliances
        }
        keys = {a.number: a.key for a in parsed.alliances}
        new_members = {member_tuple(m, keys) for m in kept}
        if not source_changed and old_alliances == new_alliances and old_members == new_members:
            summary.action = "unchanged"
            return summary
        summary.action = "replaced"
    if existed:
        delete_alliances(session, source_id)
    write_alliances(session, source_id, parsed.alliances, kept, state_of, links, progress)
    log_import(session, context, importer, summary, existed)
    return summary


def alliance_period(members: Sequence[MemberRow]) -> tuple[str, str | None, str, str | None]:
    """(start, end, start_day, end_day) from the earliest member start to the latest member end
    (no end while any member is in); of two dates on the same day, the more precise one."""
    start, start_day = members[0][3], members[0][5]
    for m in members:
        if m[5] < start_day or (m[5] == start_day and len(m[3]) > len(start)):
            start, start_day = m[3], m[5]
    end, end_day = "", ""
    for m in members:
        if m[4] is None or m[6] is None:
            return start, None, start_day, None
        if m[6] > end_day or (m[6] == end_day and len(m[4]) > len(end)):
            end, end_day = m[4], m[6]
    return start, end, start_day, end_day
