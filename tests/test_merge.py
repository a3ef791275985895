"""`merge PANEL.csv`: the universe's alliance columns added to a researcher's own panel, rows,
order and cells kept; unknown keys empty and counted; bad panels refused whole."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from conftest import Cli
from import_helpers import ATOP, COW, STATES, ok


@pytest.fixture
def imported(cli: Cli) -> Cli:
    for fmt, path in (("cow-states", STATES), ("atop", ATOP), ("cow", COW)):
        ok(cli, "import", fmt, str(path))
    return cli


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


@pytest.mark.parametrize("directed", [False, True])
def test_merge_round_trips_the_universe_panel(
    imported: Cli, tmp_path: Path, directed: bool
) -> None:
    flags = ["--directed"] if directed else []
    universe = ok(
        imported, "export", "dyad-years", "--universe", "cow", "--from", "1950", "--to", "2020",
        *flags,
    )  # fmt: skip
    rows = rows_of(universe)
    # The researcher's own panel: the keys and names only, rows in their own (reversed) order.
    panel = write_rows(tmp_path / "panel.csv", [rows[0][:5], *(r[:5] for r in rows[:0:-1])])
    result = imported("merge", str(panel), "--out", str(tmp_path / "merged.csv"))
    assert (result.exit_code, result.stdout) == (0, "")
    reading = "directed" if directed else "undirected"
    assert result.stderr == f"wrote {len(rows) - 1} rows {reading} to {tmp_path / 'merged.csv'}\n"
    merged = rows_of((tmp_path / "merged.csv").read_text())
    assert merged == [rows[0], *rows[:0:-1]]


def test_undirected_reading_takes_the_maximum_of_both_directions(
    imported: Cli, tmp_path: Path
) -> None:
    # ATOP 2000, phase 1 (1950-1955): the USA pledges defense and offense toward China,
    # China nonaggression toward the USA.
    panel = write_rows(
        tmp_path / "p.csv",
        [["year", "ccode1", "ccode2", "note"], ["1952", "2", "710", "mine"]],
    )
    result = imported("merge", str(panel), "--source", "atop-5.1")
    assert result.exit_code == 0, result.stderr
    undirected = rows_of(result.stdout)
    directed = rows_of(ok(imported, "merge", str(panel), "--source", "atop-5.1", "--directed"))
    assert undirected == [
        ["year", "ccode1", "ccode2", "note", "atop_alliance", "atop_defense", "atop_offense",
         "atop_neutrality", "atop_nonaggression", "atop_consultation"],
        ["1952", "2", "710", "mine", "1", "1", "1", "0", "1", "0"],
    ]  # fmt: skip
    assert directed[1] == ["1952", "2", "710", "mine", "1", "1", "1", "0", "0", "0"]
    reverse = write_rows(tmp_path / "r.csv", [["ccode1", "ccode2", "year"], ["710", "2", "1952"]])
    # A row has ccode1 > ccode2: the panel is read as directed, China's own pledges.
    as_read = rows_of(ok(imported, "merge", str(reverse), "--source", "atop-5.1"))
    assert as_read[1] == ["710", "2", "1952", "1", "0", "0", "0", "1", "0"]
    forced = imported("merge", str(reverse), "--source", "atop-5.1", "--undirected")
    assert rows_of(forced.stdout)[1] == ["710", "2", "1952", "1", "1", "1", "0", "1", "0"]


def test_state_year_panel_gets_counts_and_obligations(imported: Cli, tmp_path: Path) -> None:
    panel = write_rows(
        tmp_path / "states.csv",
        [["ccode", "year", "gdp"], ["816", "1985", "=1+1"], ["2", "1985", ""],
         ["9999", "1985", "x"], ["816", "1950", "y"]],
    )  # fmt: skip
    result = imported("merge", str(panel), "--source", "vu2020", "--source", "atop-5.1")
    assert result.exit_code == 0, result.stderr
    assert rows_of(result.stdout) == [
        ["ccode", "year", "gdp",
         "vu2020_alliances", "vu2020_allies", "vu2020_alliance", "vu2020_defense",
         "vu2020_offense", "vu2020_neutrality", "vu2020_nonaggression", "vu2020_consultation",
         "atop_alliances", "atop_allies", "atop_alliance", "atop_defense", "atop_offense",
         "atop_neutrality", "atop_nonaggression", "atop_consultation"],
        # Vietnam 1985: the article's two allies; ATOP's one (the Soviet Union). The user's
        # cell "=1+1" is kept as it was: the panel is theirs.
        ["816", "1985", "=1+1", "2", "2", "1", "", "", "", "", "",
         "1", "1", "1", "0", "0", "0", "0", "1"],
        # The USA: the article does not speak for it (empty), ATOP does (0).
        ["2", "1985", "", "", "", "", "", "", "", "", "", "0", "0", "0", "0", "0", "0", "0", "0"],
        ["9999", "1985", "x", *[""] * 16],
        # Vietnam before it entered the system (1954): no such state-year.
        ["816", "1950", "y", *[""] * 16],
    ]  # fmt: skip
    assert result.stderr == (
        f"note: 2 rows of {panel} are not state-years of the cow universe (a state outside "
        "the system that year, or an unknown code): their columns are empty\n"
    )


def test_state_years_agree_with_the_universe_export(imported: Cli, tmp_path: Path) -> None:
    export = ok(
        imported, "export", "state-years", "--universe", "cow", "--source", "atop-5.1",
        "--from", "1940", "--to", "2018",
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(export)))
    panel = write_rows(
        tmp_path / "p.csv", [["ccode", "year"], *([r["ccode"], r["year"]] for r in rows)]
    )
    merged = list(
        csv.DictReader(io.StringIO(ok(imported, "merge", str(panel), "--source", "atop-5.1")))
    )
    names = ("alliances", "allies", "alliance", "defense", "offense", "neutrality",
             "nonaggression", "consultation")  # fmt: skip
    assert [[m[f"atop_{n}"] for n in names] for m in merged] == [
        [r[n] for n in names] for r in rows
    ]


def test_unknown_dyads_are_empty_and_counted(imported: Cli, tmp_path: Path) -> None:
    panel = write_rows(
        tmp_path / "p.csv",
        [["ccode1", "ccode2", "year"], ["2", "365", "1985"], ["2", "816", "1950"],
         ["2", "2", "1985"], ["255", "365", "1960"]],
    )  # fmt: skip
    result = imported("merge", str(panel), "--source", "cow-4.1", "--short-names")
    assert result.exit_code == 0, result.stderr
    assert rows_of(result.stdout) == [
        ["ccode1", "ccode2", "year", "cow_alliance", "cow_defense", "cow_offense",
         "cow_neutral", "cow_nonagg", "cow_consul"],
        ["2", "365", "1985", "1", "1", "", "0", "1", "0"],
        ["2", "816", "1950", "", "", "", "", "", ""],
        ["2", "2", "1985", "", "", "", "", "", ""],
        ["255", "365", "1960", "", "", "", "", "", ""],
    ]  # fmt: skip
    assert result.stderr == (
        f"note: 3 rows of {panel} are not dyad-years of the cow universe (a pair not both in "
        "the system that year, or an unknown code): their columns are empty\n"
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"a,b,year\n1,2,1985\n", "{p}: no key columns: a dyad-year panel needs ccode1, ccode2, "
         "year (or gwcode1, gwcode2, year), a state-year panel ccode, year (or gwcode, year)"),
        (b"ccode1,ccode2,year\n2,365,1985\n2,USA,1985\n", "{p} line 3: ccode2 'USA' is not an "
         "integer code; fix the cell or drop the row"),
        (b"ccode,year\n2,1985.0\n", "{p} line 2: year '1985.0' is not an integer code; fix the "
         "cell or drop the row"),
        (b"ccode,year\n2\n", "{p} line 2: 1 cell where the header has 2; give every row one "
         "cell per column"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "{p}: is not a CSV text file (invalid start "
         "byte); give a comma-separated panel in UTF-8 with a header row"),
        (b"", "{p}: no key columns: a dyad-year panel needs ccode1, ccode2, year (or gwcode1, "
         "gwcode2, year), a state-year panel ccode, year (or gwcode, year)"),
        (b"ccode,year,atop_alliance\n2,1985,1\n", "{p}: already has the column atop_alliance; "
         "drop or rename it before merging"),
    ],
)  # fmt: skip
def test_bad_panels_are_refused_with_nothing_written(
    imported: Cli, tmp_path: Path, content: bytes, problem: str
) -> None:
    panel = tmp_path / "panel.csv"
    panel.write_bytes(content)
    out = tmp_path / "out.csv"
    result = imported("merge", str(panel), "--source", "atop-5.1", "--out", str(out))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "error: " + problem.format(p=panel) + "\n"
    assert not out.exists()


def test_direction_is_for_dyad_panels_and_the_panel_is_not_overwritten(
    imported: Cli, tmp_path: Path
) -> None:
    panel = write_rows(tmp_path / "p.csv", [["ccode", "year"], ["2", "1985"]])
    result = imported("merge", str(panel), "--directed")
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {panel}: is a state-year panel; directed and undirected are for dyad-years\n",
    )
    result = imported("merge", str(panel), "--out", str(panel))
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: --out {panel}: is the panel being read; give another file name\n",
    )
    assert panel.read_text() == "ccode,year\n2,1985\n"
    missing = imported("merge", str(tmp_path / "nothing.csv"))
    assert (missing.exit_code, missing.stderr) == (
        1,
        f"error: {tmp_path / 'nothing.csv'}: cannot read it: No such file or directory\n",
    )
