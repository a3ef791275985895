"""The Python API: one object for a knowledge base, as a notebook or the CLI uses it.

    >>> from alliancekb import KnowledgeBase
    >>> kb = KnowledgeBase.open()                      # the embedded default, seeded
    >>> [row["name"] for row in kb.allies("Vietnam", year=1985)]
    ['Soviet Union', 'Laos']

Every listing is a generator of dict rows; nothing here prints or exits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from sqlalchemy import Engine

from alliancekb.analysis import panels, queries
from alliancekb.analysis.rules import Period
from alliancekb.database import embedded, migrations
from alliancekb.database import engine as db
from alliancekb.resources import bundled_seed

if TYPE_CHECKING:
    from alliancekb.analysis import theory, timeline
    from alliancekb.importers import ImportSummary, Progress
    from alliancekb.records import write as records
    from alliancekb.records.seed import WriteSummary

# Writers, Pydantic schemas and pictures are imported by the methods that need them, so that a
# listing or an export does not pay for them at start-up.


def _seed_first_use(engine: Engine) -> None:
    from alliancekb.records.seed import seed
    from alliancekb.records.writer import WriteContext

    seed(engine, bundled_seed(), WriteContext(command="first use"))


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


Row = dict[str, Any]
T = TypeVar("T")


class KnowledgeBase:
    """A knowledge base on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine, url: str, created: bool = False) -> None:
        self.engine = engine
        self.url = url
        self.created = created

    @classmethod
    def open(cls, url: str | None = None, *, check_schema: bool = True) -> KnowledgeBase:
        """Open a database; the embedded default is created, migrated and seeded on first use.

        Any other database must be at the current schema (`alliancekb db upgrade`).
        """
        resolved = db.resolve_url(url)
        created = embedded.prepare(resolved, populate=_seed_first_use)
        engine = db.make_engine(resolved)
        kb = cls(engine, resolved, created)
        if check_schema:
            migrations.ensure_current(engine)
        return kb

    # --- schema ------------------------------------------------------------------------------
    def upgrade(self, revision: str = "head") -> tuple[str | None, str | None]:
        before = migrations.current_revision(self.engine)
        migrations.upgrade(self.engine, revision)
        return before, migrations.current_revision(self.engine)

    def downgrade(self, revision: str) -> tuple[str | None, str | None]:
        before = migrations.current_revision(self.engine)
        migrations.downgrade(self.engine, revision)
        return before, migrations.current_revision(self.engine)

    def current(self) -> tuple[str | None, str]:
        return migrations.current_revision(self.engine), migrations.head_revision()

    # --- writes ------------------------------------------------------------------------------
    def seed(self, path: Path | None = None, *, command: str = "seed") -> WriteSummary:
        """Upsert a seed file (default: the bundled Vietnam seed) in one transaction."""
        from alliancekb.records.seed import seed
        from alliancekb.records.writer import WriteContext

        return seed(self.engine, path or bundled_seed(), WriteContext(command=command))

    def add_records(
        self,
        kind: str,
        path: Path,
        *,
        update: bool = False,
        dry_run: bool = False,
        by: str | None = None,
        command: str | None = None,
    ) -> records.WriteReport:
        """Add (or amend, with `update`) the KIND records of a file; all or nothing."""
        from alliancekb.records import write as records
        from alliancekb.records.writer import WriteContext

        verb = "amend" if update else "add"
        context = WriteContext(command=command or f"{kind} {verb} --file {path}")
        if by:
            context.by = by
        return records.write_records(
            self.engine, kind, path, context, update=update, dry_run=dry_run
        )

    def history(self, key: str | None = None, kind: str | None = None) -> Iterator[Row]:
        """The change log, oldest first (of one record's KEY, if given)."""
        from alliancekb.records import write as records

        return self._stream(records.history, key, kind)

    def dump(self, out: TextIO, fmt: str = "yaml") -> dict[str, int]:
        """Write the whole knowledge base in the seed format; return the records per section."""
        from alliancekb.records.dump import dump_to

        return dict(dump_to(self.engine, out, fmt))

    def import_file(
        self,
        fmt: str,
        path: Path,
        *,
        command: str | None = None,
        progress: Progress | None = None,
        replace_edits: bool = False,
    ) -> ImportSummary:
        """Import an ATOP (`atop`), COW alliance (`cow`) or COW state (`cow-states`) file.

        Creates or replaces its source in one transaction; the same file again changes nothing.
        Edits made by hand to the source's alliances since its last import raise WouldLoseWork
        unless `replace_edits`.
        """
        from alliancekb.importers import import_file
        from alliancekb.records.writer import WriteContext

        context = WriteContext(command=command or f"import {fmt} {path}")
        return import_file(
            self.engine,
            fmt,
            path,
            context,
            progress or _no_progress,
            replace_edits=replace_edits,
        )

    # --- listings ----------------------------------------------------------------------------
    def _stream(self, make: Callable[..., Iterator[T]], *args: Any, **kw: Any) -> Iterator[T]:
        with db.read_session(self.engine) as session:
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

    def states(
        self, year: int | None = None, on: dt.date | None = None, state: str | None = None
    ) -> Iterator[Row]:
        return self._first(queries.states, queries.asked(year, on), state)

    def alliances(
        self,
        year: int | None = None,
        on: dt.date | None = None,
        state: str | None = None,
        source: str | None = None,
    ) -> Iterator[Row]:
        return self._first(queries.alliances, queries.asked(year, on), state, source)

    def allies(
        self,
        state: str,
        year: int | None = None,
        on: dt.date | None = None,
        source: str | None = None,
    ) -> Iterator[Row]:
        return self._first(queries.allies, state, queries.asked(year, on), source)

    def treaties(
        self,
        year: int | None = None,
        on: dt.date | None = None,
        state: str | None = None,
        source: str | None = None,
    ) -> Iterator[Row]:
        return self._first(queries.treaties, queries.asked(year, on), state, source)

    def alignments(
        self,
        year: int | None = None,
        on: dt.date | None = None,
        state: str | None = None,
        source: str | None = None,
    ) -> Iterator[Row]:
        return self._first(queries.alignments, queries.asked(year, on), state, source)

    def events(
        self,
        year: int | None = None,
        on: dt.date | None = None,
        state: str | None = None,
        source: str | None = None,
    ) -> Iterator[Row]:
        return self._first(queries.events, queries.asked(year, on), state, source)

    def coverage_notes(
        self,
        year: int | None = None,
        on: dt.date | None = None,
        source: str | None = None,
        kind: str = "alliances",
        state: str | None = None,
    ) -> list[str]:
        """Lines naming each source of alliances (or alignments) that does not speak for the
        year, or (with `state`) for every dyad of the state."""
        from alliancekb.database.models import Alignment, Alliance

        model = Alignment if kind == "alignments" else Alliance
        with db.read_session(self.engine) as session:
            return queries.coverage_notes(session, queries.asked(year, on), source, model, state)

    # --- exports and panels ------------------------------------------------------------------
    def export(self, table: str) -> Iterator[Row]:
        from alliancekb.records import tables as export

        return self._first(export.TABLES[table])

    def dyad_year_batches(
        self,
        source: str | None = None,
        directed: bool = False,
        first: int | None = None,
        last: int | None = None,
        *,
        csv_lines: bool = False,
    ) -> Iterator[list[Any]]:
        """Dyad-years in batches, as tuples in panels.DYAD_COLUMNS order or finished CSV lines
        (the export's path)."""
        span = Period.years(first, last)
        return self._first(panels.dyad_year_batches, source, directed, span, csv_lines=csv_lines)

    def dyad_years(
        self,
        source: str | None = None,
        directed: bool = False,
        first: int | None = None,
        last: int | None = None,
    ) -> Iterator[Row]:
        span = Period.years(first, last)
        return self._first(panels.dyad_years, source, directed, span)

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

        return self._first(compare, state_a, state_b, sources or [], Period.years(first, last))

    def state_years(
        self, source: str | None = None, first: int | None = None, last: int | None = None
    ) -> Iterator[Row]:
        return self._first(panels.state_years, source, Period.years(first, last))

    # --- analysis ----------------------------------------------------------------------------
    def theory(
        self,
        state: str | None = None,
        source: str | None = None,
        first: int | None = None,
        last: int | None = None,
    ) -> tuple[Iterator[Row], theory.Summary]:
        """The Hanoi rule against the alliances in force: rows, and a summary filled as read."""
        from alliancekb.analysis import theory

        summary = theory.Summary()
        span = Period.years(first, last)
        return self._first(theory.theory_rows, summary, state, source, span), summary

    def timeline(
        self,
        state: str,
        first: int | None = None,
        last: int | None = None,
        sources: list[str] | None = None,
    ) -> timeline.Timeline:
        """What a timeline picture of STATE shows, as plain data (`timeline.draw` draws it)."""
        from alliancekb.analysis import timeline

        with db.read_session(self.engine) as session:
            return timeline.gather(session, state, Period.years(first, last), sources or [])
