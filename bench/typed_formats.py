"""Typed export formats: which library writes Parquet and Stata files fastest and lightest.

Measures, in fresh processes, the import cost of each candidate (pyarrow, polars, DuckDB,
pyreadstat, pandas) and the time to write a directed dyad-year panel of N synthetic rows
(ATOP's size by default: 273,304) from the Python tuples the exporter holds, beside the
yardstick of the same run: the CSV writer of the standard library on the same rows.
Prints a table and writes it into bench/RESULTS.md (section `typed`).

    python bench/typed_formats.py [--rows 273304]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import textwrap
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")

SETUP = """
import random, time, tempfile, os
random.seed(1)
N = {rows}
rows = [(random.randrange(2, 990), random.randrange(2, 990), 'AAA', 'BBB', 1815 + i % 204,
         'atop-5.1', 1, None, 0, 1, 0, None, None, 'atop-5.1-1065; atop-5.1-1070')
        for i in range(N)]
cols = list(zip(*rows))
names = ['ccode1','ccode2','stateabb1','stateabb2','year','source','defense','offense',
         'neutrality','nonaggression','consultation','shared_ideology','shared_security','alliances']
out = tempfile.mktemp()
"""

CASES = {
    "csv (yardstick)": (
        "import csv",
        "with open(out, 'w', newline='') as f:\n"
        "    w = csv.writer(f); w.writerow(names); w.writerows(rows)",
    ),
    "pyarrow parquet": (
        "import pyarrow as pa, pyarrow.parquet as pq",
        "ints = {'ccode1','ccode2','year'}\n"
        "arrays = [pa.array(c, pa.int16() if n in ints else pa.int8() if i in range(6, 13) "
        "else pa.list_(pa.string()) if n == 'alliances' else pa.string()) if n != 'alliances' "
        "else pa.array([v.split('; ') for v in c], pa.list_(pa.string())) "
        "for i, (n, c) in enumerate(zip(names, cols))]\n"
        "pq.write_table(pa.Table.from_arrays(arrays, names=names), out)",
    ),
    "polars parquet": (
        "import polars as pl",
        "df = pl.DataFrame({n: list(c) for n, c in zip(names, cols)}, strict=False)\n"
        "df.write_parquet(out)",
    ),
    "duckdb parquet (from arrow)": (
        "import duckdb, pyarrow as pa",
        "tab = pa.Table.from_arrays([pa.array(c) for c in cols], names=names)\n"
        'duckdb.sql("COPY (SELECT * FROM tab) TO \'" + out + "\' (FORMAT parquet)")',
    ),
    "pandas to_stata": (
        "import pandas as pd",
        "df = pd.DataFrame({n: pd.array(c, dtype='Int16' if n in ('ccode1','ccode2','year') "
        "else 'Int8' if 6 <= i < 13 else 'string') for i, (n, c) in enumerate(zip(names, cols))})\n"
        "df = df.astype({n: 'float64' for n in names[6:13]})\n"
        "df.to_stata(out, write_index=False, version=118)",
    ),
    "pyreadstat dta": (
        "import pyreadstat, pandas as pd",
        "df = pd.DataFrame({n: list(c) for n, c in zip(names, cols)})\n"
        "pyreadstat.write_dta(df, out)",
    ),
}


def run(code: str) -> float:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=273_304)
    rows = parser.parse_args().rows
    lines = [
        f"Rows: {rows:,} directed dyad-years (synthetic, ATOP's shape); each figure one fresh "
        "process, best of 3.",
        "",
        "| writer | import (s) | write (s) | write / csv |",
        "|---|---|---|---|",
    ]
    yard = 0.0
    for name, (imports, write) in CASES.items():
        imp = min(
            run(f"import time; t = time.perf_counter(); {imports}; print(time.perf_counter() - t)")
            for _ in range(3)
        )
        body = SETUP.format(rows=rows) + imports + "\nt = time.perf_counter()\n" + write
        body += "\nprint(time.perf_counter() - t)\nos.unlink(out)\n"
        took = min(run(body) for _ in range(3))
        yard = yard or took
        lines.append(f"| {name} | {imp:.3f} | {took:.3f} | {took / yard:.2f} |")
        print(lines[-1], flush=True)
    section = "\n".join(lines)
    text = RESULTS.read_text(encoding="utf-8")
    start, end = "<!-- typed -->", "<!-- /typed -->"
    block = f"{start}\n## Typed formats (bench/typed_formats.py)\n\n{section}\n{end}"
    if start in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    print(textwrap.dedent(f"wrote {RESULTS}"))


if __name__ == "__main__":
    main()
