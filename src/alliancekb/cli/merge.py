"""`merge PANEL.csv`: the universe's alliance columns added to the researcher's own panel."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from alliancekb.cli.common import handle_errors, open_kb, say

app = typer.Typer()


@app.command()
@handle_errors
def merge(
    ctx: typer.Context,
    panel: Annotated[
        Path,
        typer.Argument(
            help="A dyad-year CSV (ccode1, ccode2, year or gwcode1, gwcode2, year) or a "
            "state-year CSV (ccode, year or gwcode, year).",
            metavar="PANEL.csv",
        ),
    ],
    sources: Annotated[
        list[str] | None,
        typer.Option("--source", help="Add this source's columns (repeat; default every source)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")
    ] = None,
    directed: Annotated[
        bool | None,
        typer.Option(
            "--directed/--undirected",
            help="Read the dyads as directed (A's obligations toward B) or undirected (each "
            "obligation the maximum of both directions); default: undirected unless a row "
            "has ccode1 > ccode2.",
        ),
    ] = None,
    short_names: Annotated[
        bool, typer.Option("--short-names", help="The codebooks' names (atop_neutral).")
    ] = False,
) -> None:
    """Add each source's alliance columns to your own panel, rows, order and cells kept.

    Example: alliancekb merge my_dyads.csv --source atop-5.1 --out my_dyads_atop.csv
    """
    kb = open_kb(ctx)
    shape = kb.read_panel(panel, directed)
    summary = kb.merge_panel(shape, out if out is not None else sys.stdout, sources, short_names)
    reading = "" if shape.kind == "state" else (" directed" if shape.directed else " undirected")
    if summary.unknown:
        noun, why = (
            ("dyad-years", "a pair not both in the system that year")
            if shape.kind == "dyad"
            else ("state-years", "a state outside the system that year")
        )
        rows = f"{summary.unknown:,} row{'' if summary.unknown == 1 else 's'}"
        say(
            f"note: {rows} of {panel} are not {noun} of the {shape.universe} universe "
            f"({why}, or an unknown code): their columns are empty",
            err=True,
        )
    if out is not None:
        say(f"wrote {summary.rows} rows{reading} to {out}", err=True)
