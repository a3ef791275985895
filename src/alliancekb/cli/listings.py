"""The listings: states, alliances, allies, treaties, alignments, events."""

from __future__ import annotations

import typer

from alliancekb.cli.common import (
    TABLE,
    FormatOpt,
    ObligationOpt,
    OnOpt,
    RawOpt,
    SearchOpt,
    SourceOpt,
    StateArg,
    StateOpt,
    WideOpt,
    YearOpt,
    emit,
    handle_errors,
    notes,
    obligation_names,
    open_kb,
    window,
)
from alliancekb.formats import obligations_text

app = typer.Typer()


@app.command()
@handle_errors
def states(
    ctx: typer.Context,
    year: YearOpt = None,
    on: OnOpt = None,
    state: StateOpt = None,
    fmt: FormatOpt = TABLE,
    raw: RawOpt = False,
    wide: WideOpt = False,
) -> None:
    """States (in the state system in the year, if given), named as of then.

    Example: alliancekb states --year 1985
    """
    when = window(year, on)
    kb = open_kb(ctx)
    emit(
        kb.states(when["year"], when["on"], state),
        fmt,
        table_columns=["ccode", "stateabb", "name", "iso3", "system"],
        raw=raw,
        wide=wide,
    )


@app.command()
@handle_errors
def alliances(
    ctx: typer.Context,
    year: YearOpt = None,
    on: OnOpt = None,
    state: StateOpt = None,
    source: SourceOpt = None,
    search: SearchOpt = None,
    obligation: ObligationOpt = None,
    fmt: FormatOpt = TABLE,
    raw: RawOpt = False,
    wide: WideOpt = False,
) -> None:
    """Alliances in force, each source's coding, with their members.

    With --state, the state's own entry and exit (member_start, member_end) too.

    Example: alliancekb alliances --year 1939 --obligation defense --source atop-5.1
    """
    when = window(year, on)
    kb = open_kb(ctx)
    rows = kb.alliances(
        when["year"], when["on"], state, source, search, obligation_names(obligation)
    )
    notes(kb, when, source, state=state)
    columns = ["key", "source", "start", "end", "member_names", "treaty"]
    if state is not None:
        columns[4:4] = ["member_start", "member_end"]
    emit(rows, fmt, table_columns=columns, raw=raw, wide=wide)


@app.command()
@handle_errors
def allies(
    ctx: typer.Context,
    state: StateArg,
    year: YearOpt = None,
    on: OnOpt = None,
    source: SourceOpt = None,
    obligation: ObligationOpt = None,
    fmt: FormatOpt = TABLE,
    raw: RawOpt = False,
    wide: WideOpt = False,
) -> None:
    """Each ally of STATE once, with every source that codes the pair allied.

    Example: alliancekb allies Vietnam --year 1985 --obligation defense
    """
    when = window(year, on)
    kb = open_kb(ctx)
    rows = kb.allies(state, when["year"], when["on"], source, obligation_names(obligation))
    notes(kb, when, source, state=state)
    if fmt in ("table", "csv"):
        rows = (
            {**row, "obligations": [obligations_text(o) for o in row["obligations"]]}
            for row in rows
        )
    emit(rows, fmt, raw=raw, wide=wide)


@app.command()
@handle_errors
def treaties(
    ctx: typer.Context,
    year: YearOpt = None,
    on: OnOpt = None,
    state: StateOpt = None,
    source: SourceOpt = None,
    fmt: FormatOpt = TABLE,
    raw: RawOpt = False,
    wide: WideOpt = False,
) -> None:
    """Treaties, with their parties and what they supersede.

    Example: alliancekb treaties --state VNM
    """
    when = window(year, on)
    kb = open_kb(ctx)
    emit(
        kb.treaties(when["year"], when["on"], state, source),
        fmt,
        table_columns=[
            *("key", "title", "signed", "in_force", "ended", "parties", "supersedes"),
            *("atopid", "cow4id", "source"),
        ],
        raw=raw,
        wide=wide,
    )


@app.command()
@handle_errors
def alignments(
    ctx: typer.Context,
    year: YearOpt = None,
    on: OnOpt = None,
    state: StateOpt = None,
    source: SourceOpt = None,
    fmt: FormatOpt = TABLE,
    raw: RawOpt = False,
    wide: WideOpt = False,
) -> None:
    """Shared ideology and shared security per pair of states and period.

    Example: alliancekb alignments --state Vietnam
    """
    when = window(year, on)
    kb = open_kb(ctx)
    rows = kb.alignments(when["year"], when["on"], state, source)
    notes(kb, when, source, "alignments")
    columns = ["key", "name1", "name2", "start", "end", "shared_ideology", "shared_security"]
    emit(rows, fmt, table_columns=[*columns, "source"], raw=raw, wide=wide)


@app.command()
@handle_errors
def events(
    ctx: typer.Context,
    year: YearOpt = None,
    on: OnOpt = None,
    state: StateOpt = None,
    source: SourceOpt = None,
    fmt: FormatOpt = TABLE,
    raw: RawOpt = False,
    wide: WideOpt = False,
) -> None:
    """Events (wars, summits, dissolutions) with their participants.

    Example: alliancekb events --state CHN
    """
    when = window(year, on)
    kb = open_kb(ctx)
    emit(
        kb.events(when["year"], when["on"], state, source),
        fmt,
        table_columns=["key", "title", "start", "end", "participants"],
        raw=raw,
        wide=wide,
    )
