"""The researcher's questions of the Vietnam seed, through the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import Cli


def allies(cli: Cli, *args: str) -> list[str]:
    result = cli("allies", "Vietnam", "--source", "vu2020", "--format", "csv", *args)
    assert result.exit_code == 0, result.stderr
    return [row["name"] for row in csv.DictReader(io.StringIO(result.stdout))]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--year", "1970"), ["Soviet Union", "People's Republic of China"]),
        (("--year", "1985"), ["Soviet Union", "Laos"]),
        (("--on", "1988-06-30"), ["Soviet Union", "Laos"]),
        (("--year", "1995"), ["Laos"]),
        (("--year", "1976"), ["Soviet Union"]),
        (("--year", "1954"), ["Soviet Union", "People's Republic of China"]),
        (("--year", "1991"), ["Soviet Union", "Laos"]),
        (("--year", "1992"), ["Laos"]),
    ],
)
def test_vietnam_allies_by_year(cli: Cli, args: tuple[str, ...], expected: list[str]) -> None:
    assert allies(cli, *args) == expected


def test_allies_table_names_the_source(cli: Cli) -> None:
    result = cli("allies", "Vietnam", "--year", "1985")
    assert result.exit_code == 0
    assert result.stdout == (
        "ccode  stateabb  name          sources  alliances        obligations\n"
        "-----  --------  ------------  -------  ---------------  ---------------\n"
        "365    RUS       Soviet Union  vu2020   vu2020-vnm-ussr  vu2020: unknown\n"
        "812    LAO       Laos          vu2020   vu2020-vnm-lao   vu2020: unknown\n"
    )


def test_allies_json_rows_carry_state_columns(cli: Cli) -> None:
    result = cli("allies", "816", "--year", "1995", "--format", "json")
    assert json.loads(result.stdout) == [
        {
            "ccode": 812,
            "stateabb": "LAO",
            "name": "Laos",
            "sources": ["vu2020"],
            "alliances": ["vu2020-vnm-lao"],
            "obligations": [
                {
                    "source": "vu2020",
                    "defense": None,
                    "offense": None,
                    "neutrality": None,
                    "nonaggression": None,
                    "consultation": None,
                }
            ],
        }
    ]


def test_laos_has_no_ally_in_1976(cli: Cli) -> None:
    result = cli("allies", "Laos", "--year", "1976", "--format", "csv")
    assert (result.exit_code, result.stdout) == (0, "")
    assert cli("allies", "LAO", "--year", "1976").stdout == "(no rows)\n"


@pytest.mark.parametrize(
    "ref", ["816", "DRV", "VNM", "vnm", "Vietnam", "Socialist Republic of Vietnam"]
)
def test_state_references(cli: Cli, ref: str) -> None:
    result = cli("allies", ref, "--year", "1995", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert "812,LAO,Laos" in result.stdout


def test_names_as_of_the_year(cli: Cli) -> None:
    def name(year: str) -> str:
        result = cli("states", "--state", "RUS", "--year", year, "--format", "json")
        return str(json.loads(result.stdout)[0]["name"])

    assert (name("1985"), name("1995")) == ("Soviet Union", "Russian Federation")
    assert cli("allies", "Soviet Union", "--year", "1995", "-f", "csv").exit_code == 0


def test_unknown_state_suggests_the_closest(cli: Cli) -> None:
    result = cli("allies", "Vietnm", "--year", "1985")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: unknown state 'Vietnm' (use a ccode, stateabb, ISO3 or recorded name; "
        "closest: DRV (816 Vietnam), RVN (817 Republic of Vietnam))\n"
    )


def test_outside_coverage_is_unknown_not_no_alliance(cli: Cli) -> None:
    result = cli("allies", "Vietnam", "--year", "2022", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "note: vu2020 covers 1954-2020: its answer for 2022 is unknown" in result.stderr


def test_alliances_by_year_and_state_csv(cli: Cli) -> None:
    result = cli("alliances", "--year", "1970", "--state", "VNM", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["key"], r["source"], r["start"], r["end"], r["members"]) for r in rows] == [
        ("vu2020-vnm-chn", "vu2020", "1954", "1975", "CHN; DRV"),
        ("vu2020-vnm-ussr", "vu2020", "1954", "1991", "RUS; DRV"),
    ]


def test_treaties_of_vietnam_and_supersession(cli: Cli) -> None:
    result = cli("treaties", "--state", "VNM", "--format", "json")
    rows = {r["key"]: r for r in json.loads(result.stdout)}
    assert list(rows) == ["vnm-lao-1977", "vnm-ussr-1978", "vnm-rus-1994"]
    assert rows["vnm-rus-1994"]["supersedes"] == "vnm-ussr-1978"
    assert rows["vnm-ussr-1978"]["superseded_by"] == "vnm-rus-1994"
    assert (rows["vnm-ussr-1978"]["atopid"], rows["vnm-ussr-1978"]["cow4id"]) == (3825, 301)
    assert rows["vnm-ussr-1978"]["start"] == "1978-11-03"
    assert rows["vnm-ussr-1978"]["end"] == "1994-06-16"
    assert rows["vnm-ussr-1978"]["source"] == "vietnam-case"


def test_treaties_in_force_in_a_year(cli: Cli) -> None:
    result = cli("treaties", "--year", "1995", "--format", "csv")
    keys = [r["key"] for r in csv.DictReader(io.StringIO(result.stdout))]
    assert keys == ["vnm-lao-1977", "vnm-rus-1994"]


def test_alignments_for_every_thesis_row(cli: Cli) -> None:
    result = cli("alignments", "--state", "Vietnam", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    got = {(r["stateabb2"], r["start"]): (r["shared_ideology"], r["shared_security"]) for r in rows}
    assert got == {
        ("CHN", "1954"): ("1", "1"),
        ("CHN", "1976"): ("1", "0"),
        ("RUS", "1954"): ("1", "1"),
        ("RUS", "1992"): ("0", "1"),
        ("LAO", "1977"): ("1", "1"),
        ("USA", "2017"): ("0", "1"),
        ("AUL", "2017"): ("0", "1"),
        ("IND", "2017"): ("0", "1"),
        ("JPN", "2017"): ("0", "1"),
    }


def test_events_of_a_year(cli: Cli) -> None:
    result = cli("events", "--year", "1979", "--format", "ndjson")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["key"], r["start"], r["end"], r["participants"]) for r in rows] == [
        ("sino-vietnamese-war-1979", "1979-02-17", "1979-03-16", ["CHN", "DRV"])
    ]


def test_year_and_on_together_is_an_error(cli: Cli) -> None:
    result = cli("allies", "VNM", "--year", "1985", "--on", "1985-01-01")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: give --year 1985 or --on 1985-01-01, not both\n",
    )


def test_bad_day_is_one_line(cli: Cli) -> None:
    result = cli("allies", "VNM", "--on", "1988-02-30")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: --on '1988-02-30' is not a day: use YYYY-MM-DD\n",
    )


def test_unknown_source_lists_the_known(cli: Cli) -> None:
    result = cli("alliances", "--source", "atop")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: unknown source 'atop' (known: atop-5.1, cow-4.1, cow-states-2016, "
        "vietnam-case, vu2020)\n"
    )


def test_alliance_members_are_named_as_of_the_year_asked(cli: Cli) -> None:
    def members(*args: str) -> dict[str, list[tuple[str, str]]]:
        result = cli("alliances", "--state", "VNM", *args, "--format", "json")
        assert result.exit_code == 0, result.stderr
        rows = json.loads(result.stdout)
        return {r["key"]: list(zip(r["members"], r["member_names"], strict=True)) for r in rows}

    assert members("--year", "1985")["vu2020-vnm-ussr"] == [
        ("RUS", "Soviet Union"),
        ("DRV", "Socialist Republic of Vietnam"),
    ]
    # Without a year, as of the day the alliance began.
    assert members()["vu2020-vnm-ussr"] == [
        ("RUS", "Soviet Union"),
        ("DRV", "Democratic Republic of Vietnam"),
    ]
