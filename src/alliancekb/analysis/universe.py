"""Panels over the whole state system: every dyad of the universe each year, with each
source's alliance columns side by side.

The universe (COW): a pair of states is a dyad in year Y when both are members of the state
system on at least one common day of Y (the day-level rule of alliances; a state that leaves in
May and one that enters in June form no dyad that year). A spell that runs to the end of the
state-system data runs on, as peacesciencer extends it. For each source the columns are
`PREFIX_alliance` and the five obligations: 1 or 0 inside the source's coverage (years and
states), empty outside; an obligation the source does not code stays empty where allied.
Allied pairs the universe does not hold (ATOP's governments in exile) are counted, never
silently lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliancekb.analysis.panels import StateYears
from alliancekb.analysis.rules import Coverage, Period, coverages
from alliancekb.analysis.systems import (
    AlliedRun,
    Codes,
    System,
    common_years,
    cow_system,
    state_years,
)
from alliancekb.database.models import OBLIGATIONS, Alliance, Source

SHORT_NAMES = {
    "defense": "defense",
    "offense": "offense",
    "neutrality": "neutral",
    "nonaggression": "nonagg",
    "consultation": "consul",
}
"""The codebooks' short names (ATOP's file and peacesciencer: atop_neutral, atop_consul)."""
_CELL = {None: "", 0: "0", 1: "1"}


@dataclass
class LeftOut:
    """Allied dyad-years outside the universe (a government in exile), per source."""

    rows: dict[str, int] = field(default_factory=dict)

    def add(self, source: str, n: int = 1) -> None:
        self.rows[source] = self.rows.get(source, 0) + n


def column_prefixes(keys: Sequence[str], versions: dict[str, str | None]) -> dict[str, str]:
    """Each source's column prefix: its dataset (`atop`, `cow`), or the whole key where two
    versions of one dataset are asked for together (`atop_5_1`, `atop_5_2`)."""

    def dataset(key: str) -> str:
        version = versions.get(key)
        if version and key.endswith("-" + version):
            return key[: -len(version) - 1]
        return key

    names = [dataset(k) for k in keys]
    prefixes = {}
    for key, name in zip(keys, names, strict=True):
        chosen = name if names.count(name) == 1 else key
        prefixes[key] = re.sub(r"[^0-9A-Za-z]+", "_", chosen).strip("_").lower()
    return prefixes


def open_system(session: Session, universe: str) -> System:
    """The state system called UNIVERSE, as it was imported."""
    if universe == "gw":
        from alliancekb.analysis.gw import gw_system

        return gw_system(session)
    return cow_system(session, universe)


def alliance_sources(session: Session, wanted: Sequence[str]) -> dict[str, Coverage]:
    """The sources asked for (default: every source of alliances), with their coverage."""
    if wanted:
        return coverages(session, list(dict.fromkeys(wanted)))
    keys = session.scalars(
        select(Source.key).where(Source.id.in_(select(Alliance.source_id))).order_by(Source.key)
    )
    return coverages(session, list(keys))


def parse_lines(batch: list[str]) -> list[tuple[Any, ...]]:
    """Finished CSV lines back as tuples (JSON output): numbers, stateabbs, None for empty."""
    lines = "".join(batch).splitlines()
    return [
        tuple(
            cell if i in (2, 3) else int(cell) if cell else None
            for i, cell in enumerate(line.split(","))
        )
        for line in lines
    ]


def dyad_columns(prefixes: dict[str, str], short: bool, key: str = "ccode") -> list[str]:
    """The universe dyad-years' columns; KEY names the codes (`ccode`, `gwcode`)."""
    names = [SHORT_NAMES[o] if short else o for o in OBLIGATIONS]
    columns = [f"{key}1", f"{key}2", "stateabb1", "stateabb2", "year"]
    for prefix in prefixes.values():
        columns += [f"{prefix}_alliance", *(f"{prefix}_{n}" for n in names)]
    return columns


Run = tuple[int, int, Codes]
"""Allied years of one dyad: first, last, obligations."""


class Lines(list[str]):
    """Finished CSV text, a dyad's lines in each item; `rows` counts the lines."""

    rows: int = 0


class _Allied:
    """One source's allied dyad-years as runs of years, read in dyad order alongside the
    universe (the panel's runs, never expanded into single years here)."""

    def __init__(
        self, session: Session, system: System, source: str, directed: bool, period: Period
    ) -> None:
        self.source = source
        self.rows = system.allied_runs(session, source, directed, period)
        self.pending: AlliedRun | None = next(self.rows, None)

    def take(self, c1: int, c2: int, left_out: LeftOut) -> list[Run]:
        """The runs of the dyad; runs of earlier dyads are outside the universe."""
        found: list[Run] = []
        row = self.pending
        while row is not None and (row[0] < c1 or (row[0] == c1 and row[1] <= c2)):
            if row[0] == c1 and row[1] == c2:
                found.append((row[2], row[3], row[4]))
            else:
                left_out.add(self.source, row[3] - row[2] + 1)
            row = self.pending = next(self.rows, None)
        return found

    def rest(self, left_out: LeftOut) -> None:
        while self.pending is not None:
            left_out.add(self.source, self.pending[3] - self.pending[2] + 1)
            self.pending = next(self.rows, None)


def universe_dyad_lines(
    session: Session,
    universe: str,
    sources: Sequence[str] = (),
    directed: bool = False,
    period: Period = Period.years(),
    left_out: LeftOut | None = None,
) -> tuple[dict[str, str], Iterator[Lines]]:
    """The universe's dyad-years as finished CSV text in batches (`Lines`: header not
    included, `rows` lines in each), and
    the column prefix of each source. Directed: both orders, A's own obligations toward B;
    undirected: ccode1 < ccode2, each obligation the maximum of both directions."""
    system = open_system(session, universe)
    chosen = alliance_sources(session, sources)
    versions: dict[str, str | None] = {
        key: version
        for key, version in session.execute(
            select(Source.key, Source.version).where(Source.key.in_(chosen))
        )
    }
    prefixes = column_prefixes(list(chosen), versions)
    if period.asked_first is None or period.asked_last is None:
        lo = min(c.first for c in chosen.values()) if chosen else 1816
        hi = max(c.last_year for c in chosen.values()) if chosen else 2016
        period = Period.years(period.asked_first or lo, period.asked_last or hi)
    return prefixes, _lines(session, system, chosen, directed, period, left_out or LeftOut())


def _lines(
    session: Session,
    system: System,
    chosen: dict[str, Coverage],
    directed: bool,
    period: Period,
    left_out: LeftOut,
) -> Iterator[Lines]:
    lo, hi = period.first_year, period.last_year
    states = system.states
    allied = [_Allied(session, system, key, directed, period) for key in chosen]
    covs = list(chosen.values())
    years_of_cov = [(c.first, c.last_year) for c in covs]
    width = 1 + len(OBLIGATIONS)
    unknown, zero = "," * width, ",0" * width
    # Where any source's coverage begins or ends, the cells may change.
    bounds = sorted({c.first for c in covs} | {c.last_year + 1 for c in covs})
    year_text = {y: str(y) for y in range(lo, hi + 2)}
    tails: dict[tuple[Any, ...], str] = {}
    # A dyad no source codes allied: its cells after the ccodes depend only on its years and
    # on which sources speak for it, so many dyads share one list of finished suffixes.
    plain: dict[tuple[Any, ...], list[str]] = {}

    def suffixes(
        runs: list[tuple[int, int]], spoken: tuple[bool, ...], found: list[list[Run]]
    ) -> list[str]:
        out: list[str] = []
        edges = {y for allied_runs in found for f, t, _ in allied_runs for y in (f, t + 1)}
        for first, last in runs:
            cuts = {first, last + 1}
            cuts.update(b for b in bounds if first < b <= last)
            cuts.update(y for y in edges if first < y <= last)
            for start, stop in pairwise(sorted(cuts)):
                state = tuple(
                    next((c for f, t, c in found[i] if f <= start <= t), 0)
                    if spoken[i] and years_of_cov[i][0] <= start <= years_of_cov[i][1]
                    else None
                    for i in range(len(covs))
                )
                tail = tails.get(state)
                if tail is None:
                    tail = tails[state] = _tail(state, unknown, zero)
                out.extend([year_text[y] + tail for y in range(start, stop)])
        return out

    batch = Lines()
    ccodes = sorted(states)
    for c1 in ccodes:
        abb1, spells1 = states[c1]
        for c2 in ccodes:
            if c2 == c1 or (not directed and c2 < c1):
                continue
            runs = common_years(spells1, states[c2][1], lo, hi)
            found = [source.take(c1, c2, left_out) for source in allied]
            if any(found):
                for source, allied_runs in zip(allied, found, strict=True):
                    outside = sum(t - f + 1 - _overlap(f, t, runs) for f, t, _ in allied_runs)
                    if outside:
                        left_out.add(source.source, outside)
            if not runs:
                continue
            head = f"{c1},{c2},{abb1},{states[c2][0]},"
            spoken = tuple(system.spoken(cov, c1, c2) for cov in covs)
            if any(found):
                ends = suffixes(runs, spoken, found)
            else:
                key = (*runs, spoken)
                ends = plain.get(key)  # type: ignore[assignment]
                if ends is None:
                    ends = plain[key] = suffixes(runs, spoken, found)
            # One string per dyad: the head joins its lines (a concatenation per dyad, not
            # per row).
            batch.append(head + head.join(ends))
            batch.rows += len(ends)
            if batch.rows >= 8192:
                yield batch
                batch = Lines()
    for source in allied:
        source.rest(left_out)
    for unmapped_source, n in system.unmapped.items():
        left_out.add(unmapped_source, n)
    if batch:
        yield batch


def _overlap(first: int, last: int, runs: list[tuple[int, int]]) -> int:
    """How many of the years first..last the runs hold."""
    return sum(max(0, min(last, t) - max(first, f) + 1) for f, t in runs)


def _tail(state: tuple[Any, ...], unknown: str, zero: str) -> str:
    """The cells after the year: per source unknown (None), no alliance (0) or its codes."""
    parts = []
    for cell in state:
        if cell is None:
            parts.append(unknown)
        elif cell == 0:
            parts.append(zero)
        else:
            parts.append(",1," + ",".join(_CELL[c] for c in cell))
    return "".join(parts) + "\n"


STATE_COLUMNS = (
    "ccode",
    "stateabb",
    "year",
    "source",
    "in_system",
    "alliances",
    "allies",
    "alliance",
    *OBLIGATIONS,
)


def state_columns(universe: str) -> list[str]:
    """The universe state-years' columns: the code is `gwcode` in the GW universe."""
    key = "gwcode" if universe == "gw" else "ccode"
    return [key if c == "ccode" else c for c in STATE_COLUMNS]


def universe_state_years(
    session: Session,
    universe: str,
    sources: Sequence[str] = (),
    period: Period = Period.years(),
) -> Iterator[dict[str, Any]]:
    """Per state of the system, year and source: alliances in force, allies, an alliance
    dummy and each obligation; 0 inside the source's coverage, empty (None) outside. A state
    the source codes allied while outside the system (a government in exile) is kept, with
    `in_system` 0."""
    system = open_system(session, universe)
    chosen = alliance_sources(session, sources)
    states = system.states
    for key, cov in chosen.items():
        lo = max(period.first_year, cov.first) if period.asked_first is None else period.first_year
        hi = min(period.last_year, cov.last_year) if period.asked_last is None else period.last_year
        years_asked = Period.years(lo, hi)
        allied = state_years(session, system, key, years_asked)
        codes_of: dict[int, StateYears] = {}
        abbs: dict[int, str] = {}
        for ccode, abb, years in allied:
            codes_of[ccode], abbs[ccode] = years, abb
        for ccode in sorted(set(states) | set(codes_of)):
            abb, spells = states.get(ccode, (abbs.get(ccode, ""), []))
            member = {y for f, t in common_years(spells, spells, lo, hi) for y in range(f, t + 1)}
            years_of = codes_of.get(ccode, {})
            for year in sorted(member | set(years_of)):
                row: dict[str, Any] = {
                    system.key: ccode,
                    "stateabb": abb,
                    "year": year,
                    "source": key,
                    "in_system": int(year in member),
                }
                if not (cov.covers_year(year) and system.speaks_for_state(cov, ccode)):
                    row.update(dict.fromkeys(STATE_COLUMNS[5:]))
                else:
                    n_alliances, n_allies, codes = years_of.get(year, (0, 0, (0,) * 5))
                    row.update(alliances=n_alliances, allies=n_allies, alliance=int(n_allies > 0))
                    row.update(zip(OBLIGATIONS, codes, strict=True))
                yield row
