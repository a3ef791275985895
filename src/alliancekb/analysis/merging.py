"""`merge PANEL.csv`: the universe's alliance columns added to a researcher's own panel.

Two passes over the file. The first checks it (a header with key columns, one cell per column,
integer codes) and reads its direction as peacesciencer does (no row with ccode1 > ccode2:
undirected), so bad input fails before anything is written. The second writes each row as it
was, cells and order kept, with each source's cells after it. Memory holds the sources' allied
dyad-years (bounded by the data), never the panel: a 10-million-row panel streams through.

The cells are the universe panels' own: 1 or 0 inside the source's coverage, empty outside;
a key the universe does not hold (a pair not both in the system that year, a code that is no
state) is left empty and counted, unless the source codes it allied (a government in exile).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliancekb.analysis.rules import Coverage, Period, merge_all
from alliancekb.analysis.systems import Codes, System, state_years
from alliancekb.analysis.universe import (
    SHORT_NAMES,
    alliance_sources,
    column_prefixes,
    open_system,
)
from alliancekb.database.models import OBLIGATIONS, Source
from alliancekb.errors import InvalidInput

KEY_FORMS = (
    (("ccode1", "ccode2", "year"), "cow", "dyad"),
    (("gwcode1", "gwcode2", "year"), "gw", "dyad"),
    (("ccode", "year"), "cow", "state"),
    (("gwcode", "year"), "gw", "state"),
)
"""The key columns a panel may have, the universe they name, and the kind of panel."""
_CELL = {None: "", 0: "0", 1: "1"}


@dataclass
class Panel:
    """A researcher's panel as the first pass read it."""

    path: Path
    header: list[str]
    keys: tuple[int, ...]
    """The positions of the key columns."""
    universe: str
    kind: str
    """`dyad` or `state`."""
    directed: bool
    rows: int


@dataclass
class MergeSummary:
    rows: int = 0
    unknown: int = 0
    """Rows whose key the universe does not hold and no source codes allied: left empty."""


def _rows(path: Path, handle: TextIO) -> Iterator[tuple[int, list[str]]]:
    """The file's rows with their line numbers; a file that is not CSV text fails in a line."""
    reader = csv.reader(handle)
    try:
        for row in reader:
            yield reader.line_num, row
    except (csv.Error, UnicodeDecodeError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        raise InvalidInput(
            f"{path}: is not a CSV text file ({reason}); give a comma-separated panel "
            "in UTF-8 with a header row"
        ) from None


def _open(path: Path) -> TextIO:
    try:
        return path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read it: {exc.strerror}") from None


def read_panel(path: Path, directed: bool | None = None) -> Panel:
    """Check the panel whole and read its shape; DIRECTED forces a reading of a dyad panel."""
    with _open(path) as handle:
        rows = _rows(path, handle)
        first = next(rows, None)
        header = first[1] if first else []
        form = next((f for f in KEY_FORMS if all(k in header for k in f[0])), None)
        if form is None:
            raise InvalidInput(
                f"{path}: no key columns: a dyad-year panel needs ccode1, ccode2, year (or "
                "gwcode1, gwcode2, year), a state-year panel ccode, year (or gwcode, year)"
            )
        names, universe, kind = form
        if kind == "state" and directed is not None:
            raise InvalidInput(
                f"{path}: is a state-year panel; directed and undirected are for dyad-years"
            )
        keys = tuple(header.index(k) for k in names)
        count, upward = 0, False
        for line, row in rows:
            if len(row) != len(header):
                cells = f"{len(row)} cell{'' if len(row) == 1 else 's'}"
                raise InvalidInput(
                    f"{path} line {line}: {cells} where the header has {len(header)}; give "
                    "every row one cell per column"
                )
            codes = []
            for name, at in zip(names, keys, strict=True):
                cell = row[at].strip()
                if not (cell.isdigit() or (cell[:1] == "-" and cell[1:].isdigit())):
                    raise InvalidInput(
                        f"{path} line {line}: {name} '{row[at]}' is not an integer code; "
                        "fix the cell or drop the row"
                    )
                codes.append(int(cell))
            upward = upward or (kind == "dyad" and codes[0] > codes[1])
            count += 1
    return Panel(
        path, header, keys, universe, kind, upward if directed is None else directed, count
    )


def _versions(session: Session, keys: Sequence[str]) -> dict[str, str | None]:
    return {
        k: v
        for k, v in session.execute(select(Source.key, Source.version).where(Source.key.in_(keys)))
    }


def merged_columns(panel: Panel, prefixes: dict[str, str], short: bool) -> list[str]:
    names = [SHORT_NAMES[o] if short else o for o in OBLIGATIONS]
    counts = ("alliances", "allies") if panel.kind == "state" else ()
    added = [
        f"{prefix}_{name}" for prefix in prefixes.values() for name in (*counts, "alliance", *names)
    ]
    clash = [c for c in added if c in panel.header]
    if clash:
        raise InvalidInput(
            f"{panel.path}: already has the column {clash[0]}; drop or rename it before merging"
        )
    return [*panel.header, *added]


def write_merged(
    session: Session,
    panel: Panel,
    out: TextIO,
    sources: Sequence[str] = (),
    short_names: bool = False,
) -> MergeSummary:
    """Write the panel with each source's columns; return the rows and the unknown keys."""
    system = open_system(session, panel.universe)
    chosen = alliance_sources(session, sources)
    prefixes = column_prefixes(list(chosen), _versions(session, list(chosen)))
    columns = merged_columns(panel, prefixes, short_names)
    cells: _DyadCells | _StateCells
    if panel.kind == "dyad":
        cells = _DyadCells(session, system, chosen, panel.directed)
    else:
        cells = _StateCells(session, system, chosen)
    summary = MergeSummary()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    with _open(panel.path) as handle:
        rows = _rows(panel.path, handle)
        next(rows)
        for _line, row in rows:
            extra, known = cells.of([int(row[at]) for at in panel.keys])
            summary.unknown += not known
            writer.writerow(row + extra)
            summary.rows += 1
    return summary


class _DyadCells:
    """Each source's cells for a dyad-year: `alliance` and the five obligations."""

    def __init__(
        self, session: Session, system: System, chosen: dict[str, Coverage], directed: bool
    ) -> None:
        self.system, self.directed = system, directed
        self.covs = list(chosen.values())
        self.years_of = [(c.first, c.last_year) for c in self.covs]
        # Per source and dyad, the allied years' finished cells (shared lists).
        self.allied: list[dict[tuple[int, int], dict[int, list[str]]]] = []
        texts: dict[Codes, list[str]] = {}
        for key in chosen:
            found: dict[tuple[int, int], dict[int, Codes]] = {}
            for c1, c2, first, last, codes, _keys in system.allied_runs(
                session, key, directed, Period.years()
            ):
                years = found.setdefault((c1, c2), {})
                for year in range(first, last + 1):
                    before = years.get(year)
                    years[year] = codes if before is None else merge_all(before, codes)
            self.allied.append(
                {
                    dyad: {
                        y: texts.setdefault(c, ["1", *(_CELL[x] for x in c)]) for y, c in ys.items()
                    }
                    for dyad, ys in found.items()
                }
            )
        self.dyads: dict[tuple[int, int], tuple[Any, ...]] = {}
        self.zero, self.empty = ["0"] * 6, [""] * 6

    def _dyad(self, a: int, b: int) -> tuple[Any, ...]:
        """What a dyad's rows share: its years in the universe, which sources speak for it,
        and each source's allied years."""
        found = self.dyads.get((a, b))
        if found is None:
            found = self.dyads[(a, b)] = (
                self.system.dyad_runs(a, b) if a != b else [],
                [self.system.spoken(cov, a, b) for cov in self.covs],
                [allied.get((a, b), {}) for allied in self.allied],
            )
        return found

    def of(self, key: list[int]) -> tuple[list[str], bool]:
        a, b, year = key
        if not self.directed and a > b:
            a, b = b, a
        runs, spoken, allied = self._dyad(a, b)
        inside = any(f <= year <= t for f, t in runs)
        known = inside
        out: list[str] = []
        for i, years in enumerate(allied):
            found = years.get(year)
            if found is not None:
                out += found
                known = True
            elif inside and spoken[i] and self.years_of[i][0] <= year <= self.years_of[i][1]:
                out += self.zero
            else:
                out += self.empty
        return out, known


class _StateCells:
    """Each source's cells for a state-year: alliances, allies, `alliance`, the obligations."""

    def __init__(self, session: Session, system: System, chosen: dict[str, Coverage]) -> None:
        self.system = system
        self.covs = list(chosen.values())
        self.allied: list[dict[tuple[int, int], list[str]]] = []
        for key in chosen:
            self.allied.append(
                {
                    (code, year): [str(n), str(allies), "1", *(_CELL[x] for x in c)]
                    for code, _abb, years in state_years(session, system, key, Period.years())
                    for year, (n, allies, c) in years.items()
                }
            )
        self.zero, self.empty = ["0"] * 8, [""] * 8

    def of(self, key: list[int]) -> tuple[list[str], bool]:
        code, year = key
        inside = self.system.has_state(code, year)
        known = inside
        out: list[str] = []
        for cov, allied in zip(self.covs, self.allied, strict=True):
            found = allied.get((code, year))
            if found is not None and cov.covers_year(year):
                known = True
            if not (cov.covers_year(year) and self.system.speaks_for_state(cov, code)):
                out += self.empty
            elif found is not None:
                out += found
            elif inside:
                out += self.zero
            else:
                out += self.empty
        return out, known
