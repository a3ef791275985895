"""The importers write with the database driver: they must store exactly what SQLAlchemy would."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, create_engine, delete, insert, select, text

from alliancekb.database.models import Alliance, Base, Membership
from conftest import Cli
from import_helpers import ATOP, COW, STATES, ok


def _raw(url: str, table: Table) -> list[tuple[Any, ...]]:
    """Every row as the database holds it: on SQLite each value's storage class and text."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        cells = ", ".join(f'typeof("{c.name}"), quote("{c.name}")' for c in table.columns)
    else:
        cells = ", ".join(f'pg_typeof("{c.name}")::text, "{c.name}"::text' for c in table.columns)
    try:
        with engine.connect() as conn:
            query = f"SELECT {cells} FROM {table.name} ORDER BY id"
            return [tuple(row) for row in conn.exec_driver_sql(query)]
    finally:
        engine.dispose()


def _rewrite_with_sqlalchemy(url: str) -> None:
    """Read every alliance and membership, delete them, insert them again with Core inserts
    (SQLAlchemy's own conversion of dates and booleans), ids kept."""
    alliances: Table = Base.metadata.tables[Alliance.__tablename__]
    memberships: Table = Base.metadata.tables[Membership.__tablename__]
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                conn.execute(text("PRAGMA foreign_keys = OFF"))
            found = {
                t: [dict(r._mapping) for r in conn.execute(select(t))]
                for t in (alliances, memberships)
            }
            conn.execute(delete(memberships))
            conn.execute(delete(alliances))
            for t in (alliances, memberships):
                conn.execute(insert(t), found[t])
    finally:
        engine.dispose()


def test_imports_store_what_sqlalchemy_stores(migrated_url: str) -> None:
    cli = Cli(migrated_url)
    ok(cli, "import", "cow-states", str(STATES))
    ok(cli, "import", "atop", str(ATOP))
    ok(cli, "import", "cow", str(COW))
    tables = [Base.metadata.tables[m.__tablename__] for m in (Alliance, Membership)]
    imported = [_raw(migrated_url, t) for t in tables]
    assert [len(rows) for rows in imported] == [7, 17]
    names = ("alliances", "memberships")
    exported = [ok(cli, "export", name, "--format", "json") for name in names]
    _rewrite_with_sqlalchemy(migrated_url)
    assert [_raw(migrated_url, t) for t in tables] == imported
    assert [ok(cli, "export", name, "--format", "json") for name in names] == exported
    # The same file again changes nothing: what the driver wrote reads back as the file's rows.
    assert ok(cli, "import", "atop", str(ATOP)).startswith("atop-5.1 is up to date with atop.csv")
