"""The KnowledgeBase's panels over the whole state system: `export_universe`, `merge_panel`.

`Panels` is a part of `KnowledgeBase` (kb.py), beside `Exports`: every dyad and state of a
state system with each source's alliance columns, and those columns added to a panel the user
brings, streamed from file to file.
"""

from __future__ import annotations

import io
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from alliancekb import outputs
from alliancekb.errors import InvalidInput
from alliancekb.formats import FILE_FORMATS
from alliancekb.kb_exports import Exports, translated, unknown
from alliancekb.records.kinds import PANELS

if TYPE_CHECKING:
    from alliancekb.analysis.merging import MergeSummary, Panel


class Panels(Exports):
    """Panels over the whole state system, and those that start from the user's file."""

    @translated
    def export_universe(
        self,
        table: str,
        universe: str,
        out: TextIO | Path,
        fmt: str = "csv",
        *,
        sources: list[str] | None = None,
        directed: bool = False,
        first: int | None = None,
        last: int | None = None,
        short_names: bool = False,
    ) -> tuple[int, dict[str, int]]:
        """Write a panel over the whole state system (`dyad-years` or `state-years` of the
        `universe`, each source's columns, 0 inside its coverage, empty outside); return the
        rows written and, per source, the allied dyad-years outside the universe."""
        from alliancekb.analysis import universe as panel
        from alliancekb.analysis.rules import Period
        from alliancekb.database.engine import read_session
        from alliancekb.formats import TYPED_FORMATS, write_batches, write_rows

        if fmt not in FILE_FORMATS:
            raise unknown("export format", fmt, FILE_FORMATS)
        if table not in PANELS:
            raise unknown("panel", table, PANELS)
        period = Period.years(first, last)
        left_out = panel.LeftOut()
        typed = fmt in TYPED_FORMATS
        if typed:
            self._typed_destination(fmt, out)
        # A typed file is written whole by _typed; the others stream into the destination.
        into = nullcontext(io.StringIO()) if typed else self._destination(out)
        with into as handle, read_session(self.engine) as session:
            if table == "state-years":
                if directed:
                    raise InvalidInput("directed is for the dyad-years panel, not state-years")
                rows = panel.universe_state_years(session, universe, sources or [], period)
                columns = panel.state_columns(universe)
                if typed:
                    return self._typed(rows, fmt, out, columns), {}
                count = write_rows(rows, fmt, handle, columns=columns)
                return count, {}
            prefixes, batches = panel.universe_dyad_lines(
                session, universe, sources or [], directed, period, left_out
            )
            columns = panel.dyad_columns(
                prefixes, short_names, "gwcode" if universe == "gw" else "ccode"
            )
            if typed:
                tuples = (r for b in map(panel.parse_lines, batches) for r in b)
                rows = (dict(zip(columns, r, strict=True)) for r in tuples)
                return self._typed(rows, fmt, out, columns), left_out.rows
            if fmt == "csv":
                handle.write(",".join(columns) + "\n")
                count = 0
                for batch in batches:
                    handle.write("".join(batch))
                    count += batch.rows
            else:
                count = write_batches(map(panel.parse_lines, batches), columns, fmt, handle)
        return count, left_out.rows

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
