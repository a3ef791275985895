"""`--out` writes only regular files, never the database, whole or not at all (issue 11)."""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from alliancekb import KnowledgeBase
from alliancekb.errors import BadDestination
from conftest import Cli
from records_helpers import write

COMMANDS = [["export", "treaties"], ["export", "dyad-years"], ["dump"]]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial"))


def _database(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
@pytest.mark.parametrize("command", COMMANDS)
def test_out_refuses_the_open_database_and_its_companions(
    tmp_path: Path, sqlite_templates: object, suffix: str, command: list[str]
) -> None:
    cli = Cli(f"sqlite:///{tmp_path / 'kb.sqlite'}")
    assert cli("db", "upgrade").exit_code == 0
    assert cli("seed").exit_code == 0
    database = tmp_path / "kb.sqlite"
    target = database.with_name(database.name + suffix)
    target.touch()
    before = database.read_bytes()
    result = cli(*command, "--out", str(target))
    which = "the open database" if not suffix else f"the {suffix[1:]} file of {database}"
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"error: --out {target}: is {which}: writing it would destroy the database; "
        "give another file name\n",
    )
    assert database.read_bytes() == before
    assert cli("treaties", "-f", "csv").stdout.count("\n") == 4
    assert _leftovers(tmp_path) == []


def test_out_refuses_a_link_to_the_database(tmp_path: Path) -> None:
    database = tmp_path / "kb.sqlite"
    cli = Cli(f"sqlite:///{database}")
    assert cli("db", "upgrade").exit_code == 0
    link = tmp_path / "export.csv"
    link.symlink_to(database)
    result = cli("export", "sources", "--out", str(link))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: --out {link}: is the open database: ")
    assert link.is_symlink()


NOT_REGULAR = "is not a regular file (a device, a pipe or a socket): give a file name"


def _special(tmp_path: Path) -> None:
    """A device node (as /dev/null is; never the real one: a broken build would replace it)
    and a named pipe, in the test's own folder."""
    os.mkfifo(tmp_path / "pipe")
    if os.geteuid() == 0:
        os.mknod(tmp_path / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    else:
        os.mkfifo(tmp_path / "null")


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("{tmp}/null", NOT_REGULAR),
        ("{tmp}/pipe", NOT_REGULAR),
        ("", "is a folder: give a file name"),  # an empty path is the current folder
        ("{tmp}", "is a folder: give a file name"),
        ("/sys/alliancekb.out", "cannot write in /sys: Permission denied"),
    ],
)
@pytest.mark.parametrize("command", COMMANDS)
def test_out_writes_only_a_regular_file_in_a_writable_folder(
    cli: Cli, tmp_path: Path, out: str, message: str, command: list[str]
) -> None:
    _special(tmp_path)
    target = out.format(tmp=tmp_path)
    shown = target or "."
    result = cli(*command, "--out", target)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"error: --out {shown}: {message.format(tmp=tmp_path)}\n",
    )
    assert not (tmp_path / "null").is_file()
    assert not (tmp_path / "pipe").is_file()
    assert _leftovers(tmp_path) == []


def test_timeline_out_is_checked_the_same_way(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "picture.svg"
    folder.mkdir()
    result = cli("timeline", "Vietnam", "--out", str(folder))
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: --out {folder}: is a folder: give a file name\n",
    )


def test_the_library_refuses_the_same_destinations(db_url: str, tmp_path: Path) -> None:
    kb = KnowledgeBase.open(db_url)
    try:
        _special(tmp_path)
        with pytest.raises(BadDestination, match="is not a regular file"):
            kb.export_to("sources", tmp_path / "null")
        with pytest.raises(BadDestination, match="is a folder"):
            kb.dump(tmp_path)
        if kb.database_file is not None:
            with pytest.raises(BadDestination, match="is the open database"):
                kb.dump(kb.database_file)
    finally:
        kb.close()


def _many_sources(tmp_path: Path, count: int) -> Path:
    records = [
        {
            "key": f"source-{n:04d}",
            "title": f"A source of alliance codings, number {n}, " + "x" * 100,
            "citation": f"Author {n} (2020). A long citation of the source. " + "y" * 100,
            "coverage_start": 1900,
        }
        for n in range(count)
    ]
    return write(tmp_path / "sources.yaml", records)


def _limited(max_bytes: int) -> None:
    # Writes past the limit fail with EFBIG, as they would with ENOSPC on a full disk.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))


@pytest.mark.parametrize("command", [["export", "sources"], ["dump"]])
def test_a_failed_write_names_the_path_and_leaves_no_partial_file(
    cli: Cli, tmp_path: Path, command: list[str]
) -> None:
    assert cli("source", "add", "--file", str(_many_sources(tmp_path, 600))).exit_code == 0
    out = tmp_path / "out" / "kb.txt"
    out.parent.mkdir()
    out.write_text("the previous export\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "alliancekb", "--db", cli.url, *command, "--out", str(out)],
        preexec_fn=lambda: _limited(64 * 1024),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: --out {out}: the write failed: File too large; nothing was written\n"
    )
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert _leftovers(out.parent) == []
