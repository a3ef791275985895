"""Integrity in the database itself, one test per constraint, and `db check`, on both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from alliancekb.database.engine import make_engine
from alliancekb.database.models import Alliance, Membership, Source, State, Treaty
from conftest import Cli


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def ids(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        alliance = conn.scalar(select(Alliance.id).where(Alliance.key == "vu2020-vnm-lao"))
        state = conn.scalar(select(State.id).where(State.ccode == 812))
        source = conn.scalar(select(Source.id).where(Source.key == "vu2020"))
    assert alliance and state and source
    return alliance, state, source


def refused(engine: Engine, statement: object) -> str:
    with pytest.raises(IntegrityError) as info, engine.begin() as conn:
        conn.execute(statement)  # type: ignore[call-overload]
    return str(info.value.orig).lower()


def membership(alliance: int, state: int, start: str, end: str | None) -> object:
    return insert(Membership).values(
        alliance_id=alliance,
        state_id=state,
        phase=0,
        start=start,
        end=end,
        start_day=dt.date.fromisoformat(start),
        end_day=dt.date.fromisoformat(end) if end else None,
    )


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    alliance, _, _ = ids(engine)
    message = refused(engine, membership(alliance, 99999, "1980-01-01", None))
    assert "foreign key" in message


def test_end_before_start_is_refused(engine: Engine) -> None:
    alliance, state, _ = ids(engine)
    message = refused(engine, membership(alliance, state, "1980-01-01", "1979-01-01"))
    assert "ck_memberships_end_after_start" in message


def test_treaty_ended_before_signed_is_refused(engine: Engine) -> None:
    statement = (
        update(Treaty)
        .where(Treaty.key == "vnm-ussr-1978")
        .values(ended="1970", ended_day=dt.date(1970, 12, 31))
    )
    assert "ck_treaties_ended_after_signed" in refused(engine, statement)


def test_unique_keys(engine: Engine) -> None:
    _, _, source = ids(engine)
    statement = insert(Alliance).values(
        key="vu2020-vnm-lao",
        source_id=source,
        formal=True,
        start="1977",
        start_day=dt.date(1977, 1, 1),
    )
    assert "unique" in refused(engine, statement)


def test_overlapping_memberships(backend: str, engine: Engine, db_url: str) -> None:
    """PostgreSQL refuses them (EXCLUDE); SQLite has no such constraint: `db check` finds them."""
    alliance, state, _ = ids(engine)
    statement = membership(alliance, state, "1990-01-01", "1999-12-31")
    if backend == "postgresql":
        assert "ex_memberships_no_overlap" in refused(engine, statement)
        return
    with engine.begin() as conn:
        conn.execute(statement)  # type: ignore[call-overload]
    result = Cli(db_url)("db", "check")
    assert result.exit_code == 1
    assert result.stdout == (
        "problem: overlaps: 1 in memberships "
        "(a state twice in the same alliance and phase on the same days)\n"
    )


def test_db_check_on_a_clean_database(cli: Cli) -> None:
    result = cli("db", "check")
    assert (result.exit_code, result.stdout) == (0, "database OK: 76 checks, nothing wrong\n")


def test_db_check_finds_orphans(backend: str, engine: Engine, db_url: str) -> None:
    alliance, _, _ = ids(engine)
    with engine.connect() as conn:
        if backend == "sqlite":
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        else:
            conn.execute(text("SET session_replication_role = replica"))
        conn.execute(membership(alliance, 99999, "1980-01-01", None))  # type: ignore[call-overload]
        conn.commit()
    result = Cli(db_url)("db", "check")
    assert result.exit_code == 1
    assert result.stdout == (
        "problem: orphans: 1 in memberships (state_id names no row of states)\n"
    )
    assert result.stderr == "1 problem found in 76 checks\n"


def test_db_check_reports_an_old_schema(cli: Cli) -> None:
    assert cli("db", "downgrade", "0001", "--yes").exit_code == 0
    result = cli("db", "check")
    assert result.exit_code == 1
    assert result.stdout.startswith("problem: schema: 1 in alembic_version (the database is at")
