"""`alliancekb import atop|cow|cow-states|regimes|rivalries PATH`: the standard datasets."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alliancekb.cli.common import handle_errors, open_kb, say

if TYPE_CHECKING:
    from alliancekb.kb import ImportSummary

app = typer.Typer(
    help="Import the standard datasets: ATOP, COW Formal Alliances, the COW and GW state "
    "systems, regime scores and strategic rivalries.\n\n"
    "Example: alliancekb import cow-states states2016.csv; "
    "alliancekb import atop atop5_1m.csv",
    no_args_is_help=True,
)

PathArg = Annotated[Path, typer.Argument(help="The CSV file, as published.", metavar="PATH")]
ReplaceEditsOpt = Annotated[
    bool,
    typer.Option(
        "--replace-edits",
        help="Replace the source's alliances even where they were added or amended by hand "
        "since its last import (history keeps what they were).",
    ),
]


@contextmanager
def _progress(label: str) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr when it is a terminal; otherwise nothing is drawn."""
    if not sys.stderr.isatty():
        yield lambda _stage, _done, _total: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, description=f"{label}: {stage}", completed=done, total=total)

        yield update


def _count(n: int, word: str) -> str:
    plural = word[:-1] + "ies" if word.endswith("ry") else word + "s"
    return f"{n:,} {word if n == 1 else plural}"


def _few(keys: list[str], shown: int = 5) -> str:
    more = f" and {len(keys) - shown} more" if len(keys) > shown else ""
    return ", ".join(keys[:shown]) + more


def _covariate_counts(summary: ImportSummary) -> str:
    span = summary.years or (0, 0)
    years = f", {span[0]}" + (f"-{span[1]}" if span[1] != span[0] else "") if summary.years else ""
    if summary.rivalries:
        return f"{_count(summary.rivalries, 'rivalry')} of {_count(summary.states, 'state')}{years}"
    measures = ", ".join(f"{name} {n:,}" for name, n in summary.measures.items())
    return (
        f"{_count(summary.state_years, 'state-year')} of {_count(summary.states, 'state')}"
        f"{years}: {measures}"
    )


def summary_line(summary: ImportSummary) -> str:
    """The one line an import ends with."""
    name = summary.path.name
    if summary.spells:
        counts = f"{_count(summary.states, 'state')}, {_count(summary.spells, 'system spell')}"
    elif summary.state_years or summary.rivalries:
        counts = _covariate_counts(summary)
    else:
        counts = (
            f"{_count(summary.alliances, 'alliance')}, "
            f"{_count(summary.memberships, 'membership')} of {_count(summary.states, 'state')}"
        )
    if summary.nothing_changed:
        return f"{summary.source} is up to date with {name}: nothing changed ({counts})"
    again = " (replacing its earlier rows)" if summary.action == "replaced" else ""
    line = f"imported {summary.source} from {name}{again}: {counts}"
    if summary.linked:
        shown = ", ".join(f"{a} -> {t}" for a, t in summary.linked[:3])
        more = f" and {len(summary.linked) - 3} more" if len(summary.linked) > 3 else ""
        line += f"; linked to treaties: {shown}{more}"
    for reason, items in summary.skipped.items():
        line += f"; skipped {_count(len(items), summary.unit)}: {reason} ({'; '.join(items)})"
    if summary.left_out:
        line += (
            f"; left out {_count(len(summary.left_out), 'alliance')} with fewer than 2 member "
            f"states ({'; '.join(summary.left_out)})"
        )
    if summary.removed:
        line += f"; removed {_count(len(summary.removed), 'alliance')} ({_few(summary.removed)})"
    if summary.reverted:
        line += f"; undid {_count(len(summary.reverted), 'edit')} ({_few(summary.reverted)})"
    if summary.redated:
        line += (
            f"; dated {_count(len(summary.redated), 'alliance')} to hold "
            f"{'its' if len(summary.redated) == 1 else 'their'} members, as the file's alliance "
            f"dates do not ({', '.join(summary.redated)})"
        )
    return line


def _run(ctx: typer.Context, fmt: str, path: Path, replace_edits: bool = False) -> None:
    from alliancekb.errors import WouldLoseWork

    kb = open_kb(ctx)
    command = f"import {fmt} {path}"
    try:
        with _progress(f"import {fmt}") as progress:
            summary = kb.import_file(
                fmt, path, command=command, progress=progress, replace_edits=replace_edits
            )
    except WouldLoseWork as exc:
        # A state belongs to the state system whatever its source: only alliances can be kept
        # out of an import's way under a source of one's own.
        keep = "" if fmt == "cow-states" else "keep them under a source of your own, or "
        again = " and amend them again" if fmt == "cow-states" else ""
        raise WouldLoseWork(
            exc.what,
            f"{keep}replace them with `alliancekb {command} --replace-edits`{again} "
            "(history keeps what they were)",
        ) from None
    say(summary_line(summary))


@app.command("atop")
@handle_errors
def import_atop(ctx: typer.Context, path: PathArg, replace_edits: ReplaceEditsOpt = False) -> None:
    """Import ATOP 5.x member-level data (atop5_1m.csv) as source atop-VERSION.

    Example: alliancekb import atop ../shared/data/atop/atop5_1m.csv
    """
    _run(ctx, "atop", path, replace_edits)


@app.command("cow")
@handle_errors
def import_cow(ctx: typer.Context, path: PathArg, replace_edits: ReplaceEditsOpt = False) -> None:
    """Import COW Formal Alliances member-level data (alliance_v4.1_by_member.csv).

    Example: alliancekb import cow ../shared/data/cow/alliance_v4.1_by_member.csv
    """
    _run(ctx, "cow", path, replace_edits)


ReplaceStateEditsOpt = Annotated[
    bool,
    typer.Option(
        "--replace-edits",
        help="Replace states' codes, names and spells even where they were added or amended "
        "by hand since the last import (history keeps what they were).",
    ),
]


@app.command("cow-states")
@handle_errors
def import_cow_states(
    ctx: typer.Context, path: PathArg, replace_edits: ReplaceStateEditsOpt = False
) -> None:
    """Import the COW state system (states2016.csv): states, names and system spells.

    Example: alliancekb import cow-states ../shared/data/cow/states2016.csv
    """
    _run(ctx, "cow-states", path, replace_edits)


@app.command("gw-states")
@handle_errors
def import_gw_states(ctx: typer.Context, path: PathArg) -> None:
    """Import the Gleditsch-Ward state list (iisystem.dat): states, spells and their COW codes.

    Example: alliancekb import gw-states ../shared/data/gw/iisystem.dat
    """
    _run(ctx, "gw-states", path)


@app.command("regimes")
@handle_errors
def import_regimes(ctx: typer.Context, path: PathArg) -> None:
    """Import regime scores by COW state-year (cw_democracy.csv, V-Dem or Polity5).

    Example: alliancekb import regimes ../shared/data/regime/cw_democracy.csv
    """
    _run(ctx, "regimes", path)


@app.command("rivalries")
@handle_errors
def import_rivalries(ctx: typer.Context, path: PathArg) -> None:
    """Import Thompson and Dreyer's strategic rivalries (td_rivalries.csv).

    Example: alliancekb import rivalries ../shared/data/rivalry/td_rivalries.csv
    """
    _run(ctx, "rivalries", path)
