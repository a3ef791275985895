"""The KnowledgeBase's store and exports: tables, panels, the dump and the timeline picture.

`Exports` is the half of `KnowledgeBase` (kb.py) that writes what leaves the knowledge base,
to a handle or to a file written whole, never over the database (outputs.py). Driver errors
become the library's own here, in `driver_errors`, for every method of both halves.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TextIO, TypeVar

from alliancekb import outputs
from alliancekb.errors import (
    BadDestination,
    DatabaseUnavailable,
    InvalidInput,
    NotFound,
    WriteRefused,
)
from alliancekb.formats import FILE_FORMATS
from alliancekb.records.kinds import PANELS, TABLES, UNIVERSES

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from alliancekb.analysis import theory
    from alliancekb.analysis.timeline import Timeline

Row = dict[str, Any]
T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")

DUMP_FORMATS = ("yaml", "json")


def _reason(exc: Any) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


@contextmanager
def driver_errors() -> Iterator[None]:
    """The one place where the database driver's errors become the library's own."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    try:
        yield
    except OperationalError as exc:
        raise DatabaseUnavailable(f"the database failed: {_reason(exc)}") from exc
    except DBAPIError as exc:
        raise WriteRefused(f"the database refused the write: {_reason(exc)}") from exc


def translated(method: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with driver_errors():
            return method(*args, **kwargs)

    return wrapper


def unknown(what: str, value: str, known: tuple[str, ...] | list[str]) -> NotFound:
    import difflib

    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return NotFound(f"no {what} '{value}'{hint}: choose one of {', '.join(known)}")


class Exports:
    """A knowledge base on SQLite or PostgreSQL: its connection, and what it writes out."""

    TABLES = TABLES
    """The stored tables `export` writes."""
    PANELS = PANELS
    """The panels `export` builds."""
    FILE_FORMATS = FILE_FORMATS
    """The formats `export_to` writes."""
    DUMP_FORMATS = DUMP_FORMATS
    """The formats `dump` writes."""
    UNIVERSES = UNIVERSES
    """The state systems `export_universe` draws every dyad and state from."""

    def __init__(self, engine: Engine, url: str, created: bool = False) -> None:
        self.engine = engine
        self.url = url
        self.created = created

    def close(self) -> None:
        """Close the database connections."""
        self.engine.dispose()

    @property
    def database_file(self) -> Path | None:
        """The SQLite file (None on PostgreSQL): no output may be written over it."""
        from alliancekb.database.engine import sqlite_file

        return sqlite_file(self.url)

    def _stream(self, make: Callable[..., Iterator[T]], *args: Any, **kw: Any) -> Iterator[T]:
        from alliancekb.database.engine import read_session

        with driver_errors(), read_session(self.engine) as session:
            yield from make(session, *args, **kw)

    def _first(self, make: Callable[..., Iterator[T]], *args: Any, **kw: Any) -> Iterator[T]:
        """Run the query up to its first row now, so bad arguments raise before any output."""
        rows = self._stream(make, *args, **kw)
        try:
            first = next(rows)
        except StopIteration:
            return iter(())

        def chained() -> Iterator[T]:
            yield first
            yield from rows

        return chained()

    @translated
    def dump(self, out: TextIO | Path, fmt: str = "yaml") -> dict[str, int]:
        """Write the whole knowledge base in the seed format (to a handle, or a file written
        whole); return the records per section."""
        if fmt not in DUMP_FORMATS:
            raise unknown("dump format", fmt, DUMP_FORMATS)
        from alliancekb.records.dump import dump_to

        if isinstance(out, Path):
            with outputs.text_file(out, self.database_file) as handle:
                return dict(dump_to(self.engine, handle, fmt))
        return dict(dump_to(self.engine, out, fmt))

    # --- exports and panels ------------------------------------------------------------------
    def export(
        self,
        table: str,
        *,
        source: str | None = None,
        directed: bool = False,
        first: int | None = None,
        last: int | None = None,
    ) -> Iterator[Row]:
        """The rows of a stored table (TABLES) or a panel (PANELS, which take the options)."""
        if table == "dyad-years":
            return self.dyad_years(source, directed, first, last)
        if table == "state-years":
            if directed:
                raise InvalidInput("directed is for the dyad-years panel, not state-years")
            return self.state_years(source, first, last)
        if table not in TABLES:
            raise unknown("table", table, (*TABLES, *PANELS))
        if source is not None or directed or first is not None or last is not None:
            raise InvalidInput(
                f"source, directed, first and last are for the panels, not the table {table}"
            )
        from alliancekb.records import tables as export

        return export.exported(self._first(export.TABLES[table]))

    def columns(self, view: str) -> list[str]:
        """The columns of a panel (PANELS) or of the `history` and `theory` rows, in order;
        `theory-table` is the shorter set a table for people shows."""
        names: tuple[str, ...]
        if view in ("dyad-years", "state-years"):
            from alliancekb.analysis import panels

            names = panels.DYAD_COLUMNS if view == "dyad-years" else panels.STATE_YEAR_COLUMNS
        elif view == "history":
            from alliancekb.records.write import HISTORY_COLUMNS

            names = tuple(HISTORY_COLUMNS)
        elif view in ("theory", "theory-table"):
            from alliancekb.analysis import theory

            names = theory.THEORY_COLUMNS if view == "theory" else theory.TABLE_COLUMNS
        else:
            raise unknown("view", view, (*PANELS, "history", "theory", "theory-table"))
        return list(names)

    @translated
    def export_to(
        self,
        table: str,
        out: TextIO | Path,
        fmt: str = "csv",
        *,
        source: str | None = None,
        directed: bool = False,
        first: int | None = None,
        last: int | None = None,
        raw: bool = False,
    ) -> int:
        """Write a table or a panel to a handle, or to a file written whole (never over the
        database); return the rows written. CSV dyad-years take the panel's fast path."""
        from alliancekb.formats import TYPED_FORMATS, write_batches, write_csv_lines, write_rows

        if fmt not in FILE_FORMATS:
            raise unknown("export format", fmt, FILE_FORMATS)
        if table not in (*TABLES, *PANELS):
            raise unknown("table", table, (*TABLES, *PANELS))
        if fmt in TYPED_FORMATS:
            self._typed_destination(fmt, out)  # before any query runs
            rows = self.export(table, source=source, directed=directed, first=first, last=last)
            return self._typed(rows, fmt, out, self.columns(table) if table in PANELS else None)
        # The destination first: a file that cannot be made fails before any query runs.
        with self._destination(out) as handle:
            if table == "dyad-years":
                # The fast path: tuples (or finished CSV lines) straight from the panel.
                columns = self.columns(table)
                batches = self.dyad_year_batches(
                    source, directed, first, last, csv_lines=fmt == "csv"
                )
                if fmt == "csv":
                    return write_csv_lines(batches, columns, handle)
                return write_batches(batches, columns, fmt, handle)
            rows = self.export(table, source=source, directed=directed, first=first, last=last)
            names = self.columns(table) if table in PANELS else None
            return write_rows(rows, fmt, handle, columns=names, raw=raw)

    def _typed_destination(self, fmt: str, out: TextIO | Path) -> Path:
        from alliancekb.typed import destination

        return destination(fmt, out, self.database_file)

    def _typed(self, rows: Iterator[Row], fmt: str, out: TextIO | Path, columns: Any) -> int:
        from alliancekb.typed import write_file

        return write_file(rows, fmt, self._typed_destination(fmt, out), columns, self.database_file)

    @contextmanager
    def _destination(self, out: TextIO | Path) -> Iterator[TextIO]:
        if isinstance(out, Path):
            with outputs.text_file(out, self.database_file) as handle:
                yield handle
        else:
            yield out

    def dyad_year_batches(
        self,
        source: str | None = None,
        directed: bool = False,
        first: int | None = None,
        last: int | None = None,
        *,
        csv_lines: bool = False,
    ) -> Iterator[list[Any]]:
        """Dyad-years in batches, as tuples in `columns("dyad-years")` order or finished CSV
        lines (the export's path)."""
        from alliancekb.analysis import panels
        from alliancekb.analysis.rules import Period

        span = Period.years(first, last)
        return self._first(panels.dyad_year_batches, source, directed, span, csv_lines=csv_lines)

    def dyad_years(
        self,
        source: str | None = None,
        directed: bool = False,
        first: int | None = None,
        last: int | None = None,
    ) -> Iterator[Row]:
        from alliancekb.analysis import panels
        from alliancekb.analysis.rules import Period

        return self._first(panels.dyad_years, source, directed, Period.years(first, last))

    def state_years(
        self, source: str | None = None, first: int | None = None, last: int | None = None
    ) -> Iterator[Row]:
        from alliancekb.analysis import panels
        from alliancekb.analysis.rules import Period

        return self._first(panels.state_years, source, Period.years(first, last))

    # --- analysis ----------------------------------------------------------------------------
    def compare(
        self,
        state_a: str,
        state_b: str,
        sources: list[str] | None = None,
        first: int | None = None,
        last: int | None = None,
    ) -> Iterator[Row]:
        """Each source's coding of a pair of states, period by period, disagreements marked
        (only `sources`, if given; within the years `first`..`last`)."""
        from alliancekb.analysis.compare import compare
        from alliancekb.analysis.rules import Period

        return self._first(compare, state_a, state_b, sources or [], Period.years(first, last))

    def theory(
        self,
        state: str | None = None,
        source: str | None = None,
        first: int | None = None,
        last: int | None = None,
    ) -> tuple[Iterator[Row], theory.Summary]:
        """The Hanoi rule against the alliances in force: rows, and a summary filled as read."""
        from alliancekb.analysis import theory
        from alliancekb.analysis.rules import Period

        summary = theory.Summary()
        span = Period.years(first, last)
        return self._first(theory.theory_rows, summary, state, source, span), summary

    @translated
    def timeline(
        self,
        state: str,
        first: int | None = None,
        last: int | None = None,
        sources: list[str] | None = None,
    ) -> Timeline:
        """What a timeline picture of STATE shows, as plain data (`timeline_picture` draws it)."""
        from alliancekb.analysis import timeline
        from alliancekb.analysis.rules import Period
        from alliancekb.database.engine import read_session

        with read_session(self.engine) as session:
            return timeline.gather(session, state, Period.years(first, last), sources or [])

    @staticmethod
    def picture_format(out: Path) -> str:
        """The picture format of a file name (`svg`, `png`), checked with what drawing needs
        before any work: a writable destination and matplotlib."""
        from alliancekb.analysis.timeline import FORMATS, require_matplotlib

        fmt = out.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise BadDestination(f"{out}: the picture must be a .svg or .png file")
        outputs.check(out)
        require_matplotlib()
        return fmt

    @translated
    def timeline_picture(
        self,
        state: str,
        out: Path,
        first: int | None = None,
        last: int | None = None,
        sources: list[str] | None = None,
    ) -> Timeline:
        """Draw STATE's timeline into OUT (.svg or .png), written whole; return what it shows."""
        fmt = self.picture_format(out)  # matplotlib is there: drawing can be imported
        from alliancekb.analysis.drawing import draw

        outputs.check(out, self.database_file)
        drawn = self.timeline(state, first, last, sources)
        outputs.write_bytes(out, draw(drawn, fmt), self.database_file)
        return drawn
