"""`export TABLE` (a stored table or a panel) and `dump` (everything, in the seed format)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from alliancekb.cli.common import RawOpt, SourceOpt, fail, handle_errors, open_kb, say, years
from alliancekb.formats import ExportFormat
from alliancekb.kb import KnowledgeBase

Table = StrEnum(  # type: ignore[misc]
    "Table", [(name, name) for name in (*KnowledgeBase.TABLES, *KnowledgeBase.PANELS)]
)
DumpFormat = StrEnum(  # type: ignore[misc]
    "DumpFormat", [(name, name) for name in KnowledgeBase.DUMP_FORMATS]
)
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")]

app = typer.Typer()


@app.command("export")
@handle_errors
def export_table(
    ctx: typer.Context,
    table: Annotated[Table, typer.Argument(help="What to export.")],
    out: OutOpt = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat("csv"),
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
    name = str(table)
    if name not in KnowledgeBase.PANELS and (source or directed or first or last):
        raise fail(f"--source, --directed, --from and --to are for panels, not {name}")
    years(first, last)
    kb = open_kb(ctx)
    count = kb.export_to(
        name,
        out if out is not None else sys.stdout,
        str(fmt),
        source=source,
        directed=directed and name == "dyad-years",  # state-years has no direction
        first=first,
        last=last,
        raw=raw,
    )
    if out is not None:
        say(f"wrote {count} rows to {out}", err=True)


@app.command()
@handle_errors
def dump(
    ctx: typer.Context,
    out: OutOpt = None,
    fmt: Annotated[
        DumpFormat | None,
        typer.Option("--format", "-f", help="Default: from the --out suffix, else yaml."),
    ] = None,
) -> None:
    """Write the whole knowledge base in the seed format; `seed` reads it back unchanged.

    Example: alliancekb dump --out kb.yaml
    """
    chosen = str(fmt) if fmt else "json" if out and out.suffix.lower() == ".json" else "yaml"
    kb = open_kb(ctx)
    counts = kb.dump(out if out is not None else sys.stdout, chosen)
    if out is not None:
        summary = ", ".join(f"{n} {section}" for section, n in counts.items() if n)
        say(f"wrote {sum(counts.values())} records to {out} ({summary})", err=True)
