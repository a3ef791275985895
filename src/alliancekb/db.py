"""Engines, sessions and in-process migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session

from alliancekb.errors import DatabaseUnavailable, SchemaOutOfDate

ENV_URL = "ALLIANCEKB_DATABASE_URL"
PACKAGE_DIR = Path(__file__).resolve().parent


def default_path() -> Path:
    """The embedded database file: $XDG_DATA_HOME/alliancekb/alliancekb.sqlite."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "alliancekb" / "alliancekb.sqlite"


def default_url() -> str:
    return f"sqlite:///{default_path()}"


def resolve_url(url: str | None) -> str:
    """The URL given, else $ALLIANCEKB_DATABASE_URL, else the embedded default."""
    return url or os.environ.get(ENV_URL) or default_url()


def _bundled(installed: str, top_level: str) -> Path:
    """A file shipped inside the wheel, or at the top of a source checkout."""
    inside = PACKAGE_DIR / installed
    return inside if inside.exists() else PACKAGE_DIR.parents[1] / top_level


def migrations_dir() -> Path:
    return _bundled("_alembic", "alembic")


def bundled_seed() -> Path:
    return _bundled("_data/seed.yaml", "data/seed.yaml")


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


# --- migrations, run in-process -------------------------------------------------------------


def alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


_REVISION = re.compile(r'^(down_)?revision: [^=]*= "?([^"\n]*?)"?$', re.MULTILINE)


@functools.cache
def head_revision() -> str:
    """The newest migration, read from the files without importing Alembic (quick start-up)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in migrations_dir().glob("versions/*.py"):
        for down, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (parents if down else revisions).add(value)
    heads = revisions - parents
    if len(heads) != 1:
        raise SchemaOutOfDate(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return str(heads.pop())


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision (None: no alliancekb schema)."""
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError as exc:
        raise DatabaseUnavailable(f"cannot open the database: {exc.orig}") from None


def _run(engine: Engine, action: str, revision: str) -> None:
    from alembic import command

    with engine.connect() as conn:
        raw = conn.connection.driver_connection if is_sqlite(engine) else None
        if raw is not None:
            # Batch migrations copy and drop tables: foreign keys go off, outside any
            # transaction (the pragma is a no-op inside one), and are checked once at the end.
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            getattr(command, action)(alembic_config(conn), revision)
            conn.commit()
            if raw is not None:
                broken = raw.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise SchemaOutOfDate(
                        f"the migration left {len(broken)} rows with broken foreign keys "
                        f"(first in table {broken[0][0]}): restore the database from a copy"
                    )
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    _run(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    _run(engine, "downgrade", revision)


def check_models(engine: Engine) -> None:
    """Raise alembic's AutogenerateDiffsDetected when the models and migrations differ."""
    from alembic import command

    with engine.connect() as conn:
        command.check(alembic_config(conn))


def ensure_current(engine: Engine) -> None:
    """Refuse to work on a database whose schema is not at head, naming the fix."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if current is None:
        with engine.connect() as conn:
            has_tables = bool(inspect(conn).get_table_names())
        state = "has no alliancekb schema" if not has_tables else "has tables but no revision"
    else:
        state = f"is at schema revision {current}"
    raise SchemaOutOfDate(
        f"the database {state}, this alliancekb needs {head}: run `alliancekb db upgrade`"
    )
