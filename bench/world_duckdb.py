"""The yardstick for the world test: a DuckDB script that counts the four cells from the CSVs.

The same numbers as `alliancekb theory --universe cow --source atop-5.1 --flags derived`
(default rule): every undirected dyad-year of the COW state system in 1816-2010 (both states
in the system on a common day of the year; a spell ending 2016-12-31 runs on), shared security
= both have a Thompson-Dreyer strategic rivalry in force that year with one third state,
shared ideology = both have a V-Dem polyarchy score that year within 0.15 (else unknown),
allied = two members of one ATOP alliance and phase on a common day of the year (a blank day
is the widest, exit 0/0/0 runs to 2018-12-31, 8152 left out). Prints one JSON row per cell.

    python bench/world_duckdb.py STATES_CSV ATOP_CSV REGIMES_CSV RIVALRIES_CSV
"""

from __future__ import annotations

import json
import sys

import duckdb

FIRST, LAST, BAND = 1816, 2010, 0.15

SQL = f"""
CREATE TEMP TABLE spells AS
SELECT ccode, make_date(styear, stmonth, stday) AS s,
       CASE WHEN (endyear, endmonth, endday) = (2016, 12, 31) THEN DATE '{LAST}-12-31'
            ELSE make_date(endyear, endmonth, endday) END AS e
FROM read_csv('{{states}}', header = true);

CREATE TEMP TABLE universe AS
SELECT DISTINCT a.ccode AS c1, b.ccode AS c2, UNNEST(range(
    greatest(year(greatest(a.s, b.s)), {FIRST}), least(year(least(a.e, b.e)), {LAST}) + 1
)) AS year
FROM spells a JOIN spells b ON a.ccode < b.ccode
WHERE greatest(a.s, b.s) <= least(a.e, b.e);

CREATE TEMP TABLE members AS
SELECT atopid, phase, member,
       make_date(yrent, moent, coalesce(dayent, 1)) AS s,
       CASE WHEN yrexit = 0 THEN DATE '2018-12-31'
            WHEN dayexit IS NULL THEN last_day(make_date(yrexit, moexit, 1))
            ELSE make_date(yrexit, moexit, dayexit) END AS e
FROM read_csv('{{atop}}', header = true)
WHERE member <> 8152;

CREATE TEMP TABLE allied AS
SELECT DISTINCT a.member AS c1, b.member AS c2, UNNEST(range(
    year(greatest(a.s, b.s)), year(least(a.e, b.e)) + 1)) AS year
FROM members a JOIN members b
  ON a.atopid = b.atopid AND a.phase = b.phase AND a.member < b.member
WHERE greatest(a.s, b.s) <= least(a.e, b.e);

CREATE TEMP TABLE polyarchy AS
SELECT ccode, year, v2x_polyarchy AS p
FROM read_csv('{{regimes}}', header = true) WHERE v2x_polyarchy IS NOT NULL;

CREATE TEMP TABLE rivals AS
WITH r AS (
    SELECT ccode1, ccode2, UNNEST(range(styear, endyear + 1)) AS year
    FROM read_csv('{{rivalries}}', header = true)
    WHERE ccode1 IN (SELECT ccode FROM spells) AND ccode2 IN (SELECT ccode FROM spells)
)
SELECT ccode1 AS state, ccode2 AS rival, year FROM r
UNION ALL SELECT ccode2, ccode1, year FROM r;

CREATE TEMP TABLE common AS
SELECT DISTINCT a.state AS c1, b.state AS c2, a.year
FROM rivals a JOIN rivals b ON a.rival = b.rival AND a.year = b.year AND a.state < b.state;

SELECT (c.c1 IS NOT NULL) AS shared_security,
       CASE WHEN pa.p IS NULL OR pb.p IS NULL THEN NULL
            ELSE abs(pa.p - pb.p) <= {BAND} + 1e-9 END AS shared_ideology,
       count(*) AS dyad_years,
       count(al.c1) AS allied
FROM universe u
LEFT JOIN common c ON c.c1 = u.c1 AND c.c2 = u.c2 AND c.year = u.year
LEFT JOIN polyarchy pa ON pa.ccode = u.c1 AND pa.year = u.year
LEFT JOIN polyarchy pb ON pb.ccode = u.c2 AND pb.year = u.year
LEFT JOIN allied al ON al.c1 = u.c1 AND al.c2 = u.c2 AND al.year = u.year
GROUP BY ALL
ORDER BY shared_security DESC, shared_ideology DESC NULLS LAST;
"""


def main() -> None:
    states, atop, regimes, rivalries = sys.argv[1:5]
    con = duckdb.connect()
    script = SQL.format(states=states, atop=atop, regimes=regimes, rivalries=rivalries)
    *setup, query = [part for part in script.split(";") if part.strip()]
    for statement in setup:
        con.execute(statement)
    rows = con.execute(query).fetchall()
    for security, ideology, n, allied in rows:
        print(
            json.dumps(
                {
                    "shared_security": security,
                    "shared_ideology": ideology,
                    "dyad_years": n,
                    "allied": allied,
                    "share_allied": round(allied / n, 4),
                }
            )
        )


if __name__ == "__main__":
    main()
