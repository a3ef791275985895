"""The dyad-year export's fast path writes exactly what csv.writer writes for the same rows."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from alliancekb.analysis.panels import DYAD_COLUMNS, _csv_text, dyad_year_batches
from alliancekb.database.engine import make_engine, read_session
from conftest import Cli
from import_helpers import ATOP, STATES, csv_rows, ok


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
        "alliances": ["vu2020-vnm-ussr"],
        "flags_source": "vu2020",
        "asymmetric": None,
    }
    # The same cells in CSV: empty for unknown, the list of keys "; "-joined.
    assert rows[0] == {
        k: "" if v is None else "; ".join(v) if isinstance(v, list) else str(v)
        for k, v in first.items()
    }


def _atop_file(path: Path, rows: list[dict[str, str]]) -> Path:
    """An ATOP member-level file in the real layout: the given cells, 0 elsewhere."""
    header = ATOP.read_text().splitlines()[0].split(",")
    lines = [",".join(header)]
    lines += [
        ",".join(row.get(name, "5.1" if name == "version" else "0") for name in header)
        for row in rows
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _member(atopid: str, ccode: str, start: str, end: str, **flags: str) -> dict[str, str]:
    (y0, m0, d0), (y1, m1, d1) = start.split("-"), end.split("-")
    cells = {"atopid": atopid, "member": ccode, "yrent": y0, "moent": m0, "dayent": d0}
    return cells | {"yrexit": y1, "moexit": m1, "dayexit": d1, **flags}


def test_several_alliances_of_one_dyad_merge_year_by_year(
    migrated_url: str, tmp_path: Path
) -> None:
    """Overlapping alliances: a year holds the obligations any of them gives (unknown beats
    'no'), every key in force, and a year covered by none is not a dyad-year."""
    cli = Cli(migrated_url)
    ok(cli, "import", "cow-states", str(STATES))
    pacts = [
        ("10", "1950-01-01", "1960-12-31", {"defense": "1"}),
        ("11", "1955-06-01", "1965-12-31", {"offense": "1", "consul": ""}),
        ("12", "1970-01-01", "1971-12-31", {"neutral": "1"}),
    ]
    rows = [_member(a, c, s, e, **f) for a, s, e, f in pacts for c in ("2", "365")]
    ok(cli, "import", "atop", str(_atop_file(tmp_path / "atop.csv", rows)))
    found = csv_rows(cli, "export", "dyad-years", "--source", "atop-5.1")
    cells = [
        (r["year"], r["defense"], r["offense"], r["neutrality"], r["consultation"], r["alliances"])
        for r in found
    ]
    ten, both, eleven = "atop-5.1-10", "atop-5.1-10; atop-5.1-11", "atop-5.1-11"
    assert cells == (
        [(str(y), "1", "0", "0", "0", ten) for y in range(1950, 1955)]
        + [(str(y), "1", "1", "0", "", both) for y in range(1955, 1961)]
        + [(str(y), "0", "1", "0", "", eleven) for y in range(1961, 1966)]
        + [(str(y), "0", "0", "1", "0", "atop-5.1-12") for y in range(1970, 1972)]
    )
    assert {(r["ccode1"], r["ccode2"]) for r in found} == {("2", "365")}
