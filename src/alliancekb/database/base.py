"""What every table shares: the declarative base and its naming convention, the dated columns.

Every dated record keeps its partial dates as text (`start`, `end`: `1954`, `1978-11`,
`1978-11-03`) and, for querying, the widest day range they can mean (`start_day` is the first
possible day, `end_day` the last). An `end` of NULL means ongoing: in force to the end of its
source's coverage. The tables themselves are in models.py and dataset_tables.py.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    MetaData,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

OBLIGATIONS = ("defense", "offense", "neutrality", "nonaggression", "consultation")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DatedColumns:
    """Columns of a dated record; the CHECK keeps the end on or after the start."""

    start: Mapped[str] = mapped_column(String(10))
    end: Mapped[str | None] = mapped_column(String(10))
    start_day: Mapped[dt.date] = mapped_column(Date)
    end_day: Mapped[dt.date | None] = mapped_column(Date)


def period_check() -> CheckConstraint:
    return CheckConstraint("end_day IS NULL OR end_day >= start_day", name="end_after_start")


def source_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("sources.id", ondelete="RESTRICT"), index=True)
