"""`export --format parquet|dta`: typed files that pandas, DuckDB and Stata read with their
types (integer codes and years, dates, lists), and CSV and JSON that agree (1/0 booleans,
the first and last day of each partial date beside its text)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import Cli
from import_helpers import ok


def test_parquet_dyad_years_keep_their_types(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "dyads.parquet"
    result = cli("export", "dyad-years", "--format", "parquet", "--out", str(out))
    assert (result.exit_code, result.stderr) == (0, f"wrote 104 rows to {out}\n")
    types = {r[0]: r[1] for r in duckdb.sql(f"DESCRIBE SELECT * FROM '{out}'").fetchall()}
    assert {k: types[k] for k in ("ccode1", "ccode2", "year", "stateabb1", "defense")} == {
        "ccode1": "INTEGER",
        "ccode2": "INTEGER",
        "year": "INTEGER",
        "stateabb1": "VARCHAR",
        "defense": "TINYINT",
    }
    assert types["alliances"] == "VARCHAR[]"
    frame = pd.read_parquet(out)
    assert (
        len(frame) == 104 == len(list(csv.DictReader(io.StringIO(ok(cli, "export", "dyad-years")))))
    )
    assert str(frame["ccode1"].dtype) == "int32"
    assert str(frame["year"].dtype) == "int32"
    first = frame.iloc[0]
    assert (first["ccode1"], first["ccode2"], first["year"], list(first["alliances"])) == (
        365,
        816,
        1954,
        ["vu2020-vnm-ussr"],
    )


def test_parquet_tables_have_dates_as_dates(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "memberships.parquet"
    ok(cli, "export", "memberships", "--format", "parquet", "--out", str(out))
    rows = duckdb.sql(
        f'SELECT alliance, ccode, start, start_first_day, start_last_day, "end", end_last_day '
        f"FROM '{out}' WHERE alliance = 'vu2020-vnm-lao' ORDER BY ccode"
    ).fetchall()
    assert [tuple(map(str, r)) for r in rows] == [
        ("vu2020-vnm-lao", "812", "1977", "1977-01-01", "1977-12-31", "None", "None"),
        ("vu2020-vnm-lao", "816", "1977", "1977-01-01", "1977-12-31", "None", "None"),
    ]


def test_stata_file_reads_in_pandas(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "dyads.dta"
    ok(cli, "export", "dyad-years", "--format", "dta", "--out", str(out))
    frame = pd.read_stata(out)
    assert len(frame) == 104
    assert str(frame["ccode1"].dtype) == "int32"
    assert str(frame["year"].dtype) == "int32"
    assert list(frame.iloc[0][["shared_ideology", "alliances"]]) == ["yes", "vu2020-vnm-ussr"]
    codes = pd.read_stata(out, convert_categoricals=False)
    assert codes.iloc[0]["shared_ideology"] == 1
    members = tmp_path / "memberships.dta"
    ok(cli, "export", "memberships", "--format", "dta", "--out", str(members))
    named = pd.read_stata(members)
    # `end` is a reserved word in Stata: the column is `_end`.
    assert list(named.columns[:9]) == [
        "alliance", "source", "ccode", "stateabb", "phase", "start", "start_first_day",
        "start_last_day", "_end",
    ]  # fmt: skip
    assert str(named["start_first_day"].dtype).startswith("datetime64")


def test_csv_and_json_agree(cli: Cli) -> None:
    alliances = json.loads(ok(cli, "export", "alliances", "--format", "json"))
    lao = next(a for a in alliances if a["key"] == "vu2020-vnm-lao")
    assert (lao["formal"], lao["start"], lao["start_first_day"], lao["start_last_day"]) == (
        1,
        "1977",
        "1977-01-01",
        "1977-12-31",
    )
    assert (lao["end"], lao["end_first_day"], lao["end_last_day"]) == (None, None, None)
    in_csv = next(
        r
        for r in csv.DictReader(io.StringIO(ok(cli, "export", "alliances")))
        if r["key"] == "vu2020-vnm-lao"
    )
    assert (in_csv["formal"], in_csv["start_first_day"]) == ("1", "1977-01-01")
    dyads = [
        json.loads(line)
        for line in ok(cli, "export", "dyad-years", "-f", "ndjson").split("\n")
        if line
    ]
    assert dyads[0]["alliances"] == ["vu2020-vnm-ussr"]
    assert dyads[0]["shared_ideology"] == 1


def test_a_typed_format_needs_a_file(cli: Cli, tmp_path: Path) -> None:
    result = cli("export", "dyad-years", "--format", "parquet")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "error: --format parquet writes a binary file: give its name with --out\n",
    )
    folder = cli("export", "states", "--format", "dta", "--out", str(tmp_path))
    assert (folder.exit_code, folder.stderr) == (
        1,
        f"error: --out {tmp_path}: is a folder: give a file name\n",
    )


@pytest.mark.reference
def test_atop_directed_dyad_years_in_parquet_and_stata(
    migrated_url: str, reference_data: Path, tmp_path: Path
) -> None:
    cli = Cli(migrated_url)
    ok(cli, "import", "cow-states", str(reference_data / "cow" / "states2016.csv"))
    ok(cli, "import", "atop", str(reference_data / "atop" / "atop5_1m.csv"))
    args = ("export", "dyad-years", "--source", "atop-5.1", "--directed")
    in_csv = tmp_path / "atop.csv"
    ok(cli, *args, "--out", str(in_csv))
    parquet, dta = tmp_path / "atop.parquet", tmp_path / "atop.dta"
    ok(cli, *args, "--format", "parquet", "--out", str(parquet))
    ok(cli, *args, "--format", "dta", "--out", str(dta))
    csv_rows = pd.read_csv(in_csv)
    assert len(csv_rows) == 273_304
    [(count, first, last)] = duckdb.sql(
        f"SELECT count(*), min(year), max(year) FROM '{parquet}'"
    ).fetchall()
    assert (count, first, last) == (273_304, 1815, 2018)
    frame = pd.read_parquet(parquet)
    assert len(frame) == 273_304
    assert {str(frame[c].dtype) for c in ("ccode1", "ccode2", "year")} == {"int32"}
    key = ["ccode1", "ccode2", "year"]
    assert frame[key].values.tolist() == csv_rows[key].values.tolist()
    stata = pd.read_stata(dta, convert_categoricals=False)
    assert len(stata) == 273_304
    assert stata[key].values.tolist() == csv_rows[key].values.tolist()
