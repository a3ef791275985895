"""Covariates for the Hanoi rule over the whole world: regime scores and strategic rivalries.

`regime_scores`: one source's democracy measures per state-year (V-Dem polyarchy, Polity2,
the extended UDS); `rivalries`: Thompson and Dreyer's strategic rivalries, a dyad and its
years. `alliancekb import regimes|rivalries` fill them; the derived flags are computed from
them when asked, never stored over the hand-coded alignments.

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "regime_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("state_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("polyarchy", sa.Float(), nullable=True),
        sa.Column("polity2", sa.Float(), nullable=True),
        sa.Column("euds", sa.Float(), nullable=True),
        sa.Column("aeuds", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_regime_scores_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["state_id"],
            ["states.id"],
            name=op.f("fk_regime_scores_state_id_states"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regime_scores")),
        sa.UniqueConstraint(
            "source_id", "state_id", "year", name=op.f("uq_regime_scores_source_id_state_id_year")
        ),
    )
    op.create_index(op.f("ix_regime_scores_state_id"), "regime_scores", ["state_id"])
    op.create_table(
        "rivalries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("state_a_id", sa.Integer(), nullable=False),
        sa.Column("state_b_id", sa.Integer(), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("types", sa.String(length=200), nullable=False),
        sa.CheckConstraint("last_year >= first_year", name=op.f("ck_rivalries_years_order")),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_rivalries_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["state_a_id"],
            ["states.id"],
            name=op.f("fk_rivalries_state_a_id_states"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["state_b_id"],
            ["states.id"],
            name=op.f("fk_rivalries_state_b_id_states"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rivalries")),
        sa.UniqueConstraint("source_id", "number", name=op.f("uq_rivalries_source_id_number")),
    )
    op.create_index(op.f("ix_rivalries_source_id"), "rivalries", ["source_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_rivalries_source_id"), table_name="rivalries")
    op.drop_table("rivalries")
    op.drop_index(op.f("ix_regime_scores_state_id"), table_name="regime_scores")
    op.drop_table("regime_scores")
