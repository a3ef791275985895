"""The KnowledgeBase's reading aids: search, one alliance whole, citations.

`Names` is a part of `KnowledgeBase` (kb.py), beside `Exports` (kb_exports.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from alliancekb.kb_exports import Exports, Row, translated, unknown


class Names(Exports):
    """Finding an alliance by name and reading it whole."""

    def search(self, text: str, source: str | None = None) -> Iterator[Row]:
        """Alliances and treaties whose key, title or notes hold every word of TEXT, best first."""
        from alliancekb.analysis.search import search

        return self._first(search, text, source)

    @translated
    def alliance(self, key: str, year: int | None = None, on: dt.date | None = None) -> Row:
        """The alliance KEY whole: source, treaty, dates, phases, members with their own dates
        and obligations (only those in force in the year or on the day, if given), the same
        alliance in other sources, and its citation."""
        from alliancekb.analysis import queries
        from alliancekb.analysis.alliance_show import show
        from alliancekb.database.engine import read_session

        period = queries.asked(year, on)
        with read_session(self.engine) as session:
            return show(session, key, period)

    CITATION_FORMATS = ("bibtex", "csl-json", "text")
    """The formats `cite` writes."""

    @translated
    def cite(
        self,
        table: str | None = None,
        sources: list[str] | None = None,
        universe: str | None = None,
        fmt: str = "bibtex",
    ) -> str:
        """What to cite for a table or panel (or for the sources named, or for everything):
        each source's own requested works, the universe's state system, and alliancekb."""
        from alliancekb.analysis.cite import works
        from alliancekb.citations import WRITERS
        from alliancekb.database.engine import read_session
        from alliancekb.records.kinds import PANELS, TABLES, UNIVERSES

        if fmt not in WRITERS:
            raise unknown("citation format", fmt, tuple(WRITERS))
        if table is not None and table not in (*TABLES, *PANELS):
            raise unknown("table", table, (*TABLES, *PANELS))
        if universe is not None and universe not in UNIVERSES:
            raise unknown("state system", universe, UNIVERSES)
        with read_session(self.engine) as session:
            return WRITERS[fmt](works(session, table, sources, universe))

    @translated
    def write_citations(self, out: Path, text: str) -> None:
        """Write citations to a file whole (never over the database)."""
        from alliancekb import outputs

        with outputs.text_file(out, self.database_file) as handle:
            handle.write(text)
