"""Benchmark: `alliancekb import atop` + `export dyad-years --directed` against pandas and DuckDB.

Each round starts from a fresh database (schema, then `import cow-states`, not timed), then
times the two CLI processes, the pandas baseline (`bench/pandas_baseline.py`) and the DuckDB
script (`bench/duckdb_pipeline.py`) that build the same table from the same CSV; the peak
memory of each process comes from wait4's rusage.
All three outputs are checked to hold the same dyad-years and obligations.

    python bench/import_export.py [--data ../shared/data] [--postgres URL] [--rounds 3]

URL is a PostgreSQL database on a server where the benchmark may create and drop databases.
The figures go into bench/RESULTS.md between <!-- import-export --> markers.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
BEGIN, END = "<!-- import-export -->", "<!-- /import-export -->"
CLI = [sys.executable, "-m", "alliancekb"]
COMPARED = 11  # ccode1 .. consultation: the columns both tables share


@dataclass
class Run:
    seconds: float
    peak_mb: float


def timed(cmd: list[str]) -> Run:
    """Run a process to its end; wall time and its own peak resident memory (wait4)."""
    start = dt.datetime.now()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = (dt.datetime.now() - start).total_seconds()
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return Run(seconds, usage.ru_maxrss / 1024)


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


class Postgres:
    def __init__(self, admin_url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.admin = make_url(admin_url)
        self.engine = create_engine(self.admin, isolation_level="AUTOCOMMIT")

    def fresh(self) -> tuple[str, str]:
        from sqlalchemy import text

        name = f"akb_bench_{uuid.uuid4().hex[:10]}"
        with self.engine.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        return self.admin.set(database=name).render_as_string(hide_password=False), name

    def drop(self, name: str) -> None:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def same_tables(one: Path, other: Path) -> tuple[int, bool]:
    """Row count of ONE, and whether both hold the same rows (both sorted by dyad and year).

    Streamed: the benchmark process stays small, since each child's peak memory (wait4)
    counts the pages it shares with its parent at fork.
    """
    with one.open(newline="") as a, other.open(newline="") as b:
        first, second = csv.reader(a), csv.reader(b)
        next(first), next(second)
        count, same = 0, True
        for x, y in zip(first, second, strict=False):
            count += 1
            same = same and x[:COMPARED] == y[:COMPARED]
        leftover = next(first, None) is not None or next(second, None) is not None
    return count, same and not leftover


def cli_round(url: str, data: Path, out: Path) -> tuple[Run, Run]:
    run([*CLI, "--db", url, "db", "upgrade"])
    run([*CLI, "--db", url, "import", "cow-states", str(data / "cow" / "states2016.csv")])
    imp = timed([*CLI, "--db", url, "import", "atop", str(data / "atop" / "atop5_1m.csv")])
    export = ["export", "dyad-years", "--source", "atop-5.1", "--directed", "--out", str(out)]
    exp = timed([*CLI, "--db", url, *export])
    return imp, exp


def measure(backend: str, data: Path, rounds: int, pg: Postgres | None) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="akb-bench-"))
    cli_out, pd_out, duck_out = work / "cli.csv", work / "pandas.csv", work / "duckdb.csv"
    imports, exports, baselines, ducks = [], [], [], []
    for i in range(rounds):
        if pg is None:
            url, name = f"sqlite:///{work / f'kb{i}.sqlite'}", ""
        else:
            url, name = pg.fresh()
        try:
            imp, exp = cli_round(url, data, cli_out)
        finally:
            if pg is not None:
                pg.drop(name)
        inputs = [str(data / "atop" / "atop5_1m.csv"), str(data / "cow" / "states2016.csv")]
        baseline = timed([sys.executable, str(HERE / "pandas_baseline.py"), *inputs, str(pd_out)])
        duck = timed([sys.executable, str(HERE / "duckdb_pipeline.py"), *inputs, str(duck_out)])
        ducks.append(duck)
        imports.append(imp)
        exports.append(exp)
        baselines.append(baseline)
    count, same = same_tables(cli_out, pd_out)
    duck_count, duck_same = same_tables(cli_out, duck_out)
    cli_total = statistics.median(
        a.seconds + b.seconds for a, b in zip(imports, exports, strict=True)
    )
    pandas = statistics.median(b.seconds for b in baselines)
    duckdb = statistics.median(b.seconds for b in ducks)
    return {
        "backend": backend,
        "rounds": rounds,
        "import": statistics.median(r.seconds for r in imports),
        "export": statistics.median(r.seconds for r in exports),
        "cli": cli_total,
        "pandas": pandas,
        "ratio": cli_total / pandas,
        "duckdb": duckdb,
        "duckdb_ratio": cli_total / duckdb,
        "duckdb_mb": max(r.peak_mb for r in ducks),
        "import_mb": max(r.peak_mb for r in imports),
        "export_mb": max(r.peak_mb for r in exports),
        "pandas_mb": max(r.peak_mb for r in baselines),
        "rows": count,
        "same": same and duck_same and duck_count == count,
    }


def section(results: list[dict[str, object]]) -> str:
    lines = [
        BEGIN,
        "## Import ATOP 5.1 and export its directed dyad-years (issues 4 and 14)",
        "",
        f"Measured {dt.date.today().isoformat()} on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} CPUs, Python {platform.python_version()}) with "
        "`python bench/import_export.py`; medians of the rounds, each from a fresh database "
        "(schema and `import cow-states` first, not timed). Peak memory: each process's own "
        "maximum resident set (wait4).",
        "",
        "| backend | rounds | `import atop` s | `export dyad-years --directed` s | CLI total s "
        "| pandas s | CLI / pandas | DuckDB s | CLI / DuckDB "
        "| peak MB import / export / pandas / DuckDB | rows | same table |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['backend']} | {r['rounds']} | {r['import']:.2f} | {r['export']:.2f} "
            f"| {r['cli']:.2f} | {r['pandas']:.2f} | {r['ratio']:.2f} "
            f"| {r['duckdb']:.2f} | {r['duckdb_ratio']:.2f} "
            f"| {r['import_mb']:.0f} / {r['export_mb']:.0f} / {r['pandas_mb']:.0f} "
            f"/ {r['duckdb_mb']:.0f} "
            f"| {r['rows']:,} | {'yes' if r['same'] else 'NO'} |"
        )
    lines += [
        "",
        "Targets (issue 14): CLI total at or below the DuckDB script (CLI / DuckDB <= 1) and at "
        "most half the pandas script (CLI / pandas <= 0.5), each CLI process under 150 MB; "
        "PostgreSQL within 1.5x of SQLite. `same table`: the CLI's, pandas' and DuckDB's tables "
        "hold the same rows (DuckDB's and pandas' files are byte-identical).",
        END,
    ]
    return "\n".join(lines) + "\n"


def write_results(text: str, begin: str = BEGIN, end: str = END) -> None:
    """Put TEXT between the markers of bench/RESULTS.md (appended where they are not yet)."""
    old = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.S)
    new = pattern.sub(lambda _m: text, old) if pattern.search(old) else old.rstrip() + "\n\n" + text
    RESULTS.write_text(new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get(
        "ALLIANCEKB_REFERENCE_DATA", str(HERE.parent.parent / "shared" / "data")
    )
    parser.add_argument("--data", type=Path, default=Path(default))
    parser.add_argument("--postgres", metavar="URL", default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args()
    results = [measure("SQLite", args.data, args.rounds, None)]
    if args.postgres:
        pg = Postgres(args.postgres)
        try:
            results.append(measure("PostgreSQL", args.data, args.rounds, pg))
        finally:
            pg.engine.dispose()
    text = section(results)
    print(text)
    if not args.no_write:
        write_results(text)


if __name__ == "__main__":
    main()
