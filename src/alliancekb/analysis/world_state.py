"""One state's dyads: the derived flags beside the hand-coded alignments, year by year.

For every alignment of the state (the article's coding, vu2020 for Vietnam), each year inside
its source's coverage (and the years asked) gets the coded flags, the derivation's flags, and
whether they agree (unknown when either side is), with whether the observed source codes the
dyad allied. Consecutive years with the same values make one row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from alliancekb.analysis.derived import Derivation, Flags
from alliancekb.analysis.rules import Period, coverages
from alliancekb.analysis.world import allied_years, observed_source
from alliancekb.database.models import Alignment, Source
from alliancekb.database.states import StateDirectory

Row = dict[str, Any]
COMPARISON_COLUMNS = (
    "ccode1",
    "ccode2",
    "stateabb1",
    "stateabb2",
    "name1",
    "name2",
    "from",
    "to",
    "coded_by",
    "alignment",
    "coded_security",
    "derived_security",
    "coded_ideology",
    "derived_ideology",
    "agree_security",
    "agree_ideology",
    "allied",
)
COMPARISON_TABLE = (
    "name1",
    "name2",
    "from",
    "to",
    "coded_security",
    "derived_security",
    "coded_ideology",
    "derived_ideology",
    "agree_security",
    "agree_ideology",
    "allied",
)


@dataclass
class Agreement:
    """Per flag, dyad-years where the derived and the coded flag agree, disagree, or one is
    unknown; complete once the rows have all been read."""

    derivation: str
    coded_by: set[str] = field(default_factory=set)
    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {"security": Counter(), "ideology": Counter()}
    )

    def add(self, flag: str, agree: bool | None) -> None:
        self.counts[flag]["unknown" if agree is None else "agree" if agree else "disagree"] += 1

    def lines(self) -> list[str]:
        coded = ", ".join(sorted(self.coded_by)) or "the alignments"
        lines = []
        for flag, what in (("security", "shared security"), ("ideology", "shared ideology")):
            c = self.counts[flag]
            both = c["agree"] + c["disagree"]
            share = f" ({100 * c['agree'] / both:.1f}%)" if both else ""
            lines.append(
                f"{what}: {self.derivation} agrees with {coded} in {c['agree']} of {both} "
                f"dyad-years where both speak{share}; unknown in {c['unknown']}"
            )
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "derivation": self.derivation,
            "coded_by": sorted(self.coded_by),
            **{flag: dict(sorted(c.items())) for flag, c in self.counts.items()},
        }


def _agree(coded: bool | None, derived: bool | None) -> bool | None:
    return None if coded is None or derived is None else coded == derived


def comparison_rows(
    session: Session,
    agreement: Agreement,
    state: str,
    source: str | None,
    rule: Derivation,
    period: Period = Period.years(),
) -> Iterator[Row]:
    """The state's alignments year by year, coded and derived flags side by side."""
    directory = StateDirectory(session)
    focal = directory.resolve(state)
    observed = observed_source(session, source)
    flags = Flags(session, rule)
    coverage = coverages(session)
    query = (
        select(Alignment, Source.key)
        .join(Source, Source.id == Alignment.source_id)
        .where(or_(Alignment.state_a_id == focal.id, Alignment.state_b_id == focal.id))
        .order_by(Alignment.start_day, Alignment.key)
    )
    found = list(session.execute(query))

    # Each dyad's alignments together, dyads in the order they enter the record (as `theory`).
    def dyad(alignment: Alignment) -> int:
        return alignment.state_b_id if alignment.state_a_id == focal.id else alignment.state_a_id

    begins: dict[int, Any] = {}
    for alignment, _src in found:
        begins.setdefault(dyad(alignment), alignment.start_day)
    found.sort(key=lambda r: (begins[dyad(r[0])], directory.by_id[dyad(r[0])].ccode))
    allied = allied_years(
        session, observed.source, observed.first, observed.last_year, [focal.ccode]
    )
    for alignment, coded_by in found:
        cov = coverage[coded_by]
        first = max(alignment.start_day.year, cov.first, period.first_year)
        last = min((alignment.end_day or cov.open_end).year, cov.last_year, period.last_year)
        other = directory.by_id[
            alignment.state_b_id if alignment.state_a_id == focal.id else alignment.state_a_id
        ]
        c1, c2 = min(focal.ccode, other.ccode), max(focal.ccode, other.ccode)
        agreement.coded_by.add(coded_by)
        run: Row | None = None
        for year in range(first, last + 1):
            security, ideology = flags.security(c1, c2, year), flags.ideology(c1, c2, year)
            seen = (
                year in allied.get((c1, c2), ())
                if observed.covers_year(year) and observed.covers_pair(c1, c2)
                else None
            )
            values = {
                "coded_security": alignment.shared_security,
                "derived_security": security,
                "coded_ideology": alignment.shared_ideology,
                "derived_ideology": ideology,
                "agree_security": _agree(alignment.shared_security, security),
                "agree_ideology": _agree(alignment.shared_ideology, ideology),
                "allied": seen,
            }
            agreement.add("security", values["agree_security"])
            agreement.add("ideology", values["agree_ideology"])
            if run is not None and all(run[k] == v for k, v in values.items()):
                run["to"] = year
                continue
            if run is not None:
                yield run
            day = dt.date(year, 1, 1)
            run = {
                "ccode1": focal.ccode,
                "ccode2": other.ccode,
                "stateabb1": focal.stateabb,
                "stateabb2": other.stateabb,
                "name1": directory.name_on(focal.id, day),
                "name2": directory.name_on(other.id, day),
                "from": year,
                "to": year,
                "coded_by": coded_by,
                "alignment": alignment.key,
                **values,
            }
        if run is not None:
            yield run
