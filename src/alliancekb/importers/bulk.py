"""The importers' writes: plain tuples through the database driver, in the session's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import closing
from typing import Any

from sqlalchemy.orm import Session

from alliancekb.dates import PartialDate
from alliancekb.models import OBLIGATIONS

BATCH = 5000
"""Rows per executemany (or per progress report in a COPY)."""

ALLIANCE_COLUMNS = (
    "key",
    "source_id",
    "external_id",
    "treaty_id",
    "title",
    "formal",
    "notes",
    "start",
    "end",
    "start_day",
    "end_day",
)
MEMBERSHIP_COLUMNS = (
    "alliance_id",
    "state_id",
    "phase",
    "start",
    "end",
    "start_day",
    "end_day",
    *OBLIGATIONS,
)


class BulkWriter:
    """Inserts plain tuples with the database driver, inside the session's transaction:
    COPY on PostgreSQL, executemany on SQLite. Values are stored as SQLAlchemy stores them:
    on SQLite a day as ISO text ('1954-07-21') and a boolean as 1/0 (Python's sqlite3 binds
    True and False as the integers 1 and 0); on PostgreSQL dates and booleans as they are."""

    def __init__(self, session: Session) -> None:
        connection = session.connection()
        self.postgres = connection.dialect.name == "postgresql"
        self.driver: Any = connection.connection.driver_connection

    def day(self, day: dt.date) -> dt.date | str:
        return day if self.postgres else day.isoformat()

    def period(self, start: PartialDate, end: PartialDate | None) -> tuple[Any, ...]:
        if end is None:
            return str(start), None, self.day(start.first_day), None
        return str(start), str(end), self.day(start.first_day), self.day(end.last_day)

    def insert(
        self,
        name: str,
        columns: tuple[str, ...],
        rows: Sequence[tuple[Any, ...]],
        done: Callable[[int], None],
    ) -> None:
        """Insert ROWS into table NAME, calling done(count) after each batch."""
        names = ", ".join(f'"{c}"' for c in columns)
        with closing(self.driver.cursor()) as cursor:
            if self.postgres:
                with cursor.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
                    for i in range(0, len(rows), BATCH):
                        for row in rows[i : i + BATCH]:
                            copy.write_row(row)
                        done(min(i + BATCH, len(rows)))
                return
            sql = f"INSERT INTO {name} ({names}) VALUES ({', '.join('?' * len(columns))})"
            for i in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[i : i + BATCH])
                done(min(i + BATCH, len(rows)))
