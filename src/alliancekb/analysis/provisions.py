"""What the allied dyad-years carry beside the obligations: the alignment flags, with the
source they come from, and whether a directed row rests on an asymmetric ATOP alliance.

Alignment flags (`shared_ideology`, `shared_security`) are coded by sources of alignments (the
article vu2020), not by the alliance datasets: a row of atop-5.1 may carry vu2020's flags, and
`flags_source` names the source(s) they come from.

ATOP's `asymm` says an alliance phase's obligations are not the same for all members, its
`obvary` that a member's obligations vary by partner (Brazil defends Uruguay, not Argentina,
in ATOP 1205). The member-level file cannot say toward whom a pledge is made, so a directed
row "A's obligations toward B" that rests on such a phase (asymm) or on A's varying obligations
(obvary) is marked `asymmetric` = 1: the researcher should check the treaty before reading it
as a pledge toward B. 0: the source codes the provisions and none applies; empty: it does not
code them (COW, the article).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from alliancekb.analysis.rules import Coverage
from alliancekb.database.models import Alignment, AtopProvision, Source, State

Provisions = dict[tuple[str, int, int], int]
"""(alliance key, phase, ccode) -> 1 where the member's row is asymm or obvary, else 0."""


def provisions(session: Session, source: str) -> Provisions | None:
    """The source's ATOP provisions per member row (None: the source codes none)."""
    found: Provisions = {}
    rows = session.execute(
        select(
            AtopProvision.alliance_key,
            AtopProvision.phase,
            AtopProvision.ccode,
            AtopProvision.asymm,
            AtopProvision.obvary,
        )
        .join(Source, Source.id == AtopProvision.source_id)
        .where(Source.key == source)
    )
    for key, phase, ccode, asymm, obvary in rows:
        found[(key, phase, ccode)] = int(bool(asymm) or bool(obvary))
    return found or None


class Alignments:
    """Shared-ideology and shared-security flags per undirected dyad and year, any source."""

    def __init__(self, session: Session, coverage: dict[str, Coverage]) -> None:
        self.by_dyad: dict[
            tuple[int, int], list[tuple[int, int, bool | None, bool | None, str]]
        ] = {}
        a, b = aliased(State), aliased(State)
        rows = session.execute(
            select(
                a.ccode,
                b.ccode,
                Alignment.start_day,
                Alignment.end_day,
                Source.key,
                Alignment.shared_ideology,
                Alignment.shared_security,
            )
            .join(a, a.id == Alignment.state_a_id)
            .join(b, b.id == Alignment.state_b_id)
            .join(Source, Source.id == Alignment.source_id)
        )
        for c1, c2, start, end, src, ideology, security in rows:
            last = (end or coverage[src].open_end).year
            key = (min(c1, c2), max(c1, c2))
            self.by_dyad.setdefault(key, []).append((start.year, last, ideology, security, src))

    def flags(self, c1: int, c2: int, year: int) -> tuple[int | None, int | None, str | None]:
        """The flags in force that year and the sources they come from; sources that
        disagree leave a flag unknown."""
        spans = self.by_dyad.get((min(c1, c2), max(c1, c2)))
        if not spans:
            return None, None, None
        ideology: set[bool | None] = set()
        security: set[bool | None] = set()
        sources: set[str] = set()
        for first, last, i, s, src in spans:
            if first <= year <= last:
                ideology.add(i)
                security.add(s)
                sources.add(src)
        return (
            _int(ideology.pop()) if len(ideology) == 1 else None,
            _int(security.pop()) if len(security) == 1 else None,
            "; ".join(sorted(sources)) or None,
        )


def _int(value: bool | None) -> int | None:
    return None if value is None else int(value)
