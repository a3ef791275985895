"""The KnowledgeBase's panels over a researcher's own data: `merge_panel`.

`Panels` is a part of `KnowledgeBase` (kb.py), beside `Exports`: it adds the universe's
alliance columns to a panel the user brings, streamed from file to file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from alliancekb import outputs
from alliancekb.kb_exports import Exports, translated

if TYPE_CHECKING:
    from alliancekb.analysis.merging import MergeSummary, Panel


class Panels(Exports):
    """Panels that start from the user's file."""

    @translated
    def read_panel(self, path: Path, directed: bool | None = None) -> Panel:
        """Check a dyad-year or state-year CSV whole (keys, cells, integer codes) and read
        its shape: the universe its keys name, and its direction (DIRECTED forces one)."""
        from alliancekb.analysis.merging import read_panel

        return read_panel(path, directed)

    @translated
    def merge_panel(
        self,
        panel: Panel,
        out: TextIO | Path,
        sources: list[str] | None = None,
        short_names: bool = False,
    ) -> MergeSummary:
        """Write PANEL (from `read_panel`) with each source's alliance columns after its own,
        rows and cells kept; return the rows written and the keys the universe does not hold."""
        from alliancekb.analysis.merging import write_merged
        from alliancekb.database.engine import read_session

        if isinstance(out, Path):
            outputs.check(out, self.database_file)
            if out.exists() and out.resolve() == panel.path.resolve():
                from alliancekb.errors import BadDestination

                raise BadDestination(f"{out}: is the panel being read; give another file name")
        with self._destination(out) as handle, read_session(self.engine) as session:
            return write_merged(session, panel, handle, sources or [], short_names)
