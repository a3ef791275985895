"""The standard datasets' own tables, beside the knowledge base's (models.py re-exports them).

The Gleditsch-Ward system and its COW correspondence (`import gw-states`), ATOP's `asymm` and
`obvary` per member row (`import atop`), and the covariates of the world test (`import
regimes`, `import rivalries`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from alliancekb.database.base import Base, DatedColumns, period_check, source_fk


class GwState(Base):
    """A state of the Gleditsch-Ward system (`import gw-states`), by its own code."""

    __tablename__ = "gw_states"
    __table_args__ = (UniqueConstraint("source_id", "gwcode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    gwcode: Mapped[int] = mapped_column(Integer)
    stateabb: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))


class GwSpell(DatedColumns, Base):
    """A spell of a state in the Gleditsch-Ward system; NULL end: to the end of the data."""

    __tablename__ = "gw_spells"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:
        return (period_check(), UniqueConstraint("gw_state_id", "start"))

    id: Mapped[int] = mapped_column(primary_key=True)
    gw_state_id: Mapped[int] = mapped_column(
        ForeignKey("gw_states.id", ondelete="CASCADE"), index=True
    )


class GwCode(Base):
    """The COW/GW correspondence: over these days (NULL: open) COW's ccode is GW's gwcode."""

    __tablename__ = "gw_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    ccode: Mapped[int] = mapped_column(Integer)
    gwcode: Mapped[int] = mapped_column(Integer)
    start_day: Mapped[dt.date | None] = mapped_column(Date)
    end_day: Mapped[dt.date | None] = mapped_column(Date)


class AtopProvision(Base):
    """ATOP's `asymm` (the alliance phase's obligations are not the same for all members) and
    `obvary` (this member's obligations vary by partner), per member row of an import."""

    __tablename__ = "atop_provisions"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    alliance_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    phase: Mapped[int] = mapped_column(Integer, primary_key=True)
    ccode: Mapped[int] = mapped_column(Integer, primary_key=True)
    asymm: Mapped[bool | None] = mapped_column(Boolean)
    obvary: Mapped[bool | None] = mapped_column(Boolean)


class RegimeScore(Base):
    """One source's democracy measures of a state-year (V-Dem, Polity, UDS); None: not
    estimated."""

    __tablename__ = "regime_scores"
    __table_args__ = (UniqueConstraint("source_id", "state_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="RESTRICT"))
    state_id: Mapped[int] = mapped_column(ForeignKey("states.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    polyarchy: Mapped[float | None] = mapped_column(Float)
    polity2: Mapped[float | None] = mapped_column(Float)
    euds: Mapped[float | None] = mapped_column(Float)
    aeuds: Mapped[float | None] = mapped_column(Float)


class Rivalry(Base):
    """A strategic rivalry (Thompson and Dreyer): two states, its years, region and types."""

    __tablename__ = "rivalries"
    __table_args__ = (
        UniqueConstraint("source_id", "number"),
        CheckConstraint("last_year >= first_year", name="years_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = source_fk()
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    state_a_id: Mapped[int] = mapped_column(ForeignKey("states.id", ondelete="CASCADE"))
    state_b_id: Mapped[int] = mapped_column(ForeignKey("states.id", ondelete="CASCADE"))
    first_year: Mapped[int] = mapped_column(Integer)
    last_year: Mapped[int] = mapped_column(Integer)
    region: Mapped[str | None] = mapped_column(String(100))
    types: Mapped[str] = mapped_column(String(200))
    """Its types in the file's order, comma-separated (spatial, positional, ideological, ...)."""
