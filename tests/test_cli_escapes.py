"""Terminal escapes in values are shown escaped in tables and errors; JSON and CSV stay exact
(issue 11)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import Cli
from records_helpers import write

ESC_BY = "x\x1b[31mroot\x1b[0m"
TITLE = "T \x1b]8;;http://e\x07link\x1b]8;;\x07 \x9b2J end\x7f"
TREATY = {
    "key": "vnm-khm-1979",
    "title": TITLE,
    "signed": "1979-02-18",
    "parties": ["VNM", "Cambodia"],
    "source": "vietnam-case",
}
EVENT = {
    "key": "summit-1999",
    "title": "A summit",
    "kind": "summit",
    "start": "1999-03-01",
    "participants": ["VNM", "CAM"],
    "source": "vietnam-case",
}
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]


def _raw_controls(text: str) -> list[str]:
    return sorted({c for c in text if c in CONTROLS})


def test_history_shows_an_escape_in_by_escaped(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "treaty.yaml", TREATY)
    assert cli("treaty", "add", "--file", str(path), "--by", ESC_BY).exit_code == 0
    table = cli("history", "vnm-khm-1979")
    assert table.exit_code == 0
    assert _raw_controls(table.stdout) == []
    assert "x\\x1b[31mroot\\x1b[0m" in table.stdout
    rows = json.loads(cli("history", "vnm-khm-1979", "--format", "json").stdout)
    assert rows[0]["by"] == ESC_BY


def test_tables_escape_control_characters_json_and_csv_keep_them(cli: Cli, tmp_path: Path) -> None:
    event = {**EVENT, "title": TITLE}
    added = cli("event", "add", "--file", str(write(tmp_path / "e.yaml", event)))
    assert added.exit_code == 0
    amended = cli("event", "amend", "--file", str(write(tmp_path / "e.yaml", EVENT)))
    assert amended.exit_code == 0
    assert _raw_controls(added.stdout + amended.stdout) == []
    assert "title: T \\x1b]8;;http://e" in amended.stdout
    cli("event", "amend", "--file", str(write(tmp_path / "e.yaml", event)))
    listed = cli("events", "--state", "Cambodia")
    assert _raw_controls(listed.stdout) == []
    assert "\\x1b]8;;http://e\\x07link" in listed.stdout
    assert "\\x9b2J end\\x7f" in listed.stdout
    rows = json.loads(cli("events", "--format", "json").stdout)
    assert [r["title"] for r in rows if r["key"] == "summit-1999"] == [TITLE]
    rows = list(csv.DictReader(io.StringIO(cli("events", "-f", "csv").stdout)))
    assert [r["title"] for r in rows if r["key"] == "summit-1999"] == [TITLE]


def test_an_error_shows_an_escape_escaped(cli: Cli) -> None:
    result = cli("allies", "Viet\x1b[2Jnam")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: unknown state 'Viet\\x1b[2Jnam' (use a ccode, stateabb, ISO3 or recorded name; "
        "closest: DRV (816 Vietnam), RVN (817 Republic of Vietnam))\n"
    )


def test_a_newline_in_a_value_does_not_start_a_second_error_line(cli: Cli) -> None:
    result = cli("treaties", "--source", "x\nerror: the database is corrupt")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: unknown source 'x\\nerror: the database is corrupt'")


def test_several_problems_still_take_a_line_each(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "bad.yaml", [{"key": "a\x1bb"}, {"key": "c"}])
    result = cli("treaty", "add", "--file", str(path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) > 2
    assert lines[0].startswith("error: ")
    assert not any(line.startswith("error: ") for line in lines[1:])
    assert _raw_controls(result.stderr.replace("\n", "")) == []
