"""Importers of the standard datasets: ATOP 5.x, COW Formal Alliances v4.1, COW states.

Each reads its whole file first (a bad row or a wrong layout raises InvalidInput before
anything is written), then creates or replaces its source in one transaction.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from alliancekb import collector
from alliancekb.database.engine import write_session
from alliancekb.importers import atop, cow, cow_states
from alliancekb.importers.common import ImportSummary, Progress, import_alliances, no_progress
from alliancekb.records.writer import WriteContext

__all__ = ["FORMATS", "ImportSummary", "Progress", "import_file"]

FORMATS = ("atop", "cow", "cow-states")


def import_file(
    engine: Engine,
    fmt: str,
    path: Path,
    context: WriteContext,
    progress: Progress = no_progress,
) -> ImportSummary:
    """Import PATH in format FMT (atop, cow or cow-states); one transaction, all or nothing."""
    with collector.paused():  # hundreds of thousands of tuples, none in a cycle
        return _import(engine, fmt, path, context, progress)


def _import(
    engine: Engine, fmt: str, path: Path, context: WriteContext, progress: Progress
) -> ImportSummary:
    if fmt == "cow-states":
        states = cow_states.parse(path, progress)
        with write_session(engine) as session:
            return cow_states.import_states(session, path, states, context, progress)
    if fmt not in ("atop", "cow"):
        raise ValueError(f"unknown format {fmt!r}")
    parsed = atop.parse(path, progress) if fmt == "atop" else cow.parse(path, progress)
    with write_session(engine) as session:
        return import_alliances(session, path, parsed, fmt, context, progress)
