"""The load test's processes: writers adding treaties and readers running listings, each through
the CLI (in-process, one command after another) until the deadline.

    python tests/load_worker.py URL WRITERS READERS FOLDER

This process imports the CLI and runs one read (so the CLI's lazy imports are done), then forks
WRITERS + READERS worker processes: each opens its own connections, as a user's command does,
without paying Python's start-up 16 times over on a busy machine. Then it creates FOLDER/ready;
the workers start when the file FOLDER/go appears (it holds the deadline, a time.time()) and
each leaves FOLDER/ROLE-N.json. Exit 0 when every worker did.
"""

from __future__ import annotations

import json
import os
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
    while n == 0 or time.time() < end_at:  # at least one, however late the worker woke
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
    while n == 0 or time.time() < end_at:
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


def work(runner: CliRunner, url: str, role: str, worker: int, folder: Path) -> None:
    go, began = folder / "go", time.monotonic()
    while not go.exists():
        if time.monotonic() - began > 300:
            sys.exit("load worker: no go after 300 s")
        time.sleep(0.01)
    end_at = float(go.read_text(encoding="utf-8"))
    if role == "writer":
        result = writer(runner, url, worker, end_at)
    else:
        result = reader(runner, url, end_at)
    (folder / f"{role}-{worker}.json").write_text(json.dumps(result), encoding="utf-8")


def main() -> None:
    url, writers, readers, where = sys.argv[1:]
    folder = Path(where)
    runner = CliRunner()
    code, _out, err = run(runner, url, *READS[0])
    if code != 0:
        sys.exit(f"load worker: warm-up read failed: exit {code}: {err}")
    children = []
    for role, count in (("writer", int(writers)), ("reader", int(readers))):
        for worker in range(count):
            pid = os.fork()
            if pid == 0:
                status = 1
                try:
                    work(runner, url, role, worker, folder)
                    status = 0
                finally:
                    os._exit(status)
            children.append(pid)
    (folder / "ready").touch()
    failed = [pid for pid in children if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0]
    sys.exit(f"load worker: {len(failed)} workers failed" if failed else 0)


if __name__ == "__main__":
    main()
