"""Benchmark: the world test (`theory --universe cow --flags derived`) against DuckDB.

One database is built from the real files (schema, `import cow-states`, `import atop`, `import
regimes`, `import rivalries`: not timed). Then, paired, `alliancekb theory --universe cow
--source atop-5.1 --flags derived -f json` as one process and `bench/world_duckdb.py` (DuckDB
counting the same cells straight from the same CSV files) as one process; the cells of both
are compared. Beside them, in-process: where the world test's time goes, and what storing the
derived flags as spells would cost instead of computing them when asked.

    python bench/world.py [--data ../shared/data] [--rounds 1] [--postgres URL] [--no-write]

Figures go into bench/RESULTS.md between <!-- world --> markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
BEGIN, END = "<!-- world -->", "<!-- /world -->"
PY = sys.executable
CLI = [PY, "-m", "alliancekb"]
FILES = {
    "cow-states": "cow/states2016.csv",
    "atop": "atop/atop5_1m.csv",
    "regimes": "regime/cw_democracy.csv",
    "rivalries": "rivalry/td_rivalries.csv",
}


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak resident MB (wait4) and stdout of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read().decode()
    err = proc.stderr.read().decode()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return seconds, usage.ru_maxrss / 1024, out


def cells_of(text: str) -> dict[tuple[object, object], tuple[int, int]]:
    rows = (
        json.loads(text)
        if text.lstrip().startswith("[")
        else map(json.loads, text.split("\n")[:-1])
    )
    return {
        (r["shared_security"], r["shared_ideology"]): (r["dyad_years"], r["allied"]) for r in rows
    }


def build(url: str, data: Path) -> None:
    subprocess.run([*CLI, "--db", url, "db", "upgrade"], check=True, capture_output=True)
    for dataset, path in FILES.items():
        subprocess.run(
            [*CLI, "--db", url, "import", dataset, str(data / path)],
            check=True,
            capture_output=True,
        )


def inside(url: str) -> dict[str, float]:
    """In-process: the world test's parts, and the spells storing the flags would need."""
    from alliancekb.analysis import derived, world
    from alliancekb.analysis.universe import common_years, system_source, system_states
    from alliancekb.database.engine import make_engine, read_session

    engine = make_engine(url)
    found: dict[str, float] = {}
    with read_session(engine) as session:
        rule = derived.derivation(session)
        start = time.perf_counter()
        world.world_counts(session, "cow", "atop-5.1", rule)
        found["world test in-process s"] = time.perf_counter() - start
        start = time.perf_counter()
        world.allied_years(session, "atop-5.1", 1816, 2010)
        found["of which allied dyad-years s"] = time.perf_counter() - start
        start = time.perf_counter()
        flags = derived.Flags(session, rule)
        found["of which reading scores and rivalries s"] = time.perf_counter() - start
        # The flags as spells: one row per dyad and run of years with the same two flags.
        start = time.perf_counter()
        states = system_states(session, system_source(session, "cow"))
        codes = sorted(states)
        spells = []
        for i, c1 in enumerate(codes):
            for c2 in codes[i + 1 :]:
                for first, last in common_years(states[c1][1], states[c2][1], 1816, 2010):
                    run: list[object] | None = None
                    for year in range(first, last + 1):
                        pair = (flags.security(c1, c2, year), flags.ideology(c1, c2, year))
                        if run is not None and run[4] == pair and run[3] == year - 1:
                            run[3] = year
                            continue
                        run = [c1, c2, year, year, pair]
                        spells.append(run)
        found["derive spells s"] = time.perf_counter() - start
        found["spells"] = len(spells)
    engine.dispose()
    with tempfile.TemporaryDirectory() as folder:
        db = sqlite3.connect(Path(folder) / "spells.sqlite")
        db.execute("CREATE TABLE spells (c1 INT, c2 INT, first INT, last INT, sec INT, ide INT)")
        start = time.perf_counter()
        db.executemany(
            "INSERT INTO spells VALUES (?, ?, ?, ?, ?, ?)",
            ((s[0], s[1], s[2], s[3], *s[4]) for s in spells),  # type: ignore[misc]
        )
        db.commit()
        found["store spells s"] = time.perf_counter() - start
        start = time.perf_counter()
        found["read spells back"] = len(
            db.execute("SELECT * FROM spells ORDER BY c1, c2, first").fetchall()
        )
        found["read spells s"] = time.perf_counter() - start
        db.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get(
        "ALLIANCEKB_REFERENCE_DATA", str(HERE.parent.parent / "shared" / "data")
    )
    parser.add_argument("--data", type=Path, default=Path(default))
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--postgres", metavar="URL", default=None)
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="akb-world-"))
    urls = [("SQLite", f"sqlite:///{work / 'kb.sqlite'}")]
    pg = None
    if args.postgres:
        sys.path.insert(0, str(HERE))
        from import_export import Postgres

        pg = Postgres(args.postgres)
        urls.append(("PostgreSQL", pg.fresh()[0]))
    duck = [PY, str(HERE / "world_duckdb.py"), *(str(args.data / p) for p in FILES.values())]
    lines = [
        BEGIN,
        "## The world test against DuckDB (issue 15 item 5)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, 2 cores shared with other "
        f"agents (load {os.getloadavg()[0]:.1f} at the start). Command: `python bench/world.py "
        f"{' '.join(sys.argv[1:])}`. Ours: `alliancekb theory --universe cow --source atop-5.1 "
        "--flags derived -f json` as one process, after the imports (not timed); DuckDB: "
        "`bench/world_duckdb.py`, the same cells from the same CSV files. "
        f"{args.rounds} round(s), paired; medians.",
        "",
        "| backend | ours s | ours peak MB | duckdb s | duckdb peak MB | ours / duckdb "
        "| same cells | start-up s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    try:
        for backend, url in urls:
            build(url, args.data)
            ours, theirs, start_up = [], [], []
            same = True
            for _ in range(args.rounds):
                o = timed(
                    [
                        *CLI,
                        "--db",
                        url,
                        "theory",
                        "--universe",
                        "cow",
                        "--source",
                        "atop-5.1",
                        "--flags",
                        "derived",
                        "-f",
                        "json",
                    ]
                )
                d = timed(duck)
                start_up.append(
                    timed([*CLI, "--db", url, "states", "--year", "1816", "-f", "json"])
                )
                ours.append(o)
                theirs.append(d)
                same = same and cells_of(o[2]) == cells_of(d[2])
            o_s = statistics.median(r[0] for r in ours)
            d_s = statistics.median(r[0] for r in theirs)
            lines.append(
                f"| {backend} | {o_s:.2f} | {max(r[1] for r in ours):.0f} | {d_s:.2f} "
                f"| {max(r[1] for r in theirs):.0f} | {o_s / d_s:.2f}x "
                f"| {'yes' if same else 'NO'} "
                f"| {statistics.median(r[0] for r in start_up):.2f} |"
            )
        parts = inside(urls[0][1])
    finally:
        if pg is not None:
            pg.drop(urls[1][1].rsplit("/", 1)[1])
            pg.engine.dispose()
    lines += [
        "",
        "In-process on SQLite (one run): "
        + "; ".join(
            f"{name} {value:,.2f}" if name.endswith(" s") else f"{name} {value:,.0f}"
            for name, value in parts.items()
        )
        + ". Start-up: `alliancekb states --year 1816 -f json` (23 rows) as one process, the "
        "floor of any command (issue 14 is about it). Computing the flags when asked costs "
        "the loop over the universe (about a second); "
        "storing them would mean as many spells as above, rewritten on every re-import of "
        "either covariate and for every rule and parameter, and reading them back is no "
        "quicker than deriving them.",
        END,
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        old = RESULTS.read_text()
        pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", re.S)
        new = (
            pattern.sub(lambda _m: text, old)
            if pattern.search(old)
            else old.rstrip() + "\n\n" + text
        )
        RESULTS.write_text(new)


if __name__ == "__main__":
    main()
