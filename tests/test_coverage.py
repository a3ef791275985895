"""Coverage in space: a source speaks for the dyads of certain states (vu2020: Vietnam's) or
for the whole state system (ATOP, COW); outside it its answer is unknown, never "not allied"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from conftest import Cli
from import_helpers import json_rows, ok


def test_sources_say_whose_dyads_they_code(cli: Cli) -> None:
    scopes = {r["key"]: r["coverage_states"] for r in json_rows(cli, "export", "sources")}
    assert scopes == {
        "atop-5.1": None,
        "cow-4.1": None,
        "cow-states-2016": None,
        "vietnam-case": [816],
        "vu2020": [816],
    }
    csv_text = ok(cli, "export", "sources")
    assert csv_text.splitlines()[0].split(",")[6:9] == [
        "coverage_start",
        "coverage_end",
        "coverage_states",
    ]


def test_allies_of_a_partner_note_what_the_article_does_not_say(cli: Cli) -> None:
    result = cli("allies", "Laos", "--year", "1985", "--format", "csv")
    assert result.exit_code == 0
    # The pair Laos-Vietnam is Vietnam's dyad: known. Laos's other dyads are not.
    assert result.stdout.splitlines()[1:] == [
        "816,DRV,Socialist Republic of Vietnam,vu2020,vu2020-vnm-lao,vu2020: unknown"
    ]
    assert result.stderr == (
        "note: vu2020 codes only the dyads of 816: its answer for the other dyads of "
        "812 LAO is unknown\n"
    )
    result = cli("allies", "Vietnam", "--year", "1985", "--format", "csv")
    assert result.stderr == ""


def test_a_pair_outside_the_scope_is_left_out_of_every_answer(cli: Cli, tmp_path: Path) -> None:
    # Say vu2020 spoke for Laos's dyads only: the article's Vietnam-China alliance is then
    # outside its coverage everywhere, and the Vietnam-Laos one still inside.
    fix = tmp_path / "scope.yaml"
    fix.write_text("key: vu2020\ncoverage_states: [812]\n", encoding="utf-8")
    result = cli("source", "amend", "--file", str(fix))
    assert result.stdout == (
        "changed source 'vu2020': coverage_states: [816] -> [812]\n"
        "0 added, 1 changed, 0 unchanged\n"
    )
    allies = json_rows(cli, "allies", "Vietnam", "--year", "1970")
    assert [r["stateabb"] for r in allies] == []
    allies = json_rows(cli, "allies", "Vietnam", "--year", "1980")
    assert [r["stateabb"] for r in allies] == ["LAO"]
    dyads = json_rows(cli, "export", "dyad-years", "--source", "vu2020")
    assert {(r["ccode1"], r["ccode2"]) for r in dyads} == {(812, 816)}
    states = json_rows(cli, "export", "state-years", "--source", "vu2020")
    assert {r["ccode"] for r in states} == {812}
    theory = json_rows(cli, "theory", "--state", "Vietnam")
    china = [r for r in theory if r["stateabb2"] == "CHN" or r["stateabb1"] == "CHN"]
    assert {r["reason"] for r in china} == {"outside vu2020's coverage"}
    assert {r["consistent"] for r in china} == {None}


def test_state_years_of_the_article_are_vietnams_only(cli: Cli) -> None:
    rows = json_rows(cli, "export", "state-years", "--source", "vu2020")
    assert {r["ccode"] for r in rows} == {816}
    assert (rows[0]["year"], rows[-1]["year"]) == (1954, 2020)


def test_coverage_states_are_validated(cli: Cli, tmp_path: Path) -> None:
    fix = tmp_path / "scope.yaml"
    fix.write_text("key: vu2020\ncoverage_states: []\n", encoding="utf-8")
    result = cli("source", "amend", "--file", str(fix))
    assert (result.exit_code, result.stdout) == (1, "")
    assert "coverage_states" in result.stderr
    assert result.stderr.count("\n") == 1


def test_migration_gives_existing_sources_their_scope(migrated_url: str) -> None:
    # Down to 0003, a database as the previous version left it, then up again.
    cli = Cli(migrated_url)
    assert cli("db", "downgrade", "0003").exit_code == 0
    engine = create_engine(migrated_url)
    with engine.begin() as conn:
        for key in ("vu2020", "atop-5.1"):
            conn.execute(
                text(
                    "INSERT INTO sources (key, title, citation, coverage_start) "
                    "VALUES (:key, 't', 'c', 1954)"
                ),
                {"key": key},
            )
    engine.dispose()
    assert cli("db", "upgrade").exit_code == 0
    scopes = {r["key"]: r["coverage_states"] for r in json_rows(cli, "export", "sources")}
    assert scopes == {"atop-5.1": None, "vu2020": [816]}


@pytest.mark.reference
def test_real_data_usa_canada_and_franco_russian_dates(cli: Cli, reference_data: Path) -> None:
    ok(cli, "import", "cow-states", str(reference_data / "cow" / "states2016.csv"))
    ok(cli, "import", "atop", str(reference_data / "atop" / "atop5_1m.csv"))
    ok(cli, "import", "cow", str(reference_data / "cow" / "alliance_v4.1_by_member.csv"))
    rows = json_rows(cli, "compare", "USA", "Canada")
    assert {r["vu2020"] for r in rows} == {"unknown"}
    for row in rows:
        # No row disagrees because of the article: ATOP and COW alone decide.
        speaking = {row[s] != "not allied" for s in ("atop-5.1", "cow-4.1") if row[s] != "unknown"}
        if len(speaking) < 2 and row["differs"]:
            assert row["differs"] != ["allied"], row
    # ATOP 1380 runs 1891-1917; COW 73 ends in 1893: both allied, on different dates.
    first = json_rows(cli, "compare", "France", "Russia", "--from", "1891", "--to", "1893")
    allied = next(r for r in first if r["start"] == "1891-08-27")
    assert (allied["end"], allied["disagree"], allied["differs"]) == ("1893-12-26", True, ["dates"])
    assert json.dumps(allied).count("atop-5.1-1380") == 1
