"""The baseline: a plain pandas script that builds ATOP's directed dyad-years from the CSV.

The same table as `alliancekb export dyad-years --source atop-5.1 --directed`: pairs of
members of one alliance and phase on a common day (a blank day is the widest month; exit
0/0/0 runs to the end of 2018), every year of the common period, each member's own
obligations (the maximum over the alliances of the year), codes that are not COW states
(8152) left out.

    python bench/pandas_baseline.py ATOP_CSV STATES_CSV OUT_CSV
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

OBLIGATIONS = {
    "defense": "defense",
    "offense": "offense",
    "neutral": "neutrality",
    "nonagg": "nonaggression",
    "consul": "consultation",
}
COVERAGE_END = pd.Timestamp("2018-12-31")


def _days(year: pd.Series, month: pd.Series, day: pd.Series, end: bool) -> pd.Series:
    known = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": day.fillna(1)}), errors="coerce"
    )
    if end:
        month_end = known + pd.offsets.MonthEnd(0)
        known = known.where(day.notna(), month_end)
    return known


def dyad_years(atop_csv: str, states_csv: str) -> pd.DataFrame:
    states = pd.read_csv(states_csv)
    codes = states.drop_duplicates("ccode").set_index("ccode")["stateabb"]
    m = pd.read_csv(
        atop_csv,
        usecols=[
            "atopid",
            "member",
            "phase",
            "yrent",
            "moent",
            "dayent",
            "yrexit",
            "moexit",
            "dayexit",
            *OBLIGATIONS,
        ],
    )
    m = m[m["member"].isin(codes.index)]
    m["start"] = _days(m["yrent"], m["moent"], m["dayent"], end=False)
    ongoing = m["yrexit"] == 0
    m["end"] = _days(
        m["yrexit"].where(~ongoing, 2018),
        m["moexit"].where(~ongoing, 12),
        m["dayexit"].where(~ongoing, 31),
        end=True,
    )
    m = m.rename(columns=OBLIGATIONS)
    keep = ["atopid", "phase", "member", "start", "end", *OBLIGATIONS.values()]
    pairs = m[keep].merge(
        m[["atopid", "phase", "member", "start", "end"]],
        on=["atopid", "phase"],
        suffixes=("", "_2"),
    )
    pairs = pairs[pairs["member"] != pairs["member_2"]]
    first = np.maximum(pairs["start"], pairs["start_2"])
    last = np.minimum(np.minimum(pairs["end"], pairs["end_2"]), COVERAGE_END)
    pairs = pairs[first <= last].assign(first=first.dt.year, last=last.dt.year)
    span = (pairs["last"] - pairs["first"] + 1).to_numpy()
    years = pairs.loc[pairs.index.repeat(span)].copy()
    years["year"] = years["first"] + years.groupby(level=0).cumcount()
    dyad = ["member", "member_2", "year"]
    table = years.groupby(dyad, sort=True)[list(OBLIGATIONS.values())].max().reset_index()
    # The alliances of each dyad-year, as one "a; b" cell, without a Python call per group.
    keys = years[[*dyad, "atopid"]].drop_duplicates()
    keys["alliances"] = "atop-5.1-" + keys["atopid"].astype(str)
    keys = keys.sort_values([*dyad, "alliances"])
    keys["n"] = keys.groupby(dyad).cumcount()
    wide = keys.pivot(index=dyad, columns="n", values="alliances")
    joined = wide[0]
    for n in wide.columns[1:]:
        joined = joined + ("; " + wide[n]).fillna("")
    table = table.merge(joined.rename("alliances").reset_index(), on=dyad)
    table = table.rename(columns={"member": "ccode1", "member_2": "ccode2"})
    table.insert(2, "stateabb1", table["ccode1"].map(codes))
    table.insert(3, "stateabb2", table["ccode2"].map(codes))
    table.insert(5, "source", "atop-5.1")
    return table


def main() -> None:
    atop_csv, states_csv, out = sys.argv[1:4]
    table = dyad_years(atop_csv, states_csv)
    table.to_csv(out, index=False)
    print(f"wrote {len(table)} rows to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
