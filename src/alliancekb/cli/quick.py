"""Answers that need no option parser: `--help` of any command, and `--version`.

Building the Typer app (Typer, its Pydantic adapters, every command module) costs several
times Python's own start-up; a `--help` text is a fixed function of the code. So each
command's help, as Typer prints it on a terminal of 80 columns or more (click wraps at 78
then, whatever the width), is rendered once by `helptext.py` into the generated module
`help_texts.py` (a dict literal: loading its bytecode is quicker than parsing JSON, whose
decoder imports `re`), and `tests/test_cli_quick.py` fails the moment that module and Typer's
own rendering differ. Anything else, or anything unusual (a narrower terminal, Typer's environment
switches, `python -m alliancekb`, an option before the command), goes to the Typer app.

This module imports only the standard library: it runs before anything else is loaded.
"""

from __future__ import annotations

import os
import sys

PROG = "alliancekb"
WIDTH = 80
"""The terminal width from which click's help no longer changes (it wraps at 78)."""
SWITCHES = ("TYPER_USE_RICH", "TERMINAL_WIDTH", "_TYPER_FORCE_DISABLE_TERMINAL", "COLUMNS")


def _wide_enough() -> bool:
    columns = os.environ.get("COLUMNS")
    if columns is not None:
        return columns.isdigit() and int(columns) >= WIDTH
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns >= WIDTH  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return True  # not a terminal: click's fallback width is 80


def _usual_environment() -> bool:
    return not any(name in os.environ for name in SWITCHES if name != "COLUMNS") and not any(
        name.startswith("_ALLIANCEKB_COMPLETE") for name in os.environ
    )


def answer(argv: list[str], prog: str) -> str | None:
    """The text to print for ARGV when no parser is needed, else None."""
    if os.path.basename(prog) != PROG or not _usual_environment():
        return None
    if argv == ["--version"]:
        import alliancekb

        return f"{PROG} {alliancekb.__version__}\n"
    if not argv or argv[-1] != "--help" or any(a.startswith("-") for a in argv[:-1]):
        return None
    if not _wide_enough():
        return None
    from alliancekb.cli.help_texts import TEXTS

    return TEXTS.get(" ".join(argv[:-1]))


def run(argv: list[str], prog: str) -> bool:
    """Print the quick answer for ARGV and say so; False: the Typer app must answer."""
    text = answer(argv, prog)
    if text is None:
        return False
    sys.stdout.write(text)
    sys.stdout.flush()
    return True
