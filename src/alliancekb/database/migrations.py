"""Migrations, run in-process with Alembic, and the schema revision checks."""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from alliancekb.database.engine import is_sqlite, missing_database, sqlite_path
from alliancekb.errors import DatabaseUnavailable, InvalidInput, SchemaOutOfDate
from alliancekb.resources import bundled


def migrations_dir() -> Path:
    return bundled("_alembic", "alembic")


def alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    # Config's default stdout is the sys.stdout of the moment alembic.config was imported,
    # which may since have been closed (a test runner's capture): pass today's.
    cfg = Config(stdout=sys.stdout)
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
    """The database's schema revision (None: no alliancekb schema, or no SQLite file yet)."""
    path = sqlite_path(engine.url)
    if path is not None and not path.exists():
        return None
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError as exc:
        # libpq adds a hint on a second line ("Is the server running...?"): one line is promised.
        reason = " ".join(str(exc.orig).split())
        raise DatabaseUnavailable(
            f"cannot open the database {engine.url.render_as_string()}: {reason}"
        ) from None


def known_revisions() -> str:
    """'base, 0001, 0002, 0003 (head)': what `db upgrade` and `db downgrade` accept."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    names = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    return ", ".join(["base", *names[:-1], f"{names[-1]} (head)"])


def _run(engine: Engine, action: str, revision: str) -> None:
    from alembic import command
    from alembic.util import CommandError

    path = sqlite_path(engine.url)
    if action == "upgrade" and path is not None and not path.exists():
        _known(revision)  # a mistyped revision leaves no empty file behind
        path.touch()  # SQLite takes an empty file for an empty database
    with engine.connect() as conn:
        raw = conn.connection.driver_connection if is_sqlite(engine) else None
        if raw is not None:
            # Batch migrations copy and drop tables: foreign keys go off, outside any
            # transaction (the pragma is a no-op inside one), and are checked once at the end.
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            try:
                getattr(command, action)(alembic_config(conn), revision)
            except CommandError as exc:
                raise revision_error(action, revision, exc) from None
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


def _known(revision: str) -> None:
    """Refuse a revision no migration has, before anything is touched (relative ones pass)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if revision[:1] in "+-" or "@" in revision:
        return
    try:
        ScriptDirectory.from_config(alembic_config()).get_revisions(revision)
    except CommandError as exc:
        raise revision_error("upgrade", revision, exc) from None


def revision_error(action: str, revision: str, exc: Exception) -> InvalidInput:
    if "Can't locate revision" in str(exc):
        return InvalidInput(
            f"there is no schema revision '{revision}': the revisions are {known_revisions()}"
        )
    return InvalidInput(
        f"cannot {action} to revision '{revision}': {exc}; the revisions are {known_revisions()}"
    )


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
    path = sqlite_path(engine.url)
    if path is not None and not path.exists():
        raise missing_database(engine.url)
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
