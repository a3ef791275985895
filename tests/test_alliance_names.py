"""The common names of well-known alliances: each tie to ATOP and COW checked in the real files,
attached by imports, and analysts' own names through `alliance amend`."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from alliancekb.alliance_names import AllianceName, alliance_names
from conftest import Cli
from import_helpers import json_rows, ok

NAMES = Path(__file__).parent / "fixtures" / "alliance_names"


def _abbs(reference_data: Path) -> dict[str, str]:
    with (reference_data / "cow" / "states2016.csv").open(newline="") as handle:
        return {r["ccode"]: r["stateabb"] for r in csv.DictReader(handle)}


def _iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m or 0):02d}-{int(d or 0):02d}"


def atop_alliances(reference_data: Path) -> dict[int, tuple[str, tuple[str, ...]]]:
    """Each ATOP alliance: its first entry day and the members that entered on it."""
    abbs = _abbs(reference_data)
    entries: dict[int, list[tuple[str, str]]] = defaultdict(list)
    with (reference_data / "atop" / "atop5_1m.csv").open(newline="") as handle:
        for r in csv.DictReader(handle):
            day = _iso(r["yrent"], r["moent"], r["dayent"])
            entries[int(r["atopid"])].append((day, abbs.get(r["member"], r["member"])))
    return {n: _founders(rows, min(d for d, _ in rows)) for n, rows in entries.items()}


def cow_alliances(reference_data: Path) -> dict[int, tuple[str, tuple[str, ...]]]:
    """Each COW alliance: its start day and the members with the earliest start."""
    entries: dict[int, list[tuple[str, str]]] = defaultdict(list)
    starts: dict[int, str] = {}
    abbs = _abbs(reference_data)
    path = reference_data / "cow" / "alliance_v4.1_by_member.csv"
    with path.open(newline="") as handle:
        for r in csv.DictReader(handle):
            number = int(r["version4id"])
            starts[number] = _iso(r["all_st_year"], r["all_st_month"], r["all_st_day"])
            day = _iso(r["mem_st_year"], r["mem_st_month"], r["mem_st_day"])
            entries[number].append((day, abbs[r["ccode"]]))
    return {
        n: (starts[n], _founders(rows, min(d for d, _ in rows))[1]) for n, rows in entries.items()
    }


def _founders(rows: list[tuple[str, str]], first: str) -> tuple[str, tuple[str, ...]]:
    return first, tuple(sorted({abb for day, abb in rows if day == first}))


@pytest.mark.reference
def test_every_name_is_tied_to_the_alliances_that_start_with_its_signatories(
    reference_data: Path,
) -> None:
    atop, cow = atop_alliances(reference_data), cow_alliances(reference_data)
    names = alliance_names()
    assert len(names) == 23
    for name in names:
        signed = (name.signed, tuple(sorted(name.signatories)))
        cow_signed = (name.signed, tuple(sorted(name.cow_signatories)))
        if name.atopid is not None:
            assert atop[name.atopid] == signed, name.key
        else:  # a name no ATOP alliance answers to: none starts so
            assert signed not in atop.values(), name.key
        if name.cow4id is not None:
            assert cow[name.cow4id] == cow_signed, name.key
        else:
            assert cow_signed not in cow.values(), name.key


def test_the_table_names_the_alliances_the_issue_lists() -> None:
    names = alliance_names()
    assert len({n.key for n in names}) == len(names)
    assert all(n.source.startswith("https://") for n in names)
    by_key: dict[str, AllianceName] = {n.key: n for n in names}
    assert (by_key["nato"].title, by_key["nato"].atopid, by_key["nato"].cow4id) == (
        "North Atlantic Treaty (NATO)",
        3180,
        227,
    )
    assert (by_key["holy-alliance"].atopid, by_key["holy-alliance"].cow4id) == (None, None)


def test_imports_attach_the_common_names(cli: Cli) -> None:
    ok(cli, "import", "atop", str(NAMES / "atop.csv"))
    ok(cli, "import", "cow", str(NAMES / "cow.csv"))
    titles = {r["key"]: r["title"] for r in json_rows(cli, "alliances")}
    assert {k: v for k, v in titles.items() if not k.startswith("vu")} == {
        "atop-5.1-3200": (
            "Sino-Soviet Treaty of Friendship, Alliance and Mutual Assistance (1950)"
        ),
        "atop-5.1-3215": "ANZUS Treaty (Australia-New Zealand-United States)",
        "cow-4.1-232": "ANZUS Treaty (Australia-New Zealand-United States)",
        "atop-5.1-3220": "US-Japan Security Treaty (1951)",
        "atop-5.1-4000": None,
    }
    # The same files again change nothing: the names are part of what an import compares.
    assert ok(cli, "import", "atop", str(NAMES / "atop.csv")).startswith("atop-5.1 is up to date")


def test_an_analyst_names_an_alliance_with_alliance_amend(cli: Cli, tmp_path: Path) -> None:
    ok(cli, "import", "atop", str(NAMES / "atop.csv"))
    named = tmp_path / "name.yaml"
    named.write_text("key: atop-5.1-4000\ntitle: Sino-Lao consultation pact\n")
    out = ok(cli, "alliance", "amend", "--file", str(named))
    assert out == (
        "changed alliance 'atop-5.1-4000': title: null -> Sino-Lao consultation pact\n"
        "0 added, 1 changed, 0 unchanged\n"
    )
    rows = json_rows(cli, "alliances", "--year", "1965", "--state", "LAO", "--source", "atop-5.1")
    assert [(r["key"], r["title"]) for r in rows] == [
        ("atop-5.1-4000", "Sino-Lao consultation pact")
    ]
