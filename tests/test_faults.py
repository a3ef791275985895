"""Faults: a writer killed (SIGKILL) mid-write leaves the database as it was, and the same
command then succeeds; an interrupted migration is rolled back; readers keep reading while a
writer imports. On SQLite and PostgreSQL, with real processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import OperationalError

from alliancekb.database.engine import WRITE_LOCK
from alliancekb.database.migrations import head_revision, migrations_dir
from conftest import Cli
from reliability_helpers import kill, snapshot, start

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bench/synth.py at scale 10: 2,000 states, 7,900 alliances, 23,061 memberships."""
    folder = tmp_path_factory.mktemp("synth")
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "synth.py"), "10", "--out", str(folder)],
        check=True,
        capture_output=True,
    )
    return folder


def writing(url: str) -> Callable[[], bool]:
    """Whether some process holds the write lock right now (it has begun writing)."""
    engine = create_engine(url)
    if url.startswith("sqlite"):

        def held() -> bool:
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA busy_timeout=0")
                try:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                except OperationalError:
                    return True
                conn.exec_driver_sql("ROLLBACK")
                return False

        return held

    def advisory() -> bool:
        with engine.connect() as conn:
            query = (
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :key "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            return bool(conn.execute(text(query), {"key": WRITE_LOCK}).scalar())

    return advisory


def kill_while_writing(url: str, *args: str, after: float = 0.5) -> float:
    """Start `alliancekb ARGS`, SIGKILL it AFTER seconds into its write transaction."""
    held = writing(url)
    proc = start(url, *args)
    began = time.monotonic()
    while not held():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - began < 120
        time.sleep(0.02)
    time.sleep(after)
    assert proc.poll() is None, "the writer finished before it could be killed"
    kill(proc)
    assert proc.returncode == -9
    took = time.monotonic() - began
    print(f"killed `{args[0]} {args[1]}` {took:.1f} s in, {after} s into its write")
    return time.monotonic() - began


def test_import_killed_mid_write_leaves_the_database_and_runs_again(
    cli: Cli, db_url: str, synthetic: Path
) -> None:
    states = cli("import", "cow-states", str(synthetic / "states.csv"))
    assert states.exit_code == 0, states.stderr
    before = snapshot(db_url)
    # The import's write takes well under a second now: kill it early in the transaction.
    kill_while_writing(db_url, "import", "atop", str(synthetic / "atop.csv"), after=0.05)
    assert snapshot(db_url) == before
    check = cli("db", "check")
    assert check.exit_code == 0, check.stdout + check.stderr
    again = cli("import", "atop", str(synthetic / "atop.csv"))
    assert (again.exit_code, again.stderr) == (0, "")
    assert again.stdout.startswith("imported atop-5.1 from atop.csv: 7,900 alliances, 23,061 ")


def _letters(number: int) -> str:
    """A stateabb of its own for each number (BIGA, BIGB, ...): one state per reference."""
    letters = ""
    while True:
        number, rest = divmod(number, 26)
        letters += chr(ord("A") + rest)
        if not number:
            return "BIG" + letters


def big_seed(path: Path, states: int = 150, treaties: int = 600) -> Path:
    source = {"key": "big", "title": "Big", "citation": "Big seed.", "coverage_start": 1900}
    data = {
        "sources": [source],
        "states": [
            {"ccode": 2000 + i, "stateabb": _letters(i), "name": f"State {i}", "source": "big"}
            for i in range(states)
        ],
        "treaties": [
            {
                "key": f"big-{i}",
                "title": f"Treaty {i}",
                "signed": f"{1900 + i % 100}",
                "parties": [2000 + i % states, 2000 + (i * 7 + 1) % states],
                "source": "big",
            }
            for i in range(treaties)
        ],
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_seed_killed_mid_write_leaves_the_database_and_runs_again(
    cli: Cli, db_url: str, tmp_path: Path
) -> None:
    path = big_seed(tmp_path / "big.yaml")
    before = snapshot(db_url)
    kill_while_writing(db_url, "seed", str(path))
    assert snapshot(db_url) == before
    again = cli("seed", str(path))
    assert (again.exit_code, again.stderr) == (0, "")
    assert again.stdout == f"seeded {path}: 751 added, 0 changed, 0 unchanged\n"


FAILING = '''"""A migration killed half-way (a test's copy of the scripts only)."""

import os
import time

import sqlalchemy as sa
from alembic import op

revision = "fault_probe"
down_revision = "{head}"


def upgrade() -> None:
    op.create_table("fault_probe", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("INSERT INTO fault_probe (id) VALUES (1)")
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("probe", sa.Integer))
    op.execute("UPDATE sources SET probe = 1")
    if os.environ.get("PROBE_HANG"):
        open(os.environ["PROBE_HANG"], "w").close()
        time.sleep(120)


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("probe")
    op.drop_table("fault_probe")
'''

RUN_WITH_SCRIPTS = """
import sys
from pathlib import Path
import alliancekb.database.migrations as db
db.migrations_dir = lambda: Path(sys.argv[1])
db.head_revision.cache_clear()
from alliancekb.cli import app
app(sys.argv[2:])
"""


def test_migration_killed_half_way_is_rolled_back_and_runs_again(
    db_url: str, tmp_path: Path
) -> None:
    scripts = tmp_path / "alembic"
    shutil.copytree(migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = head_revision()
    probe = FAILING.replace("{head}", head)
    (scripts / "versions" / "9999_fault_probe.py").write_text(probe, encoding="utf-8")
    hung = tmp_path / "hung"
    before = snapshot(db_url)
    command = [
        sys.executable,
        "-c",
        RUN_WITH_SCRIPTS,
        str(scripts),
        "--db",
        db_url,
        "db",
        "upgrade",
    ]
    proc = subprocess.Popen(
        command, env={**os.environ, "PROBE_HANG": str(hung)}, stderr=subprocess.PIPE
    )
    began = time.monotonic()
    while not hung.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - began < 120
        time.sleep(0.02)
    kill(proc)  # after creating a table, adding a column and updating rows

    cli = Cli(db_url)
    assert cli("db", "current").stdout == f"{head} (head)\n"
    engine = create_engine(db_url)
    try:
        inspector = inspect(engine)
        assert "fault_probe" not in inspector.get_table_names()
        assert "probe" not in {c["name"] for c in inspector.get_columns("sources")}
    finally:
        engine.dispose()
    assert snapshot(db_url) == before
    check = cli("db", "check")
    assert check.exit_code == 0, check.stdout + check.stderr

    again = subprocess.run(command, capture_output=True, text=True, check=False)
    assert (again.returncode, again.stdout, again.stderr) == (
        0,
        f"upgraded the schema from {head} to fault_probe\n",
        "",
    )
    engine = create_engine(db_url)
    try:
        assert "fault_probe" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


HELD_OPEN = """
import sys, time
from pathlib import Path
from sqlalchemy import event
from sqlalchemy.orm import Session
holding, release = Path(sys.argv[1]), Path(sys.argv[2])

@event.listens_for(Session, "before_commit")
def hold_open(session):
    # Inside the write transaction, every row written, the write lock held: wait here.
    if holding.exists():
        return
    holding.touch()
    began = time.monotonic()
    while not release.exists() and time.monotonic() - began < 60:  # readers that wait fail
        time.sleep(0.01)

from alliancekb.cli import app
app(sys.argv[3:])
"""
READS_WHILE_HELD = 6


def test_readers_keep_reading_while_a_writer_imports(
    cli: Cli, db_url: str, synthetic: Path, tmp_path: Path
) -> None:
    """The writer is held inside its write transaction (every row written, the lock held) until
    the readers have run: no reader waits for it, fails, or sees its uncommitted rows."""
    assert cli("import", "cow-states", str(synthetic / "states.csv")).exit_code == 0
    queries = [
        ["allies", "VNM", "--year", "1985", "-f", "csv"],
        ["alliances", "--year", "1980", "-f", "csv"],
        ["treaties", "--state", "VNM", "-f", "csv"],
    ]
    before = [cli(*query).stdout for query in queries]
    holding, release = tmp_path / "holding", tmp_path / "release"
    command = [sys.executable, "-c", HELD_OPEN, str(holding), str(release), "--db", db_url]
    writer = subprocess.Popen(
        [*command, "import", "atop", str(synthetic / "atop.csv")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    held = writing(db_url)
    try:
        began = time.monotonic()
        while not holding.exists():
            assert writer.poll() is None, writer.communicate()
            assert time.monotonic() - began < 120
            time.sleep(0.02)
        assert held()
        for n in range(READS_WHILE_HELD):
            query = queries[n % len(queries)]
            result = cli(*query)
            assert (result.exit_code, result.stderr) == (0, ""), query
            assert result.stdout == before[n % len(queries)], query  # nothing uncommitted
            assert held() and writer.poll() is None  # the writer still held the lock
    finally:
        release.touch()
        out, err = writer.communicate(timeout=120)
    assert (writer.returncode, err) == (0, b"")
    assert out.startswith(b"imported atop-5.1 from atop.csv: 7,900 alliances, 23,061 ")
    assert cli(*queries[1]).stdout != before[1]  # committed: now every reader sees it
    print(f"readers: {READS_WHILE_HELD} reads while the import held the write lock")
