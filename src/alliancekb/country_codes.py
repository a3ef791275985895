"""The project's own code table of the COW state system (`data/country_codes.csv`).

One row per COW state code: ccode, stateabb, ISO 3166 alpha-3 (blank for historical states),
Gleditsch-Ward code, English name, the usual aliases (`;`-separated) and `in_place`: the codes
that stood in the state's place while it was outside the system (West Germany for Germany in
1985; `678 680`: both Yemens; `300|255`: Austria-Hungary, else Germany, whichever was there).
It is read once, on the first reference the database does not know.
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from alliancekb.resources import PACKAGE_DIR

TABLE_PATH = PACKAGE_DIR / "data" / "country_codes.csv"
_DROPPED = str.maketrans("", "", ".'\u2019")


def normalize(text: str) -> str:
    """A name as the table compares it: no case, accents, punctuation, spaces or leading "the"
    (`Viet Nam`, `vietnam` and `VIET-NAM` are one key; `U.S.A.` is `usa`)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("&", " and "))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = "".join(c if c.isalnum() else " " for c in plain.translate(_DROPPED))
    parts = words.split()
    if len(parts) > 1 and parts[0] == "the":
        parts = parts[1:]
    return "".join(parts)


@dataclass(frozen=True)
class CountryCode:
    """One state of the COW system as the code table knows it."""

    ccode: int
    stateabb: str
    iso3: str | None
    gwcode: int | None
    name: str
    aliases: tuple[str, ...]
    in_place: tuple[tuple[int, ...], ...]
    """Groups of codes, in order of preference: the first group with a member in the year asked
    is what stood in this state's place."""

    def references(self) -> Iterator[str]:
        """Every text that names this state: its codes, name and aliases."""
        yield str(self.ccode)
        yield self.stateabb
        if self.iso3:
            yield self.iso3
        yield self.name
        yield from self.aliases


class CodeTable:
    """The code table, indexed by ccode and by each normalized key."""

    def __init__(self, entries: list[CountryCode]) -> None:
        self.entries = entries
        self.by_ccode = {e.ccode: e for e in entries}
        self.by_key: dict[str, set[int]] = defaultdict(set)
        for entry in entries:
            for key in entry.references():
                self.by_key[normalize(key)].add(entry.ccode)

    def lookup(self, text: str) -> list[CountryCode]:
        """The states a reference names exactly (a code, the name or an alias), by ccode."""
        return [self.by_ccode[c] for c in sorted(self.by_key.get(normalize(text), ()))]


def read_table() -> CodeTable:
    with TABLE_PATH.open(encoding="utf-8", newline="") as f:
        entries = [
            CountryCode(
                ccode=int(row["ccode"]),
                stateabb=row["stateabb"],
                iso3=row["iso3"] or None,
                gwcode=int(row["gwcode"]) if row["gwcode"] else None,
                name=row["name"],
                aliases=tuple(a for a in row["aliases"].split(";") if a),
                in_place=tuple(
                    tuple(int(c) for c in group.split()) for group in row["in_place"].split("|")
                )
                if row["in_place"]
                else (),
            )
            for row in csv.DictReader(f)
        ]
    return CodeTable(entries)


@functools.cache
def code_table() -> CodeTable:
    """The table, read on first use and kept for the process."""
    return read_table()
