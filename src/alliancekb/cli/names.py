"""Reading aids: `search TEXT`, `alliance show KEY`, `cite`."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from alliancekb.cli.common import (
    TABLE,
    FormatOpt,
    Obligation,
    OnOpt,
    RawOpt,
    SourceOpt,
    WideOpt,
    YearOpt,
    emit,
    handle_errors,
    open_kb,
    say,
    window,
)
from alliancekb.cli.export import Table, Universe
from alliancekb.formats import describe_obligations
from alliancekb.kb import KnowledgeBase

OBLIGATION_NAMES = [str(o) for o in Obligation]

app = typer.Typer()

SEARCH_COLUMNS = ["rank", "kind", "key", "source", "title", "start", "end"]


@app.command()
@handle_errors
def search(
    ctx: typer.Context,
    text: Annotated[
        str, typer.Argument(help="Words of a name, title, key or note.", metavar="TEXT")
    ],
    source: SourceOpt = None,
    fmt: FormatOpt = TABLE,
    raw: RawOpt = False,
    wide: WideOpt = False,
) -> None:
    """Alliances and treaties by name, title, key or notes, best match first.

    Every word must be found; the last may be the start of a word.

    Example: alliancekb search 'North Atlantic'
    """
    kb = open_kb(ctx)
    emit(kb.search(text, source), fmt, table_columns=SEARCH_COLUMNS, raw=raw, wide=wide)


MEMBER_COLUMNS = ["ccode", "stateabb", "name", "phase", "start", "end", "obligations"]


def _span(start: str | None, end: str | None) -> str:
    return f"{start or '?'} to {end}" if end else f"{start or '?'}, ongoing"


def show_alliance(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The alliance's key (atop-5.1-3180).", metavar="KEY")],
    year: YearOpt = None,
    on: OnOpt = None,
    fmt: FormatOpt = TABLE,
    raw: RawOpt = False,
    wide: WideOpt = False,
) -> None:
    """One alliance whole: source, treaty, dates, phases, each member's own dates and
    obligations, the same alliance in other sources, and its citation.

    --format json gives it as one object; csv and ndjson give its members.

    Example: alliancekb alliance show atop-5.1-3180 --year 1990
    """
    when = window(year, on)
    kb = open_kb(ctx)
    found = kb.alliance(key, when["year"], when["on"])
    members = [
        {**m, "obligations": describe_obligations({o: m[o] for o in OBLIGATION_NAMES})}
        for m in found["members"]
    ]
    if fmt == "json":
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if fmt != "table":
        emit(members if fmt == "csv" else found["members"], fmt, raw=raw, wide=wide)
        return
    treaty = found["treaty"]
    lines = [
        f"{found['key']}: {found['title'] or '(no title)'}",
        f"source: {found['source']} ({found['source_title']}), id {found['external_id'] or '-'}",
        f"dates: {_span(found['start'], found['end'])}"
        + ("" if found["formal"] else " (informal: no treaty of alliance)"),
        "treaty: "
        + (
            f"{treaty['key']}: {treaty['title']} (signed {treaty['signed'] or '?'})"
            if treaty
            else "none recorded"
        ),
        "phases: "
        + "; ".join(
            f"{p['phase']}: {_span(p['start'], p['end'])}, {p['members']} members"
            for p in found["phases"]
        ),
    ]
    if found["notes"]:
        lines.append(f"notes: {found['notes']}")
    for other in found["same_alliance"]:
        span = _span(other["start"], other["end"])
        lines.append(
            f"also coded as: {other['key']} ({other['source']}, {span})"
            f" through {', '.join(other['through'])}"
        )
    lines.append(f"cite: {found['citation']}")
    for line in lines:
        say(line)
    say("")
    emit(members, fmt, table_columns=MEMBER_COLUMNS, raw=raw, wide=wide)


CitationFormat = StrEnum(  # type: ignore[misc]
    "CitationFormat", [(name, name) for name in KnowledgeBase.CITATION_FORMATS]
)


@app.command()
@handle_errors
def cite(
    ctx: typer.Context,
    table: Annotated[
        Table | None, typer.Argument(help="What an export of this table or panel would use.")
    ] = None,
    sources: Annotated[
        list[str] | None, typer.Option("--source", help="This source (repeat for several).")
    ] = None,
    universe: Annotated[
        Universe | None, typer.Option("--universe", help="Panels: add this state system.")
    ] = None,
    fmt: Annotated[
        CitationFormat, typer.Option("--format", "-f", help="Output format.")
    ] = CitationFormat("bibtex"),
) -> None:
    """What to cite: each source's own requested works, the state system, alliancekb.

    Without a table or --source: every source in the database.

    Example: alliancekb cite dyad-years --universe cow --source atop-5.1 --format bibtex
    """
    kb = open_kb(ctx)
    text = kb.cite(
        str(table) if table else None, sources, str(universe) if universe else None, str(fmt)
    )
    typer.echo(text, nl=False)
