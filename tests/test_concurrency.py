"""Several analysts at once: real processes writing together lose nothing and see no lock error."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import Cli
from records_helpers import exported, history, write

WORKERS = 4


def alliancekb(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alliancekb", "--db", url, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def at_once(jobs: list[list[list[str]]], url: str) -> list[list[subprocess.CompletedProcess[str]]]:
    """Each worker runs its commands one after another; the workers start together."""
    start = threading.Barrier(len(jobs))

    def work(commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
        start.wait()
        return [alliancekb(url, *command) for command in commands]

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(work, jobs))


def treaty(key: str) -> dict[str, object]:
    return {"key": key, "title": f"Treaty {key}", "parties": ["VNM"], "source": "vietnam-case"}


def test_four_processes_adding_ten_treaties_each_leave_all_forty(cli: Cli, tmp_path: Path) -> None:
    files = [
        write(tmp_path / f"w{w}.json", [treaty(f"w{w}-{i}") for i in range(10)])
        for w in range(WORKERS)
    ]
    results = at_once([[["treaty", "add", "--file", str(f)]] for f in files], cli.url)
    for w, [result] in enumerate(results):
        assert (result.returncode, result.stderr) == (0, "")
        assert result.stdout == "".join(f"added treaty 'w{w}-{i}'\n" for i in range(10)) + (
            "10 added, 0 changed, 0 unchanged\n"
        )
    keys = {key for key in exported(cli, "treaties") if key.startswith("w")}
    assert keys == {f"w{w}-{i}" for w in range(WORKERS) for i in range(10)}
    added = [row for row in history(cli, "--type", "treaty") if row["record_key"] in keys]
    assert len(added) == 40
    assert {row["action"] for row in added} == {"added"}


@pytest.mark.slow
def test_four_processes_adding_one_treaty_at_a_time(cli: Cli, tmp_path: Path) -> None:
    """Twenty short write transactions from four processes: every one waits its turn."""
    jobs = [
        [
            [
                "treaty",
                "add",
                "--file",
                str(write(tmp_path / f"w{w}-{i}.yaml", treaty(f"w{w}-{i}"))),
            ]
            for i in range(5)
        ]
        for w in range(WORKERS)
    ]
    results = at_once(jobs, cli.url)
    for w, worker in enumerate(results):
        for i, result in enumerate(worker):
            assert (result.returncode, result.stderr) == (0, "")
            assert result.stdout == f"added treaty 'w{w}-{i}'\n1 added, 0 changed, 0 unchanged\n"
    keys = {key for key in exported(cli, "treaties") if key.startswith("w")}
    assert len(keys) == 20


def test_four_processes_adding_the_same_key_one_wins_the_rest_are_told(
    cli: Cli, tmp_path: Path
) -> None:
    files = [write(tmp_path / f"same-{w}.yaml", treaty("same")) for w in range(WORKERS)]
    results = [
        r for [r] in at_once([[["treaty", "add", "--file", str(f)]] for f in files], cli.url)
    ]
    assert sorted(r.returncode for r in results) == [0, 1, 1, 1]
    for f, result in zip(files, results, strict=True):
        if result.returncode == 1:
            assert result.stderr == (
                f"error: {f}: duplicate key: treaty 'same' already exists; to change it use "
                "--update or `alliancekb treaty amend`\n"
            )
    assert len(history(cli, "same")) == 1


def test_four_processes_amending_one_record_lose_no_correction(cli: Cli, tmp_path: Path) -> None:
    fixes = [
        {"key": "vnm-lao-1977", "notes": "Corrected note."},
        {"key": "vnm-lao-1977", "atopid": 9999},
        {"key": "vnm-lao-1977", "in_force": "1977-11"},
        {"key": "vnm-lao-1977", "renewal_months": 60},
    ]
    files = [write(tmp_path / f"fix-{n}.yaml", fix) for n, fix in enumerate(fixes)]
    results = at_once(
        [[["treaty", "amend", "--file", str(f), "--by", f.stem]] for f in files], cli.url
    )
    assert [(r.returncode, r.stderr) for [r] in results] == [(0, "")] * WORKERS
    stored = exported(cli, "treaties")["vnm-lao-1977"]
    assert (stored["notes"], stored["atopid"], stored["in_force"], stored["renewal_months"]) == (
        "Corrected note.",
        9999,
        "1977-11",
        60,
    )
    changes = history(cli, "vnm-lao-1977")[1:]
    assert sorted(row["by"] for row in changes) == ["fix-0", "fix-1", "fix-2", "fix-3"]
    # Each correction's "before" is the record as the previous one left it: a chain.
    for earlier, later in itertools.pairwise(changes):
        assert later["before"] == earlier["after"]
