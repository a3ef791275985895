"""Benchmark: the COW universe panel (`export dyad-years --universe cow`) against pandas.

For each world (the real files: states2016, ATOP 5.1, COW 4.1; then `bench/synth.py` at each
scale: its states and ATOP file, no COW file exists there), one database is built (schema,
`import cow-states`, `import atop`, `import cow`: not timed); then each round runs, paired,
the export as one process and `bench/universe_pandas.py` on the same files, and checks that
both CSV files are byte-identical. Wall time, rows per second and each process's own peak
memory (wait4's maxrss); the load average of the machine beside them.

    python bench/universe.py [--data ../shared/data] [--rounds 3] [--scales 1 10]
                             [--synth-years 2014 2016] [--postgres URL] [--profile]

The universe grows with the square of the states: synth's 10x world (2,000 states) over
1816-2016 is ~390 million rows, so the synthetic worlds are exported over `--synth-years`
only. Until the CLI has `--universe`, the export process calls the library in-process
(`--child-export`, the same streaming path the CLI uses); the section says which ran.
`--profile` adds cProfile's top functions of the export on the real files.
Figures go into bench/RESULTS.md between <!-- universe --> markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import pstats
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
BEGIN, END = "<!-- universe -->", "<!-- /universe -->"
CLI = [sys.executable, "-m", "alliancekb"]
PY = sys.executable


@dataclass
class Run:
    seconds: float
    peak_mb: float
    load: float


@dataclass
class World:
    name: str
    states: Path
    atop: Path
    cow: Path | None
    years: tuple[int, int]
    exports: list[Run] = field(default_factory=list)
    pandas: list[Run] = field(default_factory=list)
    rows: int = 0
    identical: bool = True
    differences: str = ""
    n_states: int = 0


def timed(cmd: list[str]) -> Run:
    """Run a process to its end; wall time, its own peak resident memory (wait4), and the
    one-minute load average at its end."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return Run(seconds, usage.ru_maxrss / 1024, os.getloadavg()[0])


def run(cmd: list[str]) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def cli_has_universe() -> bool:
    help_text = run([*CLI, "export", "dyad-years", "--help"])
    return "--universe" in help_text


def sources_of(world: World) -> list[str]:
    return ["atop-5.1", "cow-4.1"] if world.cow else ["atop-5.1"]


def export_cmd(url: str, world: World, out: Path, via_cli: bool) -> list[str]:
    first, last = world.years
    if not via_cli:
        keys = ",".join(sources_of(world))
        return [
            PY,
            str(Path(__file__)),
            "--child-export",
            url,
            str(out),
            keys,
            str(first),
            str(last),
        ]
    cmd = [*CLI, "--db", url, "export", "dyad-years", "--universe", "cow"]
    for key in sources_of(world):
        cmd += ["--source", key]
    return [*cmd, "--directed", "--from", str(first), "--to", str(last), "--out", str(out)]


def pandas_cmd(world: World, out: Path) -> list[str]:
    cow = str(world.cow) if world.cow else "-"
    script = str(HERE / "universe_pandas.py")
    return [PY, script, str(world.states), str(world.atop), cow, str(out), *map(str, world.years)]


def child_export(url: str, out: str, keys: str, first: str, last: str) -> None:
    """The export in one process through the library (what the CLI wires up)."""
    from alliancekb import KnowledgeBase
    from alliancekb.analysis.rules import Period
    from alliancekb.analysis.universe import LeftOut, dyad_columns, universe_dyad_lines
    from alliancekb.database.engine import read_session

    kb = KnowledgeBase.open(url)
    left = LeftOut()
    period = Period.years(int(first), int(last))
    with read_session(kb.engine) as s, open(out, "w", newline="") as f:
        prefixes, batches = universe_dyad_lines(s, "cow", keys.split(","), True, period, left)
        f.write(",".join(dyad_columns(prefixes, False)) + "\n")
        for batch in batches:
            f.writelines(batch)
    print(f"left out: {left.rows}", file=sys.stderr)


def compare(one: Path, other: Path) -> tuple[int, bool, str]:
    """Rows of ONE, whether both files are byte-identical, and the first differing lines.
    Streamed, so the benchmark process stays small (a child's maxrss counts the pages it
    shares with its parent at fork)."""
    rows, same = -1, True
    shown: list[str] = []
    with one.open("rb") as a, other.open("rb") as b:
        for x, y in zip(a, b, strict=False):
            rows += 1
            if x != y:
                same = False
                if len(shown) < 5:
                    shown.append(f"line {rows + 1}: ours {x!r} / pandas {y!r}")
        rest_a, rest_b = a.read(1), b.read(1)
    if rest_a or rest_b:
        same = False
        shown.append("one file is longer: " + ("ours" if rest_a else "pandas"))
        for _ in a:
            rows += 1
    return rows, same, "\n".join(shown)


def build_db(url: str, world: World) -> None:
    run([*CLI, "--db", url, "db", "upgrade"])
    run([*CLI, "--db", url, "import", "cow-states", str(world.states)])
    run([*CLI, "--db", url, "import", "atop", str(world.atop)])
    if world.cow:
        run([*CLI, "--db", url, "import", "cow", str(world.cow)])


def measure(world: World, url: str, rounds: int, work: Path, via_cli: bool) -> None:
    build_db(url, world)
    ours, theirs = work / "ours.csv", work / "pandas.csv"
    for i in range(rounds):
        # Alternate who goes first, so a change in the machine's load hits both alike.
        pair = [
            ("ours", export_cmd(url, world, ours, via_cli)),
            ("pandas", pandas_cmd(world, theirs)),
        ]
        for who, cmd in pair if i % 2 == 0 else pair[::-1]:
            result = timed(cmd)
            (world.exports if who == "ours" else world.pandas).append(result)
            print(
                f"  {world.name} round {i + 1} {who}: {result.seconds:.2f} s, "
                f"{result.peak_mb:.0f} MB, load {result.load:.1f}",
                flush=True,
            )
        world.rows, same, shown = compare(ours, theirs)
        world.identical = world.identical and same
        world.differences = world.differences or shown
    with world.states.open() as f:
        world.n_states = len({line.split(",")[1] for line in list(f)[1:]})
    ours.unlink(missing_ok=True)
    theirs.unlink(missing_ok=True)


def profile(url: str, world: World, work: Path) -> str:
    """cProfile of the in-process export on WORLD: the top functions by own time."""
    stats_file, out = work / "export.prof", work / "profiled.csv"
    cmd = export_cmd(url, world, out, via_cli=False)
    run([PY, "-m", "cProfile", "-o", str(stats_file), *cmd[1:]])
    text = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=text)
    stats.strip_dirs().sort_stats("tottime").print_stats(12)
    out.unlink(missing_ok=True)
    body = text.getvalue()
    return body[body.find("   ncalls") :].rstrip()


def versions() -> str:
    pandas = run([PY, "-c", "import pandas; print(pandas.__version__)"]).strip()
    return f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, pandas {pandas}"


def machine() -> str:
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores{memory}"


def section(
    results: list[tuple[str, World]], via_cli: bool, rounds: int, prof: str, failure: str
) -> str:
    how = (
        "`alliancekb export dyad-years --universe cow --source atop-5.1 [--source cow-4.1] "
        "--directed --from Y1 --to Y2 --out F` as one process"
        if via_cli
        else "the export as one process calling the library in-process (`universe_dyad_lines`, "
        "streamed to the file: the CLI's `--universe` was not on main yet)"
    )
    lines = [
        BEGIN,
        "## The COW universe panel against pandas (issue 17 item 6)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()}; {versions()}. "
        f"Command: `python {' '.join(['bench/universe.py', *sys.argv[1:]])}`. "
        f"Ours: {how}, after the imports (not timed). Pandas: `bench/universe_pandas.py` on the "
        f"same files. {rounds} rounds, paired (who goes first alternates); medians. Peak MB: "
        "each process's own maximum resident set (wait4). Load: the one-minute load average "
        "at the end of each process, min-max over the rounds (2 cores; other agents were "
        "running: figures are slower than on a quiet machine).",
        "",
        "| backend | world | states | years | rows | ours s | ours rows/s | ours peak MB "
        "| pandas s | pandas rows/s | pandas peak MB | pandas / ours | identical | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for backend, w in results:
        ours = statistics.median(r.seconds for r in w.exports)
        theirs = statistics.median(r.seconds for r in w.pandas)
        loads = [r.load for r in w.exports + w.pandas]
        lines.append(
            f"| {backend} | {w.name} | {w.n_states:,} | {w.years[0]}-{w.years[1]} | {w.rows:,} "
            f"| {ours:.2f} | {w.rows / ours:,.0f} | {max(r.peak_mb for r in w.exports):.0f} "
            f"| {theirs:.2f} | {w.rows / theirs:,.0f} | {max(r.peak_mb for r in w.pandas):.0f} "
            f"| {theirs / ours:.1f}x | {'yes' if w.identical else 'NO'} "
            f"| {min(loads):.1f}-{max(loads):.1f} |"
        )
    lines += [
        "",
        "Targets (issue 17): at least 1,000,000 rows/s, faster than pandas, peak memory under "
        "150 MB and flat from 1x to 10x. The real world has ATOP and COW columns; the "
        "synthetic worlds (`bench/synth.py`) ATOP columns only, since synth writes no COW "
        "file, over the years given (the universe grows with the square of the states).",
    ]
    for backend, w in results:
        if not w.identical:
            lines += ["", f"Differences ({backend}, {w.name}):", "", "```", w.differences, "```"]
    if failure:
        lines += [
            "",
            "On PostgreSQL the export with both sources failed (so the table shows ATOP's "
            f"columns only there): `{failure}`.",
        ]
    if prof:
        lines += [
            "",
            "Where the export's time goes (cProfile, in-process, real world, SQLite; "
            "top functions by own time):",
            "",
            "```",
            prof,
            "```",
        ]
    lines.append(END)
    return "\n".join(lines) + "\n"


def write_results(text: str) -> None:
    old = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", re.S)
    new = pattern.sub(lambda _m: text, old) if pattern.search(old) else old.rstrip() + "\n\n" + text
    RESULTS.write_text(new)


def worlds(data: Path, scales: list[int], years: tuple[int, int], work: Path) -> list[World]:
    found = [
        World(
            "real (1x)",
            data / "cow" / "states2016.csv",
            data / "atop" / "atop5_1m.csv",
            data / "cow" / "alliance_v4.1_by_member.csv",
            (1816, 2016),
        )
    ]
    for n in scales:
        folder = work / f"synth{n}"
        run([PY, str(HERE / "synth.py"), str(n), "--out", str(folder)])
        found.append(World(f"synth {n}x", folder / "states.csv", folder / "atop.csv", None, years))
    return found


def main() -> None:
    if len(sys.argv) == 7 and sys.argv[1] == "--child-export":
        child_export(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get(
        "ALLIANCEKB_REFERENCE_DATA", str(HERE.parent.parent / "shared" / "data")
    )
    parser.add_argument("--data", type=Path, default=Path(default))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scales", type=int, nargs="*", default=[1, 10])
    parser.add_argument("--synth-years", type=int, nargs=2, default=[2014, 2016])
    parser.add_argument("--postgres", metavar="URL", default=None)
    parser.add_argument("--profile", action="store_true", help="cProfile the export")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args()
    via_cli = cli_has_universe()
    work = Path(tempfile.mkdtemp(prefix="akb-universe-"))
    years = (args.synth_years[0], args.synth_years[1])
    results: list[tuple[str, World]] = []
    prof = ""
    for i, world in enumerate(worlds(args.data, args.scales, years, work)):
        url = f"sqlite:///{work / f'kb{i}.sqlite'}"
        measure(world, url, args.rounds, work, via_cli)
        results.append(("SQLite", world))
        if args.profile and i == 0:
            prof = profile(url, world, work)
    failure = ""
    if args.postgres:
        found, failure = postgres_runs(args.postgres, args.data, args.rounds, work, via_cli)
        results += found
    text = section(results, via_cli, args.rounds, prof, failure)
    print(text)
    if not args.no_write:
        write_results(text)


def postgres_runs(
    admin_url: str, data: Path, rounds: int, work: Path, via_cli: bool
) -> tuple[list[tuple[str, World]], str]:
    """The real world on PostgreSQL, in databases created and dropped here; if the export
    with both sources fails, the failure is reported and the world is measured with ATOP's
    columns only."""
    sys.path.insert(0, str(HERE))
    from import_export import Postgres

    pg = Postgres(admin_url)
    found: list[tuple[str, World]] = []
    failure = ""
    try:
        for only_atop in (False, True):
            world = worlds(data, [], (1816, 2016), work)[0]
            if only_atop:
                world.name, world.cow = "real (1x), ATOP only", None
            url, name = pg.fresh()
            try:
                measure(world, url, rounds, work, via_cli)
                found.append(("PostgreSQL", world))
                break
            except SystemExit as error:
                failure = str(error).strip().splitlines()[-1]
            finally:
                pg.drop(name)
    finally:
        pg.engine.dispose()
    return found, failure


if __name__ == "__main__":
    main()
