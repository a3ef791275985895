"""Migrations on both databases: one head, up from empty, models match, down to base and up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from alliancekb.database.engine import make_engine
from alliancekb.database.migrations import alembic_config, check_models, head_revision
from alliancekb.database.models import Base
from conftest import Cli


def test_single_head() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    assert script.get_current_head() == head_revision()


def test_upgrade_check_downgrade_upgrade(empty_url: str) -> None:
    cli = Cli(empty_url)
    assert (
        cli("db", "current").stdout
        == f"empty (head is {head_revision()}: run `alliancekb db upgrade`)\n"
    )
    up = cli("db", "upgrade")
    assert (up.exit_code, up.stdout) == (
        0,
        f"upgraded the schema from empty to {head_revision()}\n",
    )
    assert cli("db", "current").stdout == f"{head_revision()} (head)\n"
    assert cli("db", "upgrade").stdout == f"the schema is already at {head_revision()}\n"

    engine = make_engine(empty_url)
    try:
        check_models(engine)  # raises when models and migrations differ
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
    finally:
        engine.dispose()

    down = cli("db", "downgrade", "base")
    assert (down.exit_code, down.stdout) == (
        0,
        f"downgraded the schema from {head_revision()} to empty (base)\n",
    )
    engine = make_engine(empty_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    assert cli("db", "upgrade").exit_code == 0
    assert cli("seed").exit_code == 0
    assert cli("allies", "VNM", "--year", "1985", "-f", "csv").stdout.count("\n") == 3


def test_other_commands_refuse_an_out_of_date_database(empty_url: str) -> None:
    result = Cli(empty_url)("allies", "VNM", "--year", "1985")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: the database has no alliancekb schema, this alliancekb needs {head_revision()}: "
        "run `alliancekb db upgrade`\n"
    )


def test_database_behind_head_names_the_fix(db_url: str) -> None:
    cli = Cli(db_url)
    assert cli("db", "downgrade", "base", "--yes").exit_code == 0
    result = cli("treaties")
    assert result.exit_code == 1
    assert "run `alliancekb db upgrade`" in result.stderr


def test_bad_url_is_one_line() -> None:
    result = Cli("nonsense://")("treaties")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: 'nonsense://' is a nonsense URL: alliancekb supports sqlite and postgresql only "
        "(use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB)\n",
    )


def test_missing_folder_for_sqlite(tmp_path: Path) -> None:
    result = Cli(f"sqlite:///{tmp_path}/nowhere/kb.sqlite")("treaties")
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: no folder {tmp_path}/nowhere for the database {tmp_path}/nowhere/kb.sqlite: "
        "create it first\n",
    )


def test_default_database_is_created_on_first_use(tmp_path: Path) -> None:
    """A user's very first command: a real process, no --db, no environment URL."""
    env = {"XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    command = [sys.executable, "-m", "alliancekb", "allies", "Vietnam", "--year", "1985"]
    first = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert first.returncode == 0, first.stderr
    assert first.stderr == (
        f"alliancekb: created the embedded database {tmp_path}/alliancekb/alliancekb.sqlite "
        "and loaded the Vietnam seed\n"
    )
    assert "Soviet Union" in first.stdout and "Laos" in first.stdout
    second = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert (second.returncode, second.stderr, second.stdout) == (0, "", first.stdout)
