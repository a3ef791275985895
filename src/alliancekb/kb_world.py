"""The KnowledgeBase's world test: the Hanoi rule over every dyad of the state system, with
flags derived from regime scores and strategic rivalries (analysis/derived.py, world.py).

`World` is a part of `KnowledgeBase` (kb.py), as `Exports` is; its methods open one read
session each and raise the library's own errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliancekb import outputs
from alliancekb.kb_exports import driver_errors, translated

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from alliancekb.analysis.derived import Derivation
    from alliancekb.analysis.world import WorldCounts
    from alliancekb.analysis.world_state import Agreement

Row = dict[str, Any]


class World:
    """The world test, its derived flags and its picture."""

    engine: Engine
    if TYPE_CHECKING:  # Exports gives both

        @property
        def database_file(self) -> Path | None: ...

        @staticmethod
        def picture_format(out: Path) -> str: ...

    @translated
    def derivation(
        self,
        ideology: str = "vdem:0.15",
        ideological_rivalry: bool = False,
        regimes: str | None = None,
        rivalries: str | None = None,
    ) -> Derivation:
        """The rule for the derived flags, its parameters and sources checked."""
        from alliancekb.analysis.derived import derivation
        from alliancekb.database.engine import read_session

        with read_session(self.engine) as session:
            return derivation(session, ideology, ideological_rivalry, regimes, rivalries)

    @translated
    def world_counts(
        self,
        universe: str,
        source: str | None,
        rule: Derivation,
        first: int | None = None,
        last: int | None = None,
    ) -> WorldCounts:
        """Every undirected dyad-year of the universe by cell of the derived flags, and how
        many the source codes allied (`rows(by)` gives the table)."""
        from alliancekb.analysis.rules import Period
        from alliancekb.analysis.world import world_counts
        from alliancekb.database.engine import read_session

        with read_session(self.engine) as session:
            return world_counts(session, universe, source, rule, Period.years(first, last))

    def world_comparison(
        self,
        state: str,
        source: str | None,
        rule: Derivation,
        first: int | None = None,
        last: int | None = None,
    ) -> tuple[Iterator[Row], Agreement]:
        """The state's alignments year by year beside the derived flags; the agreement is
        filled in as the rows are read."""
        from alliancekb.analysis.rules import Period
        from alliancekb.analysis.world_state import Agreement, comparison_rows
        from alliancekb.database.engine import read_session

        agreement = Agreement(rule.key)
        span = Period.years(first, last)

        def rows() -> Iterator[Row]:
            with driver_errors(), read_session(self.engine) as session:
                yield from comparison_rows(session, agreement, state, source, rule, span)

        found = rows()
        try:
            head = next(found)
        except StopIteration:
            return iter(()), agreement

        def chained() -> Iterator[Row]:
            yield head
            yield from found

        return chained(), agreement

    @staticmethod
    def world_columns(view: str) -> list[str]:
        """The columns of `cells` rows and of the `comparison` rows (`-table`: for people)."""
        from alliancekb.analysis.world import CELL_COLUMNS
        from alliancekb.analysis.world_state import COMPARISON_COLUMNS, COMPARISON_TABLE

        views = {
            "cells": CELL_COLUMNS,
            "comparison": COMPARISON_COLUMNS,
            "comparison-table": COMPARISON_TABLE,
        }
        return list(views[view])

    def world_picture(self, counts: WorldCounts, out: Path) -> None:
        """Draw the four cells' share allied by decade into OUT (.svg or .png), written whole."""
        from alliancekb.analysis.timeline import FORMATS, require_matplotlib
        from alliancekb.errors import BadDestination

        fmt = out.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise BadDestination(f"{out}: the picture must be a .svg or .png file")
        outputs.check(out, self.database_file)
        require_matplotlib()
        from alliancekb.analysis.world_drawing import draw_world

        outputs.write_bytes(out, draw_world(counts, fmt), self.database_file)
