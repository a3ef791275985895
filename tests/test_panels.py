"""The dyad-year export's fast path writes exactly what csv.writer writes for the same rows."""

from __future__ import annotations

import csv
import io
import json

from alliancekb.db import make_engine, read_session
from alliancekb.panels import DYAD_COLUMNS, _csv_text, dyad_year_batches
from conftest import Cli


def test_csv_lines_equal_csv_writer(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with read_session(engine) as session:
            tuples = [r for b in dyad_year_batches(session, directed=True) for r in b]
            lines = [
                r for b in dyad_year_batches(session, directed=True, csv_lines=True) for r in b
            ]
    finally:
        engine.dispose()
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n").writerows(tuples)
    assert len(tuples) == 2 * 104  # 38 + 22 + 44 years of three dyads, both directions
    assert "".join(lines) == expected.getvalue()


def test_csv_text_quotes_like_csv_writer() -> None:
    for value in ["plain", "a,b", 'say "x"', "two\nlines", "a; b"]:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow([value])
        assert _csv_text(value) + "\n" == out.getvalue()
    # csv.writer leaves a bare CR unquoted under a "\n" terminator, which splits the row for
    # many readers; the fast path quotes it.
    assert _csv_text("cr\rhere") == '"cr\rhere"'


def test_every_format_gives_the_same_panel(cli: Cli) -> None:
    as_csv = cli("export", "dyad-years", "--source", "vu2020")
    as_json = cli("export", "dyad-years", "--source", "vu2020", "--format", "json")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert list(rows[0]) == list(DYAD_COLUMNS)
    parsed = json.loads(as_json.stdout)
    assert len(rows) == len(parsed) == 104
    first = parsed[0]
    assert first == {
        "ccode1": 365,
        "ccode2": 816,
        "stateabb1": "RUS",
        "stateabb2": "DRV",
        "year": 1954,
        "source": "vu2020",
        "defense": None,
        "offense": None,
        "neutrality": None,
        "nonaggression": None,
        "consultation": None,
        "shared_ideology": 1,
        "shared_security": 1,
        "alliances": "vu2020-vnm-ussr",
    }
    assert rows[0] == {k: "" if v is None else str(v) for k, v in first.items()}
