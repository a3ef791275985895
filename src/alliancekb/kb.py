"""The Python API: one object for a knowledge base, as a notebook or the CLI uses it.

    >>> from alliancekb import KnowledgeBase
    >>> kb = KnowledgeBase.open()                      # the embedded default, seeded
    >>> [row["name"] for row in kb.allies("Vietnam", year=1985)]
    ['Soviet Union', 'Laos']

Every listing is a generator of dict rows; nothing here prints or exits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliancekb.errors import DataWouldBeLost
from alliancekb.kb_exports import Row, driver_errors, translated, unknown
from alliancekb.kb_names import Names
from alliancekb.kb_panels import Panels
from alliancekb.kb_web import Web
from alliancekb.kb_world import World
from alliancekb.records.kinds import KINDS, Kind

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from alliancekb.database.integrity import Problem
    from alliancekb.importers import ImportSummary as ImportSummary
    from alliancekb.importers import Progress
    from alliancekb.records.seed import WriteSummary as WriteSummary
    from alliancekb.records.write import WriteReport as WriteReport

__all__ = ["ImportSummary", "KnowledgeBase", "WriteReport", "WriteSummary", "driver_errors"]

# Everything past this module and kb_exports.py is imported by the methods that need it: the
# CLI imports KnowledgeBase to build its commands, and `alliancekb --help` must not pay for
# SQLAlchemy, Pydantic or pictures.


def _seed_first_use(engine: Engine) -> None:
    from alliancekb.records.seed import seed
    from alliancekb.records.writer import WriteContext
    from alliancekb.resources import bundled_seed

    seed(engine, bundled_seed(), WriteContext(command="first use"))


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


class KnowledgeBase(Panels, Names, World, Web):
    """A knowledge base on SQLite or PostgreSQL."""

    KINDS = tuple(KINDS)
    """The kinds of record `add_records` and `history` take (records/kinds.py)."""

    @staticmethod
    def kinds() -> list[Kind]:
        """Each kind of record: its name, section (seed, dump, table), key and example file."""
        return list(KINDS.values())

    @classmethod
    @translated
    def open(cls, url: str | None = None, *, check_schema: bool = True) -> KnowledgeBase:
        """Open a database; the embedded default is created, migrated and seeded on first use.

        Any other database must be at the current schema (`alliancekb db upgrade`).
        """
        from alliancekb.database import embedded, migrations
        from alliancekb.database import engine as db

        resolved = db.resolve_url(url)
        created = embedded.prepare(resolved, populate=_seed_first_use)
        engine = db.make_engine(resolved)
        kb = cls(engine, resolved, created)
        if check_schema:
            migrations.ensure_current(engine)
        return kb

    @translated
    def upgrade(self, revision: str = "head") -> tuple[str | None, str | None]:
        from alliancekb.database import migrations

        before = migrations.current_revision(self.engine)
        migrations.upgrade(self.engine, revision)
        return before, migrations.current_revision(self.engine)

    @translated
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

    @translated
    def current(self) -> tuple[str | None, str]:
        from alliancekb.database import migrations

        return migrations.current_revision(self.engine), migrations.head_revision()

    @translated
    def check(self) -> tuple[list[Problem], int]:
        """Integrity of the database: every problem found, and how many checks ran."""
        from alliancekb.database.integrity import check

        return check(self.engine)

    # --- writes ------------------------------------------------------------------------------
    @translated
    def seed(self, path: Path | None = None, *, command: str = "seed") -> WriteSummary:
        """Upsert a seed file (default: the bundled Vietnam seed) in one transaction."""
        from alliancekb.records.seed import seed
        from alliancekb.records.writer import WriteContext
        from alliancekb.resources import bundled_seed

        return seed(self.engine, path or bundled_seed(), WriteContext(command=command))

    @translated
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
            raise unknown("kind of record", kind, self.KINDS)
        from alliancekb.records import write as records
        from alliancekb.records.writer import WriteContext

        verb = "amend" if update else "add"
        context = WriteContext(command=command or f"{kind} {verb} --file {path}", by=by or "")
        return records.write_records(
            self.engine, kind, path, context, update=update, dry_run=dry_run
        )

    @staticmethod
    def differences(before: Row | None, after: Row | None, limit: int | None = None) -> list[str]:
        """`field: old -> new` for each field of a record that a write changed."""
        from alliancekb.records.write import differences

        return differences(before, after, limit)

    @translated
    def history(self, key: str | None = None, kind: str | None = None) -> Iterator[Row]:
        """The change log, oldest first (of one record's KEY, of one KIND, if given)."""
        if kind is not None and kind not in KINDS:
            raise unknown("kind of record", kind, self.KINDS)
        from alliancekb.records import write as records

        return self._stream(records.history, key, kind)

    @translated
    def import_file(
        self,
        fmt: str,
        path: Path,
        *,
        command: str | None = None,
        progress: Progress | None = None,
        replace_edits: bool = False,
    ) -> ImportSummary:
        """Import an ATOP (`atop`), COW alliance (`cow`), COW state (`cow-states`), regime
        (`regimes`) or rivalry (`rivalries`) file.

        Creates or replaces its source in one transaction; the same file again changes nothing.
        Edits made by hand to the source's alliances since its last import raise WouldLoseWork
        unless `replace_edits`.
        """
        from alliancekb.importers import FORMATS, import_file
        from alliancekb.records.writer import WriteContext

        if fmt not in FORMATS:
            raise unknown("dataset", fmt, FORMATS)
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
    def _listing(
        self, name: str, year: int | None, on: dt.date | None, *args: Any
    ) -> Iterator[Row]:
        from alliancekb.analysis import queries

        return self._first(getattr(queries, name), queries.asked(year, on), *args)

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
        search: str | None = None,
        obligations: list[str] | None = None,
    ) -> Iterator[Row]:
        """Alliances in force; with `state`, its own entry and exit too (`member_start`,
        `member_end`); `search`: words of a title, key or note; `obligations`: any of them."""
        from alliancekb.analysis import queries
        from alliancekb.analysis.alliance_list import alliances

        period = queries.asked(year, on)
        return self._first(alliances, period, state, source, search, obligations)

    def allies(
        self,
        state: str,
        year: int | None = None,
        on: dt.date | None = None,
        source: str | None = None,
        obligations: list[str] | None = None,
    ) -> Iterator[Row]:
        """Each ally once; `obligations`: only through alliances that carry any of them."""
        from alliancekb.analysis import queries

        period = queries.asked(year, on)
        return self._first(queries.allies, state, period, source, obligations)

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

    @translated
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
        if kind not in ("alliances", "alignments"):
            raise unknown("kind of coverage note", kind, ("alliances", "alignments"))
        from alliancekb.analysis import queries
        from alliancekb.database.engine import read_session
        from alliancekb.database.models import Alignment, Alliance

        model = Alignment if kind == "alignments" else Alliance
        with read_session(self.engine) as session:
            return queries.coverage_notes(session, queries.asked(year, on), source, model, state)
