"""`alliancekb theory`: the article's rule against the records, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli

FIXTURES = Path(__file__).parent / "fixtures"
PACTS = FIXTURES / "theory_pacts.yaml"
SHORT = ("ccode2", "from", "to", "predicted", "observed", "consistent", "reason")


def rows(cli: Cli, *args: str) -> list[dict[str, Any]]:
    result = cli("theory", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return list(json.loads(result.stdout))


def short(found: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(row[c] for c in SHORT) for row in found]


def test_every_vietnam_row_of_the_article_is_consistent(cli: Cli) -> None:
    result = cli("theory", "--state", "Vietnam")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "name1                           name2                       from  to    shared_security  shared_ideology  predicted  observed  consistent  reason\n"  # noqa: E501
        "------------------------------  --------------------------  ----  ----  ---------------  ---------------  ---------  --------  ----------  ---------------------------------------\n"  # noqa: E501
        "Democratic Republic of Vietnam  Soviet Union                1954  1991  yes              yes              yes        yes       yes         shared security and values, alliance\n"  # noqa: E501
        "Socialist Republic of Vietnam   Russian Federation          1992  2020  yes              no               no         no        yes         no shared political values, no alliance\n"  # noqa: E501
        "Democratic Republic of Vietnam  People's Republic of China  1954  1975  yes              yes              yes        yes       yes         shared security and values, alliance\n"  # noqa: E501
        "Democratic Republic of Vietnam  People's Republic of China  1976  2020  no               yes              no         no        yes         no shared security, no alliance\n"  # noqa: E501
        "Socialist Republic of Vietnam   Laos                        1977  2020  yes              yes              yes        yes       yes         shared security and values, alliance\n"  # noqa: E501
        "Socialist Republic of Vietnam   United States of America    2017  2020  yes              no               no         no        yes         no shared political values, no alliance\n"  # noqa: E501
        "Socialist Republic of Vietnam   Japan                       2017  2020  yes              no               no         no        yes         no shared political values, no alliance\n"  # noqa: E501
        "Socialist Republic of Vietnam   India                       2017  2020  yes              no               no         no        yes         no shared political values, no alliance\n"  # noqa: E501
        "Socialist Republic of Vietnam   Australia                   2017  2020  yes              no               no         no        yes         no shared political values, no alliance\n"  # noqa: E501
        "\n"
        "dyad-years: 194; tested: 194; consistent with the rule: 194 (100.0%); violations: 0\n"
    )


def test_json_rows_carry_codes_names_source_and_alliances(cli: Cli) -> None:
    assert rows(cli, "--state", "RUS", "--from", "1990", "--to", "1993") == [
        {
            "ccode1": 816,
            "ccode2": 365,
            "stateabb1": "DRV",
            "stateabb2": "RUS",
            "name1": "Socialist Republic of Vietnam",
            "name2": "Soviet Union",
            "from": 1990,
            "to": 1991,
            "shared_security": True,
            "shared_ideology": True,
            "predicted": True,
            "observed": True,
            "consistent": True,
            "reason": "shared security and values, alliance",
            "source": "vu2020",
            "alignment": "vu2020-vnm-ussr-1954",
            "alliances": ["vu2020-vnm-ussr"],
        },
        {
            "ccode1": 816,
            "ccode2": 365,
            "stateabb1": "DRV",
            "stateabb2": "RUS",
            "name1": "Socialist Republic of Vietnam",
            "name2": "Russian Federation",
            "from": 1992,
            "to": 1993,
            "shared_security": True,
            "shared_ideology": False,
            "predicted": False,
            "observed": False,
            "consistent": True,
            "reason": "no shared political values, no alliance",
            "source": "vu2020",
            "alignment": "vu2020-vnm-rus-1992",
            "alliances": [],
        },
    ]


def test_csv_has_no_summary_and_codes_unknown_as_empty(cli: Cli) -> None:
    assert cli("seed", str(PACTS)).exit_code == 0
    result = cli("theory", "--state", "CAM", "--format", "csv")
    assert (result.exit_code, result.stderr) == (0, "")
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        [
            "ccode1",
            "ccode2",
            "stateabb1",
            "stateabb2",
            "name1",
            "name2",
            "from",
            "to",
            "shared_security",
            "shared_ideology",
            "predicted",
            "observed",
            "consistent",
            "reason",
            "source",
            "alignment",
            "alliances",
        ],
        [
            "816",
            "811",
            "DRV",
            "CAM",
            "Socialist Republic of Vietnam",
            "People's Republic of Kampuchea",
            "1979",
            "1989",
            "1",
            "",
            "",
            "1",
            "",
            "flags unknown",
            "testpacts",
            "testpacts-vnm-cam-1979",
            "testpacts-vnm-cam",
        ],
    ]


def test_unknown_flags_give_no_verdict(cli: Cli) -> None:
    assert cli("seed", str(PACTS)).exit_code == 0
    found = rows(cli, "--state", "Cambodia")
    assert short(found) == [(811, 1979, 1989, None, True, None, "flags unknown")]
    result = cli("theory", "--state", "Cambodia")
    assert result.stdout.endswith(
        "\ndyad-years: 11; tested: 0; consistent with the rule: 0; violations: 0\n"
        "  no verdict: flags unknown: 11\n"
    )


def test_a_source_whose_pacts_contradict_the_rule(cli: Cli) -> None:
    assert cli("seed", str(PACTS)).exit_code == 0
    found = rows(cli, "--state", "VNM", "--source", "testpacts", "--to", "2000")
    outside = "outside testpacts's coverage"
    both_no_alliance = "shared security and values but no alliance"
    assert short(found) == [
        (365, 1954, 1969, True, None, None, outside),
        (365, 1970, 1977, True, False, False, both_no_alliance),
        (365, 1978, 1991, True, True, True, "shared security and values, alliance"),
        (365, 1992, 1994, False, True, False, "alliance without shared political values"),
        (365, 1995, 1999, False, False, True, "no shared political values, no alliance"),
        (365, 2000, 2000, False, None, None, outside),
        (710, 1954, 1969, True, None, None, outside),
        (710, 1970, 1975, True, False, False, both_no_alliance),
        (710, 1976, 1999, False, False, True, "no shared security, no alliance"),
        (710, 2000, 2000, False, None, None, outside),
        # Shared security is necessary: its lack predicts no alliance, ideology unknown.
        (2, 1965, 1969, False, None, None, outside),
        (2, 1970, 1973, False, False, True, "no shared security, no alliance"),
        (812, 1977, 1999, True, False, False, both_no_alliance),
        (812, 2000, 2000, True, None, None, outside),
        (811, 1979, 1989, None, True, None, "flags unknown"),
    ]
    assert [r["alliances"] for r in found if r["ccode2"] == 365][2:4] == [
        ["testpacts-vnm-rus"],
        ["testpacts-vnm-rus"],
    ]
    result = cli("theory", "--state", "VNM", "--source", "testpacts", "--to", "2000")
    summary = result.stdout.split("\n\n")[1]
    assert summary == (
        "dyad-years: 138; tested: 87; consistent with the rule: 47 (54.0%); violations: 40\n"
        "  violation: alliance without shared political values: 3\n"
        "  violation: shared security and values but no alliance: 37\n"
        "  no verdict: flags unknown: 11\n"
        "  no verdict: outside testpacts's coverage: 40\n"
    )


def test_each_alignment_is_tested_against_its_own_source_by_default(cli: Cli) -> None:
    assert cli("seed", str(PACTS)).exit_code == 0
    found = rows(cli, "--state", "VNM", "--from", "1992", "--to", "1994")
    # vu2020's alignment with Russia meets vu2020's alliances, not the test source's pact.
    assert short(found)[0] == (
        365,
        1992,
        1994,
        False,
        False,
        True,
        "no shared political values, no alliance",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--source", "nope"),
            "error: unknown source 'nope' (known: atop-5.1, cow-4.1, cow-states-2016, "
            "vietnam-case, vu2020)\n",
        ),
        (("--from", "2000", "--to", "1990"), "error: --from 2000 is after --to 1990: swap them\n"),
        (
            ("--state", "Atlantis"),
            "error: unknown state 'Atlantis' (use a ccode, stateabb, ISO3 or recorded name)\n",
        ),
    ],
)
def test_errors_name_the_value(cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli("theory", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", message)


def test_a_window_without_alignments_says_so(cli: Cli) -> None:
    result = cli("theory", "--to", "1900")
    assert (result.exit_code, result.stdout) == (
        0,
        "(no rows)\n\ndyad-years: 0; tested: 0; consistent with the rule: 0; violations: 0\n",
    )


@pytest.mark.reference
def test_atop_consultation_pacts_with_russia_contradict_the_rule(
    cli: Cli, reference_data: Path
) -> None:
    for kind, path in (
        ("cow-states", reference_data / "cow" / "states2016.csv"),
        ("atop", reference_data / "atop" / "atop5_1m.csv"),
    ):
        result = cli("import", kind, str(path))
        assert result.exit_code == 0, result.stderr
    found = [r for r in rows(cli, "--state", "VNM", "--source", "atop-5.1") if r["ccode2"] == 365]
    both_no_alliance = "shared security and values but no alliance"
    assert [(*row, r["name1"], r["name2"]) for row, r in zip(short(found), found, strict=True)] == [
        (365, 1954, 1961, True, False, False, both_no_alliance, DRV, "Soviet Union"),
        (365, 1962, 1964, True, True, True, ALLIED, DRV, "Soviet Union"),
        (365, 1965, 1977, True, False, False, both_no_alliance, DRV, "Soviet Union"),
        (365, 1978, 1991, True, True, True, ALLIED, SRV, "Soviet Union"),
        (
            365,
            1992,
            2018,
            False,
            True,
            False,
            "alliance without shared political values",
            SRV,
            "Russian Federation",
        ),
        (365, 2019, 2020, False, None, None, "outside atop-5.1's coverage", SRV, RF),
    ]
    assert [r["alliances"] for r in found] == [
        [],
        ["atop-5.1-3460"],
        [],
        ["atop-5.1-3825"],
        ["atop-5.1-3755", "atop-5.1-3825", "atop-5.1-4605"],
        [],
    ]


DRV, SRV = "Democratic Republic of Vietnam", "Socialist Republic of Vietnam"
RF = "Russian Federation"
ALLIED = "shared security and values, alliance"
