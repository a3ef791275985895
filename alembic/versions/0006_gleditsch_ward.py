"""The Gleditsch-Ward state system and ATOP's asymmetry flags.

`gw_states` and `gw_spells` hold the GW list (`import gw-states`), `gw_codes` the COW/GW
correspondence written with it (Germany 255 is GW's 260 from 1990-10-03; COW's 345 is GW's
Serbia 340 before 1918 and from 2006-06-05). `atop_provisions` keeps ATOP's `asymm` and
`obvary` per member row, so a directed dyad-year can say it rests on an asymmetric alliance.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _source_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["source_id"],
        ["sources.id"],
        name=op.f(f"fk_{table}_source_id_sources"),
        ondelete="CASCADE",
    )


def _dated() -> list[sa.Column[object]]:
    return [
        sa.Column("start", sa.String(length=10), nullable=False),
        sa.Column("end", sa.String(length=10), nullable=True),
        sa.Column("start_day", sa.Date(), nullable=False),
        sa.Column("end_day", sa.Date(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "gw_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("gwcode", sa.Integer(), nullable=False),
        sa.Column("stateabb", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        _source_fk("gw_states"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gw_states")),
        sa.UniqueConstraint("source_id", "gwcode", name=op.f("uq_gw_states_source_id_gwcode")),
    )
    op.create_table(
        "gw_spells",
        *_dated(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gw_state_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "end_day IS NULL OR end_day >= start_day", name=op.f("ck_gw_spells_end_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["gw_state_id"],
            ["gw_states.id"],
            name=op.f("fk_gw_spells_gw_state_id_gw_states"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gw_spells")),
        sa.UniqueConstraint("gw_state_id", "start", name=op.f("uq_gw_spells_gw_state_id_start")),
    )
    op.create_index(op.f("ix_gw_spells_gw_state_id"), "gw_spells", ["gw_state_id"])
    op.create_table(
        "gw_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("ccode", sa.Integer(), nullable=False),
        sa.Column("gwcode", sa.Integer(), nullable=False),
        sa.Column("start_day", sa.Date(), nullable=True),
        sa.Column("end_day", sa.Date(), nullable=True),
        _source_fk("gw_codes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gw_codes")),
    )
    op.create_index(op.f("ix_gw_codes_source_id"), "gw_codes", ["source_id"])
    op.create_table(
        "atop_provisions",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("alliance_key", sa.String(length=64), nullable=False),
        sa.Column("phase", sa.Integer(), nullable=False),
        sa.Column("ccode", sa.Integer(), nullable=False),
        sa.Column("asymm", sa.Boolean(), nullable=True),
        sa.Column("obvary", sa.Boolean(), nullable=True),
        _source_fk("atop_provisions"),
        sa.PrimaryKeyConstraint(
            "source_id", "alliance_key", "phase", "ccode", name=op.f("pk_atop_provisions")
        ),
    )


def downgrade() -> None:
    op.drop_table("atop_provisions")
    op.drop_index(op.f("ix_gw_codes_source_id"), table_name="gw_codes")
    op.drop_table("gw_codes")
    op.drop_index(op.f("ix_gw_spells_gw_state_id"), table_name="gw_spells")
    op.drop_table("gw_spells")
    op.drop_table("gw_states")
