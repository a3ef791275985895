"""Coverage in space: the states whose dyads a source codes.

A source speaks for certain years and for certain states: ATOP and COW for the whole state
system (no rows here), the article vu2020 and the checked Vietnam case for Vietnam's dyads only
(816). Before this revision every source spoke for every pair, so the article's silence on the
United States and Canada read as "not allied". Existing sources get their scope: `vu2020` and
`vietnam-case`, the two sources of the bundled seed that code one state's dyads, get 816.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIETNAM_SOURCES = ("vu2020", "vietnam-case")
VIETNAM = 816


def upgrade() -> None:
    op.create_table(
        "source_states",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("ccode", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_source_states_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", "ccode", name=op.f("pk_source_states")),
    )
    keys = ", ".join(f"'{key}'" for key in VIETNAM_SOURCES)
    op.execute(
        f"INSERT INTO source_states (source_id, ccode) "
        f"SELECT id, {VIETNAM} FROM sources WHERE key IN ({keys})"
    )


def downgrade() -> None:
    op.drop_table("source_states")
