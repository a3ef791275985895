"""What every command group shares: error handling, opening the knowledge base, output, options.

The CLI reaches the library only through `KnowledgeBase` (and formats, errors and schemas for
parsing options); heavy modules load inside the commands, so `--help` stays quick.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TextIO, TypeVar

import typer

from alliancekb.errors import AllianceKBError, BadDestination, DataWouldBeLost
from alliancekb.formats import Format, printable

if TYPE_CHECKING:
    from alliancekb.kb import KnowledgeBase

F = TypeVar("F", bound=Callable[..., Any])

TABLE = Format("table")


def fail(problem: str | AllianceKBError) -> typer.Exit:
    """The problems on stderr, one line each after `error:`, exit code 1.

    Control characters in them (a terminal escape in a name, a line break in a quoted value)
    are shown escaped, so a value can neither colour the terminal nor start a line of its own.
    """
    lines = problem.problems if isinstance(problem, AllianceKBError) else (problem,)
    typer.echo("error: " + "\n".join(printable(line) for line in lines), err=True)
    return typer.Exit(code=1)


def say(line: str, *, err: bool = False) -> None:
    """One line of prose for people, control characters escaped (tables are `emit`'s)."""
    typer.echo(printable(line), err=err)


def handle_errors(command: F) -> F:
    """Turn the library's errors into one clear line and exit code 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BadDestination as exc:
            raise fail(AllianceKBError.of(f"--out {line}" for line in exc.problems)) from None
        except DataWouldBeLost as exc:
            counts = ", ".join(f"{table} {n}" for table, n in exc.lost.items())
            total = sum(exc.lost.values())
            raise fail(
                f"downgrading to {exc.revision} would drop {total} record"
                f"{'' if total == 1 else 's'} ({counts}): keep a copy with `alliancekb dump "
                "--out kb.yaml`, then run again with --yes to drop them"
            ) from None
        except AllianceKBError as exc:
            raise fail(exc) from None
        except BrokenPipeError:
            # A reader such as `head` closed the pipe: stop quietly.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(code=0) from None

    return wrapper  # type: ignore[return-value]


def open_kb(ctx: typer.Context, *, check_schema: bool = True) -> KnowledgeBase:
    from alliancekb.kb import KnowledgeBase

    kb = KnowledgeBase.open(ctx.obj["db"], check_schema=check_schema)
    ctx.call_on_close(kb.close)
    if kb.created:
        say(
            f"alliancekb: created the embedded database {kb.url.removeprefix('sqlite:///')} "
            "and loaded the Vietnam seed",
            err=True,
        )
    return kb


def emit(
    rows: Iterable[dict[str, Any]],
    fmt: Format,
    *,
    table_columns: list[str] | None = None,
    columns: list[str] | None = None,
    raw: bool = False,
    out: TextIO | None = None,
    wide: bool = False,
) -> int:
    from alliancekb.formats import write_rows

    return write_rows(
        rows,
        fmt,
        out or sys.stdout,
        columns=columns,
        table_columns=table_columns,
        raw=raw,
        wide=wide,
    )


def window(year: int | None, on: str | None) -> dict[str, Any]:
    """`--year` and `--on`, checked: {"year": ..., "on": ...}."""
    from alliancekb.schemas import ListingOptions

    return ListingOptions.parse(year=year, on=on)


def notes(
    kb: KnowledgeBase,
    when: dict[str, Any],
    source: str | None,
    kind: str = "alliances",
    state: str | None = None,
) -> None:
    for note in kb.coverage_notes(when["year"], when["on"], source, kind, state):
        say(f"note: {note}", err=True)


def years(first: int | None, last: int | None) -> None:
    """`--from` after `--to` is a usage mistake the CLI names in its own flags."""
    if first is not None and last is not None and first > last:
        raise fail(f"--from {first} is after --to {last}: swap them")


# --- shared options --------------------------------------------------------------------------

YearOpt = Annotated[
    int | None,
    typer.Option("--year", help="Only what was in force in this year.", min=1000, max=9999),
]
OnOpt = Annotated[
    str | None, typer.Option("--on", help="Only what was in force on this day (YYYY-MM-DD).")
]
StateOpt = Annotated[
    str | None, typer.Option("--state", help="A ccode, stateabb, ISO3 or recorded name.")
]
StateArg = Annotated[str, typer.Argument(help="A ccode, stateabb, ISO3 or recorded name.")]
SourceOpt = Annotated[str | None, typer.Option("--source", help="Only this source's records.")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
RawOpt = Annotated[
    bool, typer.Option("--raw", help="CSV: keep cells that look like formulas as stored.")
]
Obligation = StrEnum(  # type: ignore[misc]
    "Obligation",
    [(o, o) for o in ("defense", "offense", "neutrality", "nonaggression", "consultation")],
)
"""ATOP's obligations, as the memberships table names them (a test holds the two the same)."""
ObligationOpt = Annotated[
    list[Obligation] | None,
    typer.Option(
        "--obligation",
        help="Only alliances carrying this obligation (repeat: any of them).",
        case_sensitive=False,
    ),
]
SearchOpt = Annotated[
    str | None,
    typer.Option("--search", help="Only alliances whose title, key or notes hold these words."),
]


def obligation_names(obligations: list[Obligation] | None) -> list[str] | None:
    return [str(o) for o in obligations] if obligations else None


WideOpt = Annotated[
    bool,
    typer.Option(
        "--wide",
        "--no-truncate",
        help="Table: every cell whole on one line, however wide (default: fit the terminal, "
        "wrapping long cells).",
    ),
]
FromOpt = Annotated[int | None, typer.Option("--from", help="First year.", min=1000, max=9999)]
ToOpt = Annotated[int | None, typer.Option("--to", help="Last year.", min=1000, max=9999)]


def group(help: str) -> typer.Typer:
    """A command group's own app; `cli/main.py` composes them."""
    return typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=None)
