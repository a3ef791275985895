"""Hostile files for `seed`, `treaty add --file` and the importers: each refused quickly with one
clear line, memory bounded, nothing written, nothing executed."""

from __future__ import annotations

import csv
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Cli, Templates
from import_helpers import ATOP, COW, STATES
from reliability_helpers import run_measured, snapshot

HUGE = 100 * 1024 * 1024
SECONDS = 10.0  # generous for a loaded 2-core machine; most take well under one
PEAK_MB = 300.0

BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)
"""The "billion laughs": 9 anchors, each nine aliases of the one before: 9**9 strings."""

EXPANDS = "the data expands far beyond the file's size (YAML aliases '*' repeating anchors '&'): "
EXPANDS += "write the records out without aliases"
DEEP = "nested too deeply to be a record file"
DEEP_YAML = re.compile(
    r"(nested too deeply to be a record file|"
    r"not valid YAML \(line 1, column \d+: exceeded maximum nesting depth\))"
)


def _marker(folder: Path) -> Path:
    return folder / "PWNED"


def record_files(folder: Path) -> dict[str, tuple[bytes, str | re.Pattern[str]]]:
    """name -> (content, the message after 'error: NAME: ') for seed and treaty add."""
    marker = _marker(folder)
    return {
        "empty.yaml": (b"", "the file is empty"),
        "blank.yaml": (b"  \n\n\t\n", "the file is empty"),
        "not-yaml.yaml": (
            b"sources: [a, b\nstates: {",
            re.compile(r"not valid YAML \(line \d+, column \d+: .+\)"),
        ),
        "not-json.json": (
            b"{'sources': [}",
            "not valid JSON (line 1, column 2: Expecting property name enclosed in double quotes)",
        ),
        "png.yaml": (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
            "not UTF-8 text (byte 0): save it as UTF-8",
        ),
        "binary.yaml": (
            bytes(range(1, 9)) * 100 + b"\x00" * 100,
            "a binary file, not YAML or JSON text",
        ),
        "latin1.yaml": (
            "sources:\n  - title: Café\n".encode("latin-1"),
            "not UTF-8 text (byte 23): save it as UTF-8",
        ),
        "bomb.yaml": (BOMB.encode(), EXPANDS),
        "bomb-in-section.yaml": ((BOMB + "sources: *i\n").encode(), EXPANDS),
        "python-object.yaml": (
            f"sources: !!python/object/apply:os.system ['touch {marker}']\n".encode(),
            "not valid YAML (line 1, column 10: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object/apply:os.system')",
        ),
        "python-name.yaml": (
            b"sources: !!python/name:os.system\n",
            "not valid YAML (line 1, column 10: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/name:os.system')",
        ),
        "deep.yaml": (b"[" * 100_000 + b"]" * 100_000, DEEP_YAML),
        "deep.json": (b"[" * 100_000 + b"]" * 100_000, DEEP),
        "deep-200.json": (b"[" * 200 + b"]" * 200, DEEP),
        "self-reference.yaml": (b"sources: &a [*a]\n", DEEP),
        "nul-escape.yaml": (
            b'sources:\n  - title: "a\\0b"\n',
            "a text value holds a NUL character (\\0): remove it",
        ),
    }


def csv_files(folder: Path) -> dict[str, tuple[Path, bytes, str]]:
    """name -> (the fixture it is made from, content, the message) for the importers."""
    atop = ATOP.read_text(encoding="utf-8").splitlines(keepends=True)
    header = atop[0].rstrip("\n").split(",")
    member = header.index("member")

    def without_member(line: str) -> str:
        cells = line.rstrip("\n").split(",")
        return ",".join(cells[:member] + cells[member + 1 :]) + "\n"

    extra_cell = atop[0] + atop[1] + atop[2].rstrip("\n") + ",1\n" + "".join(atop[3:])
    lost_cell = atop[0] + atop[1].rstrip("\n").rsplit(",", 1)[0] + "\n" + "".join(atop[2:])
    layout = (
        "is not in the ATOP 5.x member-level (atop5_1m.csv) layout: missing column{s} "
        "(expected ATOP 5.x member-level (atop5_1m.csv) with columns atopid, cow4id, member, "
        "yrent, moent, dayent, yrexit, moexit, dayexit, phase, defense, offense, neutral, "
        "nonagg, consul, version; `alliancekb import atop` reads that layout)"
    )
    every = "s atopid, cow4id, member, yrent, moent, dayent, yrexit, moexit, dayexit, phase, "
    every += "defense, offense, neutral, nonagg, consul, version"
    return {
        "empty.csv": (ATOP, b"", layout.format(s=every)),
        "png.csv": (
            ATOP,
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "not UTF-8 text (invalid start byte at byte 0): "
            "give the ATOP 5.x member-level (atop5_1m.csv) CSV file",
        ),
        "nul.csv": (
            ATOP,
            atop[0].encode() + b"1,\x00\x00\n",
            "line 2 holds a NUL byte: a binary file, "
            "not the ATOP 5.x member-level (atop5_1m.csv) CSV file",
        ),
        "latin1.csv": (
            ATOP,
            (atop[0] + "Café\n").encode("latin-1"),
            f"not UTF-8 text (invalid continuation byte at byte {len(atop[0]) + 3}): "
            "give the ATOP 5.x member-level (atop5_1m.csv) CSV file",
        ),
        "yaml.csv": (ATOP, b"sources: []\n", layout.format(s=every)),
        "missing-column.csv": (
            ATOP,
            "".join(without_member(line) for line in atop).encode(),
            layout.format(s=" member"),
        ),
        "extra-cell.csv": (
            ATOP,
            extra_cell.encode(),
            "line 3: 106 cells, but the header has 105 columns: "
            "fix the row (a missing or extra comma?)",
        ),
        "lost-cell.csv": (
            ATOP,
            lost_cell.encode(),
            "line 2: 104 cells, but the header has 105 columns: "
            "fix the row (a missing or extra comma?)",
        ),
    }


def _stderr(path: Path, message: str | re.Pattern[str]) -> Callable[[str], bool]:
    if isinstance(message, str):
        return lambda err: err == f"error: {path}: {message}\n"
    return lambda err: (
        re.fullmatch(f"error: {re.escape(str(path))}: {message.pattern}\n", err) is not None
    )


def _path_message(path: Path, message: str) -> str:
    """Importers name the file then the problem: `PATH: msg`, `PATH line N...` or `PATH is...`."""
    if message.startswith(("line ", "is not in")):
        return f"error: {path} {message}\n"
    return f"error: {path}: {message}\n"


@pytest.mark.parametrize("command", [["seed"], ["treaty", "add", "--file"]])
def test_hostile_record_files_are_refused(
    cli: Cli, db_url: str, tmp_path: Path, command: list[str]
) -> None:
    before = snapshot(db_url)
    wrong = []
    for name, (content, message) in record_files(tmp_path).items():
        path = tmp_path / name
        path.write_bytes(content)
        began = time.monotonic()
        result = cli(*command, str(path))
        took = time.monotonic() - began
        if (result.exit_code, result.stdout) != (1, "") or not _stderr(path, message)(
            result.stderr
        ):
            wrong.append(f"{name}: exit {result.exit_code}, stderr {result.stderr!r}")
        if took > SECONDS:
            wrong.append(f"{name}: took {took:.1f} s")
    assert wrong == []
    assert not _marker(tmp_path).exists()
    assert snapshot(db_url) == before


@pytest.mark.parametrize("fmt", ["atop", "cow", "cow-states"])
def test_hostile_csv_files_are_refused(cli: Cli, db_url: str, tmp_path: Path, fmt: str) -> None:
    before = snapshot(db_url)
    wrong = []
    for name, (_fixture, content, message) in csv_files(tmp_path).items():
        if fmt != "atop" and not name.startswith(("png", "latin1")):
            continue  # the layout cases are written in ATOP's layout; see the cases below
        path = tmp_path / name
        path.write_bytes(content)
        expected = _path_message(path, message).replace(
            "ATOP 5.x member-level (atop5_1m.csv)", _layout_name(fmt)
        )
        began = time.monotonic()
        result = cli("import", fmt, str(path))
        took = time.monotonic() - began
        if (result.exit_code, result.stdout, result.stderr) != (1, "", expected):
            wrong.append(f"{name}: exit {result.exit_code}, stderr {result.stderr!r}")
        if took > SECONDS:
            wrong.append(f"{name}: took {took:.1f} s")
    assert wrong == []
    assert snapshot(db_url) == before


def _layout_name(fmt: str) -> str:
    return {
        "atop": "ATOP 5.x member-level (atop5_1m.csv)",
        "cow": "COW Formal Alliances v4.1 member-level (alliance_v4.1_by_member.csv)",
        "cow-states": "COW State System Membership v2016 (states2016.csv)",
    }[fmt]


@pytest.mark.parametrize(("fmt", "fixture"), [("cow", COW), ("cow-states", STATES)])
def test_cow_rows_with_a_lost_or_extra_cell_are_refused(
    cli: Cli, tmp_path: Path, fmt: str, fixture: Path
) -> None:
    lines = fixture.read_text(encoding="utf-8").splitlines(keepends=True)
    width = len(lines[0].split(","))
    for cells, line in ((width + 1, lines[2].rstrip("\n") + ",x\n"), (width - 1, None)):
        if line is None:
            line = lines[2].rstrip("\n").rsplit(",", 1)[0] + "\n"
        path = tmp_path / f"{fmt}-{cells}.csv"
        path.write_text(lines[0] + lines[1] + line + "".join(lines[3:]), encoding="utf-8")
        result = cli("import", fmt, str(path))
        assert (result.exit_code, result.stderr) == (
            1,
            f"error: {path} line 3: {cells} cells, but the header has {width} columns: "
            "fix the row (a missing or extra comma?)\n",
        )


def test_an_extra_column_in_every_row_is_read_by_name(cli: Cli, tmp_path: Path) -> None:
    """Layouts are found by column name: a whole extra column (a newer release adding one) is
    not a shifted row, and the import reads the columns it knows."""
    lines = STATES.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "states.csv"
    path.write_text("".join(f"extra,{line}\n" for line in lines), encoding="utf-8")
    result = cli("import", "cow-states", str(path))
    assert result.exit_code == 0, result.stderr


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """100 MB files with no line break: a YAML comment, and CSV-looking text."""
    folder = tmp_path_factory.mktemp("huge")
    files = {"huge.yaml": b"#", "huge.json": b" ", "huge.csv": b"a"}
    paths = {}
    for name, byte in files.items():
        path = folder / name
        with path.open("wb") as out:
            chunk = byte * (1024 * 1024)
            for _ in range(HUGE // len(chunk)):
                out.write(chunk)
        paths[name] = path
    return paths


MEASURED = [
    (
        ["seed"],
        "huge.yaml",
        f"{HUGE} bytes is larger than the 50 MB an input file may have: split it",
    ),
    (
        ["treaty", "add", "--file"],
        "huge.json",
        f"{HUGE} bytes is larger than the 50 MB an input file may have: split it",
    ),
    (["import", "atop"], "huge.csv", None),
    (["import", "cow-states"], "huge.csv", None),
    (["seed"], "bomb-in-section.yaml", EXPANDS),
    (["treaty", "add", "--file"], "bomb.yaml", EXPANDS),
    (["seed"], "deep.json", DEEP),
    (["treaty", "add", "--file"], "deep.yaml", None),
    (["seed"], "self-reference.yaml", DEEP),
]


@pytest.mark.parametrize(
    ("command", "name", "message"), MEASURED, ids=[f"{c[-1]}-{n}" for c, n, _ in MEASURED]
)
def test_hostile_files_in_a_real_process_take_little_time_and_memory(
    sqlite_templates: Templates,
    huge: dict[str, Path],
    tmp_path: Path,
    command: list[str],
    name: str,
    message: str | None,
) -> None:
    """Time and memory are the file reader's, the same on either database: SQLite shows them."""
    db_url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    shutil.copyfile(sqlite_templates.sqlite_seeded, tmp_path / "kb.sqlite")
    path = huge.get(name)
    if path is None:
        path = tmp_path / name
        path.write_bytes(record_files(tmp_path)[name][0])
    result = run_measured(db_url, *command, str(path))
    print(f"hostile {' '.join(command)} {name}: {result.seconds:.2f} s, {result.peak_mb:.0f} MB")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"error: {path}") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    if message is not None:
        assert result.stderr == f"error: {path}: {message}\n"
    if name == "huge.csv":
        assert result.stderr == (
            f"error: {path} line 1 is longer than 100,000 characters: "
            f"give the {_layout_name(command[1])} CSV file\n"
        )
    assert result.seconds < SECONDS
    assert result.peak_mb < PEAK_MB


@pytest.mark.parametrize(("fmt", "fixture"), [("atop", ATOP), ("cow", COW), ("cow-states", STATES)])
@pytest.mark.parametrize("version", ["5." + "1" * 80, "5.1; DROP", ""])
def test_a_version_that_cannot_name_a_source_is_refused(
    cli: Cli, db_url: str, tmp_path: Path, fmt: str, fixture: Path, version: str
) -> None:
    """The version names the source (`atop-5.1`): one too long for its column was stored on
    SQLite and refused by PostgreSQL with the driver's words; now both refuse it alike."""
    rows = list(csv.reader(fixture.open(encoding="utf-8", newline="")))
    column = rows[0].index("version")
    for row in rows[1:]:
        row[column] = version
    path = tmp_path / f"{fmt}-version.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    before = snapshot(db_url)
    result = cli("import", fmt, str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: {path}: version '{version}' is not a dataset version (up to 16 letters, digits, "
        "dots or dashes, such as 5.1 or 2016): fix the file's version column\n"
    )
    assert snapshot(db_url) == before
