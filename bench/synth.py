"""A deterministic synthetic world in the ATOP 5.x member-level layout, at scale factor N.

N=1 is about ATOP 5.1's size (~800 alliances, ~2,500 memberships over 1815-2018); N=10 and
N=100 are ten and a hundred times that, over ten and a hundred times as many states, so that
each state keeps about ATOP's load while the whole grows. Sizes, durations, phases and
obligation rates follow ATOP 5.1's own distribution (84% bilateral, a long tail to ~60
members; median 15 years; 46% ongoing at the end of the data). Also writes the states in the
COW states2016 layout, for `alliancekb import cow-states`.

    python bench/synth.py 10 --out bench/out/n10        # -> atop.csv, states.csv
"""

from __future__ import annotations

import argparse
import bisect
import csv
import random
from pathlib import Path

ATOP_COLUMNS = [
    "atopid",
    "cowid",
    "cow4id",
    "member",
    "cowsys",
    "yrent",
    "moent",
    "dayent",
    "yrexit",
    "moexit",
    "dayexit",
    "ineffect",
    "bilat",
    "phase",
    "maxphase",
    "wartime",
    "cowwar",
    "estmode",
    "pubsecr",
    "secrart",
    "proadd",
    "futmem",
    "speclgth",
    "length",
    "renounce",
    "proren",
    "renewlgt",
    "term",
    "termmode",
    "termcaus",
    "defense",
    "offense",
    "neutral",
    "nonagg",
    "consul",
    "active",
    "conditio",
    "defcon",
    "offcon",
    "neucon",
    "concon",
    "defcoadv",
    "defcoloc",
    "defcocon",
    "defconum",
    "defcodem",
    "defconpr",
    "offcoadv",
    "offcoloc",
    "offcocon",
    "offconum",
    "offcodem",
    "neucoadv",
    "neucoloc",
    "neucocon",
    "neuconum",
    "neucodem",
    "neuconpr",
    "neucoatt",
    "concoadv",
    "concoloc",
    "concocon",
    "concoreq",
    "olimob",
    "asymm",
    "obvary",
    "notaiden",
    "dipaid",
    "terrres",
    "seppeace",
    "thirdcom",
    "noothall",
    "specthrt",
    "statthr1",
    "statthr2",
    "conwtin",
    "medarb",
    "milcon",
    "milaid",
    "intcom",
    "subord",
    "organ1",
    "orgpurp1",
    "organ2",
    "orgpurp2",
    "base",
    "contrib",
    "armred",
    "acqterr",
    "divgains",
    "demwith",
    "reflnun",
    "refothio",
    "natrefal",
    "compag",
    "nomicoop",
    "conres",
    "agprois",
    "conmen",
    "ecaid",
    "interv",
    "source",
    "new5",
    "rev5",
    "version",
]
FIRST, LAST = 1815, 2018
RATES = {"defense": 0.40, "offense": 0.09, "neutral": 0.11, "nonagg": 0.60, "consul": 0.49}
BASE_ALLIANCES = 790
BASE_STATES = 200


def _size(rng: random.Random) -> int:
    if rng.random() < 0.84:
        return 2
    # A heavy tail like ATOP's: many of 3-5 members, a few of 20-60.
    return min(60, 3 + int(rng.paretovariate(1.0)) - 1)


def _day(rng: random.Random, year: int) -> tuple[int, int, int]:
    return year, rng.randint(1, 12), rng.randint(1, 28)


def _abb(index: int) -> str:
    """A unique stateabb of letters only: XAAA, XAAB, ..."""
    letters = ""
    for _ in range(4):
        index, digit = divmod(index, 26)
        letters = chr(ord("A") + digit) + letters
    return "X" + letters


def states(n: int) -> list[tuple[int, str, int]]:
    """(ccode, stateabb, first year in the system) for BASE_STATES * n states."""
    rng = random.Random(f"states-{n}")
    out = []
    for i in range(BASE_STATES * n):
        ccode = 2 + i
        start = FIRST + 1 if rng.random() < 0.2 else rng.randint(FIRST + 1, 1995)
        out.append((ccode, _abb(i), start))
    return out


def write_states(n: int, path: Path) -> int:
    rows = states(n)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "stateabb",
                "ccode",
                "statenme",
                "styear",
                "stmonth",
                "stday",
                "endyear",
                "endmonth",
                "endday",
                "version",
            ]
        )
        for ccode, abb, start in rows:
            writer.writerow([abb, ccode, f"State {ccode}", start, 1, 1, 2016, 12, 31, 2016])
    return len(rows)


def write_atop(n: int, path: Path) -> tuple[int, int]:
    """Write the member-level file; return (alliances, memberships)."""
    rng = random.Random(f"atop-{n}")
    pool = sorted(states(n), key=lambda s: s[2])
    firsts = [s[2] for s in pool]
    memberships = 0
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ATOP_COLUMNS, restval="0")
        writer.writeheader()
        for number in range(BASE_ALLIANCES * n):
            atopid = 1000 + number
            start = rng.randint(FIRST, LAST - 1)
            duration = max(1, int(rng.expovariate(1 / 18)))
            end = start + duration
            ongoing = end > LAST
            eligible = max(2, bisect.bisect_right(firsts, start))
            members = [pool[i] for i in rng.sample(range(eligible), k=min(_size(rng), eligible))]
            phases = [0] if rng.random() < 0.9 or ongoing or duration < 4 else [1, 2]
            cut = start + duration // 2
            obligations = {k: int(rng.random() < r) for k, r in RATES.items()}
            if not any(obligations.values()):
                obligations["consul"] = 1
            for phase in phases:
                p_start = start if phase in (0, 1) else cut + 1
                p_end = end if phase in (0, 2) else cut
                for ccode, _abb, _first in members:
                    late = rng.random() < 0.1 and p_end - p_start > 2
                    y_in, m_in, d_in = _day(rng, p_start + (rng.randint(1, 2) if late else 0))
                    row = {
                        "atopid": atopid,
                        "member": ccode,
                        "cowsys": 1,
                        "phase": phase,
                        "maxphase": max(phases),
                        "yrent": y_in,
                        "moent": m_in,
                        "dayent": "" if rng.random() < 0.002 else d_in,
                        "ineffect": int(ongoing),
                        "bilat": int(len(members) == 2),
                        "version": "5.1",
                    }
                    if ongoing and phase in (0, 2):
                        row.update(yrexit=0, moexit=0, dayexit=0)
                    else:
                        y_out, m_out, d_out = _day(rng, p_end)
                        if (y_out, m_out, d_out) < (y_in, m_in, d_in):
                            y_out, m_out, d_out = y_in, m_in, d_in
                        row.update(yrexit=y_out, moexit=m_out, dayexit=d_out)
                    row.update(obligations)
                    writer.writerow(row)
                    memberships += 1
    return BASE_ALLIANCES * n, memberships


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="scale factor (1 = ATOP's size)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    count = write_states(args.n, args.out / "states.csv")
    alliances, memberships = write_atop(args.n, args.out / "atop.csv")
    print(f"N={args.n}: {count} states, {alliances} alliances, {memberships} memberships")


if __name__ == "__main__":
    main()
