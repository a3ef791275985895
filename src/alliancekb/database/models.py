"""The relational schema: SQLAlchemy 2 typed ORM tables.

Every dated record keeps its partial dates as text (`start`, `end`: `1954`, `1978-11`,
`1978-11-03`) and, for querying, the widest day range they can mean (`start_day` is the first
possible day, `end_day` the last). An `end` of NULL means ongoing: in force to the end of its
source's coverage.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from alliancekb.database.base import OBLIGATIONS as OBLIGATIONS
from alliancekb.database.base import Base as Base
from alliancekb.database.base import DatedColumns as DatedColumns
from alliancekb.database.base import period_check, source_fk


class Source(Base):
    __tablename__ = "sources"
    __table_args__ = (
        CheckConstraint(
            "coverage_end IS NULL OR coverage_end >= coverage_start", name="coverage_order"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    citation: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[str | None] = mapped_column(String(32))
    licence: Mapped[str | None] = mapped_column(Text)
    coverage_start: Mapped[int] = mapped_column(Integer)
    coverage_end: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)

    scope: Mapped[list[SourceState]] = relationship(
        cascade="all, delete-orphan", order_by="SourceState.ccode", lazy="selectin"
    )
    coverage_states: AssociationProxy[list[int]] = association_proxy(
        "scope", "ccode", creator=lambda ccode: SourceState(ccode=ccode)
    )
    """The COW codes of the states whose dyads the source codes; empty: the whole system."""


class SourceState(Base):
    """A state whose dyads a source speaks for (vu2020: Vietnam's). A source without any speaks
    for the whole state system. Held as a COW code, not a state row: a seed names its sources
    before its states."""

    __tablename__ = "source_states"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    ccode: Mapped[int] = mapped_column(Integer, primary_key=True)


class State(Base):
    __tablename__ = "states"

    id: Mapped[int] = mapped_column(primary_key=True)
    ccode: Mapped[int] = mapped_column(Integer, unique=True)
    stateabb: Mapped[str] = mapped_column(String(8), index=True)
    name: Mapped[str] = mapped_column(String(200))
    iso3: Mapped[str | None] = mapped_column(String(3))
    gwcode: Mapped[int | None] = mapped_column(Integer)
    source_id: Mapped[int] = source_fk()

    source: Mapped[Source] = relationship()
    names: Mapped[list[StateName]] = relationship(
        back_populates="state", cascade="all, delete-orphan", order_by="StateName.start_day"
    )
    spells: Mapped[list[SystemSpell]] = relationship(
        back_populates="state", cascade="all, delete-orphan", order_by="SystemSpell.start_day"
    )


class StateName(DatedColumns, Base):
    """A state's name over a period (Soviet Union 1922-1991, then Russian Federation)."""

    __tablename__ = "state_names"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:
        return (period_check(), UniqueConstraint("state_id", "name", "start"))

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("states.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[State] = relationship(back_populates="names")


class SystemSpell(DatedColumns, Base):
    """A spell of membership in the state system (COW), with its source."""

    __tablename__ = "system_spells"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:
        return (period_check(), UniqueConstraint("state_id", "source_id", "start"))

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("states.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = source_fk()
    state: Mapped[State] = relationship(back_populates="spells")
    source: Mapped[Source] = relationship()


class Treaty(Base):
    __tablename__ = "treaties"
    __table_args__ = (
        CheckConstraint("ended_day IS NULL OR ended_day >= signed_day", name="ended_after_signed"),
        CheckConstraint(
            "in_force_day IS NULL OR signed_day IS NULL OR in_force_day >= signed_day",
            name="in_force_after_signed",
        ),
        CheckConstraint("duration_months IS NULL OR duration_months > 0", name="duration"),
        CheckConstraint("renewal_months IS NULL OR renewal_months > 0", name="renewal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    signed: Mapped[str | None] = mapped_column(String(10))
    signed_day: Mapped[dt.date | None] = mapped_column(Date)
    in_force: Mapped[str | None] = mapped_column(String(10))
    in_force_day: Mapped[dt.date | None] = mapped_column(Date)
    ended: Mapped[str | None] = mapped_column(String(10))
    ended_day: Mapped[dt.date | None] = mapped_column(Date)
    duration_months: Mapped[int | None] = mapped_column(Integer)
    renewal_months: Mapped[int | None] = mapped_column(Integer)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("treaties.id", ondelete="RESTRICT"), index=True
    )
    atopid: Mapped[int | None] = mapped_column(Integer, index=True)
    cow4id: Mapped[int | None] = mapped_column(Integer, index=True)
    source_id: Mapped[int] = source_fk()
    notes: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Source] = relationship()
    supersedes: Mapped[Treaty | None] = relationship(remote_side=[id])
    parties: Mapped[list[TreatyParty]] = relationship(
        back_populates="treaty", cascade="all, delete-orphan"
    )


class TreatyParty(Base):
    __tablename__ = "treaty_parties"

    treaty_id: Mapped[int] = mapped_column(
        ForeignKey("treaties.id", ondelete="CASCADE"), primary_key=True
    )
    state_id: Mapped[int] = mapped_column(
        ForeignKey("states.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    treaty: Mapped[Treaty] = relationship(back_populates="parties")
    state: Mapped[State] = relationship()


class Alliance(DatedColumns, Base):
    """One source's coding of an alliance; it may rest on a treaty or on none."""

    __tablename__ = "alliances"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:
        return (
            period_check(),
            UniqueConstraint("source_id", "external_id"),
            Index("ix_alliances_days", "start_day", "end_day"),
        )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    source_id: Mapped[int] = source_fk()
    external_id: Mapped[str | None] = mapped_column(String(64))
    treaty_id: Mapped[int | None] = mapped_column(
        ForeignKey("treaties.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str | None] = mapped_column(String(500))
    formal: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Source] = relationship()
    treaty: Mapped[Treaty | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="alliance",
        cascade="all, delete-orphan",
        order_by="(Membership.phase, Membership.start_day, Membership.state_id)",
    )


class Membership(DatedColumns, Base):
    """A state's membership of an alliance in one phase, with its own obligations."""

    __tablename__ = "memberships"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:
        return (
            period_check(),
            UniqueConstraint("alliance_id", "state_id", "phase", "start"),
            CheckConstraint("phase >= 0", name="phase"),
            Index("ix_memberships_state_days", "state_id", "start_day", "end_day"),
        )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True
    )
    state_id: Mapped[int] = mapped_column(ForeignKey("states.id", ondelete="RESTRICT"))
    phase: Mapped[int] = mapped_column(Integer, default=0)
    defense: Mapped[bool | None] = mapped_column(Boolean)
    offense: Mapped[bool | None] = mapped_column(Boolean)
    neutrality: Mapped[bool | None] = mapped_column(Boolean)
    nonaggression: Mapped[bool | None] = mapped_column(Boolean)
    consultation: Mapped[bool | None] = mapped_column(Boolean)

    alliance: Mapped[Alliance] = relationship(back_populates="memberships")
    state: Mapped[State] = relationship()


class Alignment(DatedColumns, Base):
    """A dyad's shared ideology and shared security over a period (None = unknown)."""

    __tablename__ = "alignments"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:
        return (
            period_check(),
            CheckConstraint("state_a_id <> state_b_id", name="two_states"),
            UniqueConstraint("source_id", "state_a_id", "state_b_id", "start"),
        )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    state_a_id: Mapped[int] = mapped_column(
        ForeignKey("states.id", ondelete="RESTRICT"), index=True
    )
    state_b_id: Mapped[int] = mapped_column(
        ForeignKey("states.id", ondelete="RESTRICT"), index=True
    )
    shared_ideology: Mapped[bool | None] = mapped_column(Boolean)
    shared_security: Mapped[bool | None] = mapped_column(Boolean)
    source_id: Mapped[int] = source_fk()
    rationale: Mapped[str | None] = mapped_column(Text)

    state_a: Mapped[State] = relationship(foreign_keys=[state_a_id])
    state_b: Mapped[State] = relationship(foreign_keys=[state_b_id])
    source: Mapped[Source] = relationship()


class Event(DatedColumns, Base):
    __tablename__ = "events"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:
        return (period_check(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[int] = source_fk()
    notes: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Source] = relationship()
    participants: Mapped[list[EventParticipant]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )


class EventParticipant(Base):
    __tablename__ = "event_participants"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    state_id: Mapped[int] = mapped_column(
        ForeignKey("states.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    event: Mapped[Event] = relationship(back_populates="participants")
    state: Mapped[State] = relationship()


class Change(Base):
    """The change log: every write, with the values before and after (JSON text)."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(100))
    command: Mapped[str] = mapped_column(String(200))
    record_type: Mapped[str] = mapped_column(String(32))
    record_key: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(16))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


# The standard datasets' own tables (the Gleditsch-Ward system, ATOP's provisions, the
# covariates) are in dataset_tables.py; importing them here keeps one `models` module that
# holds every table, so Base.metadata is whole wherever models is imported.
from alliancekb.database.dataset_tables import AtopProvision as AtopProvision  # noqa: E402
from alliancekb.database.dataset_tables import GwCode as GwCode  # noqa: E402
from alliancekb.database.dataset_tables import GwSpell as GwSpell  # noqa: E402
from alliancekb.database.dataset_tables import GwState as GwState  # noqa: E402
from alliancekb.database.dataset_tables import RegimeScore as RegimeScore  # noqa: E402
from alliancekb.database.dataset_tables import Rivalry as Rivalry  # noqa: E402
