"""The world test on the real files: the four cells under the default rule, on SQLite and
PostgreSQL, against the same counts made here straight from the CSV files with the csv module."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from conftest import Cli
from import_helpers import ok
from test_import_reference import expected_atop
from test_universe import expected_universe

FIRST, LAST = 1816, 2010  # what ATOP (1815-2018), the scores (1816-2025) and rivalries share
Cell = tuple[bool | None, bool | None]


def expected_cells(data: Path) -> dict[Cell, tuple[int, int]]:
    """Per cell (shared security, shared ideology), the undirected dyad-years of the COW system
    in 1816-2010 and how many ATOP codes allied: a rival in common, polyarchy within 0.15."""
    universe = {
        (a, b, y)
        for a, b, y in expected_universe(data / "cow/states2016.csv", FIRST, LAST)
        if a < b
    }
    allied = {(a, b, y) for a, b, y in expected_atop(data / "atop/atop5_1m.csv") if a < b}
    cow_codes = {int(r["ccode"]) for r in csv.DictReader((data / "cow/states2016.csv").open())}
    polyarchy: dict[tuple[int, int], float] = {}
    with (data / "regime/cw_democracy.csv").open(newline="") as handle:
        for r in csv.DictReader(handle):
            if r["v2x_polyarchy"]:
                polyarchy[int(r["ccode"]), int(r["year"])] = float(r["v2x_polyarchy"])
    rivals: dict[tuple[int, int], set[int]] = defaultdict(set)  # (state, year) -> its rivals
    with (data / "rivalry/td_rivalries.csv").open(newline="") as handle:
        for r in csv.DictReader(handle):
            a, b = int(r["ccode1"]), int(r["ccode2"])
            if a not in cow_codes or b not in cow_codes:
                continue  # Venice (324), before 1816: not a COW state
            for year in range(int(r["styear"]), int(r["endyear"]) + 1):
                rivals[a, year].add(b)
                rivals[b, year].add(a)
    counts: Counter[Cell] = Counter()
    allied_counts: Counter[Cell] = Counter()
    for a, b, year in universe:
        security = bool((rivals[a, year] & rivals[b, year]) - {a, b})
        pa, pb = polyarchy.get((a, year)), polyarchy.get((b, year))
        ideology = None if pa is None or pb is None else round(abs(pa - pb), 6) <= 0.15
        counts[security, ideology] += 1
        allied_counts[security, ideology] += (a, b, year) in allied
    return {cell: (n, allied_counts[cell]) for cell, n in counts.items()}


@pytest.mark.reference
def test_the_four_cells_match_the_csv_files(migrated_url: str, reference_data: Path) -> None:
    cli = Cli(migrated_url)
    for dataset, path in (
        ("cow-states", "cow/states2016.csv"),
        ("atop", "atop/atop5_1m.csv"),
        ("regimes", "regime/cw_democracy.csv"),
        ("rivalries", "rivalry/td_rivalries.csv"),
    ):
        ok(cli, "import", dataset, str(reference_data / path))
    out = ok(
        cli,
        "theory",
        "--universe",
        "cow",
        "--source",
        "atop-5.1",
        "--flags",
        "derived",
        "-f",
        "json",
    )
    found = {
        (r["shared_security"], r["shared_ideology"]): (r["dyad_years"], r["allied"])
        for r in json.loads(out)
    }
    assert {r["years"] for r in json.loads(out)} == {f"{FIRST}-{LAST}"}
    assert found == expected_cells(reference_data)
    # The four cells, as the README reports them.
    assert [
        found[cell] for cell in ((True, True), (True, False), (False, True), (False, False))
    ] == [
        (5616, 1711),
        (4404, 863),
        (293868, 41727),
        (443817, 45443),
    ]
