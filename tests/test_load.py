"""Load: 8 writer and 8 reader processes for 30 seconds on each database. No write is lost,
no user sees an error, and every acknowledged write is in the database."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Cli
from records_helpers import exported, history

WRITERS = 8
READERS = 8
SECONDS = 30.0
WORKER = Path(__file__).parent / "load_worker.py"


@pytest.mark.slow
def test_eight_writers_and_eight_readers_for_thirty_seconds(
    cli: Cli, backend: str, tmp_path: Path
) -> None:
    start_at = time.time() + 10  # every process started and imported before the clock runs
    end_at = start_at + SECONDS
    procs = []
    for role, count in (("writer", WRITERS), ("reader", READERS)):
        for worker in range(count):
            out = tmp_path / f"{role}-{worker}.json"
            args = [role, cli.url, str(worker), str(start_at), str(end_at), str(out)]
            procs.append((out, subprocess.Popen([sys.executable, str(WORKER), *args])))
    for _out, proc in procs:
        assert proc.wait(timeout=SECONDS + 300) == 0
    results = [json.loads(out.read_text()) for out, _ in procs]
    writers, readers = results[:WRITERS], results[WRITERS:]
    errors = [e for r in results for e in r["errors"]]
    acknowledged = {key for w in writers for key in w["acknowledged"]}
    stored = {key for key in exported(cli, "treaties") if key.startswith("load-")}
    logged = [row for row in history(cli, "--type", "treaty") if row["record_key"] in stored]
    writes = sum(w["writes"] for w in writers)
    reads = sum(r["reads"] for r in readers)
    print(
        f"\nload {backend}: {WRITERS} writers, {READERS} readers, {SECONDS:.0f} s: "
        f"{writes} writes, {len(acknowledged)} acknowledged, {len(stored)} stored, "
        f"{len(logged)} logged, {reads} reads, {len(errors)} errors"
    )
    assert errors == []
    assert stored == acknowledged  # nothing lost, nothing written unacknowledged
    assert len(acknowledged) == writes
    assert sorted(row["record_key"] for row in logged) == sorted(stored)
    assert all(w["writes"] > 0 for w in writers) and all(r["reads"] > 0 for r in readers)
