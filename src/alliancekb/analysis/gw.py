"""The Gleditsch-Ward universe: GW's states and spells, and the COW-coded alliance data mapped
onto GW codes through the correspondence `import gw-states` stored.

In year Y, a COW code stands for every GW code its correspondence reaches on some day of Y
(COW's 345 is GW's 345 and GW's Serbia 340 in 2006). Where two COW codes reach one GW dyad-year
(Germany 255 and West Germany 260 are both GW's 260 in 1990; North Yemen 678 and Yemen 679
both GW's 678 in 1990), their obligations are merged as across alliances: either says yes:
yes. A GW state with no COW code (Tibet, Transvaal, Annam) is one no COW-coded source speaks
for: its cells are empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliancekb.analysis.panels import ALLIANCES_AT, dyad_year_batches
from alliancekb.analysis.rules import Period, merge_all
from alliancekb.analysis.systems import AlliedYear, Codes, Spells, System
from alliancekb.database.models import GwCode, GwSpell, GwState, Source
from alliancekb.errors import InvalidInput

GW_SOURCE = "gw-states"

Correspondence = dict[int, list[tuple[int, dt.date | None, dt.date | None]]]
"""Per COW code: (GW code, first day, last day), None: open."""


def _correspondence(session: Session, source_id: int) -> Correspondence:
    found: Correspondence = {}
    for ccode, gwcode, first, last in session.execute(
        select(GwCode.ccode, GwCode.gwcode, GwCode.start_day, GwCode.end_day).where(
            GwCode.source_id == source_id
        )
    ):
        found.setdefault(ccode, []).append((gwcode, first, last))
    return found


def gw_system(session: Session) -> System:
    """The GW system as imported, with the COW codes each GW code stands for."""
    source_id = session.scalar(select(Source.id).where(Source.key == GW_SOURCE))
    states: dict[int, tuple[str, Spells]] = {}
    if source_id is not None:
        rows = session.execute(
            select(GwState.gwcode, GwState.stateabb, GwSpell.start_day, GwSpell.end_day)
            .join(GwSpell, GwSpell.gw_state_id == GwState.id)
            .where(GwState.source_id == source_id)
            .order_by(GwState.gwcode, GwSpell.start_day)
        )
        for gwcode, abb, start, end in rows:
            states.setdefault(gwcode, (abb, []))[1].append((start, end))
    if source_id is None or not states:
        raise InvalidInput(
            "the Gleditsch-Ward state system has not been imported: import iisystem.dat with "
            "`alliancekb import gw-states PATH` first"
        )
    corr = _correspondence(session, source_id)
    cow_codes: dict[int, set[int]] = {}
    for ccode, targets in corr.items():
        for gwcode, _first, _last in targets:
            cow_codes.setdefault(gwcode, set()).add(ccode)

    def loader(
        session: Session, source: str, directed: bool, period: Period
    ) -> Iterator[AlliedYear]:
        return mapped_dyad_years(session, corr, source, directed, period, system.unmapped)

    system = System("gw", "gwcode", states, {g: frozenset(c) for g, c in cow_codes.items()})
    system.loader = loader
    return system


def _targets(corr: Correspondence, ccode: int, year: int) -> list[int]:
    first_day, last_day = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return [
        g
        for g, first, last in corr.get(ccode, ())
        if (first is None or first <= last_day) and (last is None or last >= first_day)
    ]


def mapped_dyad_years(
    session: Session,
    corr: Correspondence,
    source: str,
    directed: bool,
    period: Period,
    unmapped: dict[str, int],
) -> Iterator[AlliedYear]:
    """The source's allied dyad-years in GW codes, in dyad order (undirected: gwcode1 <
    gwcode2); dyad-years two COW dyads reach are merged. Rows with a code GW does not know
    (microstates, 8152) are counted in UNMAPPED: outside the universe."""
    found: dict[tuple[int, int, int], tuple[Codes, set[str]]] = {}
    for batch in dyad_year_batches(session, source, directed, period):
        for row in batch:
            year, codes, keys = row[4], tuple(row[6:11]), row[ALLIANCES_AT]
            ones, twos = _targets(corr, row[0], year), _targets(corr, row[1], year)
            if not ones or not twos:
                unmapped[source] = unmapped.get(source, 0) + 1
            for g1 in ones:
                for g2 in twos:
                    if g1 == g2:
                        continue
                    key = (g1, g2, year) if directed or g1 < g2 else (g2, g1, year)
                    before = found.get(key)
                    if before is None:
                        found[key] = (codes, set(keys.split("; ")))
                    else:
                        before[1].update(keys.split("; "))
                        found[key] = (merge_all(before[0], codes), before[1])
    for (g1, g2, year), (codes, keys) in sorted(found.items()):
        yield g1, g2, year, codes, "; ".join(sorted(keys))
