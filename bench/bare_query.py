"""A yardstick: a plain python + DB-API script answering "the allies of STATE in YEAR".

What `alliancekb allies CCODE --year YEAR --format csv` answers, from alliancekb's own schema,
with nothing but the standard library (sqlite3) or psycopg: pairs of memberships of one alliance
and phase, both in force on a common day of the year, inside the source's coverage in time and
space (a source that codes the dyads of some states covers a pair with one of them; an ongoing
membership runs to the end of its source's coverage). Prints
`ccode,stateabb,sources`, one row per ally. No name over time, no checks, no notes: the floor
for one question asked from a fresh process.

    python bench/bare_query.py sqlite:///PATH CCODE YEAR
    python bench/bare_query.py postgresql+psycopg://USER@HOST:PORT/DB CCODE YEAR
"""

from __future__ import annotations

import sys

ALLIES = """
SELECT s2.ccode, s2.stateabb, src.key
FROM states s1
JOIN memberships m1 ON m1.state_id = s1.id
JOIN memberships m2 ON m2.alliance_id = m1.alliance_id AND m2.phase = m1.phase
JOIN states s2 ON s2.id = m2.state_id
JOIN alliances a ON a.id = m1.alliance_id
JOIN sources src ON src.id = a.source_id
WHERE s1.ccode = {p} AND s2.id <> s1.id
  AND src.coverage_start <= {p} AND (src.coverage_end IS NULL OR src.coverage_end >= {p})
  AND m1.start_day <= {p} AND m2.start_day <= {p}
  AND (m1.end_day IS NULL OR m1.end_day >= {p}) AND (m2.end_day IS NULL OR m2.end_day >= {p})
  AND (m1.end_day IS NULL OR m1.end_day >= m2.start_day)
  AND (m2.end_day IS NULL OR m2.end_day >= m1.start_day)
  AND (NOT EXISTS (SELECT 1 FROM source_states x WHERE x.source_id = src.id)
       OR EXISTS (SELECT 1 FROM source_states x
                  WHERE x.source_id = src.id AND x.ccode IN (s1.ccode, s2.ccode)))
ORDER BY s2.ccode, src.key
"""


def main() -> None:
    url, ccode, year = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    first, last = f"{year:04d}-01-01", f"{year:04d}-12-31"
    params = (ccode, year, year, last, last, first, first)
    if url.startswith("sqlite:///"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        sql = ALLIES.format(p="?")
    else:
        import psycopg

        conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))  # type: ignore[assignment]
        sql = (
            ALLIES.format(p="%s")
            .replace("start_day <= %s", "start_day <= %s::date")
            .replace("end_day >= %s", "end_day >= %s::date")
        )
    allies: dict[tuple[int, str], list[str]] = {}
    for ally, abb, source in conn.execute(sql, params):
        keys = allies.setdefault((ally, abb), [])
        if source not in keys:
            keys.append(source)
    lines = ["ccode,stateabb,sources"]
    lines += [f"{c},{abb},{'; '.join(keys)}" for (c, abb), keys in allies.items()]
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
