"""The compact rows an import keeps: an alliance per dataclass, a membership per flat tuple,
its positions named (ALLIANCE, CCODE, ... below) so that no code reads `member[5]`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from alliancekb.dates import PartialDate

StoredDate = tuple[str, str, str]
"""A partial date as the tables store it: (its text, its first day, its last day), days as ISO
text ('1874-06', '1874-06-01', '1874-06-30'). The days of four-digit years sort as ISO text as
they do as days, so the checks compare the text."""


def stored(date: PartialDate) -> StoredDate:
    return str(date), date.first_day.isoformat(), date.last_day.isoformat()


@dataclass(slots=True)
class AllianceRow:
    """An alliance as the alliances table stores it, with the number its memberships give; the
    files give no title: the pipeline sets the common name where alliance_names.csv has one.
    (Slots: a large file has tens of thousands.)"""

    key: str
    number: int
    """The alliance's id in its file (ATOP's atopid, COW's version4id): its external id."""
    start: str
    end: str | None
    start_day: str
    end_day: str | None
    notes: str | None
    treaty_key: tuple[str, int] | None = None
    """How to find the alliance's treaty: ("atopid", 3825) or ("cow4id", 301)."""
    fallback_treaty: tuple[str, int] | None = None
    title: str | None = None

    @property
    def external_id(self) -> str:
        return str(self.number)


Flag = int | None
"""An obligation as SQLite stores a boolean: 1, 0 or None (unknown). Plain integers bind
without the driver's adaptation of bools, which takes a third of an executemany of rows with
five of them; PostgreSQL's COPY reads 1 and 0 as true and false."""

MemberRow = tuple[int, int, int, str, str | None, str, str | None, Flag, Flag, Flag, Flag, Flag]
"""A membership as the memberships table stores it but for its two ids: (the alliance's number,
ccode, phase, start, end, start_day, end_day, defense, offense, neutrality, nonaggression,
consultation). An import keeps hundreds of thousands of them: flat tuples of shared strings
and small integers, written as they are (a NamedTuple takes three times as long to make)."""

# The positions in a MemberRow.
ALLIANCE: Final = 0
"""The alliance's number in its file (ATOP's atopid, COW's version4id)."""
CCODE: Final = 1
PHASE: Final = 2
START: Final = 3
END: Final = 4
"""The end's text; None while in force."""
START_DAY: Final = 5
END_DAY: Final = 6
"""The last day; None while in force."""
CODES: Final = 7
"""Where the five obligations begin, in OBLIGATIONS' order: m[CODES:]."""


def member_row(
    number: int,
    ccode: int,
    phase: int,
    start: StoredDate,
    end: StoredDate | None,
    codes: Sequence[bool | None],
) -> MemberRow:
    text, first_day, _ = start
    end_text, _, last_day = (None, None, None) if end is None else end
    defense, offense, neutrality, nonaggression, consultation = (
        None if code is None else int(code) for code in codes
    )
    return (
        number,
        ccode,
        phase,
        text,
        end_text,
        first_day,
        last_day,
        defense,
        offense,
        neutrality,
        nonaggression,
        consultation,
    )


def alliance_period(members: Sequence[MemberRow]) -> tuple[str, str | None, str, str | None]:
    """(start, end, start_day, end_day) from the earliest member start to the latest member end
    (no end while any member is in); of two dates on the same day, the more precise one."""
    # The positions as locals: a global's lookup, once per member, takes a tenth of the time.
    start_at: Final = START
    first_at: Final = START_DAY
    end_at: Final = END
    last_at: Final = END_DAY
    start, start_day = members[0][start_at], members[0][first_at]
    for m in members:
        day = m[first_at]
        if day < start_day or (day == start_day and len(m[start_at]) > len(start)):
            start, start_day = m[start_at], day
    end, end_day = "", ""
    for m in members:
        text, last = m[end_at], m[last_at]
        if text is None or last is None:
            return start, None, start_day, None
        if last > end_day or (last == end_day and len(text) > len(end)):
            end, end_day = text, last
    return start, end, start_day, end_day
