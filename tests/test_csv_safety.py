"""CSV for spreadsheets: formula cells neutralised by default, kept with --raw; UTF-8 intact."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import Cli
from records_helpers import exported, write

ATTACKS = {
    "f-equals": '=HYPERLINK("http://evil","x")',
    "f-plus": "+SUM(A1:A9)",
    "f-minus": "-2+3",
    "f-at": "@SUM(1)",
    "f-tab": "\tindented",
    "f-cr": "\rreturn",
}


@pytest.fixture
def attacked(cli: Cli, tmp_path: Path) -> Cli:
    """Treaties whose notes a spreadsheet would run, with numbers and dates beside them."""
    records = [
        {
            "key": key,
            "title": title if title.strip() == title else f"Treaty {key}",
            "notes": title,
            "signed": "1980-01-02",
            "parties": ["VNM", "LAO"],
            "source": "vietnam-case",
            "atopid": 1000 + n,
            "duration_months": 12,
        }
        for n, (key, title) in enumerate(ATTACKS.items())
    ]
    result = cli("treaty", "add", "--file", str(write(tmp_path / "attacks.json", records)))
    assert result.exit_code == 0, result.stderr
    return cli


def rows(text: str) -> dict[str, dict[str, str]]:
    return {row["key"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}


@pytest.mark.parametrize(
    "command",
    [
        ("export", "treaties"),
        ("export", "treaties", "--format", "csv"),
    ],
)
def test_formula_cells_are_neutralised(attacked: Cli, command: tuple[str, ...]) -> None:
    out = rows(attacked(*command).stdout)
    for key, title in ATTACKS.items():
        assert out[key]["notes"] == "'" + title
        assert out[key]["signed"] == "1980-01-02"
    assert out["f-plus"]["atopid"] == "1001"
    assert out["vnm-ussr-1978"]["notes"].startswith("Signed in Moscow")


def test_raw_keeps_cells_as_stored(attacked: Cli) -> None:
    out = rows(attacked("export", "treaties", "--raw").stdout)
    for key, title in ATTACKS.items():
        assert out[key]["notes"] == title


FORMULA_TITLES = ["f-equals", "f-plus", "f-minus", "f-at"]


@pytest.mark.parametrize("listing", ["treaties", "events", "alliances", "states", "alignments"])
def test_every_listing_takes_raw(cli: Cli, listing: str) -> None:
    assert cli(listing, "--format", "csv", "--raw").exit_code == 0


def test_listings_neutralise_unless_raw(attacked: Cli) -> None:
    safe = rows(attacked("treaties", "--format", "csv").stdout)
    raw = rows(attacked("treaties", "--format", "csv", "--raw").stdout)
    for key in FORMULA_TITLES:
        assert (safe[key]["title"], raw[key]["title"]) == ("'" + ATTACKS[key], ATTACKS[key])
        assert safe[key]["start"] == "1980-01-02"


def test_json_is_never_altered(attacked: Cli) -> None:
    stored = exported(attacked, "treaties")
    assert {key: stored[key]["notes"] for key in ATTACKS} == ATTACKS


def test_history_csv_is_neutralised_too(attacked: Cli) -> None:
    [row] = csv.DictReader(io.StringIO(attacked("history", "f-at", "-f", "csv").stdout))
    assert row["record_key"] == "f-at"
    after = json.loads(row["after"])  # a JSON cell starts with {: safe, and parses back
    assert after["notes"] == "@SUM(1)"
    plain = attacked("history", "f-at", "-f", "csv", "--raw").stdout
    assert next(csv.DictReader(io.StringIO(plain)))["after"] == row["after"]


def test_utf8_names_round_trip(cli: Cli, tmp_path: Path) -> None:
    fix = write(tmp_path / "name.yaml", {"ccode": 816, "name": "Việt Nam"})
    assert cli("state", "amend", "--file", str(fix)).exit_code == 0
    out = tmp_path / "states.csv"
    assert cli("export", "states", "--out", str(out)).exit_code == 0
    by_ccode = {r["ccode"]: r for r in csv.DictReader(out.open(encoding="utf-8", newline=""))}
    assert by_ccode["816"]["name"] == "Việt Nam"
    assert exported(cli, "states")["816"]["name"] == "Việt Nam"
    listed = cli("states", "--state", "Việt Nam", "--format", "csv").stdout
    assert listed.splitlines()[1].startswith("816,DRV,")
    assert "Việt Nam" in cli("history", "816").stdout
    dumped = tmp_path / "kb.yaml"
    cli("dump", "--out", str(dumped))
    assert "name: Việt Nam\n" in dumped.read_text(encoding="utf-8")
