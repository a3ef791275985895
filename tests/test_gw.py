"""The Gleditsch-Ward system: `import gw-states`, `--universe gw` keyed by gwcode with the
COW-coded alliances mapped through the correspondence, and `merge` on gwcode panels."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import Cli
from import_helpers import ATOP, COW, FIXTURES, STATES, ok
from test_import_reference import expected_atop

GW = FIXTURES / "gw.dat"


def with_german_alliance(tmp_path: Path) -> Path:
    """The ATOP fixture and one more alliance: the USA and Germany (COW 255) from 1991,
    defense both ways, which GW codes as the German Federal Republic (260)."""
    with ATOP.open(newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        fields = list(reader.fieldnames or [])
    extra = []
    for member in ("2", "255"):
        row = dict(rows[-1])
        row.update(atopid="9001", member=member, yrent="1991", moent="1", dayent="1")
        row.update(defense="1", consul="0")
        extra.append(row)
    path = tmp_path / "atop.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows + extra)
    return path


def gw_universe(path: Path, first: int, last: int) -> set[tuple[int, int, int]]:
    """Directed GW dyad-years straight from iisystem.dat by the day-level rule; the end of the
    data (31:12:2017) runs on."""
    spells: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        code, _abb, _name, start, end = line.split("\t")
        d1, m1, y1 = map(int, start.split(":"))
        d2, m2, y2 = map(int, end.split(":"))
        stop = dt.date(last, 12, 31) if (y2, m2, d2) == (2017, 12, 31) else dt.date(y2, m2, d2)
        spells[int(code)].append((dt.date(y1, m1, d1), stop))
    found = set()
    for a, one in spells.items():
        for b, two in spells.items():
            for s1, e1 in one if a != b else ():
                for s2, e2 in two:
                    lo, hi = max(s1, s2), min(e1, e2)
                    if lo <= hi:
                        found.update(
                            (a, b, y) for y in range(max(lo.year, first), min(hi.year, last) + 1)
                        )
    return found


def test_import_gw_states_and_again(cli: Cli) -> None:
    assert ok(cli, "import", "gw-states", str(GW)) == (
        "imported gw-states from gw.dat: 8 states, 8 system spells\n"
    )
    assert ok(cli, "import", "gw-states", str(GW)) == (
        "gw-states is up to date with gw.dat: nothing changed (8 states, 8 system spells)\n"
    )


def test_gw_universe_maps_the_cow_codes(cli: Cli, tmp_path: Path) -> None:
    for fmt, path in (("cow-states", STATES), ("gw-states", GW), ("cow", COW)):
        ok(cli, "import", fmt, str(path))
    ok(cli, "import", "atop", str(with_german_alliance(tmp_path)))
    result = cli(
        "export", "dyad-years", "--universe", "gw", "--source", "atop-5.1", "--directed",
        "--from", "1945", "--to", "2020",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[:5] == ["gwcode1", "gwcode2", "stateabb1", "stateabb2", "year"]
    by_key = {(int(r["gwcode1"]), int(r["gwcode2"]), int(r["year"])): r for r in rows}
    assert set(by_key) == gw_universe(GW, 1945, 2020)
    cells = [f"atop_{n}" for n in ("alliance", "defense", "offense", "neutrality",
                                   "nonaggression", "consultation")]  # fmt: skip

    def atop(key: tuple[int, int, int]) -> list[str]:
        return [by_key[key][c] for c in cells]

    # COW's Germany (255) since 1990 is GW's German Federal Republic (260).
    assert atop((2, 260, 1995)) == atop((260, 2, 1995)) == ["1", "1", "0", "0", "0", "0"]
    assert atop((2, 260, 1989)) == ["0"] * 6
    # Tibet has no COW code: no COW-coded source speaks for its dyads.
    assert atop((2, 711, 1950)) == [""] * 6
    # Codes GW and COW share are mapped as they are (ATOP 2000, phase 1).
    assert atop((2, 710, 1952)) == ["1", "1", "1", "0", "0", "0"]
    assert atop((816, 365, 1985)) == ["1", "0", "0", "0", "0", "1"]
    assert atop((816, 365, 2019)) == [""] * 6  # ATOP ends in 2018
    assert result.stderr == ""


def test_gw_universe_needs_the_gw_list(cli: Cli, tmp_path: Path) -> None:
    result = cli("export", "dyad-years", "--universe", "gw")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: the Gleditsch-Ward state system has not been imported: import iisystem.dat "
        "with `alliancekb import gw-states PATH` first\n"
    )
    panel = tmp_path / "p.csv"
    panel.write_text("gwcode,year\n2,1990\n")
    assert cli("merge", str(panel)).stderr == result.stderr


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2,USA,United States,01:01:1816,31:12:2017\n", "line 1: 1 tab-separated cells, not 5 "
         "(gwcode, abbreviation, name, start dd:mm:yyyy, end dd:mm:yyyy): is this iisystem.dat?"),
        ("2\tUSA\tUnited States\t1816-01-01\t31:12:2017\n", "line 1, column start: '1816-01-01' "
         "is not a date dd:mm:yyyy"),
        ("2\tUSA\tUnited States\t01:01:1816\t31:12:1815\n", "line 1: ends 31:12:1815, before "
         "it starts"),
        ("", ": no spells: is this iisystem.dat?"),
    ],
)  # fmt: skip
def test_bad_gw_lists_are_refused(cli: Cli, tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "gw.dat"
    path.write_text(text)
    result = cli("import", "gw-states", str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    separator = "" if problem.startswith(":") else " "
    assert result.stderr == f"error: {path}{separator}{problem}\n"
    assert cli("export", "dyad-years", "--universe", "gw").exit_code == 1


def test_merge_a_gw_panel(cli: Cli, tmp_path: Path) -> None:
    for fmt, path in (("cow-states", STATES), ("gw-states", GW), ("atop", ATOP)):
        ok(cli, "import", fmt, str(path))
    universe = ok(
        cli, "export", "dyad-years", "--universe", "gw", "--source", "atop-5.1",
        "--from", "1950", "--to", "1960",
    )  # fmt: skip
    rows = list(csv.reader(io.StringIO(universe)))
    panel = tmp_path / "p.csv"
    with panel.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(r[:5] for r in rows)
    assert ok(cli, "merge", str(panel), "--source", "atop-5.1") == universe


@pytest.mark.reference
def test_gw_universe_agrees_with_iisystem(cli: Cli, reference_data: Path) -> None:
    gw_file = reference_data / "gw" / "iisystem.dat"
    atop_file = reference_data / "atop" / "atop5_1m.csv"
    ok(cli, "import", "cow-states", str(reference_data / "cow" / "states2016.csv"))
    ok(cli, "import", "gw-states", str(gw_file))
    ok(cli, "import", "atop", str(atop_file))
    result = cli(
        "export", "dyad-years", "--universe", "gw", "--source", "atop-5.1", "--directed",
        "--from", "1816", "--to", "2020",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    seen: dict[tuple[int, int, int], tuple[str, ...]] = {}
    for line in result.stdout.splitlines()[1:]:
        cells = line.split(",")
        seen[(int(cells[0]), int(cells[1]), int(cells[4]))] = tuple(cells[5:11])
    assert set(seen) == gw_universe(gw_file, 1816, 2020)
    # Where GW and COW give a state the same code and the correspondence is not dated, the
    # ATOP cells are ATOP's own dyad-years.
    mapped_elsewhere = {255, 260, 345, 340, 678, 679, 680}
    allied = expected_atop(atop_file)
    wrong = [
        key
        for key, flags in allied.items()
        if key in seen
        and not {key[0], key[1]} & mapped_elsewhere
        and seen[key] != ("1", *("1" if f else "0" for f in flags))
    ]
    assert wrong == []
    # NATO: the USA and unified Germany (COW 255) are GW's 2 and 260.
    assert seen[(2, 260, 1995)][:2] == ("1", "1")
    assert seen[(260, 2, 1990)][:2] == ("1", "1")
    assert seen[(2, 711, 1930)] == ("",) * 6  # Tibet: no COW code
    assert seen[(2, 20, 2019)] == ("",) * 6
    assert result.stderr.startswith("note: ")


def test_gw_state_years_one_row_per_member(cli: Cli, tmp_path: Path) -> None:
    for fmt, path in (("cow-states", STATES), ("gw-states", GW)):
        ok(cli, "import", fmt, str(path))
    ok(cli, "import", "atop", str(with_german_alliance(tmp_path)))
    result = cli(
        "export", "state-years", "--universe", "gw", "--source", "atop-5.1",
        "--from", "1950", "--to", "1995",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[:5] == ["gwcode", "stateabb", "year", "source", "in_system"]
    members = {(a, y) for a, _b, y in gw_universe(GW, 1950, 1995)}
    assert {(int(r["gwcode"]), int(r["year"])) for r in rows} == members
    assert len(rows) == len(members)
    by_key = {(r["gwcode"], r["year"]): r for r in rows}
    # GW's 260 in 1995 is COW's unified Germany: one ally (the USA), defense.
    assert [by_key[("260", "1995")][c] for c in ("alliances", "allies", "alliance", "defense")] == [
        "1", "1", "1", "1",
    ]  # fmt: skip
    assert by_key[("711", "1950")]["alliance"] == ""  # Tibet: no COW code
