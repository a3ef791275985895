"""An import's source row, its summary, and its entry in the change log."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from alliancekb.database.models import Base, Change, Source
from alliancekb.records.writer import WriteContext

LICENCE = "Free for research use; cite the dataset. Not redistributed with alliancekb."


def table(model: type[Base]) -> Table:
    """The Core table of a model, for bulk inserts without ORM objects."""
    return Base.metadata.tables[model.__tablename__]


@dataclass(frozen=True)
class SourceInfo:
    key: str
    title: str
    citation: str
    url: str | None
    version: str | None
    licence: str
    coverage_start: int
    coverage_end: int | None
    notes: str | None

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class ImportSummary:
    """What an import did; the CLI turns it into one line."""

    source: str
    path: Path
    action: str = "added"  # added | replaced | unchanged
    alliances: int = 0
    memberships: int = 0
    states: int = 0
    spells: int = 0
    linked: list[tuple[str, str]] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)
    """Alliances left out whole: fewer than two of their members are states here."""
    redated: list[str] = field(default_factory=list)
    """Alliances dated from their members: the file dates them inside their members' dates."""
    removed: list[str] = field(default_factory=list)
    """Alliances of the source the import removed (analysts' additions among them)."""
    reverted: list[str] = field(default_factory=list)
    """Alliances the import changed back from an analyst's edit."""
    state_years: int = 0
    """Covariates: the state-years of regime scores stored (`import regimes`)."""
    measures: dict[str, int] = field(default_factory=dict)
    """Covariates: per measure (v2x_polyarchy, polity2, ...), the state-years it scores."""
    rivalries: int = 0
    """Covariates: the rivalries stored (`import rivalries`)."""
    years: tuple[int, int] | None = None
    """Covariates: the first and last year the file speaks for."""
    unit: str = "membership"
    """What a skipped item is (a membership, a state-year, a rivalry)."""

    def skip(self, reason: str, item: str) -> None:
        self.skipped.setdefault(reason, []).append(item)

    @property
    def nothing_changed(self) -> bool:
        return self.action == "unchanged"

    def _covariates(self) -> dict[str, Any]:
        if not (self.state_years or self.rivalries):
            return {}  # the alliance and state imports' entries keep their fields
        counts: dict[str, Any] = (
            {"state_years": self.state_years, "measures": self.measures}
            if self.state_years
            else {"rivalries": self.rivalries}
        )
        return {**counts, "years": list(self.years) if self.years else None}

    def record(self) -> dict[str, Any]:
        """The summary as the change log keeps it (`after`)."""
        return {
            "file": self.path.name,
            "alliances": self.alliances,
            "memberships": self.memberships,
            "states": self.states,
            "spells": self.spells,
            **self._covariates(),
            "linked": [f"{a} -> {t}" for a, t in self.linked],
            "skipped": self.skipped,
            **{
                name: items
                for name, items in (
                    ("left_out", self.left_out),
                    ("redated", self.redated),
                    ("removed", self.removed),
                    ("reverted", self.reverted),
                )
                if items
            },
        }


def put_source(session: Session, info: SourceInfo) -> tuple[int, bool]:
    """Create or update the source row; return its id and whether its fields changed."""
    row = session.execute(select(Source).where(Source.key == info.key)).scalar_one_or_none()
    values = info.values()
    if row is None:
        new_id = session.execute(insert(Source).values(**values).returning(Source.id)).scalar_one()
        return new_id, True
    same = all(getattr(row, name) == value for name, value in values.items())
    if not same:
        session.execute(update(Source).where(Source.id == row.id).values(**values))
    return row.id, not same


def log_import(
    session: Session,
    context: WriteContext,
    importer: str,
    summary: ImportSummary,
    existed: bool,
) -> None:
    after = {"importer": importer, **summary.record()}
    session.execute(
        insert(Change).values(
            at=context.at,
            by=context.by,
            command=context.command[:200],
            record_type="source",
            record_key=summary.source,
            action="changed" if existed else "added",
            before=None,
            after=json.dumps(after, ensure_ascii=False),
        )
    )


def source_exists(session: Session, key: str) -> bool:
    return session.scalar(select(Source.id).where(Source.key == key)) is not None
