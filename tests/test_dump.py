"""`dump` writes the whole knowledge base in the seed format; seeding it back loses nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import Cli, PostgresServer
from records_helpers import TABLES, snapshot, write


@pytest.fixture
def second_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """Another fresh database at the current schema, with no records.

    (`db_url` and `migrated_url` share one SQLite file within a test, so this one has its own.)
    """
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'second.sqlite'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        name = server.create()
        request.addfinalizer(lambda: server.drop(name))
        url = server.url(name)
    result = Cli(url)("db", "upgrade")
    assert result.exit_code == 0, result.stderr
    return url


def exports(cli: Cli) -> dict[str, list[dict[str, Any]]]:
    out = snapshot(cli)
    del out["history"]  # the change log is not part of the seed format
    assert set(out) == set(TABLES)
    return out


def awkward_records(cli: Cli, tmp_path: Path) -> None:
    """Records whose text YAML could misread, out-of-order supersession, phases, unknowns."""
    files = {
        "state": {
            "ccode": 999,
            "stateabb": "TST",
            "name": "Việt Nam Test",
            "source": "vietnam-case",
            "names": [{"name": "Cộng hòa", "start": "1954-07", "end": "1976"}],
        },
        "treaty": [
            {
                "key": "zz-first",
                "title": "1954",
                "signed": "1954",
                "parties": ["TST", "VNM"],
                "source": "vietnam-case",
                "notes": "yes",
            },
            {
                "key": "aa-second",
                "title": '=HYPERLINK("http://x","y")',
                "signed": "1960-02",
                "parties": ["999"],
                "supersedes": "zz-first",
                "source": "vietnam-case",
                "notes": "line one\nline two: with a colon\n- and a dash",
            },
        ],
        "alliance": {
            "key": "phased",
            "source": "vu2020",
            "external_id": "007",
            "formal": False,
            "start": "1960",
            "members": [
                {"state": "TST", "start": "1960", "end": "1965", "defense": True},
                {"state": "VNM", "start": "1960", "end": "1965", "offense": False},
                {"state": "TST", "phase": 1, "start": "1966", "neutrality": None},
                {"state": "LAO", "phase": 1, "start": "1966-01-01"},
            ],
        },
    }
    for kind, data in files.items():
        result = cli(kind, "add", "--file", str(write(tmp_path / f"{kind}.yaml", data)))
        assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_dump_then_seed_gives_identical_exports(
    db_url: str, second_url: str, tmp_path: Path, suffix: str
) -> None:
    cli = Cli(db_url)
    awkward_records(cli, tmp_path)
    out = tmp_path / f"kb{suffix}"
    result = cli("dump", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"wrote 45 records to {out} (5 sources, 11 states, 5 treaties, 4 alliances, "
        "9 alignments, 11 events)\n"
    )
    empty = Cli(second_url)
    seeded = empty("seed", str(out))
    assert seeded.stdout == f"seeded {out}: 45 added, 0 changed, 0 unchanged\n"
    assert exports(empty) == exports(cli)
    # Seeding the dump into the database it came from changes nothing.
    again = cli("seed", str(out))
    assert again.stdout == f"seeded {out}: nothing changed (45 records up to date)\n"


def test_dump_is_the_seed_format_and_stable(cli: Cli, tmp_path: Path) -> None:
    first = cli("dump").stdout
    assert first == cli("dump").stdout
    data = yaml.safe_load(first)
    assert list(data) == ["sources", "states", "treaties", "alliances", "alignments", "events"]
    treaties = [t["key"] for t in data["treaties"]]
    assert treaties.index("vnm-ussr-1978") < treaties.index("vnm-rus-1994")
    assert data["alliances"][0]["members"][0] == {
        "state": 710,
        "phase": 0,
        "start": "1954",
        "end": "1975",
    }
    assert "\n  names:\n  - {name: Democratic Republic of Vietnam, start: '1945-09-02'" in first


def test_dump_of_an_empty_database(migrated_url: str) -> None:
    result = Cli(migrated_url)("dump", "--format", "json")
    assert result.stdout == (
        '{\n  "sources": [],\n  "states": [],\n  "treaties": [],\n  "alliances": [],\n'
        '  "alignments": [],\n  "events": []\n}\n'
    )
    sections = ["sources", "states", "treaties", "alliances", "alignments", "events"]
    assert yaml.safe_load(Cli(migrated_url)("dump").stdout) == {s: [] for s in sections}


def test_dump_to_a_missing_folder_is_refused(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "no" / "kb.yaml"
    result = cli("dump", "--out", str(out))
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: --out {out}: no folder {out.parent}; create it first\n",
    )
