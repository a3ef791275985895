"""Regime scores by COW state-year: isard's `cw_democracy.csv`, V-Dem's country-year file or
Polity5's, told apart by their columns.

Mapping: `ccode` (V-Dem: `COWcode`) and `year` -> a state-year of the source; `v2x_polyarchy`
(V-Dem's electoral democracy, 0..1), `polity2` (-10..10), `euds`/`aeuds` (extended UDS) -> its
measures, an empty cell (or NA) not estimated. A row that scores nothing is not stored, nor is a
row without a COW code (V-Dem's units outside the COW system); a code that is not a COW state
(Polity's own 529 Ethiopia or 818 Vietnam) is left out and named in the summary. Coverage: the
first and last year scored.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from alliancekb.database.models import RegimeScore
from alliancekb.errors import InvalidInput
from alliancekb.importers.covariates import MISSING, replace_rows, state_ids
from alliancekb.importers.csvfile import CsvRows, Layout, Progress, no_progress
from alliancekb.importers.fields import Fields
from alliancekb.importers.sources import LICENCE, ImportSummary, SourceInfo
from alliancekb.inputs import regular_file
from alliancekb.records.writer import WriteContext

IMPORTER = "regimes"
MEASURES = {"v2x_polyarchy": "polyarchy", "polity2": "polity2", "euds": "euds", "aeuds": "aeuds"}
"""Each measure's column in the files and in `regime_scores`."""
RANGES = {"v2x_polyarchy": (0.0, 1.0), "polity2": (-10.0, 10.0), "euds": (-10.0, 10.0)}
RANGES["aeuds"] = RANGES["euds"]
VDEM = 'Coppedge, Michael, et al. 2026. "V-Dem Dataset v16." Varieties of Democracy Project.'
POLITY = 'Marshall, Monty G. 2020. "Polity5 Project, v2018." Center for Systemic Peace.'


@dataclass(frozen=True)
class RegimeLayout:
    layout: Layout
    code: str
    """The column of the COW code."""
    source: SourceInfo
    shown: str
    """The columns and the file, as a message names them."""


def _info(key: str, title: str, citation: str, url: str, notes: str) -> SourceInfo:
    return SourceInfo(key, title, citation, url, None, LICENCE, 0, None, notes)


LAYOUTS = (
    RegimeLayout(
        Layout(
            "isard cw_democracy (cw_democracy.csv)",
            ("ccode", "year", "euds", "aeuds", "polity2", "v2x_polyarchy"),
            "import regimes",
        ),
        "ccode",
        _info(
            "cw-democracy",
            "Democracy estimates by COW state-year (isard cw_democracy: V-Dem, Polity5, UDS)",
            f'{VDEM} {POLITY} Marquez, Xavier. 2016. "A Quick Method for Extending the Unified '
            'Democracy Scores." Pemstein, Meserve and Melton. 2010. "Democratic Compromise." '
            "Political Analysis 18(4): 426-449. Miller, Steven V. isard: Overflow Data for "
            "Quantitative Peace Science Research.",
            "https://github.com/svmiller/isard",
            "Imported from isard's cw_democracy: V-Dem v2x_polyarchy, Polity5 polity2 and the "
            "extended UDS (euds, aeuds) by COW state-year; empty: not estimated.",
        ),
        "ccode, year, euds, aeuds, polity2, v2x_polyarchy (isard's cw_democracy.csv)",
    ),
    RegimeLayout(
        Layout(
            "V-Dem country-year (V-Dem-CY)", ("cowcode", "year", "v2x_polyarchy"), "import regimes"
        ),
        "cowcode",
        _info(
            "vdem",
            "Varieties of Democracy (V-Dem), electoral democracy index by COW state-year",
            VDEM,
            "https://v-dem.net/data/the-v-dem-dataset/",
            "Imported from V-Dem's country-year file: v2x_polyarchy by COWcode; rows without a "
            "COW code are not stored.",
        ),
        "COWcode, year, v2x_polyarchy (V-Dem's country-year file)",
    ),
    RegimeLayout(
        Layout("Polity5 (p5v2018)", ("ccode", "year", "polity2"), "import regimes"),
        "ccode",
        _info(
            "polity5",
            "Polity5: Political Regime Characteristics, polity2 by state-year",
            POLITY,
            "https://www.systemicpeace.org/inscrdata.html",
            "Imported from Polity5: polity2 by Polity's ccode; codes that are not COW states "
            "are left out.",
        ),
        "ccode, year, polity2 (Polity5)",
    ),
)


@dataclass
class ParsedRegimes:
    source: SourceInfo
    scores: dict[tuple[int, int], dict[str, float | None]]
    """(ccode, year) -> each measure's score."""
    lines: dict[int, int]
    """ccode -> the first line it is on."""
    measures: tuple[str, ...]


def _header(path: Path) -> list[str]:
    try:
        path.stat()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    regular_file(path, "give a regime CSV file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first = handle.readline(100_000)
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}): give a regime CSV file"
        ) from None
    return [cell.strip().lower() for cell in next(csv.reader([first]), [])]


def choose_layout(path: Path) -> RegimeLayout:
    """The layout whose columns the file's header holds (V-Dem's COWcode first)."""
    found = set(_header(path))
    for choice in LAYOUTS:
        if set(choice.layout.columns) <= found:
            return choice
    shown = [c.shown for c in LAYOUTS]
    raise InvalidInput(
        f"{path} is not a regime file: expected the columns {', '.join(shown[:-1])} or "
        f"{shown[-1]}; `alliancekb import regimes` reads these layouts"
    )


def _score(f: Fields, column: str) -> float | None:
    text = f.row[column]
    if text in MISSING:
        return None
    try:
        value = float(text)
    except ValueError:
        raise f.bad(column, "is not a number (or empty for not estimated)") from None
    low, high = RANGES[column]
    if not math.isfinite(value) or not low <= value <= high:
        raise f.bad(column, f"is out of range ({low:g} to {high:g})")
    return value


def parse(path: Path, progress: Progress = no_progress) -> ParsedRegimes:
    choice = choose_layout(path)
    measures = tuple(c for c in choice.layout.columns if c in MEASURES)
    scores: dict[tuple[int, int], dict[str, float | None]] = {}
    seen: dict[tuple[int, int], int] = {}
    lines: dict[int, int] = {}
    for line, row in CsvRows(path, choice.layout, progress):
        if row[choice.code] in MISSING:
            continue  # V-Dem's units that are no COW state
        f = Fields(path, line, row)
        ccode = f.integer(choice.code, 1, 9999)
        year = f.integer("year", 1000, 9999)
        if (ccode, year) in seen:
            raise InvalidInput(
                f"{path} line {line}: ccode {ccode} and year {year} again (first on line "
                f"{seen[ccode, year]}): remove the duplicate row"
            )
        seen[ccode, year] = line
        values = {m: _score(f, m) for m in measures}
        if any(v is not None for v in values.values()):
            scores[ccode, year] = values
            lines.setdefault(ccode, line)
    if not scores:
        raise InvalidInput(f"{path} scores no state-year: give the {choice.layout.name} CSV file")
    years = [year for _, year in scores]
    source = SourceInfo(
        **{**choice.source.values(), "coverage_start": min(years), "coverage_end": max(years)}
    )
    return ParsedRegimes(source, scores, lines, measures)


def write(
    session: Session,
    path: Path,
    parsed: ParsedRegimes,
    context: WriteContext,
    progress: Progress,
    replace_edits: bool = False,
) -> ImportSummary:
    """Create or replace the regime source and its state-years (one transaction)."""
    summary = ImportSummary(parsed.source.key, path, unit="code")
    ids = state_ids(session, path, parsed.lines)
    rows: list[dict[str, Any]] = []
    for (ccode, year), values in parsed.scores.items():
        if ccode not in ids:
            continue
        row: dict[str, Any] = dict.fromkeys(MEASURES.values())
        row.update({MEASURES[m]: v for m, v in values.items()})
        rows.append({"state_id": ids[ccode], "year": year, **row})
    for ccode in sorted(set(parsed.lines) - ids.keys()):
        n = sum(1 for c, _ in parsed.scores if c == ccode)
        where = f"{ccode}: {n} state-year{'' if n == 1 else 's'} from line {parsed.lines[ccode]}"
        summary.skip("not a COW state code", where)
    summary.state_years = len(rows)
    summary.states = len({row["state_id"] for row in rows})
    summary.measures = {
        m: sum(1 for row in rows if row[MEASURES[m]] is not None) for m in parsed.measures
    }
    kept = [year for (c, year) in parsed.scores if c in ids]
    summary.years = (min(kept), max(kept)) if kept else None
    compare = ("state_id", "year", *MEASURES.values())
    return replace_rows(
        session, RegimeScore, parsed.source, rows, compare, summary, context, IMPORTER, progress
    )
