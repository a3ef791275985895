"""The KnowledgeBase's reading aids: search, one alliance whole, citations.

`Names` is a part of `KnowledgeBase` (kb.py), beside `Exports` (kb_exports.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from alliancekb.kb_exports import Exports, Row


class Names(Exports):
    """Finding an alliance by name and reading it whole."""

    def search(self, text: str, source: str | None = None) -> Iterator[Row]:
        """Alliances and treaties whose key, title or notes hold every word of TEXT, best first."""
        from alliancekb.analysis.search import search

        return self._first(search, text, source)
