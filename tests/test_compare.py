"""`alliancekb compare A B`: each source's coding of a pair, period by period."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Cli
from import_helpers import ATOP, COW, STATES, json_rows, ok


@pytest.fixture
def imported(cli: Cli) -> Cli:
    for fmt, path in (("cow-states", STATES), ("atop", ATOP), ("cow", COW)):
        ok(cli, "import", fmt, str(path))
    return cli


def test_vietnam_russia_each_source_ends_the_alliance_its_own_way(imported: Cli) -> None:
    # 1978-1991: all three code the pair allied, but each ends the alliance on its own date.
    result = imported("compare", "Vietnam", "Russia")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "start       end         atop-5.1                                                                                                cow-4.1                                                                     vu2020                             disagree  differs\n"  # noqa: E501
        "----------  ----------  ------------------------------------------------------------------------------------------------------  --------------------------------------------------------------------------  ---------------------------------  --------  -------------\n"  # noqa: E501
        "1815-01-01  1815-12-31  not allied                                                                                              unknown                                                                     unknown                            no\n"  # noqa: E501
        "1816-01-01  1953-12-31  not allied                                                                                              not allied                                                                  unknown                            no\n"  # noqa: E501
        "1954-01-01  1978-11-02  not allied                                                                                              not allied                                                                  allied: vu2020-vnm-ussr 1954/1991  yes       allied\n"  # noqa: E501
        "1978-11-03  1991-12-25  allied: atop-5.1-3825 1978-11-03/1994-06-16 (consultation)                                              allied: cow-4.1-301 1978-11-03/1991-12-25 (consultation (offense unknown))  allied: vu2020-vnm-ussr 1954/1991  yes       dates\n"  # noqa: E501
        "1991-12-26  1991-12-31  allied: atop-5.1-3825 1978-11-03/1994-06-16 (consultation)                                              not allied                                                                  allied: vu2020-vnm-ussr 1954/1991  yes       allied; dates\n"  # noqa: E501
        "1992-01-01  1994-06-15  allied: atop-5.1-3825 1978-11-03/1994-06-16 (consultation)                                              not allied                                                                  not allied                         yes       allied\n"  # noqa: E501
        "1994-06-16  1994-06-16  allied: atop-5.1-3825 1978-11-03/1994-06-16 (consultation); atop-5.1-4605 1994-06-16/.. (consultation)  not allied                                                                  not allied                         yes       allied\n"  # noqa: E501
        "1994-06-17  2012-12-31  allied: atop-5.1-4605 1994-06-16/.. (consultation)                                                      not allied                                                                  not allied                         yes       allied\n"  # noqa: E501
        "2013-01-01  2018-12-31  allied: atop-5.1-4605 1994-06-16/.. (consultation)                                                      unknown                                                                     not allied                         yes       allied\n"  # noqa: E501
        "2019-01-01  2020-12-31  unknown                                                                                                 unknown                                                                     not allied                         no\n"  # noqa: E501
    )


def test_rows_carry_the_pair_and_full_codings(imported: Cli) -> None:
    rows = json_rows(imported, "compare", "VNM", "RUS")
    assert {(r["ccode1"], r["stateabb1"], r["ccode2"], r["stateabb2"]) for r in rows} == {
        (816, "DRV", 365, "RUS")
    }
    after_ussr = next(r for r in rows if r["start"] == "1991-12-26")
    assert after_ussr == {
        "ccode1": 816,
        "stateabb1": "DRV",
        "name1": "Vietnam",
        "ccode2": 365,
        "stateabb2": "RUS",
        "name2": "Russia",
        "start": "1991-12-26",
        "end": "1991-12-31",
        "atop-5.1": "allied: atop-5.1-3825 1978-11-03/1994-06-16 (consultation)",
        "cow-4.1": "not allied",
        "vu2020": "allied: vu2020-vnm-ussr 1954/1991",
        "disagree": True,
        "differs": ["allied", "dates"],
    }
    cow = next(r for r in rows if r["start"] == "1978-11-03")["cow-4.1"]
    assert cow == "allied: cow-4.1-301 1978-11-03/1991-12-25 (consultation (offense unknown))"


def test_outside_coverage_is_unknown_not_unallied(imported: Cli) -> None:
    rows = json_rows(imported, "compare", "USA", "RUS")
    first = rows[0]
    assert (first["start"], first["end"], first["atop-5.1"], first["cow-4.1"]) == (
        "1815-01-01",
        "1815-12-31",
        "not allied",
        "unknown",
    )
    assert rows[-1]["atop-5.1"] == "unknown"
    assert rows[-1]["disagree"] is False


def test_same_state_twice(imported: Cli) -> None:
    result = imported("compare", "VNM", "816")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "error: 'VNM' and '816' are the same state: give two states\n"


@pytest.mark.reference
def test_vietnam_russia_real_data(cli: Cli, reference_data: Path) -> None:
    ok(cli, "import", "cow-states", str(reference_data / "cow" / "states2016.csv"))
    ok(cli, "import", "atop", str(reference_data / "atop" / "atop5_1m.csv"))
    ok(cli, "import", "cow", str(reference_data / "cow" / "alliance_v4.1_by_member.csv"))
    rows = json_rows(cli, "compare", "Vietnam", "Russia")
    last_day = {
        source: [r["end"] for r in rows if key in r[source]][-1]
        for source, key in (
            ("vu2020", "vu2020-vnm-ussr "),
            ("cow-4.1", "cow-4.1-301 "),
            ("atop-5.1", "atop-5.1-3825 "),
        )
    }
    # The article ends the alliance in 1991, COW on 1991-12-25, ATOP on 1994-06-16.
    assert last_day == {"vu2020": "1991-12-31", "cow-4.1": "1991-12-25", "atop-5.1": "1994-06-16"}
    split = [(r["start"], r["end"]) for r in rows if r["disagree"]]
    assert ("1991-12-26", "1991-12-31") in split
    assert ("1992-01-01", "1994-06-15") in split


def test_a_source_that_codes_other_dyads_is_unknown_for_the_pair(imported: Cli) -> None:
    # vu2020 codes Vietnam's dyads only: for the USA and Russia it says nothing.
    rows = json_rows(imported, "compare", "USA", "RUS")
    assert {r["vu2020"] for r in rows} == {"unknown"}
    assert [r["differs"] for r in rows if r["disagree"]] == [
        ["allied"],
        ["obligations", "dates"],
        ["allied"],
    ]


def test_sources_and_years_asked(imported: Cli) -> None:
    result = imported(
        "compare", "VNM", "RUS", "--source", "cow-4.1", "--source", "atop-5.1",
        "--from", "1990", "--to", "1995", "--format", "csv",
    )  # fmt: skip
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "ccode1,stateabb1,name1,ccode2,stateabb2,name2,start,end,cow-4.1,atop-5.1,disagree,differs\n"
        "816,DRV,Vietnam,365,RUS,Russia,1990-01-01,1991-12-25,"
        "allied: cow-4.1-301 1978-11-03/1991-12-25 (consultation (offense unknown)),"
        "allied: atop-5.1-3825 1978-11-03/1994-06-16 (consultation),1,dates\n"
        "816,DRV,Vietnam,365,RUS,Russia,1991-12-26,1994-06-15,not allied,"
        "allied: atop-5.1-3825 1978-11-03/1994-06-16 (consultation),1,allied\n"
        "816,DRV,Vietnam,365,RUS,Russia,1994-06-16,1994-06-16,not allied,"
        "allied: atop-5.1-3825 1978-11-03/1994-06-16 (consultation); "
        "atop-5.1-4605 1994-06-16/.. (consultation),1,allied\n"
        "816,DRV,Vietnam,365,RUS,Russia,1994-06-17,1995-12-31,not allied,"
        "allied: atop-5.1-4605 1994-06-16/.. (consultation),1,allied\n"
    )


def test_unknown_source_and_years_in_the_wrong_order(imported: Cli) -> None:
    result = imported("compare", "VNM", "RUS", "--source", "gibler")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("error: unknown source 'gibler' (known: atop-5.1, ")
    result = imported("compare", "VNM", "RUS", "--from", "1995", "--to", "1990")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: --from 1995 is after --to 1990: swap them\n",
    )
