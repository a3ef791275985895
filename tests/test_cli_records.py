"""Adding and correcting records through the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import getpass
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from alliancekb.resources import bundled_seed
from conftest import Cli
from records_helpers import exported, history, snapshot, write

KHM_1979: dict[str, Any] = {
    "key": "vnm-khm-1979",
    "title": "Treaty of Peace, Friendship and Cooperation between Vietnam and Kampuchea",
    "signed": "1979-02-18",
    "parties": ["VNM", "Cambodia"],
    "source": "vietnam-case",
    "duration_months": 300,
}
KHM_1979_STORED = {
    "key": "vnm-khm-1979",
    "title": "Treaty of Peace, Friendship and Cooperation between Vietnam and Kampuchea",
    "signed": "1979-02-18",
    "in_force": None,
    "ended": None,
    "parties": [811, 816],
    "supersedes": None,
    "source": "vietnam-case",
    "atopid": None,
    "cow4id": None,
    "duration_months": 300,
    "renewal_months": None,
    "notes": None,
}
ALLIANCE: dict[str, Any] = {
    "key": "vc-vnm-khm",
    "source": "vietnam-case",
    "treaty": "vnm-khm-1979",
    "title": "Vietnam-Kampuchea alliance",
    "formal": True,
    "start": "1979-02-18",
    "end": "1989",
    "members": [
        {"state": "VNM", "start": "1979-02-18", "end": "1989", "defense": True},
        {"state": "Cambodia", "start": "1979-02-18", "end": "1989", "consultation": False},
    ],
}


def test_add_a_treaty_from_yaml(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "treaty.yaml", KHM_1979)
    result = cli("treaty", "add", "--file", str(path))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "added treaty 'vnm-khm-1979'\n1 added, 0 changed, 0 unchanged\n"
    assert exported(cli, "treaties")["vnm-khm-1979"] == KHM_1979_STORED
    [entry] = history(cli, "vnm-khm-1979")
    assert (entry["action"], entry["by"], entry["before"], entry["after"]) == (
        "added",
        "tester",
        None,
        KHM_1979_STORED,
    )
    assert entry["command"] == f"treaty add --file {path}"


def test_add_a_list_from_json_in_dependency_order(cli: Cli, tmp_path: Path) -> None:
    later = {**KHM_1979, "key": "vnm-khm-1991", "signed": "1991", "supersedes": "vnm-khm-1979"}
    path = write(tmp_path / "treaties.json", [later, KHM_1979])
    result = cli("treaty", "add", "--file", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "added treaty 'vnm-khm-1979'\n"
        "added treaty 'vnm-khm-1991'\n"
        "2 added, 0 changed, 0 unchanged\n"
    )
    assert exported(cli, "treaties")["vnm-khm-1991"]["supersedes"] == "vnm-khm-1979"


def test_add_an_alliance_with_its_members(cli: Cli, tmp_path: Path) -> None:
    cli("treaty", "add", "--file", str(write(tmp_path / "t.yaml", KHM_1979)))
    result = cli("alliance", "add", "--file", str(write(tmp_path / "a.yaml", ALLIANCE)))
    assert result.stdout == "added alliance 'vc-vnm-khm'\n1 added, 0 changed, 0 unchanged\n"
    memberships = json.loads(cli("export", "memberships", "--format", "json").stdout)
    mine = [m for m in memberships if m["alliance"] == "vc-vnm-khm"]
    assert [(m["ccode"], m["start"], m["end"], m["defense"], m["consultation"]) for m in mine] == [
        (811, "1979-02-18", "1989", None, False),
        (816, "1979-02-18", "1989", True, None),
    ]
    allies = cli("allies", "Cambodia", "--year", "1985", "--source", "vietnam-case", "-f", "csv")
    assert "816,DRV,Socialist Republic of Vietnam" in allies.stdout


def test_add_every_other_kind(cli: Cli, tmp_path: Path) -> None:
    source = {
        "key": "analyst-notes",
        "title": "Analyst notes",
        "citation": "Our own reading of the public record.",
        "coverage_start": 1945,
    }
    state = {
        "ccode": 850,
        "stateabb": "INS",
        "name": "Indonesia",
        "iso3": "IDN",
        "source": "analyst-notes",
        "names": [{"name": "Republik Indonesia", "start": "1949-12-27"}],
        "spells": [{"start": "1949-12-27", "source": "analyst-notes"}],
    }
    alignment = {
        "key": "an-vnm-ins-1990",
        "states": ["VNM", "Republik Indonesia"],
        "start": 1990,
        "shared_ideology": False,
        "shared_security": None,
        "source": "analyst-notes",
    }
    event = {
        "key": "asean-1995",
        "title": "Vietnam joins ASEAN",
        "kind": "accession",
        "start": "1995-07-28",
        "end": "1995-07-28",
        "participants": ["VNM", "INS"],
        "source": "analyst-notes",
    }
    for kind, record in [
        ("source", source),
        ("state", state),
        ("alignment", alignment),
        ("event", event),
    ]:
        result = cli(kind, "add", "--file", str(write(tmp_path / f"{kind}.yaml", record)))
        key = record.get("key", record.get("ccode"))
        assert result.stdout == f"added {kind} '{key}'\n1 added, 0 changed, 0 unchanged\n"
    assert exported(cli, "states")["850"]["names"] == [
        {"name": "Republik Indonesia", "start": "1949-12-27", "end": None}
    ]
    assert exported(cli, "alignments")["an-vnm-ins-1990"]["states"] == [816, 850]
    assert exported(cli, "events")["asean-1995"]["participants"] == [816, 850]
    types = [row["record_type"] for row in history(cli, "--type", "state")]
    assert types.count("state") == 11


def test_export_edit_add_round_trip(cli: Cli, tmp_path: Path) -> None:
    treaties = exported(cli, "treaties")
    copy = {**treaties["vnm-ussr-1978"], "key": "vnm-ussr-1978-copy", "title": "A copy"}
    result = cli("treaty", "add", "--file", str(write(tmp_path / "copy.json", copy)))
    assert result.exit_code == 0, result.stderr
    assert exported(cli, "treaties")["vnm-ussr-1978-copy"] == copy

    edited = {**treaties["vnm-rus-1994"], "in_force": "1994-07-01", "notes": "Corrected."}
    path = write(tmp_path / "edited.json", edited)
    refused = cli("treaty", "add", "--file", str(path))
    assert refused.exit_code == 1
    assert "duplicate key: treaty 'vnm-rus-1994' already exists" in refused.stderr
    result = cli("treaty", "add", "--update", "--file", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "changed treaty 'vnm-rus-1994': in_force: null -> 1994-07-01; notes: The article's"
    )
    assert exported(cli, "treaties")["vnm-rus-1994"] == edited

    alliance = exported(cli, "alliances")["vu2020-vnm-lao"]
    alliance["members"][1]["defense"] = True
    alliance["end"] = alliance["members"][0]["end"] = alliance["members"][1]["end"] = "2019"
    path = write(tmp_path / "alliance.yaml", alliance)
    assert cli("alliance", "amend", "--file", str(path)).exit_code == 0
    assert exported(cli, "alliances")["vu2020-vnm-lao"] == alliance


def _alliance(*members: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "key": "al-test",
        "source": "vu2020",
        "formal": True,
        "start": "1960",
        "end": "1970",
        "members": list(members),
        **fields,
    }


def _treaty(**fields: Any) -> dict[str, Any]:
    return {"key": "t-test", "title": "T", "parties": ["VNM", "LAO"], "source": "vu2020", **fields}


REFUSALS: list[tuple[str, str, Any, str]] = [
    (
        "treaty",
        "add",
        _treaty(parties=["VNM", "Laoss"]),
        "unknown state 'Laoss' (use a ccode, stateabb, ISO3 or recorded name; "
        "closest: LAO (812 Laos))",
    ),
    (
        "treaty",
        "add",
        _treaty(signed=1980, ended=1979),
        "ended 1979 is before signed 1980: swap them or fix the dates",
    ),
    (
        "treaty",
        "add",
        _treaty(signed="1980", in_force="1982", ended="1981"),
        "ended 1981 is before in_force 1982: swap them or fix the dates",
    ),
    (
        "event",
        "add",
        {"key": "e", "title": "E", "kind": "war", "start": 1954, "end": 1950, "source": "vu2020"},
        "end 1950 is before start 1954: swap them or fix the dates",
    ),
    (
        "alliance",
        "add",
        _alliance(
            {"state": "VNM", "start": 1960, "end": 1965},
            {"state": "VNM", "start": 1964, "end": 1970},
            {"state": "LAO", "start": 1960, "end": 1970},
        ),
        "members[1]: VNM (1964 to 1970) overlaps members[0]: VNM (1960 to 1965) in phase 0: "
        "merge them or fix the dates",
    ),
    (
        "alliance",
        "add",
        _alliance(
            {"state": "VNM", "start": 1960, "end": 1965},
            {"state": "LAO", "start": 1960, "end": 1970},
            {"state": "816", "start": 1965, "end": 1970},
        ),
        "members[2]: 816 (1965 to 1970) overlaps members[0]: VNM (1960 to 1965) in phase 0: "
        "merge them or fix the dates",
    ),
    (
        "alliance",
        "add",
        _alliance(
            {"state": "VNM", "start": "1959-12", "end": 1965},
            {"state": "LAO", "start": 1960, "end": 1970},
        ),
        "members[0]: VNM (1959-12 to 1965) starts before the alliance (1960 to 1970): "
        "fix the member's or the alliance's dates",
    ),
    (
        "alliance",
        "add",
        _alliance(
            {"state": "VNM", "start": 1960, "end": 1965},
            {"state": "LAO", "start": 1960},
        ),
        "members[1]: LAO (from 1960, ongoing) ends after the alliance (1960 to 1970): "
        "fix the member's or the alliance's dates",
    ),
    (
        "treaty",
        "add",
        _treaty(source="vu2021"),
        "unknown source 'vu2021': add it under sources first",
    ),
    (
        "treaty",
        "add",
        _treaty(supersedes="vnm-ussr-1979"),
        "unknown treaty 'vnm-ussr-1979': add it under treaties first",
    ),
    (
        "alliance",
        "add",
        _alliance(
            {"state": "VNM", "start": 1960},
            {"state": "LAO", "start": 1960},
            end=None,
            treaty="nosuch",
        ),
        "unknown treaty 'nosuch': add it under treaties first",
    ),
    (
        "treaty",
        "add",
        _treaty(key="vnm-lao-1977"),
        "duplicate key: treaty 'vnm-lao-1977' already exists; to change it use --update or "
        "`alliancekb treaty amend`",
    ),
    (
        "state",
        "add",
        {"ccode": 816, "stateabb": "VNM", "name": "Viet Nam", "source": "vu2020"},
        "duplicate ccode: state '816' already exists; to change it use --update or "
        "`alliancekb state amend`",
    ),
    (
        "treaty",
        "amend",
        {"key": "vnm-lao-1978", "notes": "x"},
        "no treaty 'vnm-lao-1978' to update (closest: vnm-lao-1977, vnm-ussr-1978): "
        "check the key or add it with `alliancekb treaty add`",
    ),
    (
        "treaty",
        "amend",
        {"key": "vnm-lao-1977", "signed": "1977-13"},
        "signed: '1977-13' has no month 13 (use YYYY, YYYY-MM or YYYY-MM-DD)",
    ),
    (
        "alignment",
        "add",
        {
            "key": "again",
            "states": ["Vietnam", "China"],
            "start": 1954,
            "shared_ideology": True,
            "shared_security": True,
            "source": "vu2020",
        },
        "alignment 'vu2020-vnm-chn-1954' already codes DRV-CHN from 1954 for vu2020: "
        "amend 'vu2020-vnm-chn-1954' instead, or fix the start",
    ),
    (
        "event",
        "add",
        {"key": "e", "title": "E", "kind": "war", "start": 1954, "colour": "red", "source": "x"},
        "colour: unknown field: remove it or check its spelling",
    ),
]


@pytest.mark.parametrize(("kind", "verb", "record", "message"), REFUSALS)
def test_refusals_write_nothing(
    cli: Cli, tmp_path: Path, kind: str, verb: str, record: Any, message: str
) -> None:
    before = snapshot(cli)
    path = write(tmp_path / "record.yaml", record)
    result = cli(kind, verb, "--file", str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"error: {path}: {message}\n"
    assert snapshot(cli) == before


@pytest.mark.parametrize(
    ("records", "message"),
    [
        (
            [KHM_1979, {**KHM_1979, "key": "t2", "parties": ["VNM", "Atlantis"]}],
            "[1]: unknown state 'Atlantis' (use a ccode, stateabb, ISO3 or recorded name)",
        ),
        (
            [KHM_1979, {**KHM_1979, "title": "again"}],
            "[1].key: duplicate key 'vnm-khm-1979' (also at [0]): give each record its own",
        ),
        (
            [KHM_1979, {**KHM_1979, "key": "t2", "signed": "1979-02-30"}],
            "[1].signed: '1979-02-30' is not a day of the calendar "
            "(use YYYY, YYYY-MM or YYYY-MM-DD)",
        ),
        ([KHM_1979, "vnm-lao-1977"], "[1]: expected a treaty record (a mapping), got str"),
        ([], "the list is empty: give at least one treaty record"),
    ],
)
def test_a_bad_record_in_a_list_writes_none_of_it(
    cli: Cli, tmp_path: Path, records: list[Any], message: str
) -> None:
    before = snapshot(cli)
    path = write(tmp_path / "treaties.json", records)
    result = cli("treaty", "add", "--file", str(path))
    assert (result.exit_code, result.stderr) == (1, f"error: {path}: {message}\n")
    assert snapshot(cli) == before


def test_dry_run_shows_what_would_change_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    before = snapshot(cli)
    path = write(tmp_path / "new.yaml", KHM_1979)
    result = cli("treaty", "add", "--file", str(path), "--dry-run")
    assert (result.exit_code, result.stdout) == (
        0,
        "would add treaty 'vnm-khm-1979'\n"
        "dry run, nothing written: 1 to add, 0 to change, 0 unchanged\n",
    )
    fix = write(tmp_path / "fix.yaml", [{"key": "vnm-lao-1977", "in_force": "1977-11-01"}])
    result = cli("treaty", "amend", "--file", str(fix), "--dry-run")
    assert result.stdout == (
        "would change treaty 'vnm-lao-1977': in_force: 1977-10-31 -> 1977-11-01\n"
        "dry run, nothing written: 0 to add, 1 to change, 0 unchanged\n"
    )
    bad = write(tmp_path / "bad.yaml", {**KHM_1979, "parties": ["Atlantis"]})
    refused = cli("treaty", "add", "--file", str(bad), "--dry-run")
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"error: {bad}: unknown state 'Atlantis'")
    assert snapshot(cli) == before


def test_amend_then_history_shows_before_and_after(cli: Cli, tmp_path: Path) -> None:
    fix = write(tmp_path / "fix.yaml", {"key": "vnm-lao-1977", "in_force": "1977-11-01"})
    result = cli("treaty", "amend", "--file", str(fix), "--by", "alice")
    assert result.stdout == (
        "changed treaty 'vnm-lao-1977': in_force: 1977-10-31 -> 1977-11-01\n"
        "0 added, 1 changed, 0 unchanged\n"
    )
    seeded, amended = history(cli, "vnm-lao-1977")
    assert (seeded["action"], seeded["by"], seeded["command"]) == (
        "added",
        "pytest",
        "seed",
    )
    assert (amended["action"], amended["by"], amended["command"]) == (
        "changed",
        "alice",
        f"treaty amend --file {fix}",
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", amended["at"])
    assert amended["changes"] == ["in_force: 1977-10-31 -> 1977-11-01"]
    assert amended["before"]["in_force"] == "1977-10-31"
    assert amended["after"]["in_force"] == "1977-11-01"
    # Everything else is kept, not dropped: the amend file named one field only.
    assert {**amended["before"], "in_force": "1977-11-01"} == amended["after"]

    table = cli("history", "vnm-lao-1977").stdout.splitlines()
    assert table[0].split() == ["id", "at", "by", "action", "record_type", "record_key", "changes"]
    assert table[-1].split()[2:] == [
        "alice",
        "changed",
        "treaty",
        "vnm-lao-1977",
        "in_force:",
        "1977-10-31",
        "->",
        "1977-11-01",
    ]
    rows = list(csv.DictReader(io.StringIO(cli("history", "vnm-lao-1977", "-f", "csv").stdout)))
    assert rows[-1]["changes"] == "in_force: 1977-10-31 -> 1977-11-01"
    assert json.loads(rows[-1]["before"])["in_force"] == "1977-10-31"
    lines = cli("history", "vnm-lao-1977", "-f", "ndjson").stdout.splitlines()
    assert [json.loads(line)["after"]["in_force"] for line in lines] == ["1977-10-31", "1977-11-01"]


def test_amend_keeps_left_out_fields_and_null_clears(cli: Cli, tmp_path: Path) -> None:
    fix = write(tmp_path / "fix.yaml", {"key": "vnm-lao-1977", "duration_months": None})
    assert cli("treaty", "add", "--update", "--file", str(fix)).exit_code == 0
    treaty = exported(cli, "treaties")["vnm-lao-1977"]
    assert (treaty["duration_months"], treaty["in_force"]) == (None, "1977-10-31")
    [entry] = history(cli, "vnm-lao-1977")[1:]
    assert entry["command"] == f"treaty add --update --file {fix}"
    assert entry["changes"] == ["duration_months: 300 -> null"]
    again = cli("treaty", "amend", "--file", str(fix))
    assert again.stdout == (
        "unchanged treaty 'vnm-lao-1977': the stored record is already so\n"
        "0 added, 0 changed, 1 unchanged\n"
    )
    assert len(history(cli, "vnm-lao-1977")) == 2


def test_who_defaults_to_the_environment_then_the_os_user(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("treaty", "add", "--file", str(write(tmp_path / "a.yaml", KHM_1979)))
    monkeypatch.delenv("ALLIANCEKB_USER")
    other = {**KHM_1979, "key": "vnm-khm-1979b"}
    cli("treaty", "add", "--file", str(write(tmp_path / "b.yaml", other)))
    assert history(cli, "vnm-khm-1979")[0]["by"] == "tester"
    assert history(cli, "vnm-khm-1979b")[0]["by"] == getpass.getuser()


def test_history_of_an_unknown_key_is_empty(cli: Cli) -> None:
    assert cli("history", "nosuch").stdout == "(no rows)\n"
    assert cli("history", "nosuch", "-f", "json").stdout == "[]\n"


def test_by_too_long_is_refused(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "a.yaml", KHM_1979)
    result = cli("treaty", "add", "--file", str(path), "--by", "x" * 101)
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: --by '{'x' * 101}': give a name of 1 to 100 characters\n",
    )


def test_seed_gives_the_same_member_messages(cli: Cli, tmp_path: Path) -> None:
    data = yaml.safe_load(bundled_seed().read_text(encoding="utf-8"))
    data["alliances"][1]["members"].append({"state": "816", "start": 1990, "end": 1991})
    path = write(tmp_path / "seed.yaml", data)
    before = snapshot(cli)
    result = cli("seed", str(path))
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {path}: alliances[1]: members[2]: 816 (1990 to 1991) overlaps members[0]: "
        "VNM (1954 to 1991) in phase 0: merge them or fix the dates\n",
    )
    data["alliances"][1]["members"][2] = {"state": "LAO", "start": 1950}
    result = cli("seed", str(write(path, data)))
    assert result.stderr == (
        f"error: {path}: alliances[1]: members[2]: LAO (from 1950, ongoing) starts before the "
        "alliance (1954 to 1991): fix the member's or the alliance's dates\n"
    )
    assert snapshot(cli) == before


def test_an_error_quoting_a_name_with_a_carriage_return_stays_one_line(
    cli: Cli, tmp_path: Path
) -> None:
    state = {"ccode": 999, "stateabb": "ZED", "name": "Zed\rland", "source": "vu2020"}
    added = cli("state", "add", "--file", str(write(tmp_path / "zed.yaml", state)))
    assert added.exit_code == 0, added.stderr
    result = cli("allies", "Zedlnd", "--year", "1990")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: unknown state 'Zedlnd' (use a ccode, stateabb, ISO3 or recorded name; "
        "closest: ZED (999 Zed\\rland))\n"
    )
