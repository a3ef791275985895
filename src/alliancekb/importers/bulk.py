"""The importers' writes: plain tuples through the database driver, in the session's transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from itertools import islice
from typing import Any

from sqlalchemy.orm import Session

from alliancekb.database.models import OBLIGATIONS

BATCH = 5000
"""Rows per executemany (or per progress report in a COPY)."""
CACHE_KIB = 32 * 1024
"""SQLite's page cache while an import writes (the connection's default is 2 MB). Two indexes
fill in no particular order, memberships by state and day and alliances by day (10 MB at 100
times ATOP): in the default cache an import of that size reads 321,000 pages back from the file
and writes 173,000; in this one 12,600 and 35,500 (the commit's)."""

ALLIANCE_COLUMNS = (  # the title: the common name, where alliance_names.csv gives one
    "key",
    "title",
    "source_id",
    "external_id",
    "treaty_id",
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
    COPY on PostgreSQL, executemany on SQLite. Rows hold what the table stores, as SQLAlchemy
    stores it on SQLite: a day as ISO text ('1954-07-21'), a boolean as 1/0 (Python's sqlite3
    binds True and False as the integers 1 and 0); COPY reads both as PostgreSQL's dates and
    booleans."""

    def __init__(self, session: Session) -> None:
        connection = session.connection()
        self.postgres = connection.dialect.name == "postgresql"
        self.driver: Any = connection.connection.driver_connection

    @contextmanager
    def roomy_cache(self) -> Iterator[None]:
        """On SQLite, up to CACHE_KIB of pages kept in memory while the block writes, then the
        connection's own size again (it goes back to the pool). What is written and when it is
        durable do not change: the pages go to the write-ahead log at the commit, as before."""
        if self.postgres:
            yield
            return
        (size,) = self.driver.execute("PRAGMA cache_size").fetchone()
        self.driver.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
        try:
            yield
        finally:
            self.driver.execute(f"PRAGMA cache_size = {int(size)}")

    def ids(self, name: str, source_id: int) -> dict[str, int]:
        """Key -> id of the rows of table NAME from source SOURCE_ID, read with the driver's
        cursor (half the time SQLAlchemy's rows take)."""
        mark = "%s" if self.postgres else "?"
        with closing(self.driver.cursor()) as cursor:
            cursor.execute(f"SELECT key, id FROM {name} WHERE source_id = {mark}", (source_id,))
            return dict(cursor.fetchall())

    def insert(
        self,
        name: str,
        columns: tuple[str, ...],
        rows: Iterable[tuple[Any, ...]],
        done: Callable[[int], None],
    ) -> None:
        """Insert ROWS into table NAME, calling done(count) after each batch."""
        names = ", ".join(f'"{c}"' for c in columns)
        count = 0
        with closing(self.driver.cursor()) as cursor:
            if self.postgres:
                with cursor.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
                    for batch in batches(rows):
                        for row in batch:
                            copy.write_row(row)
                        count += len(batch)
                        done(count)
                return
            sql = f"INSERT INTO {name} ({names}) VALUES ({', '.join('?' * len(columns))})"
            for batch in batches(rows):
                cursor.executemany(sql, batch)
                count += len(batch)
                done(count)


def batches(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    """ROWS, BATCH at a time."""
    it = iter(rows)
    while batch := list(islice(it, BATCH)):
        yield batch
