"""COW Formal Alliances v4.1 member-level CSV (alliance_v4.1_by_member.csv).

Mapping: `version4id` -> alliance `cow-VERSION-ID` (external id ID), dated by `all_st_*` and
`all_end_*` (blank end: in force at the end of the data, end NULL), widened to hold its members
where COW's dates do not (four alliances of v4.1; the notes say so); each row -> a membership
(phase 0) from `mem_st_*` to `mem_end_*` (blank end with `right_censor=1`: end NULL); a day or
month of -9 or blank is unknown (the date keeps the precision it has). Flags `defense
neutrality nonaggression entente` -> defense, neutrality, nonaggression, consultation; COW does
not code offense, so it stays unknown (NULL). `ss_type` and left censoring go in the notes.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from sqlalchemy.orm import Session

from alliancekb.dates import PartialDate
from alliancekb.importers.csvfile import CsvRows, Layout, Progress, no_progress
from alliancekb.importers.fields import Fields, check_unique, end_after_start, one_version
from alliancekb.importers.pipeline import Parsed, import_alliances
from alliancekb.importers.rows import AllianceRow, member_row, stored
from alliancekb.importers.sources import LICENCE, ImportSummary, SourceInfo
from alliancekb.records.writer import WriteContext

LAYOUT = Layout(
    "COW Formal Alliances v4.1 member-level (alliance_v4.1_by_member.csv)",
    (
        "version4id",
        "ccode",
        "all_st_day",
        "all_st_month",
        "all_st_year",
        "all_end_day",
        "all_end_month",
        "all_end_year",
        "ss_type",
        "mem_st_day",
        "mem_st_month",
        "mem_st_year",
        "mem_end_day",
        "mem_end_month",
        "mem_end_year",
        "left_censor",
        "right_censor",
        "defense",
        "neutrality",
        "nonaggression",
        "entente",
        "version",
    ),
    "import cow",
)
MISSING = ("", "-9")
KNOWN = {"4.1": (1816, 2012)}


def source_info(version: str, last_year: int) -> SourceInfo:
    first, last = KNOWN.get(version, (1816, last_year))
    return SourceInfo(
        key=f"cow-{version}",
        title=f"Correlates of War Formal Alliances, version {version}",
        citation=(
            "Gibler, Douglas M. 2009. International Military Alliances, 1648-2008. CQ Press. "
            f"(COW Formal Alliances v{version}.)"
        ),
        url="https://correlatesofwar.org/data-sets/formal-alliances/",
        version=version,
        licence=LICENCE,
        coverage_start=first,
        coverage_end=last,
        notes=(
            "Imported from the COW member-level file. COW codes defense, neutrality, "
            "non-aggression and entente (kept as consultation); it does not code offense, "
            "which stays unknown."
        ),
    )


def _end(f: Fields, prefix: str, start: PartialDate, censored: bool) -> PartialDate | None:
    year = f"{prefix}_year"
    if f.row[year] in MISSING:
        if not censored:
            raise f.bad(year, "is blank, but right_censor is not 1: give the end or set it")
        return None
    end = f.date(year, f"{prefix}_month", f"{prefix}_day", MISSING)
    end_after_start(f, year, start, end)
    return end


class _Alliance(NamedTuple):
    """An alliance as its first row gives it."""

    line: int
    start: PartialDate
    end: PartialDate | None
    ss_type: str
    left_censored: bool


Member = tuple[int, int, PartialDate, PartialDate | None, tuple[bool | None, ...]]
"""(version4id, ccode, start, end, obligations) as a row gives them."""


def _member_spans(
    members: list[Member],
) -> dict[int, tuple[PartialDate, PartialDate | None, bool]]:
    """For each alliance: its members' earliest start, latest end, and whether one is ongoing."""
    spans: dict[int, tuple[PartialDate, PartialDate | None, bool]] = {}
    for number, _ccode, start, end, _codes in members:
        if number not in spans:
            spans[number] = (start, end, end is None)
            continue
        first, last, ongoing = spans[number]
        if start.first_day < first.first_day:
            first = start
        if end is not None and (last is None or end.last_day > last.last_day):
            last = end
        spans[number] = (first, last, ongoing or end is None)
    return spans


def _fitted(
    start: PartialDate,
    end: PartialDate | None,
    first: PartialDate,
    last: PartialDate | None,
    ongoing: bool,
) -> tuple[PartialDate, PartialDate | None, str]:
    """The alliance's dates widened to hold its members, and a note when they are. COW v4.1
    starts four alliances (38, 95, 323, 347) some days after all their members: the alliance
    then starts with them, as an alliance record must hold its members' dates."""
    notes = []
    if first.last_day < start.first_day:
        notes.append(f"COW dates the alliance from {start}, its members from {first}")
        start = first
    if end is not None and ongoing:
        notes.append(f"COW ends the alliance on {end}, a member is still in")
        end = None
    elif end is not None and last is not None and last.first_day > end.last_day:
        notes.append(f"COW ends the alliance on {end}, a member on {last}")
        end = last
    if not notes:
        return start, end, ""
    return start, end, f"{'; '.join(notes)}: dated here from its members."


def parse(path: Path, progress: Progress = no_progress) -> Parsed:
    """Read and check the whole file; InvalidInput names the line, column and value."""
    raw: list[Member] = []
    member_lines: list[int] = []
    seen: dict[tuple[object, ...], int] = {}
    alliances: dict[int, _Alliance] = {}
    versions: set[str] = set()
    last_year = 0
    for line, row in CsvRows(path, LAYOUT, progress):
        f = Fields(path, line, row)
        cow_id = f.integer("version4id", 1, 10**9)
        ccode = f.integer("ccode", 1, 99999)
        censored = f.flag("right_censor") is True
        all_start = f.date("all_st_year", "all_st_month", "all_st_day", MISSING)
        all_end = _end(f, "all_end", all_start, censored=True)  # blank: in force at the end
        start = f.date("mem_st_year", "mem_st_month", "mem_st_day", MISSING)
        end = _end(f, "mem_end", start, censored)
        left = f.flag("left_censor") is True
        codes = (
            f.flag("defense"),
            None,
            f.flag("neutrality"),
            f.flag("nonaggression"),
            f.flag("entente"),
        )
        known = alliances.get(cow_id)
        if known is None:
            alliances[cow_id] = _Alliance(line, all_start, all_end, row["ss_type"], left)
        elif (known.start, known.end) != (all_start, all_end):
            raise f.bad("all_st_year", f"gives other alliance dates than line {known.line}")
        elif left and not known.left_censored:
            alliances[cow_id] = known._replace(left_censored=True)
        check_unique(f, seen, (cow_id, ccode, str(start)))
        raw.append((cow_id, ccode, start, end, codes))
        member_lines.append(line)
        last_year = max(last_year, start.year, end.year if end else 0)
        versions.add(row["version"])
    version = one_version(path, versions, LAYOUT)
    prefix = f"cow-{version}-"
    rows = []
    spans = _member_spans(raw)
    moved: list[str] = []
    for cow_id, (_line, start, end, ss_type, left) in alliances.items():
        notes = f"COW alliance {cow_id}: {ss_type}." if ss_type else f"COW alliance {cow_id}."
        if left:
            notes += (
                f" Left-censored: signed {start}, before COW's data begin in 1816; its members"
                " are coded from 1816."
            )
        start, end, redated = _fitted(start, end, *spans[cow_id])
        if redated:
            notes += f" {redated}"
            moved.append(f"{prefix}{cow_id}")
        rows.append(
            AllianceRow(
                key=f"{prefix}{cow_id}",
                number=cow_id,
                start=str(start),
                end=None if end is None else str(end),
                start_day=start.first_day.isoformat(),
                end_day=None if end is None else end.last_day.isoformat(),
                notes=notes,
                treaty_key=("cow4id", cow_id),
            )
        )
    members = [
        member_row(a, c, 0, stored(s), None if e is None else stored(e), o) for a, c, s, e, o in raw
    ]
    info = source_info(version, last_year)
    return Parsed(info, rows, members, "version4id", member_lines, path, redated=moved)


def write(
    session: Session,
    path: Path,
    parsed: Parsed,
    context: WriteContext,
    progress: Progress,
    replace_edits: bool = False,
) -> ImportSummary:
    """Create or replace the COW alliance source from its parsed file."""
    return import_alliances(session, path, parsed, "cow", context, progress, replace_edits)
