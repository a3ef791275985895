"""The yardstick: a plain pandas script that builds the directed COW universe's dyad-years
with ATOP and COW alliance columns, as a researcher would write it from the CSV files.

The same table as `alliancekb export dyad-years --universe cow --source atop-5.1 --source
cow-4.1 --directed --from 1816 --to 2016`: every ordered pair of states that are both in the
COW state system on a common day of the year (a spell ending 2016-12-31 runs on), 1816-2016;
for each source an `alliance` dummy and five obligations (A's own toward B, the maximum over
the alliances of the year), 0 inside the source's coverage (ATOP 1815-2018, COW 1816-2012),
empty outside. ATOP: pairs of members of one alliance and phase on a common day, a blank day
is the widest month, exit 0/0/0 runs to 2018-12-31, codes that are not COW states (8152) left
out. COW: pairs of members of one alliance on a common day, a blank or -9 day or month is the
widest, a blank end runs to 2012-12-31, entente is consultation, offense is not coded (empty
where allied, 0 where not).

    python bench/universe_pandas.py STATES_CSV ATOP_CSV COW_CSV OUT_CSV
    python bench/universe_pandas.py STATES_CSV ATOP_CSV - OUT_CSV    # no COW columns
    python bench/universe_pandas.py STATES_CSV ATOP_CSV - OUT_CSV 2014 2016  # other years
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

YEARS = (1816, 2016)
OBLIGATIONS = ["defense", "offense", "neutrality", "nonaggression", "consultation"]
ATOP_NAMES = {
    "defense": "defense",
    "offense": "offense",
    "neutral": "neutrality",
    "nonagg": "nonaggression",
    "consul": "consultation",
}
COW_NAMES = {
    "defense": "defense",
    "neutrality": "neutrality",
    "nonaggression": "nonaggression",
    "entente": "consultation",
}
ATOP_YEARS, COW_YEARS = (1815, 2018), (1816, 2012)
KEY = ["ccode1", "ccode2", "year"]


def days(year: pd.Series, month: pd.Series, day: pd.Series, end: bool) -> pd.Series:
    """Dates from split columns; an unknown (NaN) month or day is the widest period."""
    first = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month.fillna(1), "day": day.fillna(1)})
    )
    if not end:
        return first
    last = first.where(month.notna(), first + pd.offsets.YearEnd(0))
    return last.where(day.notna() | month.isna(), first + pd.offsets.MonthEnd(0))


def universe(states: pd.DataFrame, years: tuple[int, int] = YEARS) -> pd.DataFrame:
    """The directed dyad-years of the system: both states in on a common day of the year."""
    s = states.assign(
        start=days(states["styear"], states["stmonth"], states["stday"], end=False),
        end=days(states["endyear"], states["endmonth"], states["endday"], end=True),
    )[["ccode", "start", "end"]]
    pairs = s.merge(s, how="cross", suffixes=("1", "2"))
    pairs = pairs[pairs["ccode1"] != pairs["ccode2"]]
    first = np.maximum(pairs["start1"], pairs["start2"])
    last = np.minimum(pairs["end1"], pairs["end2"])
    pairs = pairs.assign(
        first=first.dt.year.clip(lower=years[0]), last=last.dt.year.clip(upper=years[1])
    )
    pairs = pairs[(first <= last) & (pairs["first"] <= pairs["last"])]
    span = (pairs["last"] - pairs["first"] + 1).to_numpy()
    rows = pairs.loc[pairs.index.repeat(span), ["ccode1", "ccode2", "first"]]
    rows["year"] = rows["first"] + rows.groupby(level=0).cumcount()
    return rows[KEY].drop_duplicates().sort_values(KEY, ignore_index=True)


def allied_years(m: pd.DataFrame, group: list[str], years: tuple[int, int]) -> pd.DataFrame:
    """Directed allied dyad-years from memberships (group, member, start, end, obligations):
    pairs of one alliance on a common day, each member's own obligations, max per year."""
    codes = [c for c in OBLIGATIONS if c in m.columns]
    pairs = m[[*group, "member", "start", "end", *codes]].merge(
        m[[*group, "member", "start", "end"]], on=group, suffixes=("", "_2")
    )
    pairs = pairs[pairs["member"] != pairs["member_2"]]
    first = np.maximum(pairs["start"], pairs["start_2"])
    last = np.minimum(pairs["end"], pairs["end_2"])
    pairs = pairs[first <= last].assign(
        first=first.dt.year.clip(lower=years[0]), last=last.dt.year.clip(upper=years[1])
    )
    pairs = pairs[pairs["first"] <= pairs["last"]]
    span = (pairs["last"] - pairs["first"] + 1).to_numpy()
    rows = pairs.loc[pairs.index.repeat(span)].copy()
    rows["year"] = rows["first"] + rows.groupby(level=0).cumcount()
    rows = rows.rename(columns={"member": "ccode1", "member_2": "ccode2"})
    table = rows.groupby(KEY, sort=False)[codes].max().reset_index()
    return table.assign(alliance=1)


def atop_years(path: str, codes: pd.Index) -> pd.DataFrame:
    dates = ["yrent", "moent", "dayent", "yrexit", "moexit", "dayexit"]
    m = pd.read_csv(path, usecols=["atopid", "member", "phase", *dates, *ATOP_NAMES])
    m = m[m["member"].isin(codes)].rename(columns=ATOP_NAMES)
    m["start"] = days(m["yrent"], m["moent"], m["dayent"], end=False)
    ongoing = m["yrexit"] == 0
    m["end"] = days(
        m["yrexit"].where(~ongoing, ATOP_YEARS[1]),
        m["moexit"].where(~ongoing, 12),
        m["dayexit"].where(~ongoing, 31),
        end=True,
    )
    return allied_years(m, ["atopid", "phase"], ATOP_YEARS)


def cow_years(path: str, codes: pd.Index) -> pd.DataFrame:
    m = pd.read_csv(path, na_values=["-9"])
    m = m[m["ccode"].isin(codes)].rename(columns={"ccode": "member", **COW_NAMES})
    m["start"] = days(m["mem_st_year"], m["mem_st_month"], m["mem_st_day"], end=False)
    blank = m["mem_end_year"].isna()
    m["end"] = days(
        m["mem_end_year"].fillna(COW_YEARS[1]),
        m["mem_end_month"].where(~blank, 12),
        m["mem_end_day"].where(~blank, 31),
        end=True,
    )
    return allied_years(m, ["version4id"], COW_YEARS)


def add_source(
    table: pd.DataFrame, allied: pd.DataFrame, prefix: str, years: tuple[int, int]
) -> pd.DataFrame:
    """Left-join one source's columns: 0 inside its years, empty outside; uncoded obligations
    (COW's offense) empty where allied."""
    cols = ["alliance", *OBLIGATIONS]
    allied = allied.reindex(columns=[*KEY, *cols])
    allied = allied.rename(columns={c: f"{prefix}_{c}" for c in cols})
    out = table.merge(allied, on=KEY, how="left", sort=False)
    inside = out["year"].between(*years)
    known = out[f"{prefix}_alliance"].isna() & inside
    for c in cols:
        col = f"{prefix}_{c}"
        out[col] = out[col].astype("Int8").mask(known, 0)
    return out


def build(
    states_csv: str, atop_csv: str, cow_csv: str | None, years: tuple[int, int] = YEARS
) -> pd.DataFrame:
    states = pd.read_csv(states_csv)
    abb = states.drop_duplicates("ccode").set_index("ccode")["stateabb"]
    table = universe(states, years)
    table = add_source(table, atop_years(atop_csv, abb.index), "atop", ATOP_YEARS)
    if cow_csv:
        table = add_source(table, cow_years(cow_csv, abb.index), "cow", COW_YEARS)
    table.insert(2, "stateabb1", table["ccode1"].map(abb))
    table.insert(3, "stateabb2", table["ccode2"].map(abb))
    return table


def main() -> None:
    states_csv, atop_csv, cow_csv, out = sys.argv[1:5]
    years = (int(sys.argv[5]), int(sys.argv[6])) if len(sys.argv) > 6 else YEARS
    table = build(states_csv, atop_csv, None if cow_csv == "-" else cow_csv, years)
    table.to_csv(out, index=False, na_rep="", lineterminator="\n")
    print(f"wrote {len(table)} rows to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
