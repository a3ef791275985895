"""The KnowledgeBase's reading aids: search, one alliance whole, citations.

`Names` is a part of `KnowledgeBase` (kb.py), beside `Exports` (kb_exports.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from alliancekb.kb_exports import Exports, Row, translated


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
