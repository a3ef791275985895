"""Seeding: idempotent, validated whole, errors name file, path and problem, nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import reliability_helpers
from alliancekb.resources import bundled_seed
from conftest import Cli


def snapshot(cli: Cli) -> dict[str, list[dict[str, Any]]]:
    """Every table as exported: what 'nothing written' is checked against."""
    return reliability_helpers.snapshot(cli.url, history=False)


def test_seeding_twice_changes_nothing(cli: Cli) -> None:
    before = snapshot(cli)
    result = cli("seed")
    assert result.exit_code == 0
    assert result.stdout == "seeded the bundled seed: nothing changed (41 records up to date)\n"
    assert snapshot(cli) == before


def test_seed_into_migrated_database(migrated_url: str) -> None:
    cli = Cli(migrated_url)
    first = cli("seed", str(bundled_seed()))
    assert (first.exit_code, first.stdout) == (
        0,
        f"seeded {bundled_seed()}: 41 added, 0 changed, 0 unchanged\n",
    )
    assert cli("seed", str(bundled_seed())).stdout.endswith(
        "nothing changed (41 records up to date)\n"
    )


def test_seed_reports_a_changed_record(cli: Cli, tmp_path: Path) -> None:
    data = yaml.safe_load(bundled_seed().read_text())
    data["treaties"][0]["notes"] = "A corrected note."
    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    result = cli("seed", str(path))
    assert result.stdout == f"seeded {path}: 0 added, 1 changed, 40 unchanged\n"


def broken(tmp_path: Path, edit: object) -> Path:
    data = yaml.safe_load(bundled_seed().read_text())
    assert callable(edit)
    edit(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def _set(section: str, index: int, field: str, value: object) -> object:
    def edit(data: dict[str, list[dict[str, object]]]) -> None:
        data[section][index][field] = value

    return edit


CASES = [
    (
        _set("treaties", 1, "signed", "1978-13-03"),
        "treaties[1].signed: '1978-13-03' has no month 13 (use YYYY, YYYY-MM or YYYY-MM-DD)",
    ),
    (
        _set("treaties", 1, "signed", "3 Nov 1978"),
        "treaties[1].signed: '3 Nov 1978' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)",
    ),
    (
        _set("events", 0, "start", "1954-02-30"),
        "events[0].start: '1954-02-30' is not a day of the calendar "
        "(use YYYY, YYYY-MM or YYYY-MM-DD)",
    ),
    (
        _set("treaties", 0, "parties", ["VNM", "Laoss"]),
        "treaties[0]: unknown state 'Laoss' (use a ccode, stateabb, ISO3 or recorded name; "
        "closest: LAO (812 Laos))",
    ),
    (
        _set("alliances", 0, "end", 1950),
        "alliances[0]: end 1950 is before start 1954: swap them or fix the dates",
    ),
    (
        _set("alliances", 1, "key", "vu2020-vnm-chn"),
        "alliances[1].key: duplicate key 'vu2020-vnm-chn' (also at alliances[0]): "
        "give each record its own",
    ),
    (
        _set("alignments", 0, "source", "vu2021"),
        "alignments[0]: unknown source 'vu2021': add it under sources first",
    ),
    (
        _set("treaties", 2, "supersedes", "vnm-ussr-1979"),
        "treaties[2]: unknown treaty 'vnm-ussr-1979': add it under treaties first",
    ),
    (
        _set("alliances", 0, "formal", "maybe"),
        "alliances[0].formal: Input should be a valid boolean",
    ),
    (
        _set("events", 1, "colour", "red"),
        "events[1].colour: unknown field: remove it or check its spelling",
    ),
]


@pytest.mark.parametrize(("edit", "message"), CASES)
def test_seed_errors_name_file_path_and_problem(
    cli: Cli, tmp_path: Path, edit: object, message: str
) -> None:
    before = snapshot(cli)
    path = broken(tmp_path, edit)
    result = cli("seed", str(path))
    assert result.exit_code == 1
    assert result.stderr == f"error: {path}: {message}\n"
    assert result.stdout == ""
    assert snapshot(cli) == before


def test_an_error_late_in_the_file_writes_nothing(migrated_url: str, tmp_path: Path) -> None:
    cli = Cli(migrated_url)
    path = broken(tmp_path, _set("events", 10, "participants", ["VNM", "Atlantis"]))
    result = cli("seed", str(path))
    assert result.exit_code == 1
    assert "events[10]: unknown state 'Atlantis'" in result.stderr
    assert cli("export", "sources", "--format", "json").stdout == "[]\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        (
            "- just\n- a list\n",
            "expected a mapping with sections sources, states, treaties, "
            "alliances, alignments, events, got list",
        ),
        ("sources: [\n", "not valid YAML (line 2, column 1: did not find expected node content)"),
    ],
)
def test_unreadable_seed_files(cli: Cli, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    result = cli("seed", str(path))
    assert (result.exit_code, result.stderr) == (1, f"error: {path}: {message}\n")


def test_missing_seed_file(cli: Cli, tmp_path: Path) -> None:
    result = cli("seed", str(tmp_path / "nope.yaml"))
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {tmp_path / 'nope.yaml'}: no such file\n",
    )
