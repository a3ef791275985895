"""The article's thesis as a rule, tested against the alliances in force, year by year.

Khang Vu (2020): shared security interests are necessary for an alliance, shared political
values sufficient; read as a rule, allied(A, B, Y) <=> shared_security AND shared_ideology.
For every alignment period (a dyad with its two flags) the rule's prediction is compared with
the alliances one source codes for the dyad (by default the alignment's own source), under the
dyad rule of `analysis.rules`: both states in the same alliance and phase on a common day of
the year, an ongoing record in force to the end of its source's coverage. Outside the observed
source's coverage (in years, or a dyad it does not speak for) there is no observation; where
the flags cannot decide the rule there is no prediction; either way the row has no verdict
(`consistent` None), never a pass.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from alliancekb.analysis.rules import (
    Coverage,
    MembershipPairs,
    Period,
    common_period,
    coverages,
    source_id,
)
from alliancekb.database.models import Alignment, Alliance, Source
from alliancekb.database.states import StateDirectory

Row = dict[str, Any]
THEORY_COLUMNS = (
    "ccode1",
    "ccode2",
    "stateabb1",
    "stateabb2",
    "name1",
    "name2",
    "from",
    "to",
    "shared_security",
    "shared_ideology",
    "predicted",
    "observed",
    "consistent",
    "reason",
    "source",
    "alignment",
    "alliances",
)
TABLE_COLUMNS = (
    "name1",
    "name2",
    "from",
    "to",
    "shared_security",
    "shared_ideology",
    "predicted",
    "observed",
    "consistent",
    "reason",
)
FLAGS_UNKNOWN = "flags unknown"


@dataclass
class Summary:
    """Counts over dyad-years; complete once the rows have all been read."""

    dyad_years: int = 0
    consistent: int = 0
    violations: Counter[str] = field(default_factory=Counter)
    untested: Counter[str] = field(default_factory=Counter)

    @property
    def tested(self) -> int:
        return self.consistent + sum(self.violations.values())

    def lines(self) -> list[str]:
        """The summary as a reader wants it under the table."""
        share = f" ({100 * self.consistent / self.tested:.1f}%)" if self.tested else ""
        lines = [
            f"dyad-years: {self.dyad_years}; tested: {self.tested}; "
            f"consistent with the rule: {self.consistent}{share}; "
            f"violations: {sum(self.violations.values())}"
        ]
        lines += [f"  violation: {reason}: {n}" for reason, n in sorted(self.violations.items())]
        lines += [f"  no verdict: {reason}: {n}" for reason, n in sorted(self.untested.items())]
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "dyad_years": self.dyad_years,
            "tested": self.tested,
            "consistent": self.consistent,
            "violations": dict(sorted(self.violations.items())),
            "untested": dict(sorted(self.untested.items())),
        }


def predict(security: bool | None, ideology: bool | None) -> bool | None:
    """The rule's prediction: security AND ideology; unknown only where the flags cannot say.

    Shared security is necessary, so a known lack of it predicts no alliance on its own.
    """
    if security is False or ideology is False:
        return False
    if security and ideology:
        return True
    return None


def _reason(security: bool | None, ideology: bool | None, observed: bool) -> str:
    lacking = [
        what
        for what, flag in (("shared security", security), ("shared political values", ideology))
        if flag is False
    ]
    if observed:
        if not lacking:
            return "shared security and values, alliance"
        return "alliance without " + " or ".join(lacking)
    if not lacking:
        return "shared security and values but no alliance"
    return "no " + " or ".join(lacking) + ", no alliance"


@dataclass(frozen=True)
class _Alignment:
    """An alignment's years (clipped to the years asked) and its two flags."""

    key: str
    a: int
    b: int
    first: int
    last: int
    security: bool | None
    ideology: bool | None
    source: str


class _Observed:
    """The years each dyad is allied, per source, with the alliances that make it so."""

    def __init__(
        self, session: Session, state_ids: set[int], coverage: dict[str, Coverage]
    ) -> None:
        self.years: dict[tuple[str, int, int], dict[int, set[str]]] = {}
        pairs = MembershipPairs()
        m1, m2 = pairs.mine, pairs.theirs
        query = pairs.select(
            Source.key,
            m1.state_id,
            m2.state_id,
            Alliance.key,
            m1.start_day,
            m1.end_day,
            m2.start_day,
            m2.end_day,
        ).where(
            m1.state_id.in_(state_ids),
            m2.state_id.in_(state_ids),
            m1.state_id < m2.state_id,
            pairs.meet(),
        )
        for src, s1, s2, key, st1, en1, st2, en2 in session.execute(query):
            cov = coverage[src]
            common = common_period(st1, en1, st2, en2, cov.open_end, cov.period)
            if common is None:
                continue
            years = self.years.setdefault((src, s1, s2), {})
            for year in range(common.first_year, common.last_year + 1):
                years.setdefault(year, set()).add(key)

    def alliances(self, source: str, a: int, b: int, year: int) -> set[str]:
        return self.years.get((source, min(a, b), max(a, b)), {}).get(year, set())


def _periods(
    session: Session,
    directory: StateDirectory,
    state: str | None,
    period: Period,
    coverage: dict[str, Coverage],
) -> list[_Alignment]:
    query = (
        select(Alignment, Source.key)
        .join(Source, Source.id == Alignment.source_id)
        .order_by(Alignment.start_day, Alignment.key)
    )
    if state is not None:
        sid = directory.resolve(state).id
        query = query.where(or_(Alignment.state_a_id == sid, Alignment.state_b_id == sid))
    periods = []
    for row, src in session.execute(query):
        first = max(row.start_day.year, period.first_year)
        last = min((row.end_day or coverage[src].open_end).year, period.last_year)
        if first <= last:
            periods.append(
                _Alignment(
                    row.key,
                    row.state_a_id,
                    row.state_b_id,
                    first,
                    last,
                    row.shared_security,
                    row.shared_ideology,
                    src,
                )
            )

    # Dyads in the order they enter the record (the article's order), each dyad's periods
    # together.
    def dyad(p: _Alignment) -> tuple[int, int]:
        c1, c2 = directory.by_id[p.a].ccode, directory.by_id[p.b].ccode
        return min(c1, c2), max(c1, c2)

    begins: dict[tuple[int, int], int] = {}
    for p in periods:
        begins[dyad(p)] = min(begins.get(dyad(p), p.first), p.first)
    return sorted(periods, key=lambda p: (begins[dyad(p)], dyad(p), p.first, p.key))


def theory_rows(
    session: Session,
    summary: Summary,
    state: str | None = None,
    source: str | None = None,
    period: Period = Period.years(),
) -> Iterator[Row]:
    """One row per alignment period and maximal run of years with the same outcome.

    `summary` is filled in as the rows are read. `source` picks the observed source; by
    default each alignment is tested against its own source's alliances.
    """
    directory = StateDirectory(session)
    source_id(session, source)
    coverage = coverages(session)
    alignments = _periods(session, directory, state, period, coverage)
    observed = _Observed(session, {i for p in alignments for i in (p.a, p.b)}, coverage)
    for aligned in alignments:
        src = source or aligned.source
        cov = coverage[src]
        spoken = cov.covers_pair(directory.by_id[aligned.a].ccode, directory.by_id[aligned.b].ccode)
        predicted = predict(aligned.security, aligned.ideology)
        run: Row | None = None
        for year in range(aligned.first, aligned.last + 1):
            keys: set[str] = set()
            if not (spoken and cov.covers_year(year)):
                seen, verdict, reason = None, None, f"outside {src}'s coverage"
            else:
                keys = observed.alliances(src, aligned.a, aligned.b, year)
                seen = bool(keys)
                if predicted is None:
                    verdict, reason = None, FLAGS_UNKNOWN
                else:
                    verdict = predicted == seen
                    reason = _reason(aligned.security, aligned.ideology, seen)
            summary.dyad_years += 1
            if verdict is None:
                summary.untested[reason] += 1
            elif verdict:
                summary.consistent += 1
            else:
                summary.violations[reason] += 1
            if run is not None and (run["observed"], run["reason"]) == (seen, reason):
                run["to"] = year
                run["alliances"].update(keys)
                continue
            if run is not None:
                yield _finish(run)
            run = _start(directory, aligned, year, src, predicted, seen, verdict, reason, keys)
        if run is not None:
            yield _finish(run)


def _start(
    directory: StateDirectory,
    aligned: _Alignment,
    year: int,
    source: str,
    predicted: bool | None,
    observed: bool | None,
    consistent: bool | None,
    reason: str,
    keys: set[str],
) -> Row:
    day = dt.date(year, 1, 1)
    a, b = directory.by_id[aligned.a], directory.by_id[aligned.b]
    return {
        "ccode1": a.ccode,
        "ccode2": b.ccode,
        "stateabb1": a.stateabb,
        "stateabb2": b.stateabb,
        "name1": directory.name_on(a.id, day),
        "name2": directory.name_on(b.id, day),
        "from": year,
        "to": year,
        "shared_security": aligned.security,
        "shared_ideology": aligned.ideology,
        "predicted": predicted,
        "observed": observed,
        "consistent": consistent,
        "reason": reason,
        "source": source,
        "alignment": aligned.key,
        "alliances": set(keys),
    }


def _finish(run: Row) -> Row:
    run["alliances"] = sorted(run["alliances"])
    return run
