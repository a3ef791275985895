"""ATOP 5.x member-level CSV (atop5_1m.csv): one row per member per phase.

Mapping: `atopid` -> alliance `atop-VERSION-ATOPID` (external id ATOPID); each row -> a
membership in its `phase` (0 = single phase) from `yrent/moent/dayent` (a blank day keeps month
precision) to `yrexit/moexit/dayexit` (0/0/0 = still in force: end NULL); obligations
`defense offense neutral nonagg consul` -> defense, offense, neutrality, nonaggression,
consultation. The alliance runs from its earliest member start to its latest member end (NULL
while any member is in). `cow4id` links to a treaty whose cow4id matches when no treaty has
the atopid.
"""

from __future__ import annotations

import calendar
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from sqlalchemy.orm import Session

from alliancekb.dates import PartialDate
from alliancekb.importers import atop_provisions
from alliancekb.importers.csvfile import CsvRows, Layout, Progress, no_progress
from alliancekb.importers.fields import Fields, check_unique, end_after_start, one_version
from alliancekb.importers.pipeline import Parsed, import_alliances
from alliancekb.importers.rows import (
    ALLIANCE,
    CCODE,
    END,
    PHASE,
    START,
    AllianceRow,
    Flag,
    MemberRow,
    StoredDate,
    alliance_period,
    member_row,
    stored,
)
from alliancekb.importers.sources import LICENCE, ImportSummary, SourceInfo
from alliancekb.records.writer import WriteContext

LAYOUT = Layout(
    "ATOP 5.x member-level (atop5_1m.csv)",
    (
        "atopid",
        "cow4id",
        "member",
        "yrent",
        "moent",
        "dayent",
        "yrexit",
        "moexit",
        "dayexit",
        "phase",
        "defense",
        "offense",
        "neutral",
        "nonagg",
        "consul",
        "version",
    ),
    "import atop",
)
OBLIGATION_COLUMNS = ("defense", "offense", "neutral", "nonagg", "consul")
MISSING = ("", "0")
KNOWN = {"5.1": (1815, 2018, "ATOP v5.1, 2022")}


def source_info(version: str, last_year: int) -> SourceInfo:
    first, last, edition = KNOWN.get(version, (1815, last_year, f"ATOP v{version}"))
    return SourceInfo(
        key=f"atop-{version}",
        title=f"Alliance Treaty Obligations and Provisions (ATOP), version {version}",
        citation=(
            "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. "
            'Long. 2002. "Alliance Treaty Obligations and Provisions, 1815-1944." '
            f"International Interactions 28: 237-260. ({edition}.)"
        ),
        url="http://www.atopdata.org",
        version=version,
        licence=LICENCE,
        coverage_start=first,
        coverage_end=last,
        notes=(
            "Imported from the ATOP member-level file: one membership per member and phase, "
            "with the member's own obligations. Member codes that are not COW state codes "
            "(ATOP's 8152) are left out."
        ),
    )


class _Slow(Exception):
    """The quick reading of a row met something it does not handle: read it carefully."""


FLAGS: dict[str, Flag] = {"": None, "-9": None, ".": None, "0": 0, "1": 1}
"""Fields.flag's reading of the cells it reads without stripping, as stored (1/0)."""
NO_END: tuple[None, None, None] = (None, None, None)
"""A membership still in force: no end date, no last day."""
TWO_DIGITS = tuple(f"{n:02d}" for n in range(32))
DATES = 1 << 16
"""The most dates parse keeps by their cells (ATOP 5.1 has about 1,200 different ones)."""


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


class _Rows:
    """What parse keeps while it reads rows: the keys seen, dates by their cells; and the
    careful reading of a row (Fields), which reads it the same or names what is wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: dict[tuple[int, int, int, str], int] = {}
        self.dates: dict[tuple[str, ...], StoredDate] = {}
        """Dates depend on their cells alone: the next rows with the same cells go quickly.
        Emptied when full (DATES), so that a file of a new date every row is not held twice."""

    def date(self, y: str, m: str, d: str) -> StoredDate:
        """Fields.date's reading of plain cells, as stored and kept for the next rows with the
        same cells; ValueError on anything else. Checked and written out by hand: datetime's
        date() and isoformat() take 40% longer, and a large file has a new date on most rows."""
        year = int(y)
        if not 1000 <= year <= 9999:
            raise ValueError
        if m in MISSING:
            text = str(year)
            date = text, f"{text}-01-01", f"{text}-12-31"
        else:
            month = int(m)
            if not 1 <= month <= 12:
                raise ValueError
            if d in MISSING:
                text = f"{year}-{TWO_DIGITS[month]}"
                date = text, f"{text}-01", f"{text}-{_days_in(year, month)}"
            else:
                day = int(d)
                if not 1 <= day <= (28 if day <= 28 else _days_in(year, month)):
                    raise ValueError
                text = f"{year}-{TWO_DIGITS[month]}-{TWO_DIGITS[day]}"
                date = text, text, text
        if len(self.dates) >= DATES:
            self.dates.clear()
        self.dates[(y, m, d)] = date
        return date

    def careful(
        self, line: int, row: dict[str, str], cells: tuple[str, ...]
    ) -> tuple[MemberRow, int | None, str]:
        """The row read field by field; InvalidInput names the line, column and value."""
        f = Fields(self.path, line, row)
        atopid = f.integer("atopid", 1, 10**9)
        ccode = f.integer("member", 1, 99999)
        phase = f.integer("phase", 0, 99)
        start = f.date("yrent", "moent", "dayent", MISSING)
        end: PartialDate | None = None
        if row["yrexit"] != "0":
            end = f.date("yrexit", "moexit", "dayexit", MISSING)
            end_after_start(f, "yrexit", start, end)
        codes = tuple(f.flag(c) for c in OBLIGATION_COLUMNS)
        check_unique(f, self.seen, (atopid, ccode, phase, str(start)))
        del self.seen[(atopid, ccode, phase, str(start))]  # parse records it
        cow4id = f.optional_int("cow4id", 1, 10**9, MISSING)
        first = self.dates.setdefault(cells[3:6], stored(start))
        last = None if end is None else self.dates.setdefault(cells[6:9], stored(end))
        return member_row(atopid, ccode, phase, first, last, codes), cow4id, cells[-1]


class _File(NamedTuple):
    """What _read gives: the file's memberships and the line of each; for each atopid its
    memberships and its cow4id (from its first row); the versions the rows give."""

    members: list[MemberRow]
    member_lines: list[int]
    groups: dict[int, list[MemberRow]]
    cow4ids: dict[int, int | None]
    versions: set[str]


def parse(path: Path, progress: Progress = no_progress) -> Parsed:
    """Read and check the whole file; InvalidInput names the line, column and value."""
    members, member_lines, groups, cow4ids, versions = _read(path, progress)
    version = one_version(path, {v.strip() for v in versions}, LAYOUT)
    prefix = f"atop-{version}-"
    alliances = [
        _alliance(f"{prefix}{atopid}", atopid, group, cow4ids[atopid])
        for atopid, group in groups.items()
    ]
    # Dates as text sort by their years first.
    starts, ends = map(itemgetter(START), members), filter(None, map(itemgetter(END), members))
    last = max(max(starts), max(ends, default=""))
    return Parsed(
        source_info(version, int(last[:4])), alliances, members, "atopid", member_lines, path
    )


def _read(path: Path, progress: Progress) -> _File:
    """The rows read and checked. What only reading needs (the keys seen, dates by their
    cells) goes on return, before Parsed checks the memberships in the memory it took."""
    members: list[MemberRow] = []
    member_lines: list[int] = []
    groups: dict[int, list[MemberRow]] = {}
    cow4ids: dict[int, int | None] = {}
    versions: set[str] = set()
    rows = _Rows(path)
    seen, dates, date = rows.seen, rows.dates, rows.date
    reader = CsvRows(path, LAYOUT, progress)
    for line, cells in reader.records():
        # The common case, read quickly: plain int(), flags looked up, dates by their cells.
        # Whatever it does not take (blanks around a value, '5.0', a bad value, a duplicate)
        # is read again the careful way, which gives the same values or the error message.
        atopid_, cow4id_, member_, y, m, d, ey, em, ed, phase_, de, of, ne, na, co, version = cells
        try:
            atopid, ccode, phase = int(atopid_), int(member_), int(phase_)
            start, start_day, _ = dates.get((y, m, d)) or date(y, m, d)
            end, _, end_day = NO_END if ey == "0" else dates.get((ey, em, ed)) or date(ey, em, ed)
            cow4id = None if cow4id_ in MISSING else int(cow4id_)
            key = (atopid, ccode, phase, start)
            if not (
                1 <= atopid <= 10**9
                and 1 <= ccode <= 99999
                and 0 <= phase <= 99
                and (cow4id is None or 1 <= cow4id <= 10**9)
                and (end_day is None or end_day >= start_day)
                and key not in seen
            ):
                raise _Slow
            # member_row() written out: a call per row is a tenth of the reading's time.
            member: MemberRow = (
                atopid,
                ccode,
                phase,
                start,
                end,
                start_day,
                end_day,
                FLAGS[de],
                FLAGS[of],
                FLAGS[ne],
                FLAGS[na],
                FLAGS[co],
            )
        except (ValueError, KeyError, _Slow):
            member, cow4id, version = rows.careful(line, reader.row(cells), cells)
            atopid = member[ALLIANCE]
            key = (atopid, member[CCODE], member[PHASE], member[START])
        seen[key] = line
        members.append(member)
        member_lines.append(line)
        group = groups.get(atopid)
        if group is None:
            groups[atopid] = [member]
            cow4ids[atopid] = cow4id
        else:
            group.append(member)
        versions.add(version)
    return _File(members, member_lines, groups, cow4ids, versions)


COW4ID_NOTE = " COW Formal Alliances v4 id {cow4id} (ATOP's cow4id)."
"""How an ATOP alliance's notes name the COW alliance ATOP links it to (`alliance show` reads
it back: the table has no column for it)."""


def _alliance(key: str, atopid: int, members: list[MemberRow], cow4id: int | None) -> AllianceRow:
    """The alliance of an atopid, dated by its memberships."""
    start, end, start_day, end_day = alliance_period(members)
    phases = max(map(itemgetter(PHASE), members))
    notes = f"ATOP alliance {atopid}."
    if cow4id:
        notes += COW4ID_NOTE.format(cow4id=cow4id)
    if phases:
        notes += f" {phases} phases, each with its own members and obligations."
    return AllianceRow(
        key=key,
        number=atopid,
        start=start,
        end=end,
        start_day=start_day,
        end_day=end_day,
        notes=notes,
        treaty_key=("atopid", atopid),
        fallback_treaty=("cow4id", cow4id) if cow4id else None,
    )


def write(
    session: Session,
    path: Path,
    parsed: Parsed,
    context: WriteContext,
    progress: Progress,
    replace_edits: bool = False,
) -> ImportSummary:
    """Create or replace the ATOP source from its parsed file, and its provisions."""
    summary = import_alliances(session, path, parsed, "atop", context, progress, replace_edits)
    atop_provisions.store(session, parsed.source.key, atop_provisions.read(path))
    return summary
