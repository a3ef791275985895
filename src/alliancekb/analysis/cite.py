"""The works to cite for what a query or an export uses: its sources' own requested
citations, the state system of a universe panel, and alliancekb itself."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliancekb.analysis.rules import source_id
from alliancekb.citations import (
    ALLIANCEKB,
    COW_STATES,
    GLEDITSCH_WARD_1999,
    Work,
    unique,
    works_of_source,
)
from alliancekb.database.models import Alignment, Alliance, Event, Source, State, Treaty

# The records each table or panel reads: its sources are those of the records it exports.
_RECORDS: dict[str, Any] = {
    "dyad-years": Alliance,
    "state-years": Alliance,
    "alliances": Alliance,
    "memberships": Alliance,
    "alignments": Alignment,
    "treaties": Treaty,
    "events": Event,
    "states": State,
}
_SYSTEMS = {"cow": ("cow-states", COW_STATES), "gw": ("gw-states", GLEDITSCH_WARD_1999)}


def works(
    session: Session,
    table: str | None = None,
    sources: Iterable[str] | None = None,
    universe: str | None = None,
) -> list[Work]:
    """What to cite: the sources named (else every source of the table's records, else every
    source), the universe's state system, then alliancekb."""
    keys = list(dict.fromkeys(sources or ()))
    for key in keys:
        source_id(session, key)  # an unknown source is refused, naming the known ones
    if not keys:
        query = select(Source.key).order_by(Source.key)
        model = _RECORDS.get(table or "")
        if model is not None:
            query = query.where(Source.id.in_(select(model.source_id)))
        keys = list(session.scalars(query))
    rows = {row.key: row for row in session.scalars(select(Source).where(Source.key.in_(keys)))}
    found = [
        work
        for key in keys
        for work in works_of_source(
            key, rows[key].title, rows[key].citation, rows[key].url, rows[key].version
        )
    ]
    if universe is not None and universe in _SYSTEMS:
        prefix, fallback = _SYSTEMS[universe]
        systems = [k for k in session.scalars(select(Source.key)) if k.startswith(prefix)]
        found.extend(
            [w for k in systems for w in works_of_source(k, "", "", None, None)] or [fallback]
        )
    return unique([*found, ALLIANCEKB])
