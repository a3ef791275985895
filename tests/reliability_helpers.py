"""Shared pieces of the reliability tests: measured subprocesses and whole-database snapshots."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliancekb.kb import KnowledgeBase

TABLES = ["sources", "states", "treaties", "alliances", "memberships", "alignments", "events"]
ALLIANCEKB = [sys.executable, "-m", "alliancekb"]


@dataclass
class Measured:
    """A finished `alliancekb` process: its exit code, output, wall time and peak memory."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


WRAPPER = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[2:]).returncode
with open(sys.argv[1], "w") as out:
    out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


def run_measured(url: str, *args: str, timeout: float = 120) -> Measured:
    """Run `alliancekb --db URL ARGS` as a user would, under a small fresh wrapper process whose
    RUSAGE_CHILDREN is the command's own peak RSS (a child forked from pytest itself would
    count pytest's pages too)."""
    with tempfile.TemporaryDirectory() as folder:
        peak = Path(folder) / "peak"
        began = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", WRAPPER, str(peak), *ALLIANCEKB, "--db", url, *args],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        seconds = time.monotonic() - began
        return Measured(
            done.returncode,
            done.stdout.decode("utf-8", "replace"),
            done.stderr.decode("utf-8", "replace"),
            seconds,
            int(peak.read_text()) / 1024,
        )


def start(url: str, *args: str) -> subprocess.Popen[bytes]:
    """Start `alliancekb --db URL ARGS` in the background (output to pipes)."""
    return subprocess.Popen(
        [*ALLIANCEKB, "--db", url, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL: no handler, no cleanup, no rollback from the process itself."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


class Snapshots:
    """Every table as `export` gives it, and the change log, read through one open engine
    (the same code the CLI's `export` and `history` run, without a process per table)."""

    def __init__(self, url: str) -> None:
        self.kb = KnowledgeBase.open(url)

    def __call__(self, history: bool = True) -> dict[str, list[dict[str, Any]]]:
        out = {table: list(self.kb.export(table)) for table in TABLES}
        if history:
            out["history"] = list(self.kb.history())
        return out

    def close(self) -> None:
        self.kb.engine.dispose()


def snapshot(url: str, history: bool = True) -> dict[str, list[dict[str, Any]]]:
    snaps = Snapshots(url)
    try:
        return snaps(history)
    finally:
        snaps.close()
