"""The CLI's shared pieces: the app, error handling, opening the database, output options.

Heavy modules (SQLAlchemy, Alembic) are imported inside the commands, so `--help` is quick.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TextIO, TypeVar

import typer

from alliancekb.formats import Format

if TYPE_CHECKING:
    from alliancekb.kb import KnowledgeBase

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="alliancekb",
    help="A knowledge base of alliances between states, with sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Create and migrate the database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    ndjson = "ndjson"


class Table(StrEnum):
    states = "states"
    treaties = "treaties"
    alliances = "alliances"
    memberships = "memberships"
    alignments = "alignments"
    events = "events"
    sources = "sources"
    dyad_years = "dyad-years"
    state_years = "state-years"


LINE_BREAKS = str.maketrans({c: repr(c)[1:-1] for c in "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"})
"""Characters other than "\n" that end a line for str.splitlines and many readers: a value
quoted in an error (a state name holding a carriage return, say) shows them escaped."""


def fail(message: str) -> typer.Exit:
    """One line per problem on stderr, exit code 1."""
    lines = (line.translate(LINE_BREAKS) for line in message.split("\n"))
    typer.echo("error: " + "\n".join(lines), err=True)
    return typer.Exit(code=1)


def handle_errors(command: F) -> F:
    """Turn the library's errors into one clear line and exit code 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sqlalchemy.exc import DBAPIError, OperationalError

        from alliancekb.errors import AllianceKBError

        try:
            return command(*args, **kwargs)
        except AllianceKBError as exc:
            raise fail(str(exc)) from None
        except OperationalError as exc:
            raise fail(f"the database failed: {str(exc.orig).strip().splitlines()[0]}") from None
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0]
            raise fail(f"the database refused the write: {reason}") from None
        except BrokenPipeError:
            # A reader such as `head` closed the pipe: stop quietly.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(code=0) from None

    return wrapper  # type: ignore[return-value]


def print_version(value: bool) -> None:
    """`--version`: the package's version, before any command (nothing else is imported)."""
    if value:
        from alliancekb import __version__

        typer.echo(f"alliancekb {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL (sqlite:///PATH or postgresql+psycopg://...); "
            "default: $ALLIANCEKB_DATABASE_URL, else an embedded SQLite file.",
            metavar="URL",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=print_version, is_eager=True
        ),
    ] = False,
) -> None:
    """A knowledge base of alliances between states, with sources.

    Example: alliancekb allies Vietnam --year 1985
    """
    ctx.obj = {"db": db}


def open_kb(ctx: typer.Context, *, check_schema: bool = True) -> KnowledgeBase:
    from alliancekb.kb import KnowledgeBase

    kb = KnowledgeBase.open(ctx.obj["db"], check_schema=check_schema)
    ctx.call_on_close(kb.engine.dispose)
    if kb.created:
        typer.echo(
            f"alliancekb: created the embedded database {kb.url.removeprefix('sqlite:///')} "
            "and loaded the Vietnam seed",
            err=True,
        )
    return kb


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
SourceOpt = Annotated[str | None, typer.Option("--source", help="Only this source's records.")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
RawOpt = Annotated[
    bool, typer.Option("--raw", help="CSV: keep cells that look like formulas as stored.")
]


def _window(year: int | None, on: str | None) -> dict[str, Any]:
    from alliancekb.schemas import ListingOptions

    return ListingOptions.parse(year=year, on=on)


def emit(
    rows: Iterable[dict[str, Any]],
    fmt: Format,
    *,
    table_columns: list[str] | None = None,
    columns: list[str] | None = None,
    raw: bool = False,
    out: TextIO | None = None,
) -> int:
    from alliancekb.formats import write_rows

    return write_rows(
        rows,
        fmt,
        out or sys.stdout,
        columns=columns,
        table_columns=table_columns,
        raw=raw,
    )


def _notes(
    kb: KnowledgeBase,
    window: dict[str, Any],
    source: str | None,
    kind: str = "alliances",
    state: str | None = None,
) -> None:
    for note in kb.coverage_notes(window["year"], window["on"], source, kind, state):
        typer.echo(f"note: {note}", err=True)


def years(first: int | None, last: int | None) -> None:
    """`--from` after `--to` is a usage mistake the CLI names in its own flags."""
    if first is not None and last is not None and first > last:
        raise fail(f"--from {first} is after --to {last}: swap them")
