"""Core commands: db, seed, the listings and export."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TextIO

import typer

from alliancekb.cli.app import (
    ExportFormat,
    FormatOpt,
    OnOpt,
    RawOpt,
    SourceOpt,
    StateOpt,
    Table,
    YearOpt,
    _notes,
    _window,
    app,
    db_app,
    emit,
    fail,
    handle_errors,
    open_kb,
    years,
)
from alliancekb.formats import Format, obligations_text

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
    raw: RawOpt = False,
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
        raw=raw,
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
    raw: RawOpt = False,
) -> None:
    """Alliances in force, each source's coding, with their members.

    Example: alliancekb alliances --year 1970 --state VNM --format csv
    """
    window = _window(year, on)
    kb = open_kb(ctx)
    rows = kb.alliances(window["year"], window["on"], state, source)
    _notes(kb, window, source, state=state)
    columns = ["key", "source", "start", "end", "member_names", "treaty"]
    emit(rows, fmt, table_columns=columns, raw=raw)


@app.command()
@handle_errors
def allies(
    ctx: typer.Context,
    state: Annotated[str, typer.Argument(help="A ccode, stateabb, ISO3 or recorded name.")],
    year: YearOpt = None,
    on: OnOpt = None,
    source: SourceOpt = None,
    fmt: FormatOpt = Format.table,
    raw: RawOpt = False,
) -> None:
    """Each ally of STATE once, with every source that codes the pair allied.

    Example: alliancekb allies Vietnam --year 1985
    """
    window = _window(year, on)
    kb = open_kb(ctx)
    rows = kb.allies(state, window["year"], window["on"], source)
    _notes(kb, window, source, state=state)
    if fmt in (Format.table, Format.csv):
        rows = (
            {**row, "obligations": [obligations_text(o) for o in row["obligations"]]}
            for row in rows
        )
    emit(rows, fmt, raw=raw)


@app.command()
@handle_errors
def treaties(
    ctx: typer.Context,
    year: YearOpt = None,
    on: OnOpt = None,
    state: StateOpt = None,
    source: SourceOpt = None,
    fmt: FormatOpt = Format.table,
    raw: RawOpt = False,
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
        raw=raw,
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
    raw: RawOpt = False,
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
        raw=raw,
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
    raw: RawOpt = False,
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
        raw=raw,
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
    from alliancekb.analysis.panels import DYAD_COLUMNS, STATE_YEAR_COLUMNS
    from alliancekb.formats import write_batches, write_csv_lines

    years(first, last)
    kb = open_kb(ctx)
    if table is Table.dyad_years:
        # The fast path: tuples straight from the panel to the CSV writer.
        as_csv = fmt is ExportFormat.csv
        batches = kb.dyad_year_batches(source, directed, first, last, csv_lines=as_csv)
        with _destination(out) as handle:
            if as_csv:
                count = write_csv_lines(batches, DYAD_COLUMNS, handle)
            else:
                count = write_batches(batches, DYAD_COLUMNS, Format(fmt.value), handle)
    else:
        columns: list[str] | None = None
        if table is Table.state_years:
            rows = kb.state_years(source, first, last)
            columns = list(STATE_YEAR_COLUMNS)
        elif source or directed or first or last:
            raise fail(f"--source, --directed, --from and --to are for panels, not {table.value}")
        else:
            rows = kb.export(table.value)
        with _destination(out) as handle:
            count = emit(rows, Format(fmt.value), columns=columns, raw=raw, out=handle)
    if out is not None:
        typer.echo(f"wrote {count} rows to {out}", err=True)
