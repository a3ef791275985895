"""First use of the embedded database: real processes racing to create it, and killed while at it.

Every process here runs `python -m alliancekb` with no --db and its own XDG_DATA_HOME, as a
user's first commands on a new machine would.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alliancekb.errors import AllianceKBError
from alliancekb.kb import KnowledgeBase

READERS = 7
TRIALS = int(os.environ.get("ALLIANCEKB_FIRST_USE_TRIALS", "3"))  # more for RELIABILITY.md
EVENT = """key: race-summit
title: A summit during the first use
kind: summit
start: 1985-03-01
participants: [VNM, RUS]
source: vietnam-case
"""
ALLIES = [sys.executable, "-m", "alliancekb", "allies", "Vietnam", "--year", "1985", "-f", "csv"]
ALLIES_CSV = (
    "ccode,stateabb,name,sources,alliances,obligations\n"
    "365,RUS,Soviet Union,vu2020,vu2020-vnm-ussr,vu2020: unknown\n"
    "812,LAO,Laos,vu2020,vu2020-vnm-lao,vu2020: unknown\n"
)


def _env(home: Path) -> dict[str, str]:
    env = {
        "XDG_DATA_HOME": str(home),
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "ALLIANCEKB_USER": "tester",
    }
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


def _created(home: Path) -> str:
    return (
        f"alliancekb: created the embedded database {home}/alliancekb/alliancekb.sqlite "
        "and loaded the Vietnam seed\n"
    )


def _events(home: Path) -> list[str]:
    kb = KnowledgeBase.open(f"sqlite:///{home}/alliancekb/alliancekb.sqlite")
    try:
        return [row["key"] for row in kb.events()]
    finally:
        kb.engine.dispose()


def test_readers_and_a_writer_race_to_create_it(tmp_path: Path) -> None:
    """7 readers and 1 writer started at once, several times: all succeed, no write is lost."""
    event_file = tmp_path / "e.yaml"
    event_file.write_text(EVENT, encoding="utf-8")
    writer = [sys.executable, "-m", "alliancekb", "event", "add", "--file", str(event_file)]
    for trial in range(TRIALS):
        home = tmp_path / f"trial{trial}"
        home.mkdir()
        commands = [writer] + [ALLIES] * READERS
        procs = [
            subprocess.Popen(c, env=_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for c in commands
        ]
        results = [(p.wait(timeout=120), *(s.decode() for s in p.communicate())) for p in procs]
        codes = [code for code, _out, _err in results]
        assert codes == [0] * (READERS + 1), results
        assert results[0][1] == "added event 'race-summit'\n1 added, 0 changed, 0 unchanged\n"
        assert [out for _code, out, _err in results[1:]] == [ALLIES_CSV] * READERS
        # Exactly one process created the database; every other found it whole.
        errs = sorted(err for _code, _out, err in results)
        assert errs == [""] * READERS + [_created(home)], results
        assert _events(home).count("race-summit") == 1, f"trial {trial}: the write was lost"


def _building(folder: Path) -> list[Path]:
    """Temporary databases of the folder that have content: one is being built."""
    if not folder.is_dir():
        return []
    return [p for p in folder.glob(".building-*") if p.is_file() and p.stat().st_size > 0]


def test_killed_during_creation_leaves_nothing_half_made(tmp_path: Path) -> None:
    """SIGKILL while the schema is being written: no database at the final name; the next
    command creates it whole and clears what the killed one left."""
    final = tmp_path / "alliancekb" / "alliancekb.sqlite"
    for _attempt in range(5):
        proc = subprocess.Popen(
            ALLIES, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while not _building(final.parent) and proc.poll() is None:
            assert time.monotonic() < deadline, "the database was never being built"
            time.sleep(0.002)
        if proc.poll() is not None:  # finished before the kill could land: try again
            proc.communicate()
            final.unlink()
            continue
        proc.kill()
        proc.communicate()
        assert proc.returncode == -9
        break
    else:
        pytest.fail("no kill landed during creation in 5 attempts")
    assert not final.exists()

    done = subprocess.run(ALLIES, env=_env(tmp_path), capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, ALLIES_CSV, _created(tmp_path))
    left = sorted(p.name for p in final.parent.iterdir() if p.name.startswith(".building"))
    assert left == []
    assert "geneva-1954" in _events(tmp_path)


def test_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    """The change log holds login names: folder 0700, database 0600, even under umask 000."""
    old = os.umask(0)
    try:
        kb = KnowledgeBase.open()
        try:
            assert kb.created
            assert list(kb.events())  # opens the database, so -wal and -shm exist too
            folder = Path(kb.url.removeprefix("sqlite:///")).parent
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
        finally:
            kb.engine.dispose()
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert modes.pop("alliancekb.sqlite") == 0o600
    assert set(modes.values()) <= {0o600}, modes


def test_unwritable_home_is_one_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """XDG_DATA_HOME naming a file (root may write anywhere else): one message, no traceback."""
    home = tmp_path / "a-file"
    home.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    with pytest.raises(AllianceKBError) as caught:
        KnowledgeBase.open()
    assert str(caught.value) == (
        f"cannot create the embedded database {home}/alliancekb/alliancekb.sqlite: File exists "
        "(set XDG_DATA_HOME to a folder you can write, or use --db URL)"
    )
