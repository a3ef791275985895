"""Index alliances by their day range, for `alliances --year` and `--on`.

A year query asks for the alliances whose range overlaps the year; without this index the
database read every membership to find them (SQLite scanned all 229,305 memberships at 100
times ATOP). With it, the scan starts from the alliances that began before the year's end.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_alliances_days", "alliances", ["start_day", "end_day"])


def downgrade() -> None:
    op.drop_index("ix_alliances_days", table_name="alliances")
