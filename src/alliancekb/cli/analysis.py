"""Analysis commands: the article's thesis against the records, and the timeline picture."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alliancekb.cli.app import (
    FormatOpt,
    StateOpt,
    app,
    emit,
    fail,
    handle_errors,
    open_kb,
    years,
)
from alliancekb.formats import Format

FromOpt = Annotated[int | None, typer.Option("--from", help="First year.", min=1000, max=9999)]
ToOpt = Annotated[int | None, typer.Option("--to", help="Last year.", min=1000, max=9999)]


@app.command()
@handle_errors
def theory(
    ctx: typer.Context,
    state: StateOpt = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="Test against this source's alliances (default: each alignment's own source).",
        ),
    ] = None,
    first: FromOpt = None,
    last: ToOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Test the rule allied <=> shared security AND shared values, year by year.

    Example: alliancekb theory --state Vietnam --source atop-5.1
    """
    from alliancekb.analysis.theory import TABLE_COLUMNS, THEORY_COLUMNS

    years(first, last)
    kb = open_kb(ctx)
    rows, summary = kb.theory(state, source, first, last)
    emit(rows, fmt, columns=list(THEORY_COLUMNS), table_columns=list(TABLE_COLUMNS))
    if fmt is Format.table:
        typer.echo("")
        for line in summary.lines():
            typer.echo(line)


@app.command()
@handle_errors
def timeline(
    ctx: typer.Context,
    state: Annotated[str, typer.Argument(help="A ccode, stateabb, ISO3 or recorded name.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The picture to write: FILE.svg or FILE.png.")
    ],
    first: FromOpt = None,
    last: ToOpt = None,
    sources: Annotated[
        list[str] | None,
        typer.Option("--source", help="Only this source's alliances (repeat for several)."),
    ] = None,
) -> None:
    """Draw STATE's alliances over time: a lane per partner, a bar per source's alliance.

    Example: alliancekb timeline Vietnam --from 1950 --to 2021 --out vietnam.png
    """
    from alliancekb.analysis.timeline import FORMATS, render, require_matplotlib

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise fail(f"--out {out}: the picture must be a .svg or .png file")
    if not out.parent.is_dir():
        raise fail(f"--out {out}: no folder {out.parent}; create it first")
    years(first, last)
    require_matplotlib()
    kb = open_kb(ctx)
    drawn = kb.timeline(state, first, last, sources)
    data = render(drawn, fmt)
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    typer.echo(
        f"wrote the timeline of {drawn.state} ({drawn.first}-{drawn.last}, "
        f"{len(drawn.lanes)} lanes) to {out}",
        err=True,
    )
