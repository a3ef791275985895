"""Analysis commands: the article's thesis, the timeline picture, and two sources compared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from alliancekb.cli.common import (
    TABLE,
    FormatOpt,
    FromOpt,
    StateArg,
    StateOpt,
    ToOpt,
    emit,
    handle_errors,
    open_kb,
    say,
    years,
)
from alliancekb.cli.world import (
    ByOpt,
    FlagsOpt,
    IdeologicalRivalryOpt,
    IdeologyOpt,
    PictureOpt,
    RegimesOpt,
    RivalriesOpt,
    UniverseOpt,
    WorldOptions,
    run_world,
)

app = typer.Typer()


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
    fmt: FormatOpt = TABLE,
    universe: UniverseOpt = None,
    flags: FlagsOpt = None,
    ideology: IdeologyOpt = None,
    ideological_rivalry: IdeologicalRivalryOpt = False,
    regimes: RegimesOpt = None,
    rivalries: RivalriesOpt = None,
    by: ByOpt = None,
    picture: PictureOpt = None,
) -> None:
    """Test the rule allied <=> shared security AND shared values, year by year.

    Example: alliancekb theory --state Vietnam --source atop-5.1

    The whole world, with flags derived from regime scores and rivalries:
    alliancekb theory --universe cow --source atop-5.1 --flags derived --by era
    """
    years(first, last)
    world = WorldOptions(
        universe, flags, ideology, ideological_rivalry, regimes, rivalries, by, picture
    )
    if world.asked:
        run_world(open_kb(ctx), world, state, source, first, last, fmt)
        return
    kb = open_kb(ctx)
    rows, summary = kb.theory(state, source, first, last)
    emit(rows, fmt, columns=kb.columns("theory"), table_columns=kb.columns("theory-table"))
    if fmt == TABLE:
        typer.echo("")
        for line in summary.lines():
            say(line)


@app.command()
@handle_errors
def timeline(
    ctx: typer.Context,
    state: StateArg,
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
    from alliancekb.kb import KnowledgeBase

    KnowledgeBase.picture_format(out)  # a bad name or no matplotlib: say so before any work
    years(first, last)
    kb = open_kb(ctx)
    drawn = kb.timeline_picture(state, out, first, last, sources)
    say(
        f"wrote the timeline of {drawn.state} ({drawn.first}-{drawn.last}, "
        f"{len(drawn.lanes)} lanes) to {out}",
        err=True,
    )


_PAIR = ("ccode1", "stateabb1", "name1", "ccode2", "stateabb2", "name2")
_VERDICT = ("disagree", "differs")


@app.command()
@handle_errors
def compare(
    ctx: typer.Context,
    state_a: StateArg,
    state_b: Annotated[str, typer.Argument(help="The other state.")],
    sources: Annotated[
        list[str] | None,
        typer.Option("--source", help="Only this source (repeat for several)."),
    ] = None,
    first_year: Annotated[
        int | None, typer.Option("--from", help="First year.", min=1000, max=9999)
    ] = None,
    last_year: Annotated[
        int | None, typer.Option("--to", help="Last year.", min=1000, max=9999)
    ] = None,
    fmt: FormatOpt = TABLE,
) -> None:
    """Each source's coding of a pair of states, period by period, disagreements marked.

    Example: alliancekb compare Vietnam Russia --source atop-5.1 --source cow-4.1
    """
    years(first_year, last_year)
    kb = open_kb(ctx)
    rows = kb.compare(state_a, state_b, sources or [], first_year, last_year)
    first = next(rows, None)
    if first is None:
        emit([], fmt)
        return
    columns = [k for k in first if k not in _PAIR and k not in ("start", "end", *_VERDICT)]

    def chained() -> Iterator[dict[str, object]]:
        yield first
        yield from rows

    emit(chained(), fmt, table_columns=["start", "end", *columns, *_VERDICT])
