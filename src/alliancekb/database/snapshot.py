"""A consistent SQLite copy of a knowledge base (PostgreSQL's, for `serve`).

The copy is made in one read snapshot (REPEATABLE READ on PostgreSQL), so an import running
meanwhile is either wholly in it or not at all. The new file gets the schema, views included,
from the migrations, then every table's rows in foreign-key order.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, insert, select

from alliancekb.database.engine import make_engine, read_session
from alliancekb.database.migrations import upgrade
from alliancekb.database.models import Base

BATCH = 5000


def copy_to_sqlite(source: Engine, target: Path) -> dict[str, int]:
    """Copy every table of SOURCE into a new SQLite file TARGET; return the rows per table."""
    target.touch()
    engine = make_engine(f"sqlite:///{target}")
    counts: dict[str, int] = {}
    try:
        upgrade(engine)
        with read_session(source) as session, engine.begin() as out:
            for table in Base.metadata.sorted_tables:
                rows = session.execute(select(table)).mappings()
                counts[table.name] = 0
                while batch := rows.fetchmany(BATCH):
                    out.execute(insert(table), [dict(r) for r in batch])
                    counts[table.name] += len(batch)
    finally:
        engine.dispose()
    return counts
