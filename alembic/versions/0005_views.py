"""Views that answer questions: `alliance_dyads` and `memberships_named`.

`alliance_dyads` holds one row per ordered pair of members of one alliance and phase, with
both states' ccode and stateabb, the source and alliance keys, the phase, the common first and
last day and the first member's own obligations (towards the second). It follows the dyad rule
of `analysis/rules.py` (`MembershipPairs`, `common_period` within the source's coverage): both
memberships on at least one common day; an ongoing membership runs to the last day of its
source's coverage (December 31 of this year where the coverage is open); the common days are
clipped to the coverage in time, and a pair outside the source's coverage in space (a source
that codes one state's dyads) is left out. Both directions are rows, so "allies of 816 in 1985"
is one WHERE: `ccode1 = 816 AND first_day <= '1985-12-31' AND last_day >= '1985-01-01'`;
`ccode1 < ccode2` keeps each undirected pair once.

`memberships_named`: a membership with its state's ccode, stateabb and name, the alliance key
and the source key, in place of the surrogate ids.

A later revision that recreates a table these views read (SQLite's batch mode copies and
renames) or changes one of its columns must drop the views first and create them again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OBLIGATIONS = ("defense", "offense", "neutrality", "nonaggression", "consultation")

# Per dialect: the first and last day of a source's coverage (an open coverage ends this year),
# and the greatest / least of several dates (SQLite's scalar max/min, PostgreSQL's GREATEST).
DAYS = {
    "sqlite": {
        "cover_first": "printf('%04d-01-01', src.coverage_start)",
        "open_end": "printf('%04d-12-31', COALESCE(src.coverage_end, "
        "CAST(strftime('%Y', 'now') AS INTEGER)))",
        "greatest": "max",
        "least": "min",
    },
    "postgresql": {
        "cover_first": "make_date(src.coverage_start, 1, 1)",
        "open_end": "make_date(COALESCE(src.coverage_end, "
        "CAST(EXTRACT(YEAR FROM CURRENT_DATE) AS INTEGER)), 12, 31)",
        "greatest": "GREATEST",
        "least": "LEAST",
    },
}


def _dyads(dialect: str) -> str:
    d = DAYS[dialect]
    greatest, least, end = d["greatest"], d["least"], d["open_end"]
    obligations = ", ".join(f"m1.{o} AS {o}" for o in OBLIGATIONS)
    return f"""
CREATE VIEW alliance_dyads AS
SELECT ccode1, stateabb1, ccode2, stateabb2, source, alliance, phase, first_day, last_day,
       {", ".join(OBLIGATIONS)}
FROM (
    SELECT s1.ccode AS ccode1, s1.stateabb AS stateabb1,
           s2.ccode AS ccode2, s2.stateabb AS stateabb2,
           src.key AS source, a.key AS alliance, m1.phase AS phase,
           {greatest}(m1.start_day, m2.start_day, {d["cover_first"]}) AS first_day,
           {least}(COALESCE(m1.end_day, {end}), COALESCE(m2.end_day, {end}), {end}) AS last_day,
           {obligations}
    FROM memberships m1
    JOIN memberships m2 ON m2.alliance_id = m1.alliance_id AND m2.phase = m1.phase
    JOIN alliances a ON a.id = m1.alliance_id
    JOIN sources src ON src.id = a.source_id
    JOIN states s1 ON s1.id = m1.state_id
    JOIN states s2 ON s2.id = m2.state_id
    WHERE s1.ccode <> s2.ccode
      AND (NOT EXISTS (SELECT 1 FROM source_states ss WHERE ss.source_id = src.id)
           OR EXISTS (SELECT 1 FROM source_states ss
                      WHERE ss.source_id = src.id AND ss.ccode IN (s1.ccode, s2.ccode)))
) pairs
WHERE first_day <= last_day
"""


MEMBERSHIPS_NAMED = f"""
CREATE VIEW memberships_named AS
SELECT m.id AS membership_id, a.key AS alliance, src.key AS source,
       st.ccode AS ccode, st.stateabb AS stateabb, st.name AS name, m.phase AS phase,
       m.start AS start, m."end" AS "end", m.start_day AS start_day, m.end_day AS end_day,
       {", ".join(f"m.{o} AS {o}" for o in OBLIGATIONS)}
FROM memberships m
JOIN alliances a ON a.id = m.alliance_id
JOIN sources src ON src.id = a.source_id
JOIN states st ON st.id = m.state_id
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute(_dyads("postgresql" if dialect == "postgresql" else "sqlite"))
    op.execute(MEMBERSHIPS_NAMED)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS memberships_named")
    op.execute("DROP VIEW IF EXISTS alliance_dyads")
