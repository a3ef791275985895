"""Full-text search over alliances and treaties (keys, titles, notes), in the database's own index.

SQLite: an FTS5 table per kind (`search_alliances`, `search_treaties`) over the table's own
rows (external content), kept current by triggers on every insert, update and delete, so
analysts' writes and bulk imports alike are found at once. PostgreSQL: a GIN index on the
weighted tsvector of the same columns, which the server keeps current itself. Keys are split at
`-` and `.` (`atop-5.1-3180` is found by `3180`); titles weigh most, then keys, then notes.
The expression here and the one `analysis/search.py` queries must stay the same.

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("alliances", "treaties")
COLUMNS = "key, title, notes"


def _pg_vector(table: str) -> str:
    parts = [("key", "B"), ("coalesce(title, '')", "A"), ("coalesce(notes, '')", "D")]
    return " || ".join(
        f"setweight(to_tsvector('simple'::regconfig, translate({column}, '-.', '  ')), '{w}')"
        for column, w in parts
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(
                f"CREATE INDEX ix_search_{table} ON {table} USING gin (({_pg_vector(table)}))"
            )
        return
    for table in TABLES:
        index = f"search_{table}"
        old = f"INSERT INTO {index}({index}, rowid, {COLUMNS}) "
        old += "VALUES ('delete', old.id, old.key, old.title, old.notes);"
        new = (
            f"INSERT INTO {index}(rowid, {COLUMNS}) VALUES (new.id, new.key, new.title, new.notes);"
        )
        op.execute(
            f"CREATE VIRTUAL TABLE {index} USING fts5({COLUMNS}, content='{table}', "
            "content_rowid='id', tokenize=\"unicode61 tokenchars ''\")"
        )
        op.execute(f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {new} END")
        op.execute(f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {old} END")
        op.execute(f"CREATE TRIGGER {index}_update AFTER UPDATE ON {table} BEGIN {old} {new} END")
        op.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP INDEX IF EXISTS ix_search_{table}")
        return
    for table in TABLES:
        index = f"search_{table}"
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {index}_{event}")
        op.execute(f"DROP TABLE IF EXISTS {index}")
