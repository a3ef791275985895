"""The common names of well-known alliances (`data/alliance_names.csv`), the project's own facts.

One row per name: a key, the title imports give the alliance, the day the treaty was signed,
its signatories (COW stateabb), the ATOP atopid and COW version4id that code it (blank where a
source codes none: the Holy Alliance, the Entente Cordiale), the COW signatories where COW's
file differs from ATOP's, and where the name comes from. Each tie was checked against the real
files: the source's alliance starts on `signed` and its members with the earliest entry are
the signatories (`tests/test_alliance_names.py` checks it again).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass

from alliancekb.resources import PACKAGE_DIR

TABLE_PATH = PACKAGE_DIR / "data" / "alliance_names.csv"


@dataclass(frozen=True)
class AllianceName:
    key: str
    title: str
    signed: str
    signatories: tuple[str, ...]
    atopid: int | None
    cow4id: int | None
    cow_signatories: tuple[str, ...]
    source: str

    def ids(self) -> dict[str, int | None]:
        return {"atop": self.atopid, "cow": self.cow4id}


def _int(cell: str) -> int | None:
    return int(cell) if cell else None


@functools.cache
def alliance_names() -> tuple[AllianceName, ...]:
    with TABLE_PATH.open(encoding="utf-8", newline="") as handle:
        return tuple(
            AllianceName(
                key=row["key"],
                title=row["title"],
                signed=row["signed"],
                signatories=tuple(row["signatories"].split()),
                atopid=_int(row["atopid"]),
                cow4id=_int(row["cow4id"]),
                cow_signatories=tuple(row["cow_signatories"].split() or row["signatories"].split()),
                source=row["source"],
            )
            for row in csv.DictReader(handle)
        )


def titles(dataset: str) -> dict[int, str]:
    """The titles of the alliances a dataset (`atop`, `cow`) codes, by its own id."""
    out: dict[int, str] = {}
    for name in alliance_names():
        number = name.ids().get(dataset)
        if number is not None:
            out[number] = name.title
    return out


def same_alliance(dataset: str, number: int) -> dict[str, int]:
    """The ids the other datasets give the alliance that DATASET codes as NUMBER."""
    for name in alliance_names():
        ids = name.ids()
        if ids.get(dataset) == number:
            return {k: v for k, v in ids.items() if k != dataset and v is not None}
    return {}
