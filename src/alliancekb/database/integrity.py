"""`db check`: what the database itself should never hold, looked for row by row.

Orphans (a foreign key naming no row), inverted date ranges, overlapping memberships of a state
in the same alliance and phase, and a schema that is not current; then each record's own
consistency (database/consistency.py). On PostgreSQL the constraints
refuse all of these; a database copied in, restored, or written with checks switched off can
still hold them, and SQLite enforces foreign keys only on connections that ask.
"""

from __future__ import annotations

from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.orm import aliased

from alliancekb.database.consistency import Problem, consistency
from alliancekb.database.engine import is_sqlite, read_session
from alliancekb.database.migrations import ensure_current
from alliancekb.database.models import Base, Membership, Treaty
from alliancekb.errors import SchemaOutOfDate

__all__ = ["Problem", "check"]


def check(engine: Engine) -> tuple[list[Problem], int]:
    """Every problem found, and how many checks ran."""
    try:
        ensure_current(engine)
    except SchemaOutOfDate as exc:
        return [Problem("schema", "alembic_version", 1, str(exc))], 1
    problems: list[Problem] = []
    checks = 0
    with read_session(engine) as session:
        for table in Base.metadata.sorted_tables:
            for fk in sorted(table.foreign_keys, key=lambda f: f.parent.name):
                checks += 1
                parent = fk.column.table.alias()
                column = parent.c[fk.column.name]
                query = (
                    select(func.count())
                    .select_from(table.outerjoin(parent, fk.parent == column))
                    .where(fk.parent.is_not(None), column.is_(None))
                )
                count = session.scalar(query) or 0
                if count:
                    problems.append(
                        Problem(
                            "orphans",
                            table.name,
                            count,
                            f"{fk.parent.name} names no row of {fk.column.table.name}",
                        )
                    )
            if "start_day" in table.c and "end_day" in table.c:
                checks += 1
                count = (
                    session.scalar(
                        select(func.count())
                        .select_from(table)
                        .where(table.c.end_day < table.c.start_day)
                    )
                    or 0
                )
                if count:
                    problems.append(
                        Problem("inverted ranges", table.name, count, "end before start")
                    )
        checks += 1
        count = (
            session.scalar(select(func.count()).where(Treaty.ended_day < Treaty.signed_day)) or 0
        )
        if count:
            problems.append(Problem("inverted ranges", "treaties", count, "ended before signed"))
        checks += 1
        first, second = aliased(Membership), aliased(Membership)
        overlaps = (
            select(func.count())
            .select_from(first)
            .join(
                second,
                and_(
                    second.alliance_id == first.alliance_id,
                    second.state_id == first.state_id,
                    second.phase == first.phase,
                    second.id > first.id,
                ),
            )
            .where(
                or_(second.end_day.is_(None), first.start_day <= second.end_day),
                or_(first.end_day.is_(None), second.start_day <= first.end_day),
            )
        )
        count = session.scalar(overlaps) or 0
        if count:
            problems.append(
                Problem(
                    "overlaps",
                    "memberships",
                    count,
                    "a state twice in the same alliance and phase on the same days",
                )
            )
        found, more = consistency(session, is_sqlite(engine))
    return problems + found, checks + more
