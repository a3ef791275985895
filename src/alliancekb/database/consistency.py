"""`db check`, record by record: what the writers refuse, looked for in the stored rows.

A database edited by hand (sqlite3), restored from elsewhere or written by an older version can
hold dates that are not partial ISO dates or that disagree with their stored days, a member
outside its alliance's dates, an alignment of a state with itself, a treaty in force before it
was signed, an alliance of fewer than two states, an obligation that is neither 0, 1 nor null.
Each check streams its rows; dates are read as text, so that a broken stored day is reported,
not raised.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, Table, cast, func, select, text
from sqlalchemy.orm import Session

from alliancekb.database.models import (
    OBLIGATIONS,
    Alignment,
    Alliance,
    Base,
    Membership,
    State,
    Treaty,
)
from alliancekb.dates import PartialDate, outside


@dataclass(frozen=True)
class Problem:
    check: str
    table: str
    count: int
    detail: str

    def __str__(self) -> str:
        return f"{self.check}: {self.count} in {self.table} ({self.detail})"


@dataclass
class _Tally:
    """How many rows of one table and kind failed, and the first of them, for the message."""

    check: str
    table: str
    what: str
    count: int = 0
    first: str = ""

    def add(self, example: str) -> None:
        self.count += 1
        if self.count == 1:
            self.first = example

    def problem(self) -> Problem | None:
        if not self.count:
            return None
        return Problem(self.check, self.table, self.count, f"{self.what}; first: {self.first}")


DATE_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("start", "start_day", False),
    ("end", "end_day", True),
    ("signed", "signed_day", False),
    ("in_force", "in_force_day", False),
    ("ended", "ended_day", True),
)
"""A date's text, its stored day, and whether that day is the last it can mean (an end)."""


def _dates(session: Session, table: Table) -> Iterator[Problem]:
    for name, day_name, last in DATE_COLUMNS:
        if name not in table.c or day_name not in table.c:
            continue
        bad = _Tally("bad dates", table.name, f"{name} is not a partial ISO date")
        wrong = _Tally("date mismatch", table.name, f"{day_name} disagrees with {name}")
        column, day = table.c[name], table.c[day_name]
        label = table.c.key if "key" in table.c else ("id " + cast(table.c.id, String))
        query = select(label, column, cast(day, String)).where(
            column.is_not(None) | day.is_not(None)
        )
        for row_id, value, stored in session.execute(query.execution_options(yield_per=2000)):
            if value is None:
                wrong.add(f"{row_id}: {name} null but {day_name} {stored}")
                continue
            date = _parsed(value)
            if date is None or str(date) != value:
                bad.add(f"{row_id}: {value!r}")
                continue
            expected = (date.last_day if last else date.first_day).isoformat()
            if stored != expected:
                wrong.add(f"{row_id}: {name} {value} but {day_name} {stored} (not {expected})")
        yield from (p for p in (bad.problem(), wrong.problem()) if p is not None)


def _parsed(value: object) -> PartialDate | None:
    try:
        return PartialDate.parse(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _members_outside(session: Session) -> Problem | None:
    tally = _Tally("members outside", "memberships", "a member's dates outside its alliance's")
    query = (
        select(State.ccode, Membership.start, Membership.end, Alliance.start, Alliance.end)
        .add_columns(Alliance.key)
        .join(Alliance, Membership.alliance_id == Alliance.id)
        .join(State, Membership.state_id == State.id)
        .order_by(Alliance.key, Membership.id)
    )
    rows = session.execute(query.execution_options(yield_per=2000))
    for ccode, m_start, m_end, a_start, a_end, key in rows:
        start, end = _parsed(a_start), _parsed(a_end)
        member_start, member_end = _parsed(m_start), _parsed(m_end)
        if start is None or member_start is None or (a_end and not end):
            continue  # a date that is no date: reported by the dates check
        if m_end and not member_end:
            continue
        side = outside(start, end, member_start, member_end)
        if side is not None:
            span = f"{m_start} to {m_end or 'ongoing'}"
            tally.add(f"{ccode} ({span}) {side} alliance {key} ({a_start} to {a_end or 'ongoing'})")
    return tally.problem()


def _counted(session: Session, query: Any, check: str, table: str, what: str) -> Problem | None:
    """A Problem from a query of (count, first key), or None when the count is 0."""
    count, first = session.execute(query).one()
    if not count:
        return None
    return Problem(check, table, count, f"{what}; first: {first}")


def _rows(session: Session, sqlite: bool) -> Iterator[Problem | None]:
    yield _counted(
        session,
        select(func.count(), func.min(Alignment.key)).where(
            Alignment.state_a_id == Alignment.state_b_id
        ),
        "self alignments",
        "alignments",
        "a state aligned with itself",
    )
    yield _counted(
        session,
        select(func.count(), func.min(Treaty.key)).where(Treaty.in_force_day < Treaty.signed_day),
        "inverted ranges",
        "treaties",
        "in force before signed",
    )
    states = (
        select(func.count(func.distinct(Membership.state_id)))
        .where(Membership.alliance_id == Alliance.id)
        .scalar_subquery()
    )
    yield _counted(
        session,
        select(func.count(), func.min(Alliance.key)).where(states < 2),
        "one-state alliances",
        "alliances",
        "fewer than two different states",
    )
    if not sqlite:
        return  # PostgreSQL's boolean type holds nothing else
    for name in OBLIGATIONS:
        yield _counted(
            session,
            text(
                f"SELECT count(*), 'id ' || min(id) FROM memberships WHERE {name} IS NOT NULL "
                f"AND (typeof({name}) != 'integer' OR {name} NOT IN (0, 1))"
            ),
            "bad obligations",
            "memberships",
            f"{name} is neither 0, 1 nor null",
        )


def consistency(session: Session, sqlite: bool) -> tuple[list[Problem], int]:
    """The problems of the stored records, and how many checks ran."""
    problems: list[Problem] = []
    checks = 0
    for table in Base.metadata.sorted_tables:
        checks += sum(2 for name, day, _ in DATE_COLUMNS if name in table.c and day in table.c)
        problems.extend(_dates(session, table))
    checks += 1
    problem = _members_outside(session)
    if problem is not None:
        problems.append(problem)
    checks += 3 + len(OBLIGATIONS)
    problems.extend(p for p in _rows(session, sqlite) if p is not None)
    return problems, checks
