"""`theory --universe cow --flags derived`: the Hanoi rule over every dyad of a small world.

The fixtures: five states in 1955-1960 (USA, Russia, China, Laos from 1953, DRV from 1954),
polyarchy 0.8, 0.2, 0.1, 0.3 (none in 1958) and 0.25; rivalries USA-Russia 1950-1960
(ideological), China-Russia 1955-1960 and Laos-USA 1956-1958 (ideological). So USA and China
share a rival (Russia) in 1955-1960, Russia and Laos (the USA) in 1956-1958. ATOP's fixture
allies the USA and China, and Laos with both from 1956. Every number below is counted by hand
from these files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from import_helpers import ATOP, STATES, ok
from test_import_covariates import REGIMES, RIVALRIES

WORLD = ("theory", "--universe", "cow", "--flags", "derived", "--source", "atop-5.1")
YEARS = ("--from", "1955", "--to", "1960")
RULE = (
    "flags: derived-rival-vdem-0.15: shared security = a strategic rival in common "
    "(td-rivalries); shared ideology = V-Dem polyarchy scores within 0.15 (cw-democracy)\n"
)


@pytest.fixture
def world(cli: Cli) -> Cli:
    for dataset, path in (
        ("cow-states", STATES),
        ("atop", ATOP),
        ("regimes", REGIMES),
        ("rivalries", RIVALRIES),
    ):
        ok(cli, "import", dataset, str(path))
    return cli


def cells(cli: Cli, *args: str) -> list[tuple[Any, ...]]:
    found = json.loads(ok(cli, *WORLD, *args, "--format", "json"))
    return [
        (r["shared_security"], r["shared_ideology"], r["dyad_years"], r["allied"]) for r in found
    ]


def test_the_four_cells_as_a_table_with_what_they_mean(world: Cli) -> None:
    result = world(*WORLD, *YEARS)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "years      shared_security  shared_ideology  dyad_years  allied  share_allied  lift\n"
        "---------  ---------------  ---------------  ----------  ------  ------------  ----\n"
        "1955-1960  yes              yes              2           0       0.0           0.0\n"
        "1955-1960  yes              no               6           6       1.0           4.0\n"
        "1955-1960  yes                               1           0       0.0           0.0\n"
        "1955-1960  no               yes              26          0       0.0           0.0\n"
        "1955-1960  no               no               22          8       0.3636        1.45\n"
        "1955-1960  no                                3           2       0.6667        2.67\n"
        "\n" + RULE + "observed: atop-5.1's alliances over every undirected dyad-year of the cow "
        "universe, 1955-1960\n"
        "base rate: 14 of 56 dyad-years with both flags known are allied (25.00%); 4 dyad-years "
        "have a flag unknown\n"
        "reading: shared security is not necessary here (8 of 14 allied dyad-years have no "
        "rival in common), and the two flags together are not sufficient (0.0% of dyad-years "
        "with both are allied, 0.0 times the base rate); the flags are proxies, so this is an "
        "association, not a test of the article's reasons\n"
    )


def test_json_gives_one_row_per_cell(world: Cli) -> None:
    found = json.loads(ok(world, *WORLD, *YEARS, "--format", "json"))
    assert found[:2] == [
        {
            "years": "1955-1960",
            "shared_security": True,
            "shared_ideology": True,
            "dyad_years": 2,
            "allied": 0,
            "share_allied": 0.0,
            "lift": 0.0,
            "flags": "derived-rival-vdem-0.15",
            "source": "atop-5.1",
        },
        {
            "years": "1955-1960",
            "shared_security": True,
            "shared_ideology": False,
            "dyad_years": 6,
            "allied": 6,
            "share_allied": 1.0,
            "lift": 4.0,
            "flags": "derived-rival-vdem-0.15",
            "source": "atop-5.1",
        },
    ]
    assert sum(r["dyad_years"] for r in found) == 60  # 10 dyads x 6 years


def test_the_years_default_to_what_every_input_covers(world: Cli) -> None:
    """The scores cover 1950-1960, the rivalries 1494-1960, ATOP 1815-2018: 1950-1960."""
    out = ok(world, *WORLD, "--by", "decade", "--format", "csv")
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["1950-1959"] * 6 + ["1960"] * 4
    out = ok(world, *WORLD, "--by", "era", "--format", "csv")
    assert {line.split(",")[0] for line in out.splitlines()[1:]} == {"1950-1960"}


def test_an_ideological_rivalry_means_no_shared_values(world: Cli) -> None:
    """Laos-USA 1958: no polyarchy score for Laos (unknown), but an ideological rivalry."""
    assert cells(world, *YEARS, "--ideological-rivalry") == [
        (True, True, 2, 0),
        (True, False, 6, 6),
        (True, None, 1, 0),
        (False, True, 26, 0),
        (False, False, 23, 9),
        (False, None, 2, 1),
    ]
    found = json.loads(ok(world, *WORLD, *YEARS, "--ideological-rivalry", "-f", "json"))
    assert found[0]["flags"] == "derived-rival-vdem-0.15-idrival"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # Polity2 10, -7, -8, -3, -8: within 3 are Russia, China and the DRV.
        ("polity:3", [(True, True, 0, 0), (True, False, 9, 6), (False, True, 18, 0)]),
        # Polity2 >= 6 or <= -6: the same three autocracies; Laos (-3) is neither.
        ("polity-regime:6", [(True, True, 0, 0), (True, False, 9, 6), (False, True, 18, 0)]),
        # Polyarchy >= 0.5: the USA alone; the others are autocracies together.
        ("vdem-regime", [(True, True, 2, 0), (True, False, 6, 6), (True, None, 1, 0)]),
    ],
)
def test_other_rules_by_option(world: Cli, rule: str, expected: list[tuple[Any, ...]]) -> None:
    assert cells(world, *YEARS, "--ideology", rule)[:3] == expected


def test_vietnam_derived_flags_beside_the_article(world: Cli) -> None:
    result = world(*WORLD, "--state", "Vietnam", "--to", "1978")
    assert (result.exit_code, result.stderr) == (0, "")
    assert (
        result.stdout
        == (
            "name1                           name2                       from  to    coded_security  derived_security  coded_ideology  derived_ideology  agree_security  agree_ideology  allied\n"  # noqa: E501
            "------------------------------  --------------------------  ----  ----  --------------  ----------------  --------------  ----------------  --------------  --------------  ------\n"  # noqa: E501
            "Democratic Republic of Vietnam  Soviet Union                1954  1960  yes             no                yes             yes               no              yes             no\n"  # noqa: E501
            "Democratic Republic of Vietnam  Soviet Union                1961  1977  yes                               yes                                                               no\n"  # noqa: E501
            "Socialist Republic of Vietnam   Soviet Union                1978  1978  yes                               yes                                                               yes\n"  # noqa: E501
            "Democratic Republic of Vietnam  People's Republic of China  1954  1960  yes             no                yes             yes               no              yes             no\n"  # noqa: E501
            "Democratic Republic of Vietnam  People's Republic of China  1961  1975  yes                               yes                                                               no\n"  # noqa: E501
            "Democratic Republic of Vietnam  People's Republic of China  1976  1978  no                                yes                                                               no\n"  # noqa: E501
            "Socialist Republic of Vietnam   Laos                        1977  1978  yes                               yes                                                               no\n"  # noqa: E501
            "\n" + RULE + "shared security: derived-rival-vdem-0.15 agrees with vu2020 in 0 of 14 "
            "dyad-years where both speak (0.0%); unknown in 38\n"
            "shared ideology: derived-rival-vdem-0.15 agrees with vu2020 in 14 of 14 dyad-years "
            "where both speak (100.0%); unknown in 38\n"
        )
    )


def test_vietnam_json_rows_carry_both_codings(world: Cli) -> None:
    found = json.loads(ok(world, *WORLD, "--state", "VNM", *YEARS, "-f", "json"))
    assert found[0] == {
        "ccode1": 816,
        "ccode2": 365,
        "stateabb1": "DRV",
        "stateabb2": "RUS",
        "name1": "Democratic Republic of Vietnam",
        "name2": "Soviet Union",
        "from": 1955,
        "to": 1960,
        "coded_by": "vu2020",
        "alignment": "vu2020-vnm-ussr-1954",
        "coded_security": True,
        "derived_security": False,
        "coded_ideology": True,
        "derived_ideology": True,
        "agree_security": False,
        "agree_ideology": True,
        "allied": False,
    }


def test_the_picture_keeps_its_text(world: Cli, tmp_path: Path) -> None:
    svg = tmp_path / "cells.svg"
    result = world(*WORLD, "--picture", str(svg), "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"wrote the picture of the four cells by decade to {svg}\n"
    text = svg.read_text()
    for words in (
        "The Hanoi rule for the whole world, 1950-1960",
        "shared security, shared ideology",
        "no shared security, no shared ideology",
        "dyad-years allied (%)",
    ):
        assert words in text
    png = tmp_path / "cells.png"
    assert world(*WORLD, "--picture", str(png), "-f", "csv").exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("theory", "--flags", "derived"),
            "--flags derived needs --universe cow: the dyads it counts",
        ),
        (
            ("theory", "--universe", "cow", "--flags", "alignments"),
            "--universe needs --flags derived: the hand-coded alignments speak for a few dyads "
            "only",
        ),
        (("theory", "--flags", "guess"), "--flags guess: choose one of alignments, derived"),
        (
            ("theory", "--ideology", "polity:3", "--by", "era"),
            "--ideology, --by: for the world test, with --universe cow",
        ),
        (
            ("theory", "--universe", "cow"),
            "the world test needs the source of alliances to observe: choose one of atop-5.1, "
            "vu2020",
        ),
        (
            (*WORLD[:5], "--source", "td-rivalries"),
            "source 'td-rivalries' codes no alliances: choose one of atop-5.1, vu2020",
        ),
        (
            (*WORLD, "--ideology", "vdem:2"),
            "ideology rule 'vdem:2': 2 is out of range (0 to 1)",
        ),
        (
            (*WORLD, "--ideology", "liberal"),
            "unknown ideology rule 'liberal': choose one of vdem:0.15, polity:3, "
            "vdem-regime:0.5, polity-regime:6",
        ),
        (
            (*WORLD, "--regimes", "td-rivalries"),
            "no regime scores with v2x_polyarchy in source 'td-rivalries' (sources with them: "
            "cw-democracy)",
        ),
        ((*WORLD, "--by", "week"), "unknown grouping 'week': choose one of all, era, decade"),
        (
            tuple("gw" if a == "cow" else a for a in WORLD),
            "the world test runs on the COW universe (the regime scores and rivalries are coded "
            "by COW codes): use --universe cow",
        ),
        (
            (*WORLD, "--state", "VNM", "--by", "era"),
            "--by and --picture are for the world's cells, not with --state",
        ),
        (
            (*WORLD, "--picture", "cells.gif"),
            "--out cells.gif: the picture must be a .svg or .png file",
        ),
    ],
)
def test_bad_options_are_one_line(world: Cli, args: tuple[str, ...], message: str) -> None:
    result = world(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")


def test_no_covariates_imported_names_the_command(cli: Cli) -> None:
    ok(cli, "import", "cow-states", str(STATES))
    result = cli(*WORLD)
    assert (result.exit_code, result.stderr) == (
        1,
        "error: no regime scores with v2x_polyarchy are imported: import them with "
        "`alliancekb import regimes PATH` (cw_democracy.csv, V-Dem or Polity5)\n",
    )
