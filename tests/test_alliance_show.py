"""`alliance show KEY`, `--obligation` on alliances and allies, and a state's own membership
dates in `alliances --state`, through the CLI on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliancekb.cli.common import Obligation
from alliancekb.database.models import OBLIGATIONS
from conftest import Cli
from import_helpers import ok

NAMES = Path(__file__).parent / "fixtures" / "alliance_names"
LEEDS = (
    "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002. "
    '"Alliance Treaty Obligations and Provisions, 1815-1944." International Interactions 28: '
    "237-260. (ATOP v5.1, 2022.)"
)


@pytest.fixture
def named(cli: Cli) -> Cli:
    ok(cli, "import", "atop", str(NAMES / "atop.csv"))
    ok(cli, "import", "cow", str(NAMES / "cow.csv"))
    return cli


def test_show_gives_the_alliance_whole_and_the_same_alliance_in_cow(named: Cli) -> None:
    assert ok(named, "alliance", "show", "atop-5.1-3215") == (
        "atop-5.1-3215: ANZUS Treaty (Australia-New Zealand-United States)\n"
        "source: atop-5.1 (Alliance Treaty Obligations and Provisions (ATOP), version 5.1), "
        "id 3215\n"
        "dates: 1951-09-01, ongoing\n"
        "treaty: none recorded\n"
        "phases: 0: 1951-09-01, ongoing, 2 members\n"
        "notes: ATOP alliance 3215. COW Formal Alliances v4 id 232 (ATOP's cow4id).\n"
        "also coded as: cow-4.1-232 (cow-4.1, 1951-09-01, ongoing) through ATOP's cow4id, "
        "the name anzus\n"
        f"cite: {LEEDS}\n"
        "\n"
        "ccode  stateabb  name                      phase  start       end  obligations\n"
        "-----  --------  ------------------------  -----  ----------  ---  ---------------------\n"
        "2      USA       United States of America  0      1951-09-01       defense, consultation\n"
        "900    AUL       Australia                 0      1951-09-01       defense, consultation\n"
    )
    back = json.loads(ok(named, "alliance", "show", "cow-4.1-232", "--format", "json"))
    assert back["same_alliance"] == [
        {
            "key": "atop-5.1-3215",
            "source": "atop-5.1",
            "title": "ANZUS Treaty (Australia-New Zealand-United States)",
            "start": "1951-09-01",
            "end": None,
            "through": ["ATOP's cow4id", "the name anzus"],
        }
    ]
    assert back["members"][1] == {
        "ccode": 900,
        "stateabb": "AUL",
        "name": "Australia",
        "phase": 0,
        "start": "1951-09-01",
        "end": None,
        "defense": True,
        "offense": None,
        "neutrality": False,
        "nonaggression": True,
        "consultation": False,
    }
    assert ok(named, "alliance", "show", "cow-4.1-232", "-f", "csv") == (
        "ccode,stateabb,name,phase,start,end,defense,offense,neutrality,nonaggression,"
        "consultation,obligations\n"
        '2,USA,United States of America,0,1951-09-01,,1,,0,1,0,"defense, nonaggression '
        '(offense unknown)"\n'
        '900,AUL,Australia,0,1951-09-01,,1,,0,1,0,"defense, nonaggression (offense unknown)"\n'
    )


def test_show_links_through_the_treaty_and_keeps_the_members_of_the_year(cli: Cli) -> None:
    out = ok(cli, "alliance", "show", "vu2020-vnm-ussr", "--year", "1960")
    lines = out.splitlines()
    assert lines[3] == (
        "treaty: vnm-ussr-1978: Treaty of Friendship and Cooperation between the Union of Soviet "
        "Socialist Republics and the Socialist Republic of Viet Nam (signed 1978-11-03)"
    )
    assert [line.split()[1] for line in lines[-2:]] == ["RUS", "DRV"]
    assert ok(cli, "alliance", "show", "vu2020-vnm-ussr", "--year", "2000", "-f", "csv") == ""


def test_an_unknown_key_names_what_a_search_finds(named: Cli) -> None:
    result = named("alliance", "show", "ANZUS")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "error: no alliance 'ANZUS': give an alliance's key; a search for it finds "
        "cow-4.1-232, atop-5.1-3215\n",
    )
    result = named("alliance", "show", "atop-5.1-9999")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: no alliance 'atop-5.1-9999' (did you mean atop-5.1-4000?): give an alliance key "
        "such as atop-5.1-3180\n",
    )


def test_alliances_of_a_state_carry_its_own_dates(named: Cli) -> None:
    # Laos joins 4000 five months after China: the alliance's dates are not Laos's.
    assert ok(named, "alliances", "--state", "LAO", "--source", "atop-5.1", "-f", "csv") == (
        "key,source,start,end,title,formal,treaty,external_id,members,member_names,"
        "member_start,member_end\n"
        "atop-5.1-4000,atop-5.1,1961-01-01,1975-12-31,,1,,4000,CHN; LAO,"
        "People's Republic of China; Laos,1961-06-01,1975-12-31\n"
    )
    table = ok(named, "alliances", "--state", "LAO", "--source", "atop-5.1")
    assert table.splitlines()[0].split() == [
        "key",
        "source",
        "start",
        "end",
        "member_start",
        "member_end",
        "member_names",
        "treaty",
    ]


def test_obligation_filters_alliances_and_allies(named: Cli) -> None:
    defense = ok(named, "alliances", "--state", "USA", "--obligation", "defense", "-f", "csv")
    assert [line.split(",")[0] for line in defense.splitlines()[1:]] == [
        "atop-5.1-3215",
        "cow-4.1-232",
        "atop-5.1-3220",
    ]
    # Japan carries no defense pledge in 3220 (ATOP codes it one-sided): not Japan's.
    assert ok(named, "alliances", "--state", "JPN", "--obligation", "defense", "-f", "csv") == ""
    assert ok(named, "alliances", "--state", "JPN", "--obligation", "DEFENSE", "-f", "csv") == ""
    keys = ok(named, "alliances", "--obligation", "nonaggression", "--year", "1965", "-f", "csv")
    assert [line.split(",")[0] for line in keys.splitlines()[1:]] == [
        "cow-4.1-232",
        "atop-5.1-4000",
    ]
    assert ok(named, "allies", "CHN", "--obligation", "defense", "--year", "1965", "-f", "csv") == (
        "ccode,stateabb,name,sources,alliances,obligations\n"
        '365,RUS,Soviet Union,atop-5.1,atop-5.1-3200,"atop-5.1: defense, consultation"\n'
    )
    either = ok(
        named, "allies", "CHN", "--year", "1965", "--obligation", "consultation",
        "--obligation", "defense", "-f", "csv",
    )  # fmt: skip
    assert either.splitlines()[1:] == [
        '365,RUS,Soviet Union,atop-5.1,atop-5.1-3200,"atop-5.1: defense, consultation"',
        '812,LAO,Laos,atop-5.1,atop-5.1-4000,"atop-5.1: nonaggression, consultation"',
    ]


def test_a_bad_obligation_is_a_usage_error_naming_the_choices(named: Cli) -> None:
    result = named("alliances", "--obligation", "attack")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--obligation': Value error, 'attac"
        "k' is not one of 'defense', 'offense', "
        "'neutrality', 'nonaggression', 'consultation'."
    )


def test_the_cli_offers_the_obligations_the_table_has() -> None:
    assert tuple(str(o) for o in Obligation) == OBLIGATIONS
