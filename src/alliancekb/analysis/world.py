"""The Hanoi rule for the whole world: every undirected dyad-year of the state system, in the
four cells of shared security x shared ideology (derived flags), and how many are allied.

The dyads come from the universe (`analysis.universe`: both states in the system on a common
day of the year), the flags from a derivation (`analysis.derived`), "allied" from one source's
dyad-years (`analysis.panels`, the dyad rule), inside that source's coverage only. A dyad-year
whose flag is unknown is counted in a cell of its own, never in the four. The years default to
those every input speaks for (1816-2010 for ATOP, the regime scores and the rivalries).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_
from sqlalchemy.orm import Session, aliased

from alliancekb.analysis.derived import Derivation, Flags, shared_values
from alliancekb.analysis.rules import Coverage, MembershipPairs, Period, common_period, coverages
from alliancekb.analysis.systems import common_years, system_source, system_states
from alliancekb.analysis.universe import alliance_sources
from alliancekb.database.models import Source, State
from alliancekb.errors import InvalidInput

Row = dict[str, Any]
ERAS = ((1816, 1913), (1914, 1945), (1946, 1989), (1990, 9999))
FLAG_VALUES: tuple[bool | None, ...] = (True, False, None)
CELLS = [(s, i) for s in FLAG_VALUES for i in FLAG_VALUES]
"""The nine cells by index (3 * security + ideology); the first, second, fourth and fifth are
the four cells of the rule, the others hold an unknown flag."""
FOUR = (0, 1, 3, 4)
CELL_COLUMNS = (
    "years",
    "shared_security",
    "shared_ideology",
    "dyad_years",
    "allied",
    "share_allied",
    "lift",
)
GROUPINGS = ("all", "era", "decade")


def cell_label(security: bool | None, ideology: bool | None) -> str:
    def word(flag: bool | None, what: str) -> str:
        return what if flag else f"no {what}" if flag is False else f"{what} unknown"

    return f"{word(security, 'shared security')}, {word(ideology, 'shared ideology')}"


@dataclass
class WorldCounts:
    """Dyad-years and allied dyad-years per year and cell."""

    derivation: Derivation
    source: str
    universe: str
    first: int
    last: int
    dyad_years: list[list[int]] = field(default_factory=list)
    allied: list[list[int]] = field(default_factory=list)

    def _sum(self, years: range) -> tuple[list[int], list[int]]:
        n, k = [0] * 9, [0] * 9
        for year in years:
            i = year - self.first
            for c in range(9):
                n[c] += self.dyad_years[i][c]
                k[c] += self.allied[i][c]
        return n, k

    def groups(self, by: str) -> list[tuple[str, range]]:
        """The year ranges of a grouping (all, era, decade), clipped to the years counted."""
        if by not in GROUPINGS:
            raise InvalidInput(f"unknown grouping '{by}': choose one of {', '.join(GROUPINGS)}")
        if by == "all":
            spans = [(self.first, self.last)]
        elif by == "era":
            spans = list(ERAS)
        else:
            spans = [(d, d + 9) for d in range(self.first // 10 * 10, self.last + 1, 10)]
        found = []
        for lo, hi in spans:
            a, b = max(lo, self.first), min(hi, self.last)
            if a <= b:
                found.append((f"{a}-{b}" if a < b else str(a), range(a, b + 1)))
        return found

    def rows(self, by: str = "all") -> list[Row]:
        """One row per grouping and cell: the four cells first, then any with an unknown flag.
        `lift` is the cell's share allied over the base rate of the four cells."""
        rows = []
        for label, years in self.groups(by):
            n, k = self._sum(years)
            base_n = sum(n[c] for c in FOUR)
            base = sum(k[c] for c in FOUR) / base_n if base_n else None
            for c, (security, ideology) in enumerate(CELLS):
                if c not in FOUR and not n[c]:
                    continue
                share = k[c] / n[c] if n[c] else None
                rows.append(
                    {
                        "years": label,
                        "shared_security": security,
                        "shared_ideology": ideology,
                        "dyad_years": n[c],
                        "allied": k[c],
                        "share_allied": None if share is None else round(share, 4),
                        "lift": round(share / base, 2) if share is not None and base else None,
                    }
                )
        return rows

    def decade_shares(self) -> list[tuple[range, list[float | None]]]:
        """Per decade (its years counted), the share allied in each of the four cells (None:
        no dyad-year)."""
        found = []
        for _label, years in self.groups("decade"):
            n, k = self._sum(years)
            found.append((years, [k[c] / n[c] if n[c] else None for c in FOUR]))
        return found

    def reading(self) -> str:
        """What the numbers say for the rule, in one line, without claiming more."""
        n, k = self._sum(range(self.first, self.last + 1))
        allied = sum(k[c] for c in FOUR)
        if not allied or not n[0]:
            return "reading: too few allied dyad-years with both flags known to say anything"
        without = k[3] + k[4]
        base = allied / sum(n[c] for c in FOUR)
        both = k[0] / n[0]
        return (
            f"reading: shared security is {'not ' if without else ''}necessary here ("
            f"{without:,} of {allied:,} allied dyad-years have no rival in common), and the two "
            f"flags together are {'' if both == 1 else 'not '}sufficient ({100 * both:.1f}% "
            f"of dyad-years with both are allied, {both / base:.1f} times the base rate); the "
            "flags are proxies, so this is an association, not a test of the article's reasons"
        )

    def base_line(self) -> str:
        n, k = self._sum(range(self.first, self.last + 1))
        known = sum(n[c] for c in FOUR)
        allied = sum(k[c] for c in FOUR)
        unknown = sum(n) - known
        share = f" ({100 * allied / known:.2f}%)" if known else ""
        return (
            f"base rate: {allied:,} of {known:,} dyad-years with both flags known are allied"
            f"{share}; {unknown:,} dyad-years have a flag unknown"
        )


def observed_source(session: Session, source: str | None) -> Coverage:
    """The source of alliances the world test observes: required, and one that codes alliances."""
    known = alliance_sources(session, [])
    if source is None:
        raise InvalidInput(
            f"the world test needs the source of alliances to observe: choose one of "
            f"{', '.join(known)}"
        )
    if source not in known:
        alliance_sources(session, [source])  # an unknown key: NotFound names the known ones
        raise InvalidInput(
            f"source '{source}' codes no alliances: choose one of {', '.join(known)}"
        )
    return known[source]


def years_counted(period: Period, observed: Coverage, flags: Flags) -> tuple[int, int]:
    """The years asked, or every input's common years; never outside the observed source's."""
    covs = (observed, flags.regime_cov, flags.rivalry_cov)
    lo = period.asked_first or max(c.first for c in covs)
    hi = period.asked_last or min(c.last_year for c in covs)
    lo, hi = max(lo, observed.first), min(hi, observed.last_year)
    if lo > hi:
        raise InvalidInput(
            f"no year to count: {observed.source} speaks for {observed.years_text()}, the "
            f"covariates for {flags.regime_cov.years_text()} and {flags.rivalry_cov.years_text()}"
        )
    return lo, hi


def allied_years(
    session: Session, source: str, first: int, last: int, states: Sequence[int] | None = None
) -> dict[tuple[int, int], set[int]]:
    """The source's undirected allied dyad-years (ccode1 < ccode2), by dyad, within first..last
    (only the dyads of STATES, if given): the dyad rule of `analysis.rules`."""
    cov = coverages(session, [source])[source]
    within = Period.years(first, last)
    pairs = MembershipPairs()
    mine, theirs = pairs.mine, pairs.theirs
    s1, s2 = aliased(State), aliased(State)
    query = (
        pairs.select(
            s1.ccode, s2.ccode, mine.start_day, mine.end_day, theirs.start_day, theirs.end_day
        )
        .join(s1, s1.id == mine.state_id)
        .join(s2, s2.id == theirs.state_id)
        .where(Source.key == source, s1.ccode < s2.ccode, pairs.meet())
    )
    if states is not None:
        query = query.where(or_(s1.ccode.in_(states), s2.ccode.in_(states)))
    found: dict[tuple[int, int], set[int]] = {}
    for c1, c2, st1, en1, st2, en2 in session.execute(query):
        common = common_period(st1, en1, st2, en2, cov.open_end, within)
        if common is not None:
            found.setdefault((c1, c2), set()).update(range(common.first_year, common.last_year + 1))
    return found


def world_counts(
    session: Session,
    universe: str,
    source: str | None,
    rule: Derivation,
    period: Period = Period.years(),
) -> WorldCounts:
    """Count every undirected dyad-year of the universe by cell, and the allied ones."""
    if universe == "gw":
        raise InvalidInput(
            "the world test runs on the COW universe (the regime scores and rivalries are "
            "coded by COW codes): use --universe cow"
        )
    system = system_source(session, universe)
    observed = observed_source(session, source)
    flags = Flags(session, rule)
    lo, hi = years_counted(period, observed, flags)
    counts = WorldCounts(rule, observed.source, universe, lo, hi)
    counts.dyad_years = [[0] * 9 for _ in range(lo, hi + 1)]
    counts.allied = [[0] * 9 for _ in range(lo, hi + 1)]
    allied = allied_years(session, observed.source, lo, hi)
    states = system_states(session, system)
    codes = sorted(states)
    width = hi - lo + 1
    # Per year: where its counts start in one flat list (9 cells a year), plus the security
    # cell of a dyad without a rival in common (3), or unknown (6) where the rivalries do not
    # speak. Per state: its score each year, None where unknown (or the scores do not speak).
    plain = [9 * i + (3 if flags.rivalry_cov.covers_year(lo + i) else 6) for i in range(width)]
    scores = {
        c: [
            flags.scores.get(c, {}).get(y) if flags.regime_cov.covers_year(y) else None
            for y in range(lo, hi + 1)
        ]
        for c in codes
    }
    limit = rule.parameter + 1e-9
    band = rule.rule.kind == "band"

    def same(a: float, b: float) -> bool:
        return shared_values(rule, a, b)

    ideological_years = flags.ideological if rule.ideological_rivalry else {}
    keys_of_all: list[int] = []  # counted at the end, in C
    allied_cells: Counter[int] = Counter()
    nothing: set[int] = set()
    for i, c1 in enumerate(codes):
        spells1, scores1 = states[c1][1], scores[c1]
        for c2 in codes[i + 1 :]:
            if not observed.covers_pair(c1, c2):
                continue
            runs = common_years(spells1, states[c2][1], lo, hi)
            if not runs:
                continue
            common = flags.common.get((c1, c2), nothing)
            ideological = ideological_years.get((c1, c2), nothing)
            scores2 = scores[c2]
            allied_in = allied.get((c1, c2), nothing)
            for first, last in runs:
                a, b = first - lo, last - lo + 1
                base = plain[a:b]
                if common:
                    base = [k - 3 if lo + a + j in common else k for j, k in enumerate(base)]
                pairs_of = zip(base, scores1[a:b], scores2[a:b], strict=True)
                if band:
                    keys = [
                        k + 2
                        if x is None or y is None
                        else k
                        if -limit <= x - y <= limit
                        else k + 1
                        for k, x, y in pairs_of
                    ]
                else:
                    keys = [
                        k + 2 if x is None or y is None else k if same(x, y) else k + 1
                        for k, x, y in pairs_of
                    ]
                if ideological:  # an ideological rivalry: no shared values, whatever the scores
                    keys = [
                        k - k % 9 % 3 + 1 if lo + a + j in ideological else k
                        for j, k in enumerate(keys)
                    ]
                keys_of_all += keys
                if allied_in:
                    allied_cells.update(keys[y - first] for y in allied_in if first <= y <= last)
    for key, n in Counter(keys_of_all).items():
        counts.dyad_years[key // 9][key % 9] = n
    for key, n in allied_cells.items():
        counts.allied[key // 9][key % 9] = n
    return counts
