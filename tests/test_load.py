"""Load: 8 writer and 8 reader processes at once on each database. No write is lost, no user
sees an error, and every acknowledged write is in the database.

The default run loads for 5 seconds; with `--slow` (and always in CI) for 30 seconds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import IN_CI, Cli
from records_helpers import exported, history

WRITERS = 8
READERS = 8
WORKER = Path(__file__).parent / "load_worker.py"


@pytest.fixture
def seconds(request: pytest.FixtureRequest) -> float:
    return 30.0 if IN_CI or request.config.getoption("--slow") else 5.0


def test_eight_writers_and_eight_readers(
    cli: Cli, backend: str, tmp_path: Path, seconds: float
) -> None:
    launcher = subprocess.Popen(
        [sys.executable, str(WORKER), cli.url, str(WRITERS), str(READERS), str(tmp_path)]
    )
    try:
        began = time.monotonic()
        while not (tmp_path / "ready").exists():  # every worker forked, the CLI's imports done
            assert launcher.poll() is None, "the load workers did not start"
            assert time.monotonic() - began < 120, "the load workers did not start in 120 s"
            time.sleep(0.05)
        go = tmp_path / "go.tmp"
        go.write_text(str(time.time() + seconds), encoding="utf-8")
        os.replace(go, tmp_path / "go")  # whole, at once: no worker reads half a deadline
        assert launcher.wait(timeout=seconds + 300) == 0
    finally:
        if launcher.poll() is None:  # a failure above: let the workers go and stop
            (tmp_path / "go").write_text(str(time.time()), encoding="utf-8")
            launcher.wait(timeout=300)
    paths = [tmp_path / f"writer-{n}.json" for n in range(WRITERS)]
    paths += [tmp_path / f"reader-{n}.json" for n in range(READERS)]
    results = [json.loads(path.read_text()) for path in paths]
    writers, readers = results[:WRITERS], results[WRITERS:]
    errors = [e for r in results for e in r["errors"]]
    acknowledged = {key for w in writers for key in w["acknowledged"]}
    stored = {key for key in exported(cli, "treaties") if key.startswith("load-")}
    logged = [row for row in history(cli, "--type", "treaty") if row["record_key"] in stored]
    writes = sum(w["writes"] for w in writers)
    reads = sum(r["reads"] for r in readers)
    print(
        f"\nload {backend}: {WRITERS} writers, {READERS} readers, {seconds:.0f} s: "
        f"{writes} writes, {len(acknowledged)} acknowledged, {len(stored)} stored, "
        f"{len(logged)} logged, {reads} reads, {len(errors)} errors"
    )
    assert errors == []
    assert stored == acknowledged  # nothing lost, nothing written unacknowledged
    assert len(acknowledged) == writes
    assert sorted(row["record_key"] for row in logged) == sorted(stored)
    assert all(w["writes"] > 0 for w in writers) and all(r["reads"] > 0 for r in readers)
