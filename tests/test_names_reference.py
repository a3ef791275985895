"""The real files (ALLIANCEKB_REFERENCE_DATA): search, alliance show, --obligation and the
alliance counts of the state-years panel, checked against what the raw CSVs say."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import os
import shutil
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import BACKENDS, DATA_ENV, Cli, PostgresServer, Templates, _missing
from import_helpers import csv_rows, json_rows, ok

pytestmark = pytest.mark.reference
END_OF_COW = dt.date(2012, 12, 31)
END_OF_ATOP = dt.date(2018, 12, 31)


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cli]:
    """ATOP 5.1, COW 4.1 and the COW state system imported once per database, read only."""
    folder = os.environ.get(DATA_ENV)
    if not folder:
        _missing(f"set {DATA_ENV} to the folder of the real ATOP/COW files")
    data = Path(str(folder))
    if request.param == "sqlite":
        templates: Templates = request.getfixturevalue("sqlite_templates")
        target = tmp_path_factory.mktemp("world") / "world.sqlite"
        shutil.copyfile(templates.sqlite_migrated, target)
        url, drop = f"sqlite:///{target}", None
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        name = server.create(template=request.getfixturevalue("postgres_templates")["migrated"])
        url, drop = server.url(name), name
    cli = Cli(url)
    ok(cli, "import", "cow-states", str(data / "cow" / "states2016.csv"))
    ok(cli, "import", "atop", str(data / "atop" / "atop5_1m.csv"))
    ok(cli, "import", "cow", str(data / "cow" / "alliance_v4.1_by_member.csv"))
    yield cli
    if drop is not None:
        request.getfixturevalue("postgres").drop(drop)


def _day(y: str, m: str, d: str, end: bool) -> dt.date:
    year, month = int(y), int(m or (12 if end else 1))
    if d in ("", "0"):
        return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
    return dt.date(year, month, int(d))


def atop_memberships(data: Path) -> list[tuple[int, int, int, dt.date, dt.date, bool]]:
    """(atopid, phase, ccode, entry, exit, defense) per row; an ongoing one to 2018-12-31."""
    rows = []
    with (data / "atop" / "atop5_1m.csv").open(newline="") as handle:
        for r in csv.DictReader(handle):
            if r["member"] == "8152" or r["atopid"] == "1320":  # not a COW state; left out
                continue
            start = _day(r["yrent"], r["moent"], r["dayent"], end=False)
            ongoing = r["yrexit"] == "0"
            end = END_OF_ATOP if ongoing else _day(r["yrexit"], r["moexit"], r["dayexit"], True)
            entry = (int(r["atopid"]), int(r["phase"]), int(r["member"]), start, end)
            rows.append((*entry, r["defense"] == "1"))
    return rows


def _overlaps(start: dt.date, end: dt.date, year: int) -> bool:
    return start <= dt.date(year, 12, 31) and end >= dt.date(year, 1, 1)


def test_search_finds_nato_in_atop_and_cow_first(world: Cli) -> None:
    for words in ("North Atlantic", "NATO", "nato"):
        rows = csv_rows(world, "search", words, "-f", "csv")
        assert {r["key"] for r in rows[:2]} == {"atop-5.1-3180", "cow-4.1-227"}, words
    titled = json_rows(world, "alliances", "--search", "Warsaw Pact")
    assert [r["key"] for r in titled] == ["atop-5.1-3285", "cow-4.1-243"]


def test_alliance_show_lists_natos_members_with_their_own_dates(world: Cli) -> None:
    shown = ok(world, "alliance", "show", "atop-5.1-3180", "--year", "1990", "-f", "csv")
    members = {r["stateabb"]: (r["start"], r["end"]) for r in csv.DictReader(shown.splitlines())}
    assert len(members) == 17
    assert members["USA"] == ("1951-06-19", "")  # phase 2 of ATOP's coding
    assert members["GFR"] == ("1954-10-23", "1990-10-03")
    assert members["GMY"] == ("1990-10-03", "")
    assert members["SPN"] == ("1981-12-10", "")
    text = ok(world, "alliance", "show", "atop-5.1-3180").splitlines()
    assert text[0] == "atop-5.1-3180: North Atlantic Treaty (NATO)"
    assert text[6] == (
        "also coded as: cow-4.1-227 (cow-4.1, 1949-04-04, ongoing) through ATOP's cow4id, "
        "the name nato"
    )


def test_defense_alliances_of_1939_are_what_the_files_say(world: Cli, reference_data: Path) -> None:
    atop = {
        f"atop-5.1-{a}"
        for a, _phase, _c, start, end, defense in atop_memberships(reference_data)
        if defense and _overlaps(start, end, 1939)
    }
    cow: set[str] = set()
    with (reference_data / "cow" / "alliance_v4.1_by_member.csv").open(newline="") as handle:
        for r in csv.DictReader(handle):
            start = _day(r["mem_st_year"], r["mem_st_month"], r["mem_st_day"], end=False)
            end = (
                _day(r["mem_end_year"], r["mem_end_month"], r["mem_end_day"], end=True)
                if r["mem_end_year"]
                else END_OF_COW
            )
            if r["defense"] == "1" and _overlaps(start, end, 1939):
                cow.add(f"cow-4.1-{r['version4id']}")
    for source, expected in (("atop-5.1", atop), ("cow-4.1", cow)):
        rows = json_rows(
            world, "alliances", "--year", "1939", "--obligation", "defense", "--source", source
        )
        assert {r["key"] for r in rows} == expected, source
    assert (len(atop), len(cow)) == (23, 23)


def test_the_usa_alliances_per_year_are_what_atop_says(world: Cli, reference_data: Path) -> None:
    groups: dict[tuple[int, int], list[tuple[int, dt.date, dt.date]]] = defaultdict(list)
    for atopid, phase, ccode, start, end, _ in atop_memberships(reference_data):
        groups[(atopid, phase)].append((ccode, start, end))
    expected: dict[int, set[int]] = defaultdict(set)
    for (atopid, _), members in groups.items():
        for c1, s1, e1 in members:
            if c1 != 2:
                continue
            for c2, s2, e2 in members:
                first, last = max(s1, s2), min(e1, e2)
                if c2 != 2 and first <= last:
                    for year in range(first.year, last.year + 1):
                        expected[year].add(atopid)
    rows = csv_rows(world, "export", "state-years", "--source", "atop-5.1")
    ours = {int(r["year"]): int(r["alliances"]) for r in rows if r["ccode"] == "2"}
    assert {y: n for y, n in ours.items() if n} == {y: len(a) for y, a in expected.items()}
    assert (ours[1939], ours[1960], ours[1990]) == (
        len(expected[1939]),
        len(expected[1960]),
        len(expected[1990]),
    )
