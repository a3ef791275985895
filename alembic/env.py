"""Alembic environment: runs on a connection handed over by alliancekb, or on a URL.

alliancekb runs migrations in-process (`alliancekb db upgrade`) and passes its connection in
`config.attributes["connection"]`; the `alembic` command line uses $ALLIANCEKB_DATABASE_URL.
Logging is left to the application: no fileConfig here.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from alliancekb.database.engine import make_engine, resolve_url
from alliancekb.database.models import Base

target_metadata = Base.metadata


def _not_the_search_index(name: str | None, type_: str, _parent: object) -> bool:
    """The full-text index (0007: SQLite's FTS5 tables, PostgreSQL's GIN index) is the
    database's own, kept by triggers or the server, not a model: `db check` leaves it out."""
    return not (type_ in ("table", "index") and (name or "").startswith(("search_", "ix_search_")))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=_not_the_search_index,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(resolve_url(context.config.get_main_option("sqlalchemy.url")))
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


if context.is_offline_mode():
    raise SystemExit("alliancekb migrations run online only: use `alliancekb db upgrade`")
run_migrations_online()
