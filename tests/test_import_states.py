"""`alliancekb import cow-states`: states, names and system spells, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from alliancekb.database.models import Source, State, SystemSpell
from conftest import Cli
from import_helpers import STATES, changes, count, edited, json_rows, ok
from records_helpers import snapshot


@pytest.fixture
def fresh(migrated_url: str) -> Cli:
    return Cli(migrated_url)


def test_import_states_then_nothing_changed(fresh: Cli) -> None:
    first = ok(fresh, "import", "cow-states", str(STATES))
    assert first == "imported cow-states-2016 from states.csv: 6 states, 7 system spells\n"
    again = ok(fresh, "import", "cow-states", str(STATES))
    assert again == (
        "cow-states-2016 is up to date with states.csv: nothing changed "
        "(6 states, 7 system spells)\n"
    )
    entries = changes(fresh.url)
    assert [(k, a) for k, a, _c, _after in entries] == [("cow-states-2016", "added")]
    assert entries[0][3]["importer"] == "cow-states"
    assert entries[0][3]["states"] == 6


def test_spells_end_of_data_is_open(fresh: Cli) -> None:
    ok(fresh, "import", "cow-states", str(STATES))
    germany = json_rows(fresh, "states", "--state", "GMY")
    assert germany[0]["system"] == "1816-01-01/1945-05-08; 1990-10-03/"
    assert germany[0]["source"] == "cow-states-2016"
    in_1950 = [r["stateabb"] for r in json_rows(fresh, "states", "--year", "1950")]
    assert in_1950 == ["USA", "RUS", "CHN"]
    source = json_rows(fresh, "export", "sources")[0]
    assert (source["key"], source["version"], source["coverage_start"], source["coverage_end"]) == (
        "cow-states-2016",
        "2016",
        1816,
        2016,
    )
    assert source["citation"] == (
        'Correlates of War Project. 2017. "State System Membership List, v2016."'
    )


def test_seeded_states_are_updated_and_keep_their_names(cli: Cli) -> None:
    out = ok(cli, "import", "cow-states", str(STATES))
    assert out == (
        "imported cow-states-2016 from states.csv (replacing its earlier rows): "
        "6 states, 7 system spells\n"
    )
    russia = json_rows(cli, "states", "--state", "RUS", "--year", "1985")[0]
    assert (russia["name"], russia["iso3"], russia["system"]) == (
        "Soviet Union",
        "RUS",
        "1816-01-01/",
    )


def test_wrong_layout_names_the_missing_columns(fresh: Cli, tmp_path: Path) -> None:
    result = fresh("import", "cow-states", str(Path(__file__).parent / "fixtures/import/cow.csv"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {STATES.parent / 'cow.csv'} is not in the COW State System Membership v2016 "
        "(states2016.csv) layout: missing columns stateabb, statenme, styear, stmonth, stday, "
        "endyear, endmonth, endday (expected COW State System Membership v2016 "
        "(states2016.csv) with columns stateabb, ccode, statenme, styear, stmonth, stday, "
        "endyear, endmonth, endday, version; `alliancekb import cow-states` reads that layout)\n"
    )
    assert count(fresh.url, Source) == 0


def test_bad_row_names_line_column_value_and_writes_nothing(fresh: Cli, tmp_path: Path) -> None:
    bad = edited(
        STATES, tmp_path / "states.csv", "LAO,812,Laos,1953,10,23", "LAO,812,Laos,1953,13,23"
    )
    result = fresh("import", "cow-states", str(bad))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"error: {bad} line 7, column stmonth: '13' is out of range (1-12)\n"
    assert (count(fresh.url, Source), count(fresh.url, State), count(fresh.url, SystemSpell)) == (
        0,
        0,
        0,
    )


def test_missing_file(fresh: Cli, tmp_path: Path) -> None:
    result = fresh("import", "cow-states", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: cannot read {tmp_path / 'nope.csv'}: No such file or directory\n"
    )


def test_reimport_refuses_to_undo_state_edits_then_replaces_them_on_request(
    fresh: Cli, tmp_path: Path
) -> None:
    """`state amend` after an import is an analyst's work: the next import names it and
    refuses; with --replace-edits it restores the file's values and logs what they were."""
    ok(fresh, "import", "cow-states", str(STATES))
    imported = json_rows(fresh, "export", "states")
    amend = tmp_path / "amend.yaml"
    amend.write_text("ccode: 816\nname: Viet Nam\n", encoding="utf-8")
    ok(fresh, "state", "amend", "--file", str(amend))
    at = json_rows(fresh, "history", "816")[-1]["at"]
    minute = dt.datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").strftime("%Y-%m-%d %H:%M UTC")
    before = snapshot(fresh)

    refused = fresh("import", "cow-states", str(STATES))
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == (
        "error: importing states.csv would undo 1 edit made to the states of cow-states-2016 "
        f"since its last import: 816 (changed by {json_rows(fresh, 'history', '816')[-1]['by']}"
        f", {minute}); replace them with `alliancekb import cow-states {STATES} "
        "--replace-edits` and amend them again (history keeps what they were)\n"
    )
    assert snapshot(fresh) == before  # nothing written

    replaced = ok(fresh, "import", "cow-states", str(STATES), "--replace-edits")
    assert replaced == (
        "imported cow-states-2016 from states.csv (replacing its earlier rows): 6 states, "
        "7 system spells; undid 1 edit (816)\n"
    )
    assert json_rows(fresh, "export", "states") == imported
    revert = json_rows(fresh, "history", "816")[-1]
    assert (revert["action"], revert["command"]) == ("changed", f"import cow-states {STATES}")
    assert (revert["before"]["name"], revert["after"]["name"]) == ("Viet Nam", "Vietnam")
    # Undone and logged: the next import has nothing to refuse or do.
    assert ok(fresh, "import", "cow-states", str(STATES)).startswith(
        "cow-states-2016 is up to date with states.csv: nothing changed"
    )


def test_a_state_import_logs_each_state_it_changes(cli: Cli) -> None:
    """The seed's Russia has no spells of the fixture's; the import changes it and says how."""
    ok(cli, "import", "cow-states", str(STATES))
    entries = [e for e in json_rows(cli, "history", "--type", "state") if e["command"] != "seed"]
    assert entries, "the import changed seeded states without a word in the change log"
    for entry in entries:
        assert entry["action"] == "changed"
        assert entry["command"] == f"import cow-states {STATES}"
        assert entry["before"] != entry["after"]
