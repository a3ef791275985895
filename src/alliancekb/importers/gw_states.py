"""Gleditsch-Ward independent states (iisystem.dat): states, spells and the COW correspondence.

The file is tab-separated, no header: gwcode, abbreviation, name, start and end as
`dd:mm:yyyy`. The last day of the data (31:12:2017) means still in the system: end NULL. The
correspondence with COW codes comes from the project's code table (`gwcode` per ccode) and,
where one COW code stands for different GW states over time, `data/gw_correspondence.csv`
(Germany 255 is GW's 260 from 1990-10-03; COW's 345 is GW's Serbia 340 before 1918-12-01 and
from 2006-06-05). The source's rows are replaced as a whole.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from alliancekb.country_codes import code_table
from alliancekb.database.models import GwCode, GwSpell, GwState
from alliancekb.errors import InvalidInput
from alliancekb.importers.csvfile import Layout, Progress, no_progress
from alliancekb.importers.sources import (
    LICENCE,
    ImportSummary,
    SourceInfo,
    log_import,
    put_source,
    source_exists,
    table,
)
from alliancekb.records.writer import WriteContext
from alliancekb.resources import PACKAGE_DIR

GW_IMPORTER = "gw-states"
LAYOUT = Layout(
    "Gleditsch-Ward independent states (iisystem.dat)",
    ("gwcode", "abbreviation", "name", "start", "end"),
    "import gw-states",
)
CORRESPONDENCE = PACKAGE_DIR / "data" / "gw_correspondence.csv"
SOURCE = SourceInfo(
    key="gw-states",
    title="Gleditsch-Ward list of independent states",
    citation=(
        'Gleditsch, Kristian S. and Michael D. Ward. 1999. "Interstate System Membership: A '
        'Revised List of the Independent States since 1816." International Interactions 25: '
        "393-413."
    ),
    url="http://ksgleditsch.com/data-4.html",
    version="2017",
    licence=LICENCE,
    coverage_start=1816,
    coverage_end=None,
    notes=(
        "Imported from iisystem.dat: one spell per line; the last day of the data means still "
        "in the system (no end). COW codes correspond through the project's code table."
    ),
)
Spell = tuple[int, dt.date, dt.date]


@dataclass
class ParsedGw:
    source: SourceInfo
    states: dict[int, tuple[str, str]]
    """gwcode -> (abbreviation, name), as of the state's latest spell."""
    spells: list[tuple[int, dt.date, dt.date | None]]
    codes: list[tuple[int, int, dt.date | None, dt.date | None]]
    """The correspondence: ccode, gwcode, first and last day (None: open)."""


def _day(path: Path, line: int, column: str, text: str) -> dt.date:
    try:
        day, month, year = (int(part) for part in text.split(":"))
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidInput(
            f"{path} line {line}, column {column}: '{text}' is not a date dd:mm:yyyy"
        ) from None


def parse(path: Path, progress: Progress = no_progress) -> ParsedGw:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")  # older copies of the list
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read it: {exc.strerror}") from None
    states: dict[int, tuple[dt.date, str, str]] = {}
    rows: list[Spell] = []
    seen: set[tuple[int, dt.date]] = set()
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        cells = raw.split("\t")
        if len(cells) != 5:
            raise InvalidInput(
                f"{path} line {line}: {len(cells)} tab-separated cells, not 5 (gwcode, "
                "abbreviation, name, start dd:mm:yyyy, end dd:mm:yyyy): is this iisystem.dat?"
            )
        code, abb, name, start_text, end_text = (c.strip() for c in cells)
        if not code.isdigit():
            raise InvalidInput(f"{path} line {line}, column gwcode: '{code}' is not a code")
        gwcode = int(code)
        start = _day(path, line, "start", start_text)
        end = _day(path, line, "end", end_text)
        if end < start:
            raise InvalidInput(f"{path} line {line}: ends {end_text}, before it starts")
        if (gwcode, start) in seen:
            raise InvalidInput(f"{path} line {line}: a second spell of {gwcode} from {start}")
        seen.add((gwcode, start))
        rows.append((gwcode, start, end))
        if gwcode not in states or states[gwcode][0] < start:
            states[gwcode] = (start, abb, name)
    if not rows:
        raise InvalidInput(f"{path}: no spells: is this iisystem.dat?")
    data_end = max(end for _, _, end in rows)
    spells = [(g, s, None if e == data_end else e) for g, s, e in rows]
    return ParsedGw(
        SOURCE,
        {g: (abb, name) for g, (_, abb, name) in states.items()},
        spells,
        correspondence(set(states)),
    )


def correspondence(gwcodes: set[int]) -> list[tuple[int, int, dt.date | None, dt.date | None]]:
    """COW code -> GW code over days, for the GW codes of the file: the code table's gwcode,
    except where gw_correspondence.csv dates the correspondence of a COW code."""
    dated: dict[int, list[tuple[int, dt.date | None, dt.date | None]]] = {}
    with CORRESPONDENCE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            first = dt.date.fromisoformat(row["start"]) if row["start"] else None
            last = dt.date.fromisoformat(row["end"]) if row["end"] else None
            dated.setdefault(int(row["ccode"]), []).append((int(row["gwcode"]), first, last))
    found = []
    for entry in code_table().entries:
        for gwcode, first, last in dated.get(entry.ccode, [(entry.gwcode or -1, None, None)]):
            if gwcode in gwcodes:
                found.append((entry.ccode, gwcode, first, last))
    return sorted(found, key=lambda c: (c[0], c[2] or dt.date.min))


def write(
    session: Session,
    path: Path,
    parsed: ParsedGw,
    context: WriteContext,
    progress: Progress,
    replace_edits: bool = False,
) -> ImportSummary:
    """Create or replace the GW source: its states, spells and correspondence."""
    summary = ImportSummary(parsed.source.key, path)
    summary.states, summary.spells = len(parsed.states), len(parsed.spells)
    existed = source_exists(session, parsed.source.key)
    source_id, changed = put_source(session, parsed.source)
    old = {
        tuple(row)
        for row in session.execute(
            select(
                GwState.gwcode, GwState.stateabb, GwState.name, GwSpell.start_day, GwSpell.end_day
            )
            .join(GwSpell, GwSpell.gw_state_id == GwState.id)
            .where(GwState.source_id == source_id)
        )
    }
    new = {(g, *parsed.states[g], s, e) for g, s, e in parsed.spells}
    old_codes = {
        tuple(row)
        for row in session.execute(
            select(GwCode.ccode, GwCode.gwcode, GwCode.start_day, GwCode.end_day).where(
                GwCode.source_id == source_id
            )
        )
    }
    if old and not changed and old == new and old_codes == set(parsed.codes):
        summary.action = "unchanged"
        return summary
    if old:
        summary.action = "replaced"
    session.execute(delete(GwCode).where(GwCode.source_id == source_id))
    session.execute(delete(GwState).where(GwState.source_id == source_id))
    session.execute(
        insert(table(GwState)),
        [
            {"source_id": source_id, "gwcode": g, "stateabb": abb, "name": name}
            for g, (abb, name) in parsed.states.items()
        ],
    )
    ids = {
        g: i
        for g, i in session.execute(
            select(GwState.gwcode, GwState.id).where(GwState.source_id == source_id)
        )
    }
    rows: list[dict[str, Any]] = [
        {
            "gw_state_id": ids[g],
            "start": s.isoformat(),
            "end": e.isoformat() if e else None,
            "start_day": s,
            "end_day": e,
        }
        for g, s, e in parsed.spells
    ]
    session.execute(insert(table(GwSpell)), rows)
    session.execute(
        insert(table(GwCode)),
        [
            {"source_id": source_id, "ccode": c, "gwcode": g, "start_day": s, "end_day": e}
            for c, g, s, e in parsed.codes
        ],
    )
    progress("writing", len(rows), len(rows))
    log_import(session, context, GW_IMPORTER, summary, existed)
    return summary
