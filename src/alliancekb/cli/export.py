"""`export TABLE` (a stored table or a panel) and `dump` (everything, in the seed format)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from alliancekb.cli.common import RawOpt, fail, handle_errors, open_kb, say, years
from alliancekb.formats import TYPED_FORMATS, ExportFormat
from alliancekb.kb import KnowledgeBase

Table = StrEnum(  # type: ignore[misc]
    "Table", [(name, name) for name in (*KnowledgeBase.TABLES, *KnowledgeBase.PANELS)]
)
Universe = StrEnum(  # type: ignore[misc]
    "Universe", [(name, name) for name in KnowledgeBase.UNIVERSES]
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
    sources: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            help="Panels: this source's alliances (with --universe: repeat for columns side by "
            "side; default every source).",
        ),
    ] = None,
    universe: Annotated[
        Universe | None,
        typer.Option(
            "--universe",
            help="Panels: every dyad (state) of this state system, 0 where a source codes no "
            "alliance, empty where it does not speak.",
        ),
    ] = None,
    short_names: Annotated[
        bool,
        typer.Option(
            "--short-names", help="Universe dyad-years: the codebooks' names (atop_neutral)."
        ),
    ] = False,
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
    cite: Annotated[
        bool,
        typer.Option(
            "--cite", help="With --out F.csv: write what to cite beside it, as BibTeX (F.bib)."
        ),
    ] = False,
) -> None:
    """Export a table or a panel as CSV (default), JSON, NDJSON, Parquet or Stata (.dta).

    Parquet and Stata keep types (integer codes and years, dates) and need --out.
    Example: alliancekb export dyad-years --source vu2020 --out vietnam_dyads.csv --cite
    """
    name = str(table)
    if str(fmt) in TYPED_FORMATS and out is None:
        raise fail(f"--format {fmt} writes a binary file: give its name with --out")
    if cite and out is None:
        raise fail("--cite writes the citations beside the export: give --out FILE too")
    if name not in KnowledgeBase.PANELS and (sources or directed or first or last or universe):
        raise fail(f"--source, --universe, --directed, --from and --to are for panels, not {name}")
    years(first, last)
    if universe is not None:
        _universe(
            ctx, name, str(universe), out, str(fmt), sources, directed, first, last, short_names
        )
        if cite and out is not None:
            _cite(ctx, out, name, sources, str(universe))
        return
    if short_names:
        raise fail("--short-names is for the --universe panels")
    if sources and len(sources) > 1:
        raise fail(
            f"--source {sources[1]}: the allied-pairs panel takes one source; "
            "--universe cow puts several side by side"
        )
    source = sources[0] if sources else None
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
        if cite:
            _cite(ctx, out, name, sources, None)


def _cite(
    ctx: typer.Context, out: Path, table: str, sources: list[str] | None, universe: str | None
) -> None:
    """F.bib beside the export F: what the export rests on (`alliancekb cite`)."""
    kb = open_kb(ctx)
    bib = out.with_suffix(".bib")
    kb.write_citations(bib, kb.cite(table, sources, universe, "bibtex"))
    say(f"wrote the citations to {bib}", err=True)


def _universe(
    ctx: typer.Context,
    table: str,
    universe: str,
    out: Path | None,
    fmt: str,
    sources: list[str] | None,
    directed: bool,
    first: int | None,
    last: int | None,
    short_names: bool,
) -> None:
    kb = open_kb(ctx)
    count, left_out = kb.export_universe(
        table,
        universe,
        out if out is not None else sys.stdout,
        fmt,
        sources=sources,
        directed=directed and table == "dyad-years",
        first=first,
        last=last,
        short_names=short_names,
    )
    for source, n in left_out.items():
        say(
            f"note: {n:,} allied dyad-years of {source} are outside the {universe} universe "
            "(a member outside the state system that year, such as a government in exile)",
            err=True,
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
