"""Input files that are well-formed but hostile or contradictory: duplicate keys, files that are
not regular files, values the parsers choke on. Each refused with one line, nothing written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from alliancekb.errors import InvalidInput
from conftest import Cli, Templates
from reliability_helpers import ALLIANCEKB, snapshot

TREATY = "key: t-test\ntitle: T\nparties: [VNM, LAO]\nsource: vu2020\n"
DIGITS = "9" * 5000
TOO_LONG = (
    "the whole number 9999999999… has 5000 digits, more than the 4300 a number may have: "
    "fix the value"
)
DATE_HINT = "(use YYYY, YYYY-MM or YYYY-MM-DD)"


def _seed(treaties: str) -> str:
    return "sources: []\ntreaties:\n" + treaties


RECORD_CASES = [
    (
        "treaty.yaml",
        "key: t-test\ntitle: First\ntitle: Second\nparties: [VNM]\nsource: vu2020\n",
        "line 3: duplicate key 'title' (also on line 2): keep one of them "
        "(only the last would be read)",
    ),
    (
        "flow.yaml",
        "{key: t-test, title: A, parties: [VNM], source: vu2020, key: t-2}\n",
        "line 1: duplicate key 'key' (also on line 1): keep one of them "
        "(only the last would be read)",
    ),
    (
        "treaty.json",
        '[{"key": "t-test", "title": "T", "parties": ["VNM"],\n'
        ' "source": "vu2020"},\n {"key": "t-2", "title": "A",\n "title": "B"}]\n',
        "line 4: duplicate key 'title' (also on line 3): keep one of them "
        "(only the last would be read)",
    ),
    (
        "date.yaml",
        TREATY + "signed: 2021-02-30\n",
        f"signed: '2021-02-30' is not a day of the calendar {DATE_HINT}",
    ),
    (
        "zero.yaml",
        TREATY + "signed: 0000-01-01\n",
        f"signed: '0000-01-01' has a year before 1000 {DATE_HINT}",
    ),
    ("digits.yaml", TREATY + f"atopid: {DIGITS}\n", f"line 5: {TOO_LONG}"),
    (
        "hex.yaml",
        TREATY + "signed: 0x" + "f" * 5000 + "\n",
        "line 5: the whole number 0xffffffff… has 5002 digits, more than the 4300 a number may "
        "have: fix the value",
    ),
    (
        "digits.json",
        '{"key": "t-test", "title": "T", "parties": ["VNM"], "source": "vu2020",\n'
        f' "atopid": {DIGITS}}}\n',
        f"line 2: {TOO_LONG}",
    ),
]

SEED_CASES = [
    (
        "seed.yaml",
        "sources: []\ntreaties: []\nalliances: []\ntreaties:\n  - key: x\n",
        "line 4: duplicate key 'treaties' (also on line 2): keep one of them "
        "(only the last would be read)",
    ),
    (
        "seed.json",
        '{"sources": [],\n "treaties": [],\n "treaties": []}\n',
        "line 3: duplicate key 'treaties' (also on line 2): keep one of them "
        "(only the last would be read)",
    ),
    (
        "date.yaml",
        _seed("  - key: t\n    title: T\n    parties: [VNM]\n    source: vu2020\n")
        + "    signed: 1978-02-29\n",
        f"treaties[0].signed: '1978-02-29' is not a day of the calendar {DATE_HINT}",
    ),
    (
        "zero.yaml",
        _seed("  - key: t\n    title: T\n    parties: [VNM]\n    source: vu2020\n")
        + "    signed: 0000-01-01\n",
        f"treaties[0].signed: '0000-01-01' has a year before 1000 {DATE_HINT}",
    ),
    ("digits.yaml", _seed(f"  - atopid: {DIGITS}\n"), f"line 3: {TOO_LONG}"),
]


@pytest.mark.parametrize(
    ("name", "content", "message"), RECORD_CASES, ids=[c[0] for c in RECORD_CASES]
)
def test_record_files_refused_with_one_line(
    cli: Cli, db_url: str, tmp_path: Path, name: str, content: str, message: str
) -> None:
    before = snapshot(db_url)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = cli("treaty", "add", "--file", str(path))
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"error: {path}: {message}\n",
    )
    assert snapshot(db_url) == before


@pytest.mark.parametrize(("name", "content", "message"), SEED_CASES, ids=[c[0] for c in SEED_CASES])
def test_seed_files_refused_with_one_line(
    cli: Cli, db_url: str, tmp_path: Path, name: str, content: str, message: str
) -> None:
    before = snapshot(db_url)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = cli("seed", str(path))
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"error: {path}: {message}\n",
    )
    assert snapshot(db_url) == before


def test_a_duplicate_key_is_refused_but_a_merge_key_is_not(cli: Cli, tmp_path: Path) -> None:
    """`<<: *base` then a key of its own is how YAML overrides a merged value: not refused."""
    path = tmp_path / "merge.yaml"
    path.write_text(
        "- &base {key: t-a, title: A, parties: [VNM, LAO], source: vu2020}\n"
        "- <<: *base\n  key: t-b\n  key: t-c\n",
        encoding="utf-8",
    )
    result = cli("treaty", "add", "--file", str(path))
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {path}: line 4: duplicate key 'key' (also on line 3): keep one of them "
        "(only the last would be read)\n",
    )
    path.write_text(path.read_text(encoding="utf-8").replace("  key: t-c\n", ""), "utf-8")
    result = cli("treaty", "add", "--file", str(path))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.endswith("2 added, 0 changed, 0 unchanged\n")


def _unblock(fifo: Path, after: float) -> threading.Thread:
    """Without the check a reader would wait for a writer forever: be that writer, late, so a
    regression fails the test instead of hanging it."""

    def write() -> None:
        time.sleep(after)
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK) if _has_reader(fifo) else None
        if fd is not None:
            os.write(fd, TREATY.encode())
            os.close(fd)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def _has_reader(fifo: Path) -> bool:
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        return False  # ENXIO: nobody has it open for reading
    return True


@pytest.mark.parametrize(
    "command",
    [["seed"], ["treaty", "add", "--file"], ["import", "atop"]],
    ids=["seed", "add", "import"],
)
def test_a_fifo_or_a_directory_is_refused_before_reading(
    cli: Cli, db_url: str, tmp_path: Path, command: list[str]
) -> None:
    before = snapshot(db_url)
    fifo = tmp_path / "records.yaml"
    os.mkfifo(fifo)
    hint = (
        "give the ATOP 5.x member-level (atop5_1m.csv) CSV file"
        if command[0] == "import"
        else "give a YAML or JSON record file"
    )
    thread = _unblock(fifo, after=5)
    result = cli(*command, str(fifo))
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"error: {fifo}: a named pipe (FIFO), not a regular file: {hint}\n",
    )
    thread.join()
    result = cli(*command, str(tmp_path))
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {tmp_path}: a directory, not a regular file: {hint}\n",
    )
    assert snapshot(db_url) == before


@pytest.mark.parametrize("command", [["seed"], ["treaty", "add", "--file"], ["import", "cow"]])
def test_dev_zero_is_refused_at_once(
    sqlite_templates: Templates, tmp_path: Path, command: list[str]
) -> None:
    """A real process, with a timeout: without the check it reads zeros until memory runs out."""
    shutil.copyfile(sqlite_templates.sqlite_seeded, tmp_path / "kb.sqlite")
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    done = subprocess.run(
        [*ALLIANCEKB, "--db", db, *command, "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    hint = (
        "give the COW Formal Alliances v4.1 member-level (alliance_v4.1_by_member.csv) CSV file"
        if command[0] == "import"
        else "give a YAML or JSON record file"
    )
    assert (done.returncode, done.stderr) == (
        1,
        f"error: /dev/zero: a character device, not a regular file: {hint}\n",
    )


def test_the_size_limit_holds_when_the_size_is_unknown(tmp_path: Path) -> None:
    """/proc files say they hold 0 bytes: the limit is on what is read, not on what stat says."""
    from alliancekb.inputs import read_bounded  # here: a module this change adds

    proc = Path("/proc/self/cmdline")
    if not proc.exists():
        pytest.skip("no /proc")
    assert proc.stat().st_size == 0
    with pytest.raises(InvalidInput) as info:
        read_bounded(proc, 4, "give a file")
    assert str(info.value) == (
        f"{proc}: more than 4 bytes is larger than the 4 bytes an input file may have: split it"
    )
    small = tmp_path / "small.yaml"
    small.write_bytes(b"1234")
    assert read_bounded(small, 4, "give a file") == b"1234"
