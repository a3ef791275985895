"""The importers' quick readings give exactly what the careful ones give (hypothesis, no database).

- CsvRows cuts a line with no quote with split(), only as far as the columns wanted: its rows,
  line numbers and refusals are those of the csv module reading every line.
- ATOP dates read from plain cells by hand are Fields.date's, as stored.
"""

from __future__ import annotations

import contextlib
import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliancekb.errors import InvalidInput
from alliancekb.importers.atop import MISSING, _Rows
from alliancekb.importers.csvfile import CsvRows, Layout, quick_cells
from alliancekb.importers.fields import Fields
from alliancekb.importers.rows import stored

LAYOUT = Layout("test layout", ("a", "b", "c"), "import test")
CELLS = st.sampled_from(["", " ", "1", "x y", "1.5", '"q"', '"a,b"', '"line\nbreak"', 'a"b', "é"])
SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _csv_module(path: Path) -> Iterator[tuple[int, tuple[str, ...]] | tuple[str, int, int]]:
    """Every line through the csv module, as CsvRows read them before its quick path."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader)]
        index = [header.index(c) for c in LAYOUT.columns]
        for values in reader:
            if len(values) != len(header):
                if not values or values == [""]:
                    continue
                yield "refused", reader.line_num, len(values)
                return
            yield reader.line_num, tuple(values[i] for i in index)


def _csv_rows(path: Path) -> Iterator[tuple[int, tuple[str, ...]] | tuple[str, int, int]]:
    try:
        yield from CsvRows(path, LAYOUT).records()
    except InvalidInput as exc:
        found = re.search(r"line (\d+): (\d+) cells", str(exc))
        assert found, exc
        yield "refused", int(found[1]), int(found[2])


@SETTINGS
@given(
    data=st.data(),
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=9), max_size=12),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_rows_are_the_csv_modules(
    tmp_path: Path, data: st.DataObject, rows: list[list[str]], ending: str
) -> None:
    extra = data.draw(st.lists(st.sampled_from(["x", "y", "z"]), max_size=6))
    header = data.draw(st.permutations([*LAYOUT.columns, *extra]))
    width = len(header)
    # Mostly rows of the header's width; some shorter or longer, some blank.
    lines = [",".join(header)]
    for cells in rows:
        lines.append(",".join((cells * width)[:width] if len(cells) > 2 else cells))
    path = tmp_path / "rows.csv"
    path.write_text(ending.join(lines) + ending, encoding="utf-8", newline="")
    assert list(_csv_rows(path)) == list(_csv_module(path))


@given(
    width=st.integers(2, 40),
    data=st.data(),
)
@settings(max_examples=500, deadline=None)
def test_quick_cells_are_those_between_the_commas(width: int, data: st.DataObject) -> None:
    positions = data.draw(st.lists(st.integers(0, width - 1), min_size=2, unique=True))
    cells = data.draw(st.lists(st.text("ab1 .", max_size=3), min_size=width, max_size=width))
    assert quick_cells(width, positions)(",".join(cells)) == tuple(cells[p] for p in positions)


YEARS = ["1000", "999", "9999", "10000", "1900", "2000", "1815", " 1815", "+1815", "1_815"]
NUMBERS = ["", "0", "1", "2", "02", "12", "13", "28", "29", "30", "31", "32", " 2", "2.0", "-1"]


@pytest.mark.parametrize("y", [*YEARS, "1815.0", "\u0661\u0668\u0661\u0665", "9" * 30])
def test_plain_dates_are_the_careful_reading(y: str) -> None:
    quick = _Rows(Path("atop.csv"))
    for m in [*NUMBERS, "9" * 30]:
        for d in [*NUMBERS, "9" * 30]:
            row = {"y": y.strip(), "m": m.strip(), "d": d.strip()}
            try:
                careful = stored(Fields(Path("atop.csv"), 2, row).date("y", "m", "d", MISSING))
            except InvalidInput:
                careful = None
            with contextlib.suppress(ValueError):  # not a plain date: the careful reading decides
                assert quick.date(y, m, d) == careful, (y, m, d)
