"""The limit for the dyad-year export: standard library only (sqlite3, csv), no ORM.

Reads alliancekb's own SQLite schema: one query for the pairs of memberships of the same
alliance and phase, ordered by dyad, then the years expanded in one streaming pass; writes the
same directed dyad-year columns (obligations of A towards B), without the alignment flags.

    python bench/bare_pipeline.py DB.sqlite SOURCE OUT.csv
"""

from __future__ import annotations

import csv
import sqlite3
import sys

PAIRS = """
SELECT s1.ccode, s2.ccode, s1.stateabb, s2.stateabb, a.key, src.coverage_start,
       src.coverage_end, m1.start_day, m1.end_day, m2.start_day, m2.end_day,
       m1.defense, m1.offense, m1.neutrality, m1.nonaggression, m1.consultation
FROM memberships m1
JOIN memberships m2 ON m2.alliance_id = m1.alliance_id AND m2.phase = m1.phase
JOIN states s1 ON s1.id = m1.state_id
JOIN states s2 ON s2.id = m2.state_id
JOIN alliances a ON a.id = m1.alliance_id
JOIN sources src ON src.id = a.source_id
WHERE src.key = ? AND s1.ccode != s2.ccode
  AND (m2.end_day IS NULL OR m1.start_day <= m2.end_day)
  AND (m1.end_day IS NULL OR m2.start_day <= m1.end_day)
ORDER BY s1.ccode, s2.ccode
"""


def main(db: str, source: str, out: str) -> int:
    conn = sqlite3.connect(db)
    count = 0
    with open(out, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [
                "ccode1",
                "ccode2",
                "stateabb1",
                "stateabb2",
                "year",
                "source",
                "defense",
                "offense",
                "neutrality",
                "nonaggression",
                "consultation",
                "alliances",
            ]
        )
        current = None
        years: dict[int, list[object]] = {}
        for row in conn.execute(PAIRS, (source,)):
            c1, c2, a1, a2, key, cov_start, cov_end, s1, e1, s2, e2 = row[:11]
            if (c1, c2) != current:
                for year in sorted(years):
                    writer.writerow(years[year])
                count += len(years)
                current, years = (c1, c2), {}
            end = f"{cov_end}-12-31"
            first = max(int(max(s1, s2)[:4]), cov_start)
            last = min(int(min(e1 or end, e2 or end)[:4]), cov_end)
            for year in range(first, last + 1):
                seen = years.get(year)
                if seen is None:
                    years[year] = [c1, c2, a1, a2, year, source, *row[11:16], key]
                else:
                    for i in range(6, 11):
                        seen[i] = (
                            max(seen[i], row[5 + i])
                            if None not in (seen[i], row[5 + i])
                            else (1 if 1 in (seen[i], row[5 + i]) else None)
                        )
                    seen[11] = f"{seen[11]}; {key}"
        for year in sorted(years):
            writer.writerow(years[year])
        count += len(years)
    return count


if __name__ == "__main__":
    print(main(sys.argv[1], sys.argv[2], sys.argv[3]))
