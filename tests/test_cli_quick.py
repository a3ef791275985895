"""The quick answers (cli/quick.py): `--help` and `--version` without building the Typer app.

They must print exactly what Typer prints, and fall back to Typer wherever they could not be
sure of that. The console script is run as a user runs it (a real process).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alliancekb.cli import app, helptext
from alliancekb.cli.help_texts import TEXTS

SCRIPT = Path(sys.executable).with_name("alliancekb")
HEAVY = ("typer", "pydantic", "sqlalchemy", "click", "alembic")


def _run(
    *args: str, columns: str | None = None
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """The console script under -X importtime: its result and the top-level packages it loaded."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = columns
    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    loaded = {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    done.stderr = "\n".join(
        line for line in done.stderr.splitlines() if not line.startswith("import time:")
    )
    return done, loaded


def _typer(*args: str, columns: str = "80") -> str:
    result = CliRunner().invoke(app, list(args), prog_name="alliancekb", env={"COLUMNS": columns})
    return result.stdout


def test_the_stored_help_is_what_typer_prints_today() -> None:
    """A changed help string, command or Typer version fails here until the module is rewritten
    (`python -m alliancekb.cli.helptext`)."""
    stored = helptext.MODULE.read_text(encoding="utf-8")
    assert stored == helptext.serialized(helptext.render()), (
        "src/alliancekb/cli/help_texts.py is out of date: run python -m alliancekb.cli.helptext"
    )


def test_every_command_has_its_help_stored() -> None:
    import typer

    paths = {" ".join(p) for p in helptext.command_paths(typer.main.get_command(app))}
    assert set(TEXTS) == paths
    assert {"", "allies", "db upgrade", "export", "import atop"} <= paths


@pytest.mark.parametrize("path", [(), ("allies",), ("db",), ("db", "upgrade"), ("import", "atop")])
def test_help_is_answered_without_the_parser(path: tuple[str, ...]) -> None:
    done, loaded = _run(*path, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout == _typer(*path, "--help")
    assert done.stderr == ""
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_version_is_answered_without_the_parser() -> None:
    done, loaded = _run("--version")
    assert (done.returncode, done.stdout) == (0, _typer("--version"))
    assert done.stdout.startswith("alliancekb ")
    assert loaded.isdisjoint(HEAVY)


def test_a_narrow_terminal_gets_typer_s_own_wrapping() -> None:
    done, loaded = _run("allies", "--help", columns="60")
    # Typer's own answer at 60 columns (`python -m` is never answered quickly).
    typer_s = subprocess.run(
        [sys.executable, "-m", "alliancekb", "allies", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "60"},
        check=True,
    ).stdout.replace("python -m alliancekb", "alliancekb")
    assert done.returncode == 0
    assert done.stdout == typer_s
    assert done.stdout != TEXTS["allies"]
    assert "typer" in loaded


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("nosuch", "--help"), 2, "Error: No such command 'nosuch'."),
        (("allies", "Vietnam", "--help"), 0, "Usage: alliancekb allies [OPTIONS] {state}"),
        (("--db", "sqlite:///x.sqlite", "allies", "--help"), 0, "Each ally of STATE once"),
    ],
)
def test_anything_else_goes_to_typer(args: tuple[str, ...], code: int, message: str) -> None:
    done, loaded = _run(*args)
    assert done.returncode == code
    assert message in done.stdout + done.stderr
    assert "typer" in loaded
