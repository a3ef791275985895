"""The Python API: one object for a knowledge base, as a notebook or the CLI uses it.

    >>> from alliancekb import KnowledgeBase
    >>> kb = KnowledgeBase.open()                      # the embedded default, seeded
    >>> [row["name"] for row in kb.allies("Vietnam", year=1985)]
    ['Soviet Union', 'Laos']

Every listing is a generator of dict rows; nothing here prints or exits.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TextIO, TypeVar

from alliancekb import outputs
from alliancekb.errors import (
    AllianceKBError,
    BadDestination,
    DatabaseUnavailable,
    DataWouldBeLost,
    InvalidInput,
    NotFound,
    WriteRefused,
)
from alliancekb.formats import FILE_FORMATS
from alliancekb.records.kinds import KINDS, PANELS, TABLES, Kind

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from alliancekb.analysis import theory
    from alliancekb.analysis.timeline import Timeline
    from alliancekb.database.integrity import Problem
    from alliancekb.importers import ImportSummary as ImportSummary
    from alliancekb.importers import Progress
    from alliancekb.records.seed import WriteSummary as WriteSummary
    from alliancekb.records.write import WriteReport as WriteReport

# Everything past this module is imported by the methods that need it: the CLI imports this
# module to build its commands, and `alliancekb --help` must not pay for SQLAlchemy, Pydantic
# or pictures.

Row = dict[str, Any]
T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")

DUMP_FORMATS = ("yaml", "json")


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


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


def _translated(method: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with driver_errors():
            return method(*args, **kwargs)

    return wrapper


def _choice(what: str, value: str, known: tuple[str, ...] | list[str]) -> NotFound:
    import difflib

    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return NotFound(f"no {what} '{value}'{hint}: choose one of {', '.join(known)}")


class KnowledgeBase:
    """A knowledge base on SQLite or PostgreSQL."""

    KINDS = tuple(KINDS)
    """The kinds of record `add_records` and `history` take (records/kinds.py)."""
    TABLES = TABLES
    """The stored tables `export` writes."""
    PANELS = PANELS
    """The panels `export` builds."""
    FILE_FORMATS = FILE_FORMATS
    """The formats `export_to` writes."""
    DUMP_FORMATS = DUMP_FORMATS

    @staticmethod
    def kinds() -> list[Kind]:
        """Each kind of record: its name, section (seed, dump, table), key and example file."""
        return list(KINDS.values())

    def __init__(self, engine: Engine, url: str, created: bool = False) -> None:
        self.engine = engine
        self.url = url
        self.created = created

    @classmethod
    @_translated
    def open(cls, url: str | None = None, *, check_schema: bool = True) -> KnowledgeBase:
        """Open a database; the embedded default is created, migrated and seeded on first use.

        Any other database must be at the current schema (`alliancekb db upgrade`).
        """
        from alliancekb.database import engine as db
        from alliancekb.database import migrations
        from alliancekb.resources import bundled_seed

        resolved = db.resolve_url(url)
        created = False
        if resolved == db.default_url() and not db.default_path().exists():
            db.default_path().parent.mkdir(parents=True, exist_ok=True)
            engine = db.make_engine(resolved)
            try:
                from alliancekb.records.seed import seed
                from alliancekb.records.writer import WriteContext

                migrations.upgrade(engine)
                seed(engine, bundled_seed(), WriteContext(command="first use"))
            except BaseException:
                engine.dispose()
                db.default_path().unlink(missing_ok=True)
                raise
            created = True
        else:
            path = db.sqlite_file(resolved)
            if path is not None and not path.parent.is_dir():
                raise AllianceKBError(
                    f"no folder {path.parent} for the database {path}: create it first"
                )
            engine = db.make_engine(resolved)
        kb = cls(engine, resolved, created)
        if check_schema:
            migrations.ensure_current(engine)
        return kb

    def close(self) -> None:
        """Close the database connections."""
        self.engine.dispose()

    @property
    def database_file(self) -> Path | None:
        """The SQLite file (None on PostgreSQL): no output may be written over it."""
        from alliancekb.database.engine import sqlite_file

        return sqlite_file(self.url)

    # --- schema ------------------------------------------------------------------------------
    @_translated
    def upgrade(self, revision: str = "head") -> tuple[str | None, str | None]:
        from alliancekb.database import migrations

        before = migrations.current_revision(self.engine)
        migrations.upgrade(self.engine, revision)
        return before, migrations.current_revision(self.engine)

    @_translated
    def downgrade(self, revision: str, *, drop_data: bool = False) -> tuple[str | None, str | None]:
        """Migrate down to REVISION; refused with DataWouldBeLost when that drops records,
        unless `drop_data`."""
        from alliancekb.database import migrations
        from alliancekb.database.losses import records_lost

        before = migrations.current_revision(self.engine)
        if not drop_data:
            lost = records_lost(self.engine, revision)
            if lost:
                raise DataWouldBeLost(revision, lost)
        migrations.downgrade(self.engine, revision)
        return before, migrations.current_revision(self.engine)

    @_translated
    def current(self) -> tuple[str | None, str]:
        from alliancekb.database import migrations

        return migrations.current_revision(self.engine), migrations.head_revision()

    @_translated
    def check(self) -> tuple[list[Problem], int]:
        """Integrity of the database: every problem found, and how many checks ran."""
        from alliancekb.database.integrity import check

        return check(self.engine)

    # --- writes ------------------------------------------------------------------------------
    @_translated
    def seed(self, path: Path | None = None, *, command: str = "seed") -> WriteSummary:
        """Upsert a seed file (default: the bundled Vietnam seed) in one transaction."""
        from alliancekb.records.seed import seed
        from alliancekb.records.writer import WriteContext
        from alliancekb.resources import bundled_seed

        return seed(self.engine, path or bundled_seed(), WriteContext(command=command))

    @_translated
    def add_records(
        self,
        kind: str,
        path: Path,
        *,
        update: bool = False,
        dry_run: bool = False,
        by: str | None = None,
        command: str | None = None,
    ) -> WriteReport:
        """Add (or amend, with `update`) the KIND records of a file; all or nothing."""
        if kind not in KINDS:
            raise _choice("kind of record", kind, self.KINDS)
        from alliancekb.records import write as records
        from alliancekb.records.writer import WriteContext

        verb = "amend" if update else "add"
        context = WriteContext(command=command or f"{kind} {verb} --file {path}")
        if by:
            context.by = by
        return records.write_records(
            self.engine, kind, path, context, update=update, dry_run=dry_run
        )

    @staticmethod
    def differences(before: Row | None, after: Row | None, limit: int | None = None) -> list[str]:
        """`field: old -> new` for each field of a record that a write changed."""
        from alliancekb.records.write import differences

        return differences(before, after, limit)

    @_translated
    def history(self, key: str | None = None, kind: str | None = None) -> Iterator[Row]:
        """The change log, oldest first (of one record's KEY, of one KIND, if given)."""
        if kind is not None and kind not in KINDS:
            raise _choice("kind of record", kind, self.KINDS)
        from alliancekb.records import write as records

        return self._stream(records.history, key, kind)

    @_translated
    def dump(self, out: TextIO | Path, fmt: str = "yaml") -> dict[str, int]:
        """Write the whole knowledge base in the seed format (to a handle, or a file written
        whole); return the records per section."""
        if fmt not in DUMP_FORMATS:
            raise _choice("dump format", fmt, DUMP_FORMATS)
        from alliancekb.records.dump import dump_to

        if isinstance(out, Path):
            outputs.check(out, self._protected())
            with outputs.text_file(out, self._protected()) as handle:
                return dict(dump_to(self.engine, handle, fmt))
        return dict(dump_to(self.engine, out, fmt))

    @_translated
    def import_file(
        self,
        fmt: str,
        path: Path,
        *,
        command: str | None = None,
        progress: Progress | None = None,
    ) -> ImportSummary:
        """Import an ATOP (`atop`), COW alliance (`cow`) or COW state (`cow-states`) file.

        Creates or replaces its source in one transaction; the same file again changes nothing.
        """
        from alliancekb.importers import FORMATS, import_file
        from alliancekb.records.writer import WriteContext

        if fmt not in FORMATS:
            raise _choice("dataset", fmt, FORMATS)
        context = WriteContext(command=command or f"import {fmt} {path}")
        return import_file(self.engine, fmt, path, context, progress or _no_progress)

    # --- listings ----------------------------------------------------------------------------
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

    def _listing(
        self, name: str, year: int | None, on: dt.date | None, *args: Any
    ) -> Iterator[Row]:
        from alliancekb.analysis import queries

        return self._first(getattr(queries, name), queries.Window.of(year, on), *args)

    def states(
        self, year: int | None = None, on: dt.date | None = None, state: str | None = None
    ) -> Iterator[Row]:
        return self._listing("states", year, on, state)

    def alliances(
        self,
        year: int | None = None,
        on: dt.date | None = None,
        state: str | None = None,
        source: str | None = None,
    ) -> Iterator[Row]:
        return self._listing("alliances", year, on, state, source)

    def allies(
        self,
        state: str,
        year: int | None = None,
        on: dt.date | None = None,
        source: str | None = None,
    ) -> Iterator[Row]:
        from alliancekb.analysis import queries

        return self._first(queries.allies, state, queries.Window.of(year, on), source)

    def treaties(
        self,
        year: int | None = None,
        on: dt.date | None = None,
        state: str | None = None,
        source: str | None = None,
    ) -> Iterator[Row]:
        return self._listing("treaties", year, on, state, source)

    def alignments(
        self,
        year: int | None = None,
        on: dt.date | None = None,
        state: str | None = None,
        source: str | None = None,
    ) -> Iterator[Row]:
        return self._listing("alignments", year, on, state, source)

    def events(
        self,
        year: int | None = None,
        on: dt.date | None = None,
        state: str | None = None,
        source: str | None = None,
    ) -> Iterator[Row]:
        return self._listing("events", year, on, state, source)

    @_translated
    def coverage_notes(
        self,
        year: int | None = None,
        on: dt.date | None = None,
        source: str | None = None,
        kind: str = "alliances",
    ) -> list[str]:
        """Lines naming each source of alliances (or alignments) that does not cover the year."""
        if kind not in ("alliances", "alignments"):
            raise _choice("kind of coverage note", kind, ("alliances", "alignments"))
        from alliancekb.analysis import queries
        from alliancekb.database.engine import read_session
        from alliancekb.database.models import Alignment, Alliance

        model = Alignment if kind == "alignments" else Alliance
        with read_session(self.engine) as session:
            return queries.coverage_notes(session, queries.Window.of(year, on), source, model)

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
            raise _choice("table", table, (*TABLES, *PANELS))
        if source is not None or directed or first is not None or last is not None:
            raise InvalidInput(
                f"source, directed, first and last are for the panels, not the table {table}"
            )
        from alliancekb.records import tables as export

        return self._first(export.TABLES[table])

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
            raise _choice("view", view, (*PANELS, "history", "theory", "theory-table"))
        return list(names)

    def _protected(self) -> list[Path]:
        return outputs.database_files(self.database_file)

    @_translated
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
        from alliancekb.formats import write_batches, write_csv_lines, write_rows

        if fmt not in FILE_FORMATS:
            raise _choice("export format", fmt, FILE_FORMATS)
        if isinstance(out, Path):
            outputs.check(out, self._protected())
        if table == "dyad-years":
            # The fast path: tuples (or finished CSV lines) straight from the panel.
            columns = self.columns(table)
            batches = self.dyad_year_batches(source, directed, first, last, csv_lines=fmt == "csv")
            with self._destination(out) as handle:
                if fmt == "csv":
                    return write_csv_lines(batches, columns, handle)
                return write_batches(batches, columns, fmt, handle)
        rows = self.export(table, source=source, directed=directed, first=first, last=last)
        names = self.columns(table) if table in PANELS else None
        with self._destination(out) as handle:
            return write_rows(rows, fmt, handle, columns=names, raw=raw)

    @contextmanager
    def _destination(self, out: TextIO | Path) -> Iterator[TextIO]:
        if isinstance(out, Path):
            with outputs.text_file(out, self._protected()) as handle:
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

        span = panels.Span(first, last)
        return self._first(panels.dyad_year_batches, source, directed, span, csv_lines=csv_lines)

    def dyad_years(
        self,
        source: str | None = None,
        directed: bool = False,
        first: int | None = None,
        last: int | None = None,
    ) -> Iterator[Row]:
        from alliancekb.analysis import panels

        return self._first(panels.dyad_years, source, directed, panels.Span(first, last))

    def state_years(
        self, source: str | None = None, first: int | None = None, last: int | None = None
    ) -> Iterator[Row]:
        from alliancekb.analysis import panels

        return self._first(panels.state_years, source, panels.Span(first, last))

    # --- analysis ----------------------------------------------------------------------------
    def compare(self, state_a: str, state_b: str) -> Iterator[Row]:
        """Each source's coding of a pair of states, period by period, disagreements marked."""
        from alliancekb.analysis.compare import compare

        return self._first(compare, state_a, state_b)

    def theory(
        self,
        state: str | None = None,
        source: str | None = None,
        first: int | None = None,
        last: int | None = None,
    ) -> tuple[Iterator[Row], theory.Summary]:
        """The Hanoi rule against the alliances in force: rows, and a summary filled as read."""
        from alliancekb.analysis import panels, theory

        summary = theory.Summary()
        span = panels.Span(first, last)
        return self._first(theory.theory_rows, summary, state, source, span), summary

    @_translated
    def timeline(
        self,
        state: str,
        first: int | None = None,
        last: int | None = None,
        sources: list[str] | None = None,
    ) -> Timeline:
        """What a timeline picture of STATE shows, as plain data (`timeline_picture` draws it)."""
        from alliancekb.analysis import panels, timeline
        from alliancekb.database.engine import read_session

        with read_session(self.engine) as session:
            return timeline.gather(session, state, panels.Span(first, last), sources or [])

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

    @_translated
    def timeline_picture(
        self,
        state: str,
        out: Path,
        first: int | None = None,
        last: int | None = None,
        sources: list[str] | None = None,
    ) -> Timeline:
        """Draw STATE's timeline into OUT (.svg or .png), written whole; return what it shows."""
        from alliancekb.analysis.timeline import render

        fmt = self.picture_format(out)
        outputs.check(out, self._protected())
        drawn = self.timeline(state, first, last, sources)
        outputs.write_bytes(out, render(drawn, fmt), self._protected())
        return drawn
