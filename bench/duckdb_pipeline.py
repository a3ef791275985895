"""A yardstick: a DuckDB script that builds ATOP's directed dyad-years from the CSV.

The same table as `alliancekb export dyad-years --source atop-5.1 --directed` and
`bench/pandas_baseline.py`: pairs of members of one alliance and phase on a common day (a blank
day is the widest month; exit 0/0/0 runs to the end of 2018), every year of the common period,
each member's own obligations (the maximum over the alliances of the year), codes that are not
COW states (8152) left out. It is what a researcher who knows DuckDB would write instead.

    python bench/duckdb_pipeline.py ATOP_CSV STATES_CSV OUT_CSV
"""

from __future__ import annotations

import sys

import duckdb

QUERY = """
CREATE TEMP TABLE codes AS
  SELECT ccode, any_value(stateabb) AS stateabb FROM read_csv_auto(?) GROUP BY ccode;
CREATE TEMP TABLE m AS
  SELECT atopid, member, phase, defense, offense, neutral, nonagg, consul,
         try_cast(make_date(yrent, moent, coalesce(dayent, 1)) AS DATE) AS start_day,
         CASE WHEN yrexit = 0 THEN DATE '2018-12-31'
              WHEN dayexit IS NULL THEN last_day(make_date(yrexit, moexit, 1))
              ELSE try_cast(make_date(yrexit, moexit, dayexit) AS DATE) END AS end_day
  FROM read_csv(?, header = true, all_varchar = false, auto_detect = true)
  WHERE member IN (SELECT ccode FROM codes);
COPY (
  WITH pairs AS (
    SELECT a.member AS ccode1, b.member AS ccode2, a.atopid,
           a.defense, a.offense, a.neutral, a.nonagg, a.consul,
           year(greatest(a.start_day, b.start_day)) AS first,
           year(least(a.end_day, b.end_day, DATE '2018-12-31')) AS last
    FROM m a JOIN m b ON a.atopid = b.atopid AND a.phase = b.phase AND a.member <> b.member
    WHERE greatest(a.start_day, b.start_day) <= least(a.end_day, b.end_day, DATE '2018-12-31')
  ), years AS (
    SELECT p.*, y.year FROM pairs p, range(p.first, p.last + 1) AS y(year)
  )
  SELECT ccode1, ccode2, c1.stateabb AS stateabb1, c2.stateabb AS stateabb2, year,
         'atop-5.1' AS source,
         max(defense) AS defense, max(offense) AS offense, max(neutral) AS neutrality,
         max(nonagg) AS nonaggression, max(consul) AS consultation,
         string_agg(DISTINCT 'atop-5.1-' || atopid, '; '
                    ORDER BY 'atop-5.1-' || atopid) AS alliances
  FROM years JOIN codes c1 ON c1.ccode = ccode1 JOIN codes c2 ON c2.ccode = ccode2
  GROUP BY ccode1, ccode2, c1.stateabb, c2.stateabb, year
  ORDER BY ccode1, ccode2, year
) TO '{out}' (HEADER, DELIMITER ',');
"""


def main() -> None:
    atop_csv, states_csv, out = sys.argv[1:4]
    con = duckdb.connect()
    con.execute("SET threads = 2")
    statements = [s for s in QUERY.replace("{out}", out.replace("'", "''")).split(";\n") if s]
    con.execute(statements[0], [states_csv])
    con.execute(statements[1], [atop_csv])
    written = con.execute(statements[2]).fetchone()  # COPY answers with its row count
    print(f"wrote {written[0] if written else 0} rows to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
