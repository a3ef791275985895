"""`theory --universe cow --flags derived`: the world test's output (the command itself is in
cli/analysis.py, beside the article's test)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alliancekb.cli.common import TABLE, emit, fail, say
from alliancekb.formats import Format

if TYPE_CHECKING:
    from alliancekb.kb import KnowledgeBase

FLAGS = ("alignments", "derived")
UniverseOpt = Annotated[
    str | None,
    typer.Option(
        "--universe", help="Test over every dyad of this state system (cow), with --flags derived."
    ),
]
FlagsOpt = Annotated[
    str | None,
    typer.Option(
        "--flags",
        help="alignments (the hand-coded flags, the default) or derived (from regime scores and "
        "rivalries; needs --universe).",
    ),
]
IdeologyOpt = Annotated[
    str | None,
    typer.Option(
        "--ideology",
        help="Derived shared ideology: vdem:0.15 (polyarchy within 0.15, the default), "
        "polity:3, vdem-regime:0.5 or polity-regime:6 (both democracies or both autocracies).",
    ),
]
IdeologicalRivalryOpt = Annotated[
    bool,
    typer.Option(
        "--ideological-rivalry",
        help="Derived flags: an ideological rivalry between the two means no shared values.",
    ),
]
RegimesOpt = Annotated[
    str | None, typer.Option("--regimes", help="The source of regime scores (default: the one).")
]
RivalriesOpt = Annotated[
    str | None, typer.Option("--rivalries", help="The source of rivalries (default: the one).")
]
ByOpt = Annotated[
    str | None,
    typer.Option("--by", help="World test: all (the default), era or decade."),
]
PictureOpt = Annotated[
    Path | None,
    typer.Option(
        "--picture", help="World test: also draw the share allied per cell by decade (.svg, .png)."
    ),
]


@dataclass(frozen=True)
class WorldOptions:
    universe: str | None
    flags: str | None
    ideology: str | None
    ideological_rivalry: bool
    regimes: str | None
    rivalries: str | None
    by: str | None
    picture: Path | None

    @property
    def asked(self) -> bool:
        """Whether the world test is asked for (else the article's test runs)."""
        derived = self.flags == "derived"
        if self.flags is not None and self.flags not in FLAGS:
            raise fail(f"--flags {self.flags}: choose one of {', '.join(FLAGS)}")
        if self.universe is not None and self.flags == "alignments":
            raise fail(
                "--universe needs --flags derived: the hand-coded alignments speak for a few "
                "dyads only"
            )
        if derived and self.universe is None:
            raise fail("--flags derived needs --universe cow: the dyads it counts")
        if self.universe is None:
            extra = [
                name
                for name, value in (
                    ("--ideology", self.ideology),
                    ("--ideological-rivalry", self.ideological_rivalry or None),
                    ("--regimes", self.regimes),
                    ("--rivalries", self.rivalries),
                    ("--by", self.by),
                    ("--picture", self.picture),
                )
                if value is not None
            ]
            if extra:
                raise fail(f"{', '.join(extra)}: for the world test, with --universe cow")
        return self.universe is not None


def run_world(
    kb: KnowledgeBase,
    options: WorldOptions,
    state: str | None,
    source: str | None,
    first: int | None,
    last: int | None,
    fmt: Format,
) -> None:
    """The four cells over the universe, or with STATE its alignments beside the flags."""
    if options.picture is not None:
        kb.picture_format(options.picture)  # a bad name or no matplotlib: say so first
    rule = kb.derivation(
        options.ideology or "vdem:0.15",
        options.ideological_rivalry,
        options.regimes,
        options.rivalries,
    )
    if state is not None:
        if options.by is not None or options.picture is not None:
            raise fail("--by and --picture are for the world's cells, not with --state")
        rows, agreement = kb.world_comparison(state, source, rule, first, last)
        emit(
            rows,
            fmt,
            columns=kb.world_columns("comparison"),
            table_columns=kb.world_columns("comparison-table"),
        )
        if fmt == TABLE:
            say("")
            say(f"flags: {rule.describe()}")
            for line in agreement.lines():
                say(line)
        return
    counts = kb.world_counts(options.universe or "cow", source, rule, first, last)
    cells = counts.rows(options.by or "all")
    columns = kb.world_columns("cells")
    emit(
        ({**row, "flags": rule.key, "source": counts.source} for row in cells),
        fmt,
        columns=[*columns, "flags", "source"],
        table_columns=columns,
    )
    if fmt == TABLE:
        say("")
        say(f"flags: {rule.describe()}")
        say(
            f"observed: {counts.source}'s alliances over every undirected dyad-year of the "
            f"{counts.universe} universe, {counts.first}-{counts.last}"
        )
        say(counts.base_line())
        say(counts.reading())
    if options.picture is not None:
        kb.world_picture(counts, options.picture)
        say(f"wrote the picture of the four cells by decade to {options.picture}", err=True)
