"""Panels over the whole state system (`--universe cow`): every dyad and every state of the
system, 0 where a source codes no alliance, empty where it does not speak."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import Cli
from import_helpers import ATOP, COW, STATES, ok
from test_import_reference import expected_atop

ObligationCells = tuple[str, ...]


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def imported(cli: Cli) -> Cli:
    for fmt, path in (("cow-states", STATES), ("atop", ATOP), ("cow", COW)):
        ok(cli, "import", fmt, str(path))
    return cli


def expected_universe(path: Path, first: int, last: int) -> set[tuple[int, int, int]]:
    """Directed dyad-years of the COW system by the day-level rule, straight from the CSV: both
    states in the system on a common day of the year; 2016-12-31, the end of the data, runs on."""
    spells: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    with path.open(newline="") as handle:
        for r in csv.DictReader(handle):
            start = dt.date(int(r["styear"]), int(r["stmonth"]), int(r["stday"]))
            end = dt.date(int(r["endyear"]), int(r["endmonth"]), int(r["endday"]))
            if end == dt.date(2016, 12, 31):
                end = dt.date(last, 12, 31)
            spells[int(r["ccode"])].append((start, end))
    found = set()
    for a, spells_a in spells.items():
        for b, spells_b in spells.items():
            if a == b:
                continue
            for s1, e1 in spells_a:
                for s2, e2 in spells_b:
                    lo, hi = max(s1, s2), min(e1, e2)
                    for year in range(max(lo.year, first), min(hi.year, last) + 1):
                        if lo <= hi:
                            found.add((a, b, year))
    return found


def test_small_universe_zeros_inside_coverage_empty_outside(imported: Cli) -> None:
    result = imported(
        "export", "dyad-years", "--universe", "cow", "--source", "atop-5.1", "--source",
        "vu2020", "--from", "1954", "--to", "2020", "--directed",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = rows_of(result.stdout)
    assert list(rows[0]) == [
        "ccode1", "ccode2", "stateabb1", "stateabb2", "year",
        "atop_alliance", "atop_defense", "atop_offense", "atop_neutrality",
        "atop_nonaggression", "atop_consultation",
        "vu2020_alliance", "vu2020_defense", "vu2020_offense", "vu2020_neutrality",
        "vu2020_nonaggression", "vu2020_consultation",
    ]  # fmt: skip
    by_key = {(int(r["ccode1"]), int(r["ccode2"]), int(r["year"])): r for r in rows}
    # Vietnam and the Soviet Union: allied in both sources in 1985.
    vnm_ussr = by_key[(816, 365, 1985)]
    assert (vnm_ussr["atop_alliance"], vnm_ussr["atop_consultation"]) == ("1", "1")
    assert (vnm_ussr["vu2020_alliance"], vnm_ussr["vu2020_defense"]) == ("1", "")
    # Vietnam and the Soviet Union in 1960: ATOP codes no alliance (0), the article one.
    assert by_key[(816, 365, 1960)]["atop_alliance"] == "0"
    # The USA and Russia: ATOP speaks (0), the article does not (Vietnam's dyads only).
    usa_rus = by_key[(2, 365, 1985)]
    assert (usa_rus["atop_alliance"], usa_rus["vu2020_alliance"]) == ("0", "")
    # 2019-2020: ATOP's coverage ends in 2018.
    assert by_key[(816, 365, 2019)]["atop_alliance"] == ""
    assert by_key[(816, 365, 2019)]["vu2020_alliance"] == "0"


def test_universe_needs_the_state_system(cli: Cli) -> None:
    result = cli("export", "dyad-years", "--universe", "cow")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: the COW state system has not been imported: import states2016.csv with "
        "`alliancekb import cow-states PATH` first\n"
    )


@pytest.mark.reference
def test_cow_universe_and_atop_columns_match_the_files(cli: Cli, reference_data: Path) -> None:
    states = reference_data / "cow" / "states2016.csv"
    ok(cli, "import", "cow-states", str(states))
    ok(cli, "import", "atop", str(reference_data / "atop" / "atop5_1m.csv"))
    result = cli(
        "export", "dyad-years", "--universe", "cow", "--source", "atop-5.1", "--directed",
        "--from", "1816", "--to", "2020",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    universe = expected_universe(states, 1816, 2020)
    allied = expected_atop(reference_data / "atop" / "atop5_1m.csv")
    seen: set[tuple[int, int, int]] = set()
    wrong = []
    for line in result.stdout.splitlines()[1:]:
        cells = line.split(",")
        key = (int(cells[0]), int(cells[1]), int(cells[4]))
        seen.add(key)
        codes = tuple(cells[5:11])
        if key[2] > 2018:
            want: ObligationCells = ("",) * 6
        elif key in allied:
            want = ("1", *("1" if flag else "0" for flag in allied[key]))
        else:
            want = ("0",) * 6
        if codes != want:
            wrong.append((key, codes, want))
    assert seen == universe
    assert wrong == []
    outside = sum(1 for key in allied if key not in universe and key[2] >= 1816)
    assert result.stderr == (
        f"note: {outside:,} allied dyad-years of atop-5.1 are outside the cow universe "
        "(a member outside the state system that year, such as a government in exile)\n"
    )


def test_state_years_of_every_member_zeros_inside_empty_outside(imported: Cli) -> None:
    result = imported(
        "export", "state-years", "--universe", "cow", "--source", "vu2020",
        "--from", "1985", "--to", "1985",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = rows_of(result.stdout)
    assert list(rows[0]) == [
        "ccode", "stateabb", "year", "source", "in_system", "alliances", "allies",
        "alliance", "defense", "offense", "neutrality", "nonaggression", "consultation",
    ]  # fmt: skip
    by_state = {r["stateabb"]: r for r in rows}
    # The article speaks for Vietnam (two allies in 1985), not for the USA: empty, not 0.
    drv = by_state["DRV"]
    assert (drv["alliances"], drv["allies"], drv["alliance"], drv["defense"]) == ("2", "2", "1", "")
    usa = by_state["USA"]
    assert (usa["in_system"], usa["alliances"], usa["allies"], usa["alliance"]) == ("1", "", "", "")
    assert len(rows) == len({r["ccode"] for r in rows})


@pytest.mark.reference
def test_state_years_have_one_row_per_member_and_year(cli: Cli, reference_data: Path) -> None:
    states = reference_data / "cow" / "states2016.csv"
    ok(cli, "import", "cow-states", str(states))
    ok(cli, "import", "atop", str(reference_data / "atop" / "atop5_1m.csv"))
    result = cli("export", "state-years", "--universe", "cow", "--source", "atop-5.1")
    assert result.exit_code == 0, result.stderr
    rows = rows_of(result.stdout)
    members = {(a, year) for a, b, year in expected_universe(states, 1815, 2018) if a != b}
    members |= {(b, year) for a, b, year in expected_universe(states, 1815, 2018)}
    inside = [(int(r["ccode"]), int(r["year"])) for r in rows if r["in_system"] == "1"]
    assert len(inside) == len(set(inside))
    assert set(inside) == members
    allied = expected_atop(reference_data / "atop" / "atop5_1m.csv")
    exile = {(a, year) for a, _b, year in allied} - members
    outside = {(int(r["ccode"]), int(r["year"])) for r in rows if r["in_system"] == "0"}
    assert outside == exile
    assert all(r["alliance"] == "1" for r in rows if r["in_system"] == "0")
    assert {r["alliance"] for r in rows} == {"0", "1"}


def test_two_sources_side_by_side_on_either_database(imported: Cli) -> None:
    # Each source's pairs are read at once (on PostgreSQL: two server-side cursors).
    result = imported(
        "export", "dyad-years", "--universe", "cow", "--source", "atop-5.1", "--source",
        "cow-4.1", "--from", "1985", "--to", "1985", "--short-names", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    vnm_rus = next(r for r in rows if (r["ccode1"], r["ccode2"]) == (365, 816))
    assert vnm_rus == {
        "ccode1": 365, "ccode2": 816, "stateabb1": "RUS", "stateabb2": "DRV", "year": 1985,
        "atop_alliance": 1, "atop_defense": 0, "atop_offense": 0, "atop_neutral": 0,
        "atop_nonagg": 0, "atop_consul": 1,
        "cow_alliance": 1, "cow_defense": 0, "cow_offense": None, "cow_neutral": 0,
        "cow_nonagg": 0, "cow_consul": 1,
    }  # fmt: skip
