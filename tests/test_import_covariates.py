"""`alliancekb import regimes|rivalries`: the world test's covariates, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliancekb.database.models import RegimeScore, Rivalry, Source
from conftest import Cli
from import_helpers import STATES, changes, count, edited, json_rows, ok

WORLD = Path(__file__).parent / "fixtures" / "world"
REGIMES = WORLD / "regimes.csv"
VDEM = WORLD / "vdem.csv"
POLITY = WORLD / "polity.csv"
RIVALRIES = WORLD / "rivalries.csv"
REGIMES_LINE = (
    "48 state-years of 5 states, 1950-1960: euds 48, aeuds 48, polity2 48, v2x_polyarchy 47"
)
RIVALRIES_LINE = (
    "3 rivalries of 4 states, 1494-1960; skipped 1 rivalry: a state is not a COW state code "
    "(6 Ottoman Empire-Venice, line 2: 324)"
)


@pytest.fixture
def system(migrated_url: str) -> Cli:
    cli = Cli(migrated_url)
    ok(cli, "import", "cow-states", str(STATES))
    return cli


def test_regimes_import_then_nothing_changed(system: Cli) -> None:
    first = ok(system, "import", "regimes", str(REGIMES))
    assert first == f"imported cw-democracy from regimes.csv: {REGIMES_LINE}\n"
    again = ok(system, "import", "regimes", str(REGIMES))
    assert again == (
        "cw-democracy is up to date with regimes.csv: nothing changed "
        "(48 state-years of 5 states, 1950-1960: euds 48, aeuds 48, polity2 48, "
        "v2x_polyarchy 47)\n"
    )
    assert count(system.url, RegimeScore) == 48
    source = next(r for r in json_rows(system, "export", "sources") if r["key"] == "cw-democracy")
    assert (source["coverage_start"], source["coverage_end"], source["version"]) == (
        1950,
        1960,
        None,
    )
    assert source["citation"].startswith('Coppedge, Michael, et al. 2026. "V-Dem Dataset v16."')
    entries = [e for e in changes(system.url) if e[0] == "cw-democracy"]
    assert [(k, a) for k, a, _c, _after in entries] == [("cw-democracy", "added")]
    assert entries[0][3]["importer"] == "regimes"
    assert entries[0][3]["state_years"] == 48
    assert entries[0][3]["measures"]["v2x_polyarchy"] == 47


def test_a_changed_file_replaces_the_scores(system: Cli, tmp_path: Path) -> None:
    ok(system, "import", "regimes", str(REGIMES))
    changed = edited(REGIMES, tmp_path / "regimes.csv", "2,1950,0.600,0.300,10.0,0.8", "")
    out = ok(system, "import", "regimes", str(changed))
    assert out == (
        "imported cw-democracy from regimes.csv (replacing its earlier rows): 47 state-years of "
        "5 states, 1950-1960: euds 47, aeuds 47, polity2 47, v2x_polyarchy 46\n"
    )
    assert count(system.url, RegimeScore) == 47


def test_vdem_layout_by_cowcode_without_the_units_outside_the_system(system: Cli) -> None:
    out = ok(system, "import", "regimes", str(VDEM))
    assert out == (
        "imported vdem from vdem.csv: 3 state-years of 2 states, 1955-1956: v2x_polyarchy 3\n"
    )


def test_polity_codes_that_are_no_cow_state_are_named(system: Cli) -> None:
    out = ok(system, "import", "regimes", str(POLITY))
    assert out == (
        "imported polity5 from polity.csv: 2 state-years of 2 states, 1955: polity2 2; "
        "skipped 1 code: not a COW state code (818: 2 state-years from line 4)\n"
    )


def test_regimes_before_the_state_system_are_refused(migrated_url: str) -> None:
    result = Cli(migrated_url)("import", "regimes", str(REGIMES))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: {REGIMES} line 2: ccode 2 is not a state in this database (5 codes "
        "missing): import the COW state system first with `alliancekb import cow-states "
        "PATH/states2016.csv`\n"
    )
    assert count(migrated_url, Source) == 0


def test_a_file_in_no_regime_layout_names_the_three(system: Cli) -> None:
    result = system("import", "regimes", str(RIVALRIES))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {RIVALRIES} is not a regime file: expected the columns ccode, year, euds, "
        "aeuds, polity2, v2x_polyarchy (isard's cw_democracy.csv), COWcode, year, "
        "v2x_polyarchy (V-Dem's country-year file) or ccode, year, polity2 (Polity5); "
        "`alliancekb import regimes` reads these layouts\n"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "365,1955,-0.600,-0.900,-7.0,0.2",
            "365,1955,-0.600,-0.900,-7.0,1.2",
            "line 18, column v2x_polyarchy: '1.2' is out of range (0 to 1)",
        ),
        (
            "365,1955,-0.600,-0.900,-7.0,0.2",
            "365,1955,-0.600,-0.900,-7.0,high",
            "line 18, column v2x_polyarchy: 'high' is not a number (or empty for not estimated)",
        ),
        (
            "365,1955,-0.600,-0.900,-7.0,0.2",
            "365,1954,-0.600,-0.900,-7.0,0.2",
            "line 18: ccode 365 and year 1954 again (first on line 17): remove the duplicate row",
        ),
        (
            "365,1955,-0.600,-0.900,-7.0,0.2",
            "365,1955,-0.600,-0.900,-70.0,0.2",
            "line 18, column polity2: '-70.0' is out of range (-10 to 10)",
        ),
    ],
)
def test_a_bad_score_names_line_column_value_and_writes_nothing(
    system: Cli, tmp_path: Path, old: str, new: str, message: str
) -> None:
    bad = edited(REGIMES, tmp_path / "regimes.csv", old, new)
    result = system("import", "regimes", str(bad))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"error: {bad} {message}\n"
    assert count(system.url, RegimeScore) == 0
    assert json_rows(system, "export", "sources")[-1]["key"] == "cow-states-2016"


def test_rivalries_import_then_nothing_changed(system: Cli) -> None:
    first = ok(system, "import", "rivalries", str(RIVALRIES))
    assert first == f"imported td-rivalries from rivalries.csv: {RIVALRIES_LINE}\n"
    again = ok(system, "import", "rivalries", str(RIVALRIES))
    assert again == (
        "td-rivalries is up to date with rivalries.csv: nothing changed "
        "(3 rivalries of 4 states, 1494-1960)\n"
    )
    assert count(system.url, Rivalry) == 3
    source = next(r for r in json_rows(system, "export", "sources") if r["key"] == "td-rivalries")
    assert (source["coverage_start"], source["coverage_end"]) == (1494, 1960)
    assert source["citation"] == (
        "Thompson, William R. and David Dreyer. 2012. Handbook of International Rivalries, "
        "1494-2010. CQ Press."
    )


def test_rivalries_before_the_state_system_are_refused(migrated_url: str) -> None:
    result = Cli(migrated_url)("import", "rivalries", str(RIVALRIES))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {RIVALRIES} line 2: ccode 324 is not a state in this database (6 codes "
        "missing): import the COW state system first with `alliancekb import cow-states "
        "PATH/states2016.csv`\n"
    )
    assert count(migrated_url, Source) == 0


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "Global,ideological,positional,",
            "Global,ideological,religious,",
            "line 3, column type2: 'religious' is not a rivalry type (spatial, positional, "
            "ideological, interventionary, or empty)",
        ),
        (
            "2,365,1950,1960",
            "2,365,1970,1960",
            "line 3, column endyear: '1960' is before styear 1970",
        ),
        (
            "2,365,1950,1960",
            "365,365,1950,1960",
            "line 3, column ccode2: '365' is the same state as ccode1: a rivalry needs two states",
        ),
        (
            "102,China-Russia",
            "101,China-Russia",
            "line 4: rivalry 101 again (first on line 3): remove the duplicate row",
        ),
    ],
)
def test_a_bad_rivalry_names_line_column_value_and_writes_nothing(
    system: Cli, tmp_path: Path, old: str, new: str, message: str
) -> None:
    bad = edited(RIVALRIES, tmp_path / "rivalries.csv", old, new)
    result = system("import", "rivalries", str(bad))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"error: {bad} {message}\n"
    assert count(system.url, Rivalry) == 0


def test_a_wrong_rivalry_layout_names_the_missing_columns(system: Cli) -> None:
    result = system("import", "rivalries", str(REGIMES))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {REGIMES} is not in the Thompson-Dreyer strategic rivalries (td_rivalries.csv) "
        "layout: missing columns rivalryno, rivalryname, ccode1, ccode2, styear, endyear, "
        "region, type1, type2, type3 (expected Thompson-Dreyer strategic rivalries "
        "(td_rivalries.csv) with columns rivalryno, rivalryname, ccode1, ccode2, styear, "
        "endyear, region, type1, type2, type3; `alliancekb import rivalries` reads that layout)\n"
    )


def test_missing_files(system: Cli, tmp_path: Path) -> None:
    for dataset in ("regimes", "rivalries"):
        result = system("import", dataset, str(tmp_path / "nope.csv"))
        assert (result.exit_code, result.stderr) == (
            1,
            f"error: cannot read {tmp_path / 'nope.csv'}: No such file or directory\n",
        )
