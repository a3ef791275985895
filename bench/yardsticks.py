"""Start-up against its yardsticks (issue 14): one question from a fresh process, and `--help`.

Paired and interleaved, round by round, on a database holding the seed, the COW state system,
ATOP 5.1 and COW 4.1 (built once, not timed):

- `alliancekb allies 816 --year 1985 --format csv` against `bench/bare_query.py` (python and
  the bare driver answering the same question from the same database; the answers are checked
  to name the same allies and sources), on SQLite and, with --postgres, on PostgreSQL;
- `alliancekb --help` against `python -c pass`.

Each figure is the median wall time of the rounds and the median CPU time (user + system, from
wait4, steadier than wall time on a busy machine). The one-row query's own import time is
broken down by top-level package (`python -X importtime`), which says where start-up goes.

    python bench/yardsticks.py [--data ../shared/data] [--postgres URL] [--rounds 7]

The figures go into bench/RESULTS.md between <!-- yardsticks --> markers; `bench/run.py` runs
this script and `bench/import_export.py` (the throughput yardsticks) after its own figures.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from import_export import Postgres, write_results  # noqa: E402

RESULTS = HERE / "RESULTS.md"
BEGIN, END = "<!-- yardsticks -->", "<!-- /yardsticks -->"
SCRIPT = Path(sys.executable).with_name("alliancekb")
CLI = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "alliancekb"]
"""The console script, as users run it (`python -m alliancekb` never takes the quick path)."""
STATE, YEAR = "816", "1985"


@dataclass
class Run:
    wall: float
    cpu: float
    out: str


def timed(cmd: list[str]) -> Run:
    """One process to its end: wall seconds, its own CPU seconds (wait4) and its stdout."""
    start = dt.datetime.now()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = (dt.datetime.now() - start).total_seconds()
    proc.stdout.close()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return Run(wall, usage.ru_utime + usage.ru_stime, out)


def build(url: str, data: Path) -> None:
    steps = [
        ["db", "upgrade"],
        ["seed"],
        ["import", "cow-states", str(data / "cow" / "states2016.csv")],
        ["import", "atop", str(data / "atop" / "atop5_1m.csv")],
        ["import", "cow", str(data / "cow" / "alliance_v4.1_by_member.csv")],
    ]
    for step in steps:
        subprocess.run([*CLI, "--db", url, *step], check=True, capture_output=True)


def answer(text: str) -> list[tuple[str, str]]:
    """(ccode, sources) per ally, from either CSV (both have those columns)."""
    return [(row["ccode"], row["sources"]) for row in csv.DictReader(io.StringIO(text))]


def pair(ours: list[str], yardstick: list[str], rounds: int, check: bool) -> dict[str, float]:
    mine, theirs = [], []
    for _ in range(rounds):
        mine.append(timed(ours))
        theirs.append(timed(yardstick))
    if check and answer(mine[-1].out) != answer(theirs[-1].out):
        raise SystemExit(f"the answers differ:\n{mine[-1].out}\n---\n{theirs[-1].out}")
    wall = statistics.median(r.wall for r in mine)
    cpu = statistics.median(r.cpu for r in mine)
    base_wall = statistics.median(r.wall for r in theirs)
    base_cpu = statistics.median(r.cpu for r in theirs)
    return {
        "wall": wall,
        "cpu": cpu,
        "base_wall": base_wall,
        "base_cpu": base_cpu,
        "ratio": wall / base_wall,
        "cpu_ratio": cpu / base_cpu if base_cpu else float("nan"),
    }


def import_breakdown(url: str) -> list[tuple[str, float]]:
    """Milliseconds of import time (self) per top-level package for the one-row query."""
    cmd = [sys.executable, "-X", "importtime", "-c", _ENTRY, url, STATE, YEAR]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    totals: Counter[str] = Counter()
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \| (\s*)(\S+)", line)
        if match:
            totals[match.group(3).split(".")[0]] += int(match.group(1)) / 1000
    return totals.most_common(8)


# The CLI's entry point, run under -X importtime in a process that never closes stderr early.
_ENTRY = (
    "import sys; from alliancekb.cli import main; "
    "url, state, year = sys.argv[1:4]; "
    "sys.argv = ['alliancekb', '--db', url, 'allies', state, '--year', year, '--format', 'csv']\n"
    "try:\n    main()\nexcept SystemExit:\n    pass"
)


def versions() -> str:
    found = [f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}"]
    for name in ("sqlalchemy", "typer", "pydantic", "pandas", "duckdb"):
        try:
            module = __import__(name)
            found.append(f"{name} {module.__version__}")
        except ImportError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def section(figures: dict[str, dict[str, float]], breakdown: list[tuple[str, float]]) -> str:
    lines = [
        BEGIN,
        "## Start-up against its yardsticks (issue 14, bench/yardsticks.py)",
        "",
        f"Measured {dt.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores; "
        f"{versions()}. Medians of paired, interleaved rounds; CPU = user + system of the "
        "process (wait4).",
        "",
        "| case | ours: wall s | ours: CPU s | yardstick | yardstick: wall s | yardstick: CPU s "
        "| ratio (wall) | ratio (CPU) | target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, (yardstick, target) in CASES.items():
        if label not in figures:
            continue
        f = figures[label]
        lines.append(
            f"| {label} | {f['wall']:.3f} | {f['cpu']:.3f} | {yardstick} | {f['base_wall']:.3f} "
            f"| {f['base_cpu']:.3f} | {f['ratio']:.1f}x | {f['cpu_ratio']:.1f}x | {target} |"
        )
    lines += [
        "",
        "Import time of the one-row query by top-level package (self time, ms; "
        "`python -X importtime`):",
        "",
        "| package | ms |",
        "|---|---|",
        *(f"| {name} | {ms:.0f} |" for name, ms in breakdown),
        END,
    ]
    return "\n".join(lines) + "\n"


CASES = {
    "`allies 816 --year 1985 --format csv`, SQLite": ("bench/bare_query.py (sqlite3)", "<= 6x"),
    "`allies 816 --year 1985 --format csv`, PostgreSQL": (
        "bench/bare_query.py (psycopg)",
        "<= 6x",
    ),
    "`alliancekb --help`": ("`python -c pass`", "<= 3x"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get(
        "ALLIANCEKB_REFERENCE_DATA", str(HERE.parent.parent / "shared" / "data")
    )
    parser.add_argument("--data", type=Path, default=Path(default))
    parser.add_argument("--postgres", metavar="URL", default=None)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="akb-yardsticks-"))
    urls = {"SQLite": f"sqlite:///{work / 'kb.sqlite'}"}
    pg = Postgres(args.postgres) if args.postgres else None
    names = []
    if pg is not None:
        urls["PostgreSQL"], name = pg.fresh()
        names.append(name)
    figures: dict[str, dict[str, float]] = {}
    try:
        for backend, url in urls.items():
            build(url, args.data)
            ours = [*CLI, "--db", url, "allies", STATE, "--year", YEAR, "--format", "csv"]
            bare = [sys.executable, str(HERE / "bare_query.py"), url, STATE, YEAR]
            label = f"`allies 816 --year 1985 --format csv`, {backend}"
            figures[label] = pair(ours, bare, args.rounds, check=True)
        help_case = pair([*CLI, "--help"], [sys.executable, "-c", "pass"], args.rounds, False)
        figures["`alliancekb --help`"] = help_case
        breakdown = import_breakdown(urls["SQLite"])
    finally:
        if pg is not None:
            for name in names:
                pg.drop(name)
            pg.engine.dispose()
    text = section(figures, breakdown)
    print(text)
    if not args.no_write:
        write_results(text, BEGIN, END)


if __name__ == "__main__":
    main()
