"""What a schema downgrade would destroy: the records of the tables and columns it drops.

The schema at the target revision is built in a scratch SQLite file (migrated up to the
database's revision, then down to the target, so relative targets such as `-1` mean the same)
and compared with the database's own tables: a table the target lacks loses all its rows, a
column it lacks loses the rows that hold a value there. Downgrades that only drop constraints
or indexes lose nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import Engine, column, func, inspect, or_, select, table

from alliancekb.database.engine import make_engine
from alliancekb.database.migrations import current_revision, downgrade, upgrade

VERSION_TABLE = "alembic_version"
SEARCH_INDEX = "search_"
"""The full-text index's tables (0007, SQLite's FTS5): derived from the records, never lost."""


def _columns(engine: Engine) -> dict[str, set[str]]:
    with engine.connect() as conn:
        found = inspect(conn)
        return {
            name: {c["name"] for c in found.get_columns(name)}
            for name in found.get_table_names()
            if name != VERSION_TABLE and not name.startswith(SEARCH_INDEX)
        }


def _schema_at(current: str, revision: str) -> dict[str, set[str]]:
    if revision == "base":
        return {}
    with tempfile.TemporaryDirectory(prefix="alliancekb-schema-") as folder:
        scratch = make_engine(f"sqlite:///{Path(folder) / 'schema.sqlite'}")
        try:
            upgrade(scratch, current)
            downgrade(scratch, revision)
            return _columns(scratch)
        finally:
            scratch.dispose()


def records_lost(engine: Engine, revision: str) -> dict[str, int]:
    """Rows per table that `downgrade(engine, revision)` would drop; empty when none."""
    current = current_revision(engine)
    if current is None:
        return {}
    now = _columns(engine)
    if not any(_count(engine, name, None) for name in now):
        return {}  # an empty database loses nothing: no need to build the target schema
    after = _schema_at(current, revision)
    lost: dict[str, int] = {}
    for name in sorted(now):
        if name in after:
            dropped = sorted(now[name] - after[name])
            count = _count(engine, name, dropped) if dropped else 0
        else:
            count = _count(engine, name, None)
        if count:
            lost[name] = count
    return lost


def _count(engine: Engine, name: str, holding: list[str] | None) -> int:
    """Rows of table NAME (holding a value in one of the columns, if given)."""
    query = select(func.count()).select_from(table(name))
    if holding is not None:
        query = query.where(or_(*(column(c).is_not(None) for c in holding)))
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())
