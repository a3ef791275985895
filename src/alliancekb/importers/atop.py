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


def parse(path: Path, progress: Progress = no_progress) -> Parsed:
    """Read and check the whole file; InvalidInput names the line, column and value."""
    raw: list[tuple[int, int, int, PartialDate, PartialDate | None, tuple[bool | None, ...]]] = []
    first_line: dict[tuple[int, int], int] = {}
    member_lines: list[int] = []
    seen: dict[tuple[object, ...], int] = {}
    spans: dict[int, list[tuple[PartialDate, PartialDate | None]]] = {}
    cow4ids: dict[int, int | None] = {}
    phases: dict[int, int] = {}
    versions: set[str] = set()
    last_year = 0
    for line, row in CsvRows(path, LAYOUT, progress):
        f = Fields(path, line, row)
        atopid = f.integer("atopid", 1, 10**9)
        ccode = f.integer("member", 1, 99999)
        phase = f.integer("phase", 0, 99)
        start = f.date("yrent", "moent", "dayent", MISSING)
        end: PartialDate | None = None
        if row["yrexit"] != "0":
            end = f.date("yrexit", "moexit", "dayexit", MISSING)
            end_after_start(f, "yrexit", start, end)
            last_year = max(last_year, end.year)
        last_year = max(last_year, start.year)
        codes = tuple(f.flag(c) for c in OBLIGATION_COLUMNS)
        check_unique(f, seen, (atopid, ccode, phase, str(start)))
        raw.append((atopid, ccode, phase, start, end, codes))
        member_lines.append(line)
        first_line.setdefault((atopid, ccode), line)
        spans.setdefault(atopid, []).append((start, end))
        cow4ids.setdefault(atopid, f.optional_int("cow4id", 1, 10**9, MISSING))
        phases[atopid] = max(phases.get(atopid, 0), phase)
        versions.add(row["version"])
    version = one_version(path, versions, LAYOUT)
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
