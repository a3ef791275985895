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
from pathlib import Path

from alliancekb.dates import PartialDate
from alliancekb.importers.common import (
    LICENCE,
    AllianceRow,
    CsvRows,
    Fields,
    Layout,
    MemberRow,
    Parsed,
    Progress,
    SourceInfo,
    alliance_period,
    check_unique,
    end_after_start,
    no_progress,
    one_version,
)

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


Member = tuple[int, int, int, PartialDate, PartialDate | None, tuple[bool | None, ...]]
"""(atopid, ccode, phase, start, end, the five obligations) of one row."""


class _Slow(Exception):
    """The quick reading of a row met something it does not handle: read it carefully."""


def _days_in(year: int, month: int | None) -> int:
    return calendar.monthrange(year, month or 1)[1]


FLAGS: dict[str, bool | None] = {"": None, "-9": None, ".": None, "0": False, "1": True}
"""Fields.flag's reading of the cells it reads without stripping."""


class _Rows:
    """What parse keeps while it reads rows: the keys seen, dates by their cells; and the
    careful reading of a row (Fields), which reads it the same or names what is wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: dict[tuple[object, ...], int] = {}
        self.starts: dict[tuple[str, ...], PartialDate | None] = {}
        self.ends: dict[tuple[str, ...], PartialDate | None] = {}

    def date(
        self, cache: dict[tuple[str, ...], PartialDate | None], y: str, m: str, d: str
    ) -> PartialDate:
        """Fields.date's reading of plain cells (ValueError on others), kept for the next rows
        with the same cells."""
        year = int(y)
        month = None if m in MISSING else int(m)
        day = None if month is None or d in MISSING else int(d)
        if not 1000 <= year <= 9999 or (month is not None and not 1 <= month <= 12):
            raise ValueError
        if day is not None and not 1 <= day <= (day if day <= 28 else _days_in(year, month)):
            raise ValueError
        date = cache[(y, m, d)] = PartialDate(year, month, day)
        return date

    def careful(
        self, line: int, row: dict[str, str], cells: tuple[str, ...]
    ) -> tuple[Member, int | None, str]:
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
        # Dates depend on their cells alone: the next rows with the same cells go quickly.
        self.starts.setdefault(cells[3:6], start)
        self.ends.setdefault(cells[6:9], end)
        return (atopid, ccode, phase, start, end, codes), cow4id, cells[-1]


def parse(path: Path, progress: Progress = no_progress) -> Parsed:
    """Read and check the whole file; InvalidInput names the line, column and value."""
    raw: list[Member] = []
    first_line: dict[tuple[int, int], int] = {}
    member_lines: list[int] = []
    spans: dict[int, list[tuple[PartialDate, PartialDate | None]]] = {}
    cow4ids: dict[int, int | None] = {}
    phases: dict[int, int] = {}
    versions: set[str] = set()
    last_year = 0
    rows = _Rows(path)
    seen, starts, ends, date = rows.seen, rows.starts, rows.ends, rows.date
    reader = CsvRows(path, LAYOUT, progress)
    for line, values in reader.records():
        cells = reader.pick(values)
        # The common case, read quickly: plain int(), flags looked up, dates by their cells.
        # Whatever it does not take (blanks around a value, '5.0', a bad value, a duplicate)
        # is read again the careful way, which gives the same values or the error message.
        atopid_, cow4id_, member_, y, m, d, ey, em, ed, phase_, de, of, ne, na, co, version = cells
        try:
            atopid, ccode, phase = int(atopid_), int(member_), int(phase_)
            start = starts.get((y, m, d)) or date(starts, y, m, d)
            end = (
                ends[(ey, em, ed)]
                if (ey, em, ed) in ends
                else None
                if ey == "0"
                else date(ends, ey, em, ed)
            )
            codes: tuple[bool | None, ...] = (FLAGS[de], FLAGS[of], FLAGS[ne], FLAGS[na], FLAGS[co])
            cow4id = None if cow4id_ in MISSING else int(cow4id_)
            text = str(start)
            if not (
                1 <= atopid <= 10**9
                and 1 <= ccode <= 99999
                and 0 <= phase <= 99
                and (cow4id is None or 1 <= cow4id <= 10**9)
                and (end is None or end.last_day >= start.first_day)
                and (atopid, ccode, phase, text) not in seen
            ):
                raise _Slow
        except (ValueError, KeyError, _Slow):
            member, cow4id, version = rows.careful(line, reader.row(values), cells)
            atopid, ccode, phase, start, end, codes = member
            text = str(start)
        seen[(atopid, ccode, phase, text)] = line
        raw.append((atopid, ccode, phase, start, end, codes))
        member_lines.append(line)
        if (atopid, ccode) not in first_line:
            first_line[(atopid, ccode)] = line
        if atopid in spans:
            spans[atopid].append((start, end))
            if phase > phases[atopid]:
                phases[atopid] = phase
        else:
            spans[atopid] = [(start, end)]
            cow4ids[atopid] = cow4id
            phases[atopid] = phase
        year = end.year if end is not None and end.year > start.year else start.year
        if year > last_year:
            last_year = year
        versions.add(version)
    version = one_version(path, {v.strip() for v in versions}, LAYOUT)
    prefix = f"atop-{version}-"
    alliances = []
    for atopid, dates in spans.items():
        start, end = alliance_period(dates)
        notes = [f"ATOP alliance {atopid}."]
        if cow4ids[atopid]:
            notes.append(f"COW Formal Alliances v4 id {cow4ids[atopid]} (ATOP's cow4id).")
        if phases[atopid]:
            notes.append(f"{phases[atopid]} phases, each with its own members and obligations.")
        cow4id = cow4ids[atopid]
        alliances.append(
            AllianceRow(
                key=f"{prefix}{atopid}",
                external_id=str(atopid),
                start=start,
                end=end,
                title=None,
                notes=" ".join(notes),
                treaty_key=("atopid", atopid),
                fallback_treaty=("cow4id", cow4id) if cow4id else None,
            )
        )
    members: list[MemberRow] = [(f"{prefix}{a}", c, p, s, e, o) for a, c, p, s, e, o in raw]
    lines = {(f"{prefix}{a}", c): line for (a, c), line in first_line.items()}
    return Parsed(
        source_info(version, last_year), alliances, members, lines, "atopid", member_lines, path
    )
