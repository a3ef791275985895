"""Engines and sessions for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session

from alliancekb.errors import DatabaseBusy, DatabaseUnavailable

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


ENV_LOCK_TIMEOUT = "ALLIANCEKB_LOCK_TIMEOUT"
USE = "use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"


def lock_timeout() -> float:
    """Seconds a writer waits for another writer's lock: $ALLIANCEKB_LOCK_TIMEOUT, else 60."""
    value = os.environ.get(ENV_LOCK_TIMEOUT, "").strip()
    if not value:
        return 60.0
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 1e6:
        raise DatabaseUnavailable(
            f"{ENV_LOCK_TIMEOUT}={value!r} is not a number of seconds: set it to e.g. 60"
        )
    return seconds


def busy(seconds: float) -> DatabaseBusy:
    """The one message for a writer that waited out the lock timeout, on either database."""
    return DatabaseBusy(
        f"the database is locked: another process has been writing to it for over {seconds:g} s;"
        f" retry later (${ENV_LOCK_TIMEOUT} sets how many seconds to wait)"
    )


def _masked(url: str) -> str:
    """A URL that did not parse, with any password hidden."""
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


def parse_url(url: str) -> URL:
    """The URL, or a one-line refusal naming it and the accepted forms."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        reason = ""
        if isinstance(exc, ValueError):  # make_url's int() of the port is the one ValueError
            reason = ": its port is not a number" if "int()" in str(exc) else f": {exc}"
        raise DatabaseUnavailable(
            f"'{_masked(url)}' is not a database URL{reason} ({USE})"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseUnavailable(
            f"'{parsed.render_as_string()}' is a {backend} URL: alliancekb supports sqlite and "
            f"postgresql only ({USE})"
        )
    return parsed


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets foreign keys, WAL, a busy timeout and explicit BEGINs."""
    parsed = parse_url(url)
    try:
        if parsed.get_backend_name() == "postgresql":
            # A host that never answers would otherwise hang for minutes.
            options = {} if "connect_timeout" in parsed.query else {"connect_timeout": 10}
            return create_engine(parsed, pool_pre_ping=True, connect_args=options)
        return _sqlite_engine(parsed)
    except NoSuchModuleError:
        raise DatabaseUnavailable(
            f"'{parsed.render_as_string()}' names no database alliancekb knows ({USE})"
        ) from None
    except ModuleNotFoundError as exc:
        raise DatabaseUnavailable(
            f"the driver for '{parsed.render_as_string()}' is missing ({exc.name}): "
            "install it with: pip install 'alliancekb[postgres]'"
        ) from None
    except (ArgumentError, TypeError, ValueError) as exc:
        raise DatabaseUnavailable(
            f"'{parsed.render_as_string()}' has a bad parameter: {exc}"
        ) from None


def _sqlite_engine(parsed: URL) -> Engine:
    seconds = lock_timeout()
    engine = create_engine(parsed, connect_args={"timeout": seconds})
    path = sqlite_path(parsed)
    # Probe the URL's own parameters now (timeout=abc), not on the first connection.
    engine.dialect.create_connect_args(parsed)

    @event.listens_for(engine, "do_connect")
    def _refuse_missing(*_args: Any) -> None:
        # Opening a missing file would create an empty one; only `db upgrade` creates it.
        if path is not None and not path.exists():
            raise missing_database(parsed)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Python's sqlite3 would open transactions on its own; we emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(seconds * 1000)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front, so two writers never deadlock on upgrade.
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def missing_database(parsed: URL) -> DatabaseUnavailable:
    url = parsed.render_as_string()
    return DatabaseUnavailable(
        f"the database {parsed.database} does not exist: create it with "
        f"`alliancekb --db {url} db upgrade`"
    )


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_path(parsed: URL) -> Path | None:
    """The file behind an SQLite URL (None: not SQLite, or in memory)."""
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
        return None
    if database.startswith("file:"):
        return None  # an SQLite URI: its own mode= decides
    return Path(database)


def sqlite_file(url: str) -> Path | None:
    return sqlite_path(parse_url(url))


# Any constant: PostgreSQL writers queue on this advisory lock as SQLite writers do on
# BEGIN IMMEDIATE, so two analysts adding the same key never race into a unique violation
# and an amend always reads the values it replaces after the previous writer committed.
WRITE_LOCK = 0x616B62


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: all or nothing; one writer at a time on either database.

    A writer that waits longer than lock_timeout() for another writer gives up with DatabaseBusy.
    """
    seconds = lock_timeout()
    try:
        with (
            engine.connect().execution_options(sqlite_immediate=True) as conn,
            Session(bind=conn, expire_on_commit=False) as session,
            session.begin(),
        ):
            if engine.dialect.name == "postgresql":
                _take_write_lock(session, seconds)
            yield session
    except OperationalError as exc:
        if _is_lock_wait(exc):
            raise busy(seconds) from None
        raise


def _take_write_lock(session: Session, seconds: float) -> None:
    # lock_timeout bounds only this wait (0 would mean forever); later statements wait as before.
    limit = f"{max(1, round(seconds * 1000))}ms"
    session.execute(text("SELECT set_config('lock_timeout', :limit, true)"), {"limit": limit})
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
    session.execute(text("SET LOCAL lock_timeout TO DEFAULT"))


def _is_lock_wait(exc: OperationalError) -> bool:
    """SQLite's busy timeout ran out, or PostgreSQL's lock_timeout (SQLSTATE 55P03)."""
    if getattr(exc.orig, "sqlstate", None) == "55P03":
        return True
    return str(exc.orig).startswith("database is locked")


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read: every query of it sees one snapshot of the database, even during an import.

    SQLite's deferred BEGIN holds one WAL snapshot from the first read to the end; PostgreSQL
    needs REPEATABLE READ for that (READ COMMITTED would see each commit between statements).
    """
    if engine.dialect.name != "postgresql":
        with Session(engine) as session:
            yield session
        return
    with (
        engine.connect().execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        ) as conn,
        Session(bind=conn) as session,
    ):
        yield session
