"""The `alliancekb` command line: parses, calls the library once, formats, maps errors.

Heavy modules (SQLAlchemy, Alembic) are imported inside the commands, so `--help` is quick.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO, TypeVar

import typer

from alliancekb.output import Format

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


def fail(message: str) -> typer.Exit:
    """One line per problem on stderr, exit code 1."""
    typer.echo(f"error: {message}", err=True)
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
) -> None:
    """A knowledge base of alliances between states, with sources.

    Example: alliancekb allies Vietnam --year 1985
    """
    ctx.obj = {"db": db}


def open_kb(ctx: typer.Context, *, check_schema: bool = True) -> KnowledgeBase:
    from alliancekb.kb import KnowledgeBase

    kb = KnowledgeBase.open(ctx.obj["db"], check_schema=check_schema)
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
    from alliancekb.output import write_rows

    return write_rows(
        rows,
        fmt,
        out or sys.stdout,
        columns=columns,
        table_columns=table_columns,
        raw=raw,
    )


def _notes(
    kb: KnowledgeBase, window: dict[str, Any], source: str | None, kind: str = "alliances"
) -> None:
    for note in kb.coverage_notes(window["year"], window["on"], source, kind):
        typer.echo(f"note: {note}", err=True)


# --- db --------------------------------------------------------------------------------------


@db_app.command("upgrade")
@handle_errors
def db_upgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Migrate the schema up to REVISION (default: the latest)."""
    kb = open_kb(ctx, check_schema=False)
    before, after = kb.upgrade(revision)
    if before == after:
        typer.echo(f"the schema is already at {after}")
    else:
        typer.echo(f"upgraded the schema from {before or 'empty'} to {after}")


@db_app.command("downgrade")
@handle_errors
def db_downgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision ('base' removes all).")],
) -> None:
    """Migrate the schema down to REVISION, e.g. `alliancekb db downgrade base`."""
    kb = open_kb(ctx, check_schema=False)
    before, after = kb.downgrade(revision)
    typer.echo(f"downgraded the schema from {before or 'empty'} to {after or 'empty (base)'}")


@db_app.command("current")
@handle_errors
def db_current(ctx: typer.Context) -> None:
    """Show the schema revision of the database and whether it is the latest."""
    kb = open_kb(ctx, check_schema=False)
    current, head = kb.current()
    if current == head:
        typer.echo(f"{current} (head)")
    else:
        typer.echo(f"{current or 'empty'} (head is {head}: run `alliancekb db upgrade`)")


# --- seed ------------------------------------------------------------------------------------


@app.command()
@handle_errors
def seed(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(help="A seed file (YAML or JSON); default: the bundled Vietnam seed."),
    ] = None,
) -> None:
    """Load a seed file: validated whole, then upserted by key in one transaction.

    Example: alliancekb seed data/seed.yaml
    """
    kb = open_kb(ctx)
    summary = kb.seed(path, command=" ".join(["seed", *([str(path)] if path else [])]))
    name = path or "the bundled seed"
    if summary.nothing_changed:
        typer.echo(f"seeded {name}: nothing changed ({summary.unchanged} records up to date)")
    else:
        typer.echo(
            f"seeded {name}: {summary.added} added, {summary.changed} changed, "
            f"{summary.unchanged} unchanged"
        )


# --- listings --------------------------------------------------------------------------------


@app.command()
@handle_errors
def states(
    ctx: typer.Context,
    year: YearOpt = None,
    on: OnOpt = None,
    state: StateOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """States (in the state system in the year, if given), named as of then.

    Example: alliancekb states --year 1985
    """
    window = _window(year, on)
    kb = open_kb(ctx)
    emit(
        kb.states(window["year"], window["on"], state),
        fmt,
        table_columns=["ccode", "stateabb", "name", "iso3", "system"],
    )


@app.command()
@handle_errors
def alliances(
    ctx: typer.Context,
    year: YearOpt = None,
    on: OnOpt = None,
    state: StateOpt = None,
    source: SourceOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Alliances in force, each source's coding, with their members.

    Example: alliancekb alliances --year 1970 --state VNM --format csv
    """
    window = _window(year, on)
    kb = open_kb(ctx)
    rows = kb.alliances(window["year"], window["on"], state, source)
    _notes(kb, window, source)
    emit(rows, fmt, table_columns=["key", "source", "start", "end", "member_names", "treaty"])


@app.command()
@handle_errors
def allies(
    ctx: typer.Context,
    state: Annotated[str, typer.Argument(help="A ccode, stateabb, ISO3 or recorded name.")],
    year: YearOpt = None,
    on: OnOpt = None,
    source: SourceOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Each ally of STATE once, with every source that codes the pair allied.

    Example: alliancekb allies Vietnam --year 1985
    """
    window = _window(year, on)
    kb = open_kb(ctx)
    rows = kb.allies(state, window["year"], window["on"], source)
    _notes(kb, window, source)
    emit(rows, fmt)


@app.command()
@handle_errors
def treaties(
    ctx: typer.Context,
    year: YearOpt = None,
    on: OnOpt = None,
    state: StateOpt = None,
    source: SourceOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Treaties, with their parties and what they supersede.

    Example: alliancekb treaties --state VNM
    """
    window = _window(year, on)
    kb = open_kb(ctx)
    emit(
        kb.treaties(window["year"], window["on"], state, source),
        fmt,
        table_columns=["key", "signed", "in_force", "ended", "parties", "supersedes", "source"],
    )


@app.command()
@handle_errors
def alignments(
    ctx: typer.Context,
    year: YearOpt = None,
    on: OnOpt = None,
    state: StateOpt = None,
    source: SourceOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Shared ideology and shared security per pair of states and period.

    Example: alliancekb alignments --state Vietnam
    """
    window = _window(year, on)
    kb = open_kb(ctx)
    rows = kb.alignments(window["year"], window["on"], state, source)
    _notes(kb, window, source, "alignments")
    emit(
        rows,
        fmt,
        table_columns=[
            "key",
            "name1",
            "name2",
            "start",
            "end",
            "shared_ideology",
            "shared_security",
            "source",
        ],
    )


@app.command()
@handle_errors
def events(
    ctx: typer.Context,
    year: YearOpt = None,
    on: OnOpt = None,
    state: StateOpt = None,
    source: SourceOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Events (wars, summits, dissolutions) with their participants.

    Example: alliancekb events --state CHN
    """
    window = _window(year, on)
    kb = open_kb(ctx)
    emit(
        kb.events(window["year"], window["on"], state, source),
        fmt,
        table_columns=["key", "title", "start", "end", "participants"],
    )


# --- export ----------------------------------------------------------------------------------


@contextmanager
def _destination(out: Path | None) -> Iterator[TextIO]:
    """stdout, or a file written whole: a temporary file renamed into place at the end."""
    if out is None:
        yield sys.stdout
        return
    if not out.parent.is_dir():
        raise fail(f"--out {out}: no folder {out.parent}; create it first")
    partial = out.with_name(f".{out.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            yield handle
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)


@app.command("export")
@handle_errors
def export_table(
    ctx: typer.Context,
    table: Annotated[Table, typer.Argument(help="What to export.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")
    ] = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.csv,
    source: SourceOpt = None,
    directed: Annotated[
        bool, typer.Option("--directed", help="dyad-years: both directions (A's obligations).")
    ] = False,
    first: Annotated[
        int | None, typer.Option("--from", help="Panels: first year.", min=1000, max=9999)
    ] = None,
    last: Annotated[
        int | None, typer.Option("--to", help="Panels: last year.", min=1000, max=9999)
    ] = None,
    raw: RawOpt = False,
) -> None:
    """Export a table or a panel as CSV (default) or JSON, streamed.

    Example: alliancekb export dyad-years --source vu2020 --out vietnam_dyads.csv
    """
    from alliancekb.panels import DYAD_COLUMNS, STATE_YEAR_COLUMNS

    kb = open_kb(ctx)
    columns: list[str] | None = None
    if table is Table.dyad_years:
        rows = kb.dyad_years(source, directed, first, last)
        columns = list(DYAD_COLUMNS)
    elif table is Table.state_years:
        rows = kb.state_years(source, first, last)
        columns = list(STATE_YEAR_COLUMNS)
    else:
        if source or directed or first or last:
            raise fail(f"--source, --directed, --from and --to are for panels, not {table.value}")
        rows = kb.export(table.value)
    with _destination(out) as handle:
        count = emit(rows, Format(fmt.value), columns=columns, raw=raw, out=handle)
    if out is not None:
        typer.echo(f"wrote {count} rows to {out}", err=True)


def main() -> None:
    app()
