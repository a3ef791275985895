"""What the covariate imports (regimes, rivalries) share: their states and the replacement of a
source's rows in one go.

A covariate speaks of COW states: a code the state system does not hold is left out and named
in the summary (Thompson and Dreyer's Venice, 324, before 1816), and importing before the
state system is refused with the command to run, as for the alliance files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from alliancekb.database.models import Base, State
from alliancekb.database.states import system_imported
from alliancekb.errors import InvalidInput
from alliancekb.importers.bulk import BATCH
from alliancekb.importers.csvfile import Progress
from alliancekb.importers.sources import (
    ImportSummary,
    SourceInfo,
    log_import,
    put_source,
    source_exists,
    table,
)
from alliancekb.records.writer import WriteContext

MISSING = ("", "NA", ".")
"""Cells that mean "not estimated": empty, R's NA, Stata's missing."""


def state_ids(session: Session, path: Path, codes: dict[int, int]) -> dict[int, int]:
    """State ids by ccode for CODES (ccode -> first line it is on). Before `import cow-states`
    a code the database lacks is refused with the command; after, it is left to the caller."""
    ids = {c: i for c, i in session.execute(select(State.ccode, State.id))}
    unknown = sorted(set(codes) - ids.keys())
    if unknown and not system_imported(session):
        code = min(unknown, key=lambda c: codes[c])
        raise InvalidInput(
            f"{path} line {codes[code]}: ccode {code} is not a state in this database "
            f"({len(unknown)} codes missing): import the COW state system first with "
            "`alliancekb import cow-states PATH/states2016.csv`"
        )
    return ids


def replace_rows(
    session: Session,
    model: type[Base],
    source: SourceInfo,
    rows: Sequence[dict[str, Any]],
    compare: Sequence[str],
    summary: ImportSummary,
    context: WriteContext,
    importer: str,
    progress: Progress,
) -> ImportSummary:
    """Create or replace the source and all its rows of MODEL (one transaction: the caller's).
    The same rows again (compared on COMPARE, ids resolved) change nothing."""
    existed = source_exists(session, source.key)
    source_id, source_changed = put_source(session, source)
    columns = [getattr(model, name) for name in compare]
    stored = {
        tuple(row)
        for row in session.execute(
            select(*columns).where(model.source_id == source_id)  # type: ignore[attr-defined]
        )
    }
    new = {tuple(row[name] for name in compare) for row in rows}
    if stored and not source_changed and stored == new:
        summary.action = "unchanged"
        return summary
    if stored:
        summary.action = "replaced"
    session.execute(delete(model).where(model.source_id == source_id))  # type: ignore[attr-defined]
    target = table(model)
    for i in range(0, len(rows), BATCH):
        batch = [{**row, "source_id": source_id} for row in rows[i : i + BATCH]]
        session.execute(target.insert(), batch)
        progress("writing", min(i + BATCH, len(rows)), len(rows))
    log_import(session, context, importer, summary, existed)
    return summary
