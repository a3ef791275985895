"""One worker process of the load test: a writer adding treaties or a reader running listings,
each through the CLI (in-process, one command after another) until the deadline.

    python tests/load_worker.py writer|reader URL WORKER START_AT END_AT OUT.json
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from alliancekb.cli import app

READS = [
    ["allies", "VNM", "--year", "1985", "-f", "csv"],
    ["alliances", "--year", "1980", "-f", "csv"],
    ["treaties", "--state", "VNM", "-f", "csv"],
]


def run(runner: CliRunner, url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", url, *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        return 99, result.stdout, f"exception: {result.exception!r}"
    return result.exit_code, result.stdout, result.stderr


def writer(runner: CliRunner, url: str, worker: int, end_at: float) -> dict[str, Any]:
    acknowledged, errors = [], []
    folder = Path(tempfile.mkdtemp())
    n = 0
    while time.time() < end_at:
        key = f"load-w{worker}-{n}"
        path = folder / f"{key}.json"
        record = {"key": key, "title": f"Load {key}", "parties": ["VNM"], "source": "vietnam-case"}
        path.write_text(json.dumps(record), encoding="utf-8")
        code, out, err = run(runner, url, "treaty", "add", "--file", str(path))
        if code == 0 and out == f"added treaty '{key}'\n1 added, 0 changed, 0 unchanged\n":
            acknowledged.append(key)
        else:
            errors.append(f"{key}: exit {code}: {err.strip()}")
        n += 1
    return {"writes": n, "acknowledged": acknowledged, "errors": errors}


def reader(runner: CliRunner, url: str, end_at: float) -> dict[str, Any]:
    errors, seen, n = [], 0, 0
    while time.time() < end_at:
        code, _out, err = run(runner, url, *READS[n % len(READS)])
        if code != 0 or err:
            errors.append(f"{READS[n % len(READS)][0]}: exit {code}: {err.strip()}")
        n += 1
        code, out, err = run(runner, url, "export", "treaties", "--format", "json")
        count = (
            sum(1 for row in json.loads(out) if row["key"].startswith("load-")) if not code else 0
        )
        if code != 0 or err:
            errors.append(f"export: exit {code}: {err.strip()}")
        elif count < seen:  # a committed write never disappears from a later read
            errors.append(f"export: {count} load treaties after {seen}")
        seen = max(seen, count)
        n += 1
    return {"reads": n, "errors": errors}


def main() -> None:
    role, url, worker, start_at, end_at, out = sys.argv[1:]
    runner = CliRunner()
    while time.time() < float(start_at):
        time.sleep(0.01)
    if role == "writer":
        result = writer(runner, url, int(worker), float(end_at))
    else:
        result = reader(runner, url, float(end_at))
    Path(out).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
