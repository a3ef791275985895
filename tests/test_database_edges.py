"""The database's edges: missing files, bad URLs, lock waits, revisions, read snapshots."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from alliancekb.database.engine import WRITE_LOCK, make_engine, read_session
from alliancekb.database.migrations import head_revision
from alliancekb.database.models import Base
from alliancekb.errors import AllianceKBError
from alliancekb.kb import KnowledgeBase
from conftest import Cli

USE = "(use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB)"
REVISIONS = "base, 0001, 0002, 0003, 0004, 0005, 0006, 0007, 0008 (head)"


# --- a read never creates a database --------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["allies", "Vietnam"],
        ["treaties"],
        ["export", "alliances"],
        ["db", "check"],
        ["db", "downgrade", "base"],
        ["db", "upgrade", "nonsense"],
    ],
)
def test_missing_sqlite_file_is_not_created(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "missing.sqlite"
    result = Cli(f"sqlite:///{path}")(*command)
    assert result.exit_code == 1
    if command[-1] == "nonsense":
        message = f"there is no schema revision 'nonsense': the revisions are {REVISIONS}"
    else:
        message = (
            f"the database {path} does not exist: create it with "
            f"`alliancekb --db sqlite:///{path} db upgrade`"
        )
    assert result.stderr == f"error: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_db_upgrade_creates_the_missing_file(tmp_path: Path) -> None:
    cli = Cli(f"sqlite:///{tmp_path / 'new.sqlite'}")
    assert cli("db", "current").stdout == (
        f"empty (head is {head_revision()}: run `alliancekb db upgrade`)\n"
    )
    assert not (tmp_path / "new.sqlite").exists()
    up = cli("db", "upgrade")
    assert (up.exit_code, up.stdout) == (
        0,
        f"upgraded the schema from empty to {head_revision()}\n",
    )
    assert cli("seed").exit_code == 0
    assert cli("allies", "VNM", "--year", "1985", "-f", "csv").stdout.count("\n") == 3


# --- URLs and connections: one line, exit 1 -------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("notaurl", f"'notaurl' is not a database URL {USE}"),
        (
            "postgresql+psycopg://u:secret@h:notaport/db",
            "'postgresql+psycopg://u:***@h:notaport/db' is not a database URL: "
            f"its port is not a number {USE}",
        ),
        (
            "sqlite:///x?timeout=abc",
            "'sqlite:///x?timeout=abc' has a bad parameter: could not convert string to float: "
            "'abc'",
        ),
        (
            "mysql://",
            f"'mysql://' is a mysql URL: alliancekb supports sqlite and postgresql only {USE}",
        ),
    ],
)
def test_bad_urls_are_one_line(
    url: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = Cli(url)("allies", "Vietnam")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_unreachable_postgresql_is_one_line() -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/test"  # nothing listens on port 1
    result = Cli(url)("allies", "Vietnam")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot open the database {url}: connection ")
    assert "Connection refused" in result.stderr
    assert result.stderr.count("\n") == 1


def test_bad_lock_timeout_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ALLIANCEKB_LOCK_TIMEOUT", "soon")
    result = Cli(f"sqlite:///{tmp_path / 'kb.sqlite'}")("db", "upgrade")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: ALLIANCEKB_LOCK_TIMEOUT='soon' is not a number of seconds: set it to e.g. 60\n",
    )


# --- lock waits: bounded, and the same message on both databases ----------------------------


@contextmanager
def write_lock_held(url: str, release_after: float) -> Iterator[None]:
    """Another writer: holds the write lock (SQLite's RESERVED lock, the advisory lock on
    PostgreSQL) in an open transaction, and lets go after `release_after` seconds at most,
    so that a build that waits without bound fails instead of hanging."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        import sqlite3

        raw: Any = sqlite3.connect(parsed.database, isolation_level=None, check_same_thread=False)
        raw.execute("BEGIN IMMEDIATE")
        release = lambda: raw.execute("ROLLBACK")  # noqa: E731
    else:
        raw = psycopg.connect(parsed.set(drivername="postgresql").render_as_string(False))
        raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        release = raw.rollback
    timer = threading.Timer(release_after, release)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join()
        with suppress(Exception):  # the timer may have released it already
            release()
        raw.close()


def test_writer_gives_up_after_the_lock_timeout(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = tmp_path / "e.yaml"
    event.write_text(
        "key: locked-out\ntitle: Waits\nkind: summit\nstart: 1985\nsource: vietnam-case\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ALLIANCEKB_LOCK_TIMEOUT", "1")
    cli = Cli(db_url)
    before = cli("events", "-f", "csv").stdout
    with write_lock_held(db_url, release_after=15):
        began = time.monotonic()
        result = cli("event", "add", "--file", str(event))
        waited = time.monotonic() - began
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "error: the database is locked: another process has been writing to it for over 1 s; "
        "retry later ($ALLIANCEKB_LOCK_TIMEOUT sets how many seconds to wait)\n",
    )
    assert 1 <= waited < 10
    assert cli("events", "-f", "csv").stdout == before
    assert cli("event", "add", "--file", str(event)).exit_code == 0  # lock gone: it works


# --- migrations: unknown revisions ----------------------------------------------------------


@pytest.mark.parametrize("action", ["upgrade", "downgrade"])
def test_unknown_revision_names_the_known_ones(db_url: str, action: str) -> None:
    result = Cli(db_url)("db", action, "nonsense")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"error: there is no schema revision 'nonsense': the revisions are {REVISIONS}\n",
    )
    assert Cli(db_url)("db", "current").stdout == f"{head_revision()} (head)\n"
    kb = KnowledgeBase.open(db_url)
    try:
        with pytest.raises(AllianceKBError, match=r"^there is no schema revision 'x1'"):
            getattr(kb, action)("x1")
    finally:
        kb.engine.dispose()


# --- reads see one snapshot -----------------------------------------------------------------

ALLIANCES = Base.metadata.tables["alliances"]
MEMBERS = Base.metadata.tables["memberships"]


def _count(session: Any, table: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(table)))


def test_reads_see_no_half_made_alliance_and_keep_their_snapshot(db_url: str) -> None:
    """A writer (a second connection) has inserted an alliance and one of its two members, not
    committed: listings see none of it. A read begun before the commit sees, in every later
    query, the database as it was when it began."""
    kb = KnowledgeBase.open(db_url)
    writer_engine = make_engine(db_url)
    try:
        alliances = [row["key"] for row in kb.export("alliances")]
        members = len(list(kb.export("memberships")))
        with writer_engine.connect() as writer:
            model = writer.execute(select(ALLIANCES).where(ALLIANCES.c.key == "vu2020-vnm-ussr"))
            row = dict(model.mappings().one())
            old_id = row.pop("id")
            new_id = writer.execute(
                insert(ALLIANCES).values(**{**row, "key": "half-made"}).returning(ALLIANCES.c.id)
            ).scalar_one()
            member = dict(
                writer.execute(select(MEMBERS).where(MEMBERS.c.alliance_id == old_id))
                .mappings()
                .first()
                or {}
            )
            member.pop("id")
            writer.execute(insert(MEMBERS).values(**{**member, "alliance_id": new_id}))

            assert [row["key"] for row in kb.export("alliances")] == alliances
            assert len(list(kb.export("memberships"))) == members
            with read_session(kb.engine) as session:
                first = (_count(session, ALLIANCES), _count(session, MEMBERS))
                writer.commit()
                second = (_count(session, ALLIANCES), _count(session, MEMBERS))
                keys = session.scalars(select(ALLIANCES.c.key)).all()
        assert first == second == (len(alliances), members)
        assert "half-made" not in keys
        assert "half-made" in [row["key"] for row in kb.export("alliances")]  # a new read sees it
    finally:
        writer_engine.dispose()
        kb.engine.dispose()
