"""Performance at world scale: import, year queries, dyad-year export and start-up, at N=1, 10, 100.

    python bench/run.py                                   # SQLite, N = 1 10 100, 3 repeats
    python bench/run.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/run.py --scales 1 10 --repeat 5

Writes its figures between the `scale` markers of bench/RESULTS.md and prints them. Each
figure is the median of the repeated runs; every CLI figure is a real `alliancekb` process.
See bench/README.md for what each figure means and the targets.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

CLI = [sys.executable, "-m", "alliancekb"]


# --- measuring processes ---------------------------------------------------------------------


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall seconds and stdout of one process, which must succeed."""
    start = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr}")
    return elapsed, done.stdout


# A fresh wrapper process has one child, so its RUSAGE_CHILDREN peak is that child's own.
_PEAK = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
)


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and the process's own peak RSS in MB."""
    elapsed, stdout = run([sys.executable, "-c", _PEAK, *command], env)
    return elapsed, int(stdout.split()[-1]) / 1024


def median(values: list[float]) -> float:
    return statistics.median(values)


# --- databases -------------------------------------------------------------------------------


class Backend:
    def __init__(self, name: str, admin_url: str | None = None) -> None:
        self.name = name
        self.admin_url = admin_url
        self.created: list[str] = []

    @contextmanager
    def fresh(self, label: str) -> Iterator[str]:
        """A new empty database URL, dropped afterwards."""
        if self.name == "sqlite":
            path = OUT / f"{label}-{uuid.uuid4().hex[:8]}.sqlite"
            try:
                yield f"sqlite:///{path}"
            finally:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            return
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        assert self.admin_url is not None
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        name = f"akb_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        try:
            yield make_url(self.admin_url).set(database=name).render_as_string(False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()


def prepare(url: str, folder: Path) -> None:
    """Schema and the synthetic state system."""
    run([*CLI, "--db", url, "db", "upgrade"])
    run([*CLI, "--db", url, "import", "cow-states", str(folder / "states.csv")])


# --- the baseline: the driver's bulk insert alone ---------------------------------------------


def bulk_rows(folder: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The alliances and memberships of the synthetic file, as plain rows (parsed beforehand)."""
    alliances: dict[str, dict[str, Any]] = {}
    members: list[dict[str, Any]] = []
    with (folder / "atop.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            start = f"{int(row['yrent']):04d}-{int(row['moent']):02d}-{int(row['dayent'] or 1):02d}"
            ongoing = row["yrexit"] == "0"
            end = (
                None
                if ongoing
                else f"{int(row['yrexit']):04d}-{int(row['moexit']):02d}-"
                f"{int(row['dayexit'] or 28):02d}"
            )
            alliance = alliances.setdefault(
                row["atopid"],
                {"key": f"bulk-{row['atopid']}", "external_id": row["atopid"], "start": start},
            )
            alliance["start"] = min(alliance["start"], start)
            members.append(
                {
                    "atopid": row["atopid"],
                    "ccode": int(row["member"]),
                    "phase": int(row["phase"]),
                    "start": start,
                    "end": end,
                    **{k: row[k] == "1" for k in ("defense", "offense", "neutral", "nonagg")},
                    "consultation": row["consul"] == "1",
                }
            )
    return list(alliances.values()), members


def bulk_insert(url: str, folder: Path) -> tuple[float, int]:
    """Seconds to insert the same alliances and memberships with executemany alone."""
    from sqlalchemy import create_engine, text

    alliances, members = bulk_rows(folder)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sources (key, title, citation, coverage_start, coverage_end) "
                "VALUES ('bulk', 'bulk', 'bulk', 1815, 2018)"
            )
        )
        source = conn.execute(text("SELECT id FROM sources WHERE key = 'bulk'")).scalar_one()
        states = {ccode: i for ccode, i in conn.execute(text("SELECT ccode, id FROM states"))}
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        mark = "?" if engine.dialect.name == "sqlite" else "%s"
        start = time.perf_counter()
        cursor.executemany(
            "INSERT INTO alliances (key, source_id, external_id, formal, start, start_day) "
            f"VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, {mark})",
            [(a["key"], source, a["external_id"], True, a["start"], a["start"]) for a in alliances],
        )
        cursor.execute("SELECT external_id, id FROM alliances WHERE source_id = " + str(source))
        ids = dict(cursor.fetchall())
        cursor.executemany(
            'INSERT INTO memberships (alliance_id, state_id, phase, start, "end", start_day, '
            "end_day, defense, offense, neutrality, nonaggression, consultation) VALUES "
            f"({', '.join([mark] * 12)})",
            [
                (
                    ids[m["atopid"]],
                    states[m["ccode"]],
                    m["phase"],
                    m["start"],
                    m["end"],
                    m["start"],
                    m["end"],
                    m["defense"],
                    m["offense"],
                    m["neutral"],
                    m["nonagg"],
                    m["consultation"],
                )
                for m in members
            ],
        )
        raw.commit()
        return time.perf_counter() - start, len(members)
    finally:
        raw.close()
        engine.dispose()


def import_in_process(url: str, folder: Path) -> float:
    """Seconds of the import itself (read, check, write), without the process's start-up."""
    from alliancekb.kb import KnowledgeBase

    kb = KnowledgeBase.open(url)
    start = time.perf_counter()
    kb.import_file("atop", folder / "atop.csv")
    elapsed = time.perf_counter() - start
    kb.engine.dispose()
    return elapsed


# --- in-process query latency ------------------------------------------------------------------


def latencies(url: str, n: int, samples: int) -> dict[str, Any]:
    """p50/p95 of `alliances --year Y` and `allies STATE --year Y`, in-process; beside them the
    p50 of the same SELECT statements run by the driver alone (the floor of any Python layer);
    and the query plan of each command's main statement."""
    from sqlalchemy import event

    from alliancekb.kb import KnowledgeBase

    kb = KnowledgeBase.open(url)
    rng = random.Random(n)
    ccodes = [s[0] for s in synth.states(n)]
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    raw = kb.engine.raw_connection()
    driver = raw.driver_connection
    assert driver is not None

    def sql_alone() -> float:
        """Milliseconds for the driver to run and fetch the statements just captured."""
        start = time.perf_counter()
        for statement, parameters in statements:
            cursor = driver.cursor()
            cursor.execute(statement, parameters)
            cursor.fetchall()
            cursor.close()
        elapsed = (time.perf_counter() - start) * 1000
        driver.rollback()
        return elapsed

    results: dict[str, Any] = {}
    plans: dict[str, list[str]] = {}
    event.listen(kb.engine, "before_cursor_execute", capture)
    for label, marker, call in (
        (
            "alliances --year Y",
            "FROM alliances",
            lambda: list(kb.alliances(year=rng.randint(1816, 2018))),
        ),
        (
            "allies STATE --year Y",
            "memberships",
            lambda: list(kb.allies(str(rng.choice(ccodes)), year=rng.randint(1900, 2018))),
        ),
    ):
        call()  # warm the caches, as a notebook would be
        times, floors = [], []
        for _ in range(samples):
            statements.clear()
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
            floors.append(sql_alone())
        times.sort()
        results[label] = (
            times[len(times) // 2],
            times[int(len(times) * 0.95) - 1],
            statistics.median(floors),
        )
        plans[label] = explain(kb.engine.dialect.name, driver, statements, marker)
    event.remove(kb.engine, "before_cursor_execute", capture)
    raw.close()
    kb.engine.dispose()
    results["plans"] = plans
    return results


def explain(dialect: str, driver: Any, statements: list[tuple[str, Any]], marker: str) -> list[str]:
    """The plan of the first statement that mentions MARKER."""
    statement, parameters = next(s for s in statements if marker in s[0])
    cursor = driver.cursor()
    if dialect == "sqlite":
        cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        plan = [str(row[-1]) for row in cursor.fetchall()]
    else:
        cursor.execute("EXPLAIN " + statement, parameters)
        plan = [str(row[0]) for row in cursor.fetchall()]
    cursor.close()
    driver.rollback()
    return plan


# --- the benchmark -----------------------------------------------------------------------------


def bench_scale(backend: Backend, n: int, repeat: int, samples: int) -> dict[str, Any]:
    folder = OUT / f"n{n}"
    alliances, memberships = synth.write_atop(n, _ensure(folder) / "atop.csv")
    synth.write_states(n, folder / "states.csv")
    figures: dict[str, Any] = {"n": n, "alliances": alliances, "memberships": memberships}
    imports, bulks, exports, bares, inprocess = [], [], [], [], []
    rows = 0
    peak_import = peak_export = peak_bare = 0.0
    for i in range(repeat):
        with backend.fresh(f"n{n}-{i}") as url:
            prepare(url, folder)
            seconds, peak = timed([*CLI, "--db", url, "import", "atop", str(folder / "atop.csv")])
            imports.append(seconds)
            peak_import = max(peak_import, peak)
            if i == 0:
                figures["latency"] = latencies(url, n, samples)
            target = OUT / f"dyads-{n}.csv"
            command = [*CLI, "--db", url, "export", "dyad-years", "--source", "atop-5.1"]
            seconds, peak = timed([*command, "--directed", "--out", str(target)])
            exports.append(seconds)
            peak_export = max(peak_export, peak)
            with target.open() as handle:
                rows = sum(1 for _ in handle) - 1
            if backend.name == "sqlite":
                database = url.removeprefix("sqlite:///")
                bare = [sys.executable, str(HERE / "bare_pipeline.py"), database, "atop-5.1"]
                seconds, peak = timed([*bare, str(OUT / f"bare-{n}.csv")])
                bares.append(seconds)
                peak_bare = max(peak_bare, peak)
                (OUT / f"bare-{n}.csv").unlink()
            target.unlink()
        with backend.fresh(f"bulk{n}-{i}") as url:
            prepare(url, folder)
            bulks.append(bulk_insert(url, folder)[0])
        with backend.fresh(f"inproc{n}-{i}") as url:
            prepare(url, folder)
            inprocess.append(import_in_process(url, folder))
    figures.update(
        import_s=median(imports),
        import_rate=memberships / median(imports),
        inprocess_s=median(inprocess),
        bulk_s=median(bulks),
        bulk_rate=memberships / median(bulks),
        export_s=median(exports),
        export_rows=rows,
        export_rate=rows / median(exports),
        export_peak=peak_export,
        import_peak=peak_import,
    )
    if bares:
        figures.update(bare_s=median(bares), bare_rate=rows / median(bares), bare_peak=peak_bare)
    return figures


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def startup(repeat: int) -> dict[str, float]:
    """Median seconds of `python -c pass`, `alliancekb --help` and a one-row query."""
    home = OUT / "startup-home"
    env = {"XDG_DATA_HOME": str(home)}
    run([*CLI, "states", "--state", "VNM", "--format", "csv"], env)  # creates the default db
    cases: dict[str, list[str]] = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "alliancekb --help": [*CLI, "--help"],
        "alliancekb states --state VNM (one row)": [*CLI, "states", "--state", "VNM"],
    }
    out = {}
    for label, command in cases.items():
        out[label] = median([run(command, env)[0] for _ in range(repeat)])
    shutil.rmtree(home, ignore_errors=True)
    return out


def machine() -> str:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])
        memory = f", {kb / 2**20:.0f} GiB"
    return (
        f"{platform.machine()}, {os.cpu_count()} cores{memory}; Python {platform.python_version()}"
        f", SQLite {sqlite3.sqlite_version}"
    )


def growth(values: dict[int, float]) -> str:
    """How a time grows with N: the factor per tenfold step (10 = linear)."""
    scales = sorted(values)
    steps = [
        f"x{values[b] / values[a]:.1f} from N={a} to N={b}"
        for a, b in itertools.pairwise(scales)
        if values[a] > 0
    ]
    return "; ".join(steps) or "-"


def report(results: dict[str, list[dict[str, Any]]], start: dict[str, float], args: Any) -> str:
    lines = [
        f"Measured {dt.date.today().isoformat()} on {machine()}.",
        f"Command: `python bench/run.py --scales {' '.join(map(str, args.scales))} "
        f"--repeat {args.repeat} --samples {args.samples}"
        + (" --postgres URL" if args.postgres else "")
        + (
            f" --postgres-scales {' '.join(map(str, args.postgres_scales))}"
            if args.postgres_scales
            else ""
        )
        + "`.",
        "Each figure is the median of the repeats; CLI figures are real processes.",
        "",
    ]
    for name, rows in results.items():
        lines += [
            f"### {name}",
            "",
            "| N | alliances | memberships | import process (s) | memberships/s "
            "| import in-process (s) | bulk insert (s) | in-process speed vs bulk "
            "| import peak MB |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for f in rows:
            lines.append(
                f"| {f['n']} | {f['alliances']:,} | {f['memberships']:,} | {f['import_s']:.2f} "
                f"| {f['import_rate']:,.0f} | {f['inprocess_s']:.2f} | {f['bulk_s']:.2f} "
                f"| {f['bulk_s'] / f['inprocess_s']:.2f} | {f['import_peak']:.0f} |"
            )
        lines += [
            "",
            "| N | dyad-years | export (s) | rows/s | peak MB | bare pipeline (s) | bare rows/s "
            "| bare MB | export / bare |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for f in rows:
            bare = (
                f"| {f['bare_s']:.2f} | {f['bare_rate']:,.0f} | {f['bare_peak']:.0f} "
                f"| {f['export_s'] / f['bare_s']:.2f} |"
                if "bare_s" in f
                else "| - | - | - | - |"
            )
            lines.append(
                f"| {f['n']} | {f['export_rows']:,} | {f['export_s']:.2f} "
                f"| {f['export_rate']:,.0f} | {f['export_peak']:.0f} " + bare
            )
        lines += [
            "",
            "| N | query | p50 (ms) | p95 (ms) | its SQL alone, p50 (ms) |",
            "|---|---|---|---|---|",
        ]
        for f in rows:
            for label, value in f["latency"].items():
                if label != "plans":
                    lines.append(
                        f"| {f['n']} | `{label}` | {value[0]:.1f} | {value[1]:.1f} "
                        f"| {value[2]:.1f} |"
                    )
        last = rows[-1]
        for label, plan in last["latency"]["plans"].items():
            lines += ["", f"Query plan of `{label}` at N={last['n']}:", "", "```", *plan, "```"]
        lines += ["", "Cost growth (factor per tenfold N; 10 = linear):", ""]
        for label, key in (("import", "import_s"), ("dyad-year export", "export_s")):
            lines.append(f"- {label}: {growth({f['n']: f[key] for f in rows})}")
        for label in ("alliances --year Y", "allies STATE --year Y"):
            values = {f["n"]: f["latency"][label][0] for f in rows}
            lines.append(f"- `{label}` p50: {growth(values)}")
        lines.append("")
    lines += ["### Start-up", "", "| command | median (s) |", "|---|---|"]
    lines += [f"| `{label}` | {seconds:.3f} |" for label, seconds in start.items()]
    return "\n".join(lines) + "\n"


def write_results(section: str) -> None:
    path = HERE / "RESULTS.md"
    begin, end = "<!-- scale -->", "<!-- /scale -->"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    block = f"{begin}\n## Performance at world scale (bench/run.py)\n\n{section}{end}"
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", type=int, default=200, help="queries per latency figure")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument(
        "--postgres-scales", type=int, nargs="+", help="scales for PostgreSQL (default: --scales)"
    )
    parser.add_argument(
        "--no-yardsticks",
        action="store_true",
        help="skip bench/yardsticks.py and bench/import_export.py (run after the scales)",
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    backends = [Backend("sqlite")]
    if args.postgres:
        backends.append(Backend("postgresql", args.postgres))
    results: dict[str, list[dict[str, Any]]] = {}
    for backend in backends:
        scales = (
            args.postgres_scales
            if backend.name != "sqlite" and args.postgres_scales
            else args.scales
        )
        for n in scales:
            print(f"{backend.name} N={n} ...", flush=True)
            figures = bench_scale(backend, n, args.repeat, args.samples)
            results.setdefault("SQLite" if backend.name == "sqlite" else "PostgreSQL", []).append(
                figures
            )
            print({k: v for k, v in figures.items() if k != "latency"}, flush=True)
    section = report(results, startup(max(5, args.repeat)), args)
    write_results(section)
    print(section)
    if not args.no_yardsticks:
        # Ours against DuckDB, pandas and the bare driver, each in its own paired run.
        extra = ["--postgres", args.postgres] if args.postgres else []
        rounds = str(max(5, args.repeat))
        for script in ("yardsticks.py", "import_export.py"):
            flag = "--rounds"
            subprocess.run([sys.executable, str(HERE / script), flag, rounds, *extra], check=True)


if __name__ == "__main__":
    main()
