"""The state systems a universe panel spans (COW, Gleditsch-Ward), as one shape.

A `System` gives its states by code (stateabb and spells), the key columns its panels carry,
whether a source speaks for a dyad (a source's coverage in space is in COW codes), and each
source's allied dyad-years in the system's own codes. For COW they are the alliance data as
coded; for GW they are mapped through the correspondence (analysis/gw.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliancekb.analysis.panels import (
    StateYears,
    allied_state_years,
    dyad_year_batches,
)
from alliancekb.analysis.rules import Coverage, Period, merge_all
from alliancekb.database.models import Source, State, SystemSpell
from alliancekb.database.states import imported_state_system
from alliancekb.errors import InvalidInput, NotFound
from alliancekb.records.kinds import UNIVERSES


def system_source(session: Session, universe: str) -> str:
    """The key of the state-system source the universe is drawn from: the one `import
    cow-states` wrote last (a seed's handful of states is no universe)."""
    if universe not in UNIVERSES:
        raise NotFound(f"unknown universe '{universe}' (known: {', '.join(UNIVERSES)})")
    key = imported_state_system(session)
    if key is None:
        raise InvalidInput(
            "the COW state system has not been imported: import states2016.csv with "
            "`alliancekb import cow-states PATH` first"
        )
    return key


Spells = list[tuple[dt.date, dt.date | None]]


def system_states(session: Session, system: str) -> dict[int, tuple[str, Spells]]:
    """Each state of the system by ccode: its stateabb and its spells (None: runs on)."""
    found: dict[int, tuple[str, Spells]] = {}
    rows = session.execute(
        select(State.ccode, State.stateabb, SystemSpell.start_day, SystemSpell.end_day)
        .join(SystemSpell, SystemSpell.state_id == State.id)
        .join(Source, Source.id == SystemSpell.source_id)
        .where(Source.key == system)
        .order_by(State.ccode, SystemSpell.start_day)
    )
    for ccode, abb, start, end in rows:
        found.setdefault(ccode, (abb, []))[1].append((start, end))
    return found


def common_years(a: Spells, b: Spells, lo: int, hi: int) -> list[tuple[int, int]]:
    """The years, within lo..hi, in which the two states are in the system on a common day,
    as runs of consecutive years (first, last)."""
    runs: list[tuple[int, int]] = []
    for s1, e1 in a:
        for s2, e2 in b:
            first = s1 if s1 > s2 else s2
            if e1 is None:
                last = e2
            elif e2 is None:
                last = e1
            else:
                last = e1 if e1 < e2 else e2
            if last is not None and first > last:
                continue
            start = max(first.year, lo)
            stop = min(last.year if last is not None else hi, hi)
            if start <= stop:
                runs.append((start, stop))
    if len(runs) < 2:
        return runs
    runs.sort()
    merged = [runs[0]]
    for start, stop in runs[1:]:
        if start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((start, stop))
    return merged


Codes = tuple[int | None, ...]
AlliedYear = tuple[int, int, int, Codes, str]
AlliedRun = tuple[int, int, int, int, Codes, str]
"""Allied years in a run: code1, code2, first year, last year, obligations, alliance keys."""
"""An allied dyad-year in the system's codes: code1, code2, year, obligations, alliance keys."""


@dataclass
class System:
    """One state system: its states and how the alliance data reach its codes."""

    name: str
    key: str
    """The code column: `ccode` or `gwcode`."""
    states: dict[int, tuple[str, Spells]]
    cow_codes: dict[int, frozenset[int]] | None = None
    """The COW codes each code stands for (GW); None: the codes are COW's own."""
    loader: Callable[[Session, str, bool, Period], Iterator[AlliedYear]] | None = None
    """How the source's dyad-years reach the system's codes (GW); None: as coded (COW)."""
    unmapped: dict[str, int] = field(default_factory=dict)
    """Per source, allied dyad-years with a code the system does not know (GW)."""
    _runs: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)

    def spoken(self, cov: Coverage, a: int, b: int) -> bool:
        """The source speaks for the dyad: for GW, through the COW codes the states stand for
        (a GW state with no COW code is one no COW-coded source speaks for)."""
        if self.cow_codes is None:
            return cov.covers_pair(a, b)
        one, two = self.cow_codes.get(a, frozenset()), self.cow_codes.get(b, frozenset())
        if not one or not two:
            return False
        return cov.states is None or bool(cov.states & (one | two))

    def speaks_for_state(self, cov: Coverage, code: int) -> bool:
        if self.cow_codes is None:
            return cov.covers_state(code)
        cows = self.cow_codes.get(code, frozenset())
        return bool(cows) and (cov.states is None or cows <= cov.states)

    def dyad_runs(self, a: int, b: int) -> list[tuple[int, int]]:
        """The years the two are members on a common day, as runs (a spell that runs to the
        end of the data runs on)."""
        runs = self._runs.get((a, b))
        if runs is None:
            one, two = self.states.get(a), self.states.get(b)
            runs = [] if one is None or two is None else common_years(one[1], two[1], 0, 9999)
            self._runs[(a, b)] = runs
        return runs

    def has_dyad(self, a: int, b: int, year: int) -> bool:
        return a != b and any(f <= year <= t for f, t in self.dyad_runs(a, b))

    def has_state(self, code: int, year: int) -> bool:
        return any(f <= year <= t for f, t in self.dyad_runs(code, code))

    def allied_runs(
        self, session: Session, source: str, directed: bool, period: Period
    ) -> Iterator[AlliedRun]:
        """The source's allied dyad-years in this system's codes, in dyad order, as runs of
        years with the same obligations (as the panel cuts them; GW: a year each)."""
        if self.loader is not None:
            for c1, c2, year, codes, keys in self.loader(session, source, directed, period):
                yield c1, c2, year, year, codes, keys
            return
        for batch in dyad_year_batches(session, source, directed, period, runs=True):
            yield from batch

    def allied(
        self, session: Session, source: str, directed: bool, period: Period
    ) -> Iterator[AlliedYear]:
        """The source's allied dyad-years in this system's codes, a year each."""
        for c1, c2, first, last, codes, keys in self.allied_runs(session, source, directed, period):
            for year in range(first, last + 1):
                yield c1, c2, year, codes, keys


def state_years(
    session: Session, system: System, source: str, period: Period
) -> Iterator[tuple[int, str, StateYears]]:
    """Per state (code order) the source's allied years in the system's codes: alliances in
    force, allies and obligations merged over its dyads (panels.allied_state_years, mapped)."""
    if system.loader is None:
        yield from allied_state_years(session, source, period)
        return
    years: dict[int, dict[int, tuple[set[str], set[int], Codes]]] = {}
    for c1, c2, year, codes, keys in system.allied(session, source, True, period):
        entry = years.setdefault(c1, {}).get(year)
        if entry is None:
            years[c1][year] = (set(keys.split("; ")), {c2}, codes)
        else:
            entry[0].update(keys.split("; "))
            entry[1].add(c2)
            years[c1][year] = (entry[0], entry[1], merge_all(entry[2], codes))
    for code in sorted(years):
        abb = system.states[code][0] if code in system.states else ""
        yield code, abb, {y: (len(k), len(a), c) for y, (k, a, c) in years[code].items()}


def cow_system(session: Session, universe: str = "cow") -> System:
    """The COW state system, as `import cow-states` wrote it last."""
    return System("cow", "ccode", system_states(session, system_source(session, universe)))
