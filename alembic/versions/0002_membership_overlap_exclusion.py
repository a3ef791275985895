"""PostgreSQL: refuse overlapping memberships of a state in the same alliance and phase.

An EXCLUDE constraint (btree_gist) makes the database itself refuse two memberships of the same
state in the same alliance and phase whose day ranges overlap; an open end runs on for ever.
SQLite has no such constraint: there the library checks before writing and `alliancekb db
check` reports any overlap. Autogenerate does not see EXCLUDE constraints, so it is not in the
models; tests insert overlapping rows and expect the refusal.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ex_memberships_no_overlap"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(
        f"ALTER TABLE memberships ADD CONSTRAINT {NAME} EXCLUDE USING gist "
        "(alliance_id WITH =, state_id WITH =, phase WITH =, "
        "daterange(start_day, end_day, '[]') WITH &&)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE memberships DROP CONSTRAINT IF EXISTS {NAME}")
