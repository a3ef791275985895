"""Engines and sessions for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session

from alliancekb.errors import DatabaseUnavailable

ENV_URL = "ALLIANCEKB_DATABASE_URL"


def default_path() -> Path:
    """The embedded database file: $XDG_DATA_HOME/alliancekb/alliancekb.sqlite."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "alliancekb" / "alliancekb.sqlite"


def default_url() -> str:
    return f"sqlite:///{default_path()}"


def resolve_url(url: str | None) -> str:
    """The URL given, else $ALLIANCEKB_DATABASE_URL, else the embedded default."""
    return url or os.environ.get(ENV_URL) or default_url()


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets foreign keys, WAL, a busy timeout and explicit BEGINs."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(
            f"'{url}' is not a database URL "
            "(use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB)"
        ) from None
    if parsed.get_backend_name() != "sqlite":
        try:
            return create_engine(parsed, pool_pre_ping=True)
        except NoSuchModuleError:
            raise DatabaseUnavailable(
                f"'{parsed.render_as_string()}' names no database alliancekb knows "
                "(use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB)"
            ) from None
        except ModuleNotFoundError as exc:
            raise DatabaseUnavailable(
                f"the driver for '{parsed.render_as_string()}' is missing ({exc.name}): "
                "install it with: pip install 'alliancekb[postgres]'"
            ) from None
    engine = create_engine(parsed, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Python's sqlite3 would open transactions on its own; we emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front, so two writers never deadlock on upgrade.
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


# Any constant: PostgreSQL writers queue on this advisory lock as SQLite writers do on
# BEGIN IMMEDIATE, so two analysts adding the same key never race into a unique violation
# and an amend always reads the values it replaces after the previous writer committed.
WRITE_LOCK = 0x616B62


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: all or nothing; one writer at a time on either database."""
    with (
        engine.connect().execution_options(sqlite_immediate=True) as conn,
        Session(bind=conn, expire_on_commit=False) as session,
        session.begin(),
    ):
        if engine.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
