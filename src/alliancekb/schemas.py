"""Pydantic input records: the seed file format, also what `add` and `dump` speak.

A record is exactly what `alliancekb export TABLE --format json` prints for one row, so that
export, edit and add back works. Dates are partial ISO dates; states are referred to as the CLI
accepts them (ccode, stateabb, ISO3 or a recorded name).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from alliancekb.dates import FORMAT_HINT, PartialDate, outside, parse_optional


def _coerce_date(value: Any) -> Any:
    # YAML reads 1954 as an int and 1954-07-21 as a date: take both back to ISO text.
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date ({FORMAT_HINT})")
    if isinstance(value, int):
        return f"{value:04d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _check_date(value: str) -> str:
    return str(PartialDate.parse(value))


def _coerce_ref(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(
            f"{value!r} is not a state reference (use a ccode, stateabb, ISO3 or name)"
        )
    return str(value) if isinstance(value, int) else value


DateText = Annotated[str, BeforeValidator(_coerce_date), AfterValidator(_check_date)]
StateRef = Annotated[
    str, BeforeValidator(_coerce_ref), StringConstraints(strip_whitespace=True, min_length=1)
]
Key = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Flag = StrictBool | None
INT_MAX = 2**31 - 1
"""The largest whole number both databases store in an INTEGER column."""


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_order(
    start: str | None, end: str | None, what: str = "end", first: str = "start"
) -> None:
    if start is None or end is None:
        return
    if PartialDate.parse(end).last_day < PartialDate.parse(start).first_day:
        raise ValueError(f"{what} {end} is before {first} {start}: swap them or fix the dates")


class Dated(Record):
    start: DateText
    end: DateText | None = None

    @model_validator(mode="after")
    def _end_after_start(self) -> Dated:
        _check_order(self.start, self.end)
        return self


class SourceIn(Record):
    key: Key
    title: Text = Field(max_length=300)
    citation: Text
    url: str | None = Field(default=None, max_length=500)
    version: str | None = Field(default=None, max_length=32)
    licence: str | None = None
    coverage_start: int = Field(ge=1000, le=9999)
    coverage_end: int | None = Field(default=None, ge=1000, le=9999)
    coverage_states: list[Annotated[int, Field(ge=1, le=99999)]] | None = Field(
        default=None, min_length=1
    )
    """COW codes of the states whose dyads the source codes; null: the whole state system."""
    notes: str | None = None

    @model_validator(mode="after")
    def _coverage(self) -> SourceIn:
        if self.coverage_end is not None and self.coverage_end < self.coverage_start:
            raise ValueError(
                f"coverage_end {self.coverage_end} is before coverage_start {self.coverage_start}"
            )
        return self

    @field_validator("coverage_states")
    @classmethod
    def _states_once(cls, value: list[int] | None) -> list[int] | None:
        return sorted(set(value)) if value is not None else None


class NameIn(Dated):
    name: Text = Field(max_length=200)


class SpellIn(Dated):
    source: Key


class StateIn(Record):
    ccode: int = Field(ge=1, le=99999)
    stateabb: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,8}$")]
    name: Text = Field(max_length=200)
    iso3: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    gwcode: int | None = Field(default=None, ge=1, le=99999)
    source: Key
    names: list[NameIn] = []
    spells: list[SpellIn] = []


class TreatyIn(Record):
    key: Key
    title: Text = Field(max_length=500)
    signed: DateText | None = None
    in_force: DateText | None = None
    ended: DateText | None = None
    parties: list[StateRef] = Field(min_length=1)
    supersedes: Key | None = None
    source: Key
    atopid: int | None = Field(default=None, ge=1, le=INT_MAX)
    cow4id: int | None = Field(default=None, ge=1, le=INT_MAX)
    duration_months: int | None = Field(default=None, ge=1, le=INT_MAX)
    renewal_months: int | None = Field(default=None, ge=1, le=INT_MAX)
    notes: str | None = None

    @model_validator(mode="after")
    def _order(self) -> TreatyIn:
        _check_order(self.signed, self.ended, "ended", "signed")
        _check_order(self.signed, self.in_force, "in_force", "signed")
        _check_order(self.in_force, self.ended, "ended", "in_force")
        return self


class MemberIn(Dated):
    state: StateRef
    phase: int = Field(default=0, ge=0, le=INT_MAX)
    defense: Flag = None
    offense: Flag = None
    neutrality: Flag = None
    nonaggression: Flag = None
    consultation: Flag = None


class AllianceIn(Dated):
    key: Key
    source: Key
    external_id: str | None = Field(default=None, max_length=64)
    treaty: Key | None = None
    title: str | None = Field(default=None, max_length=500)
    formal: StrictBool
    notes: str | None = None
    members: list[MemberIn] = Field(min_length=2)

    @model_validator(mode="after")
    def _members_fit(self) -> AllianceIn:
        check_members(self, [m.state.casefold() for m in self.members])
        return self


def _span(start: str, end: str | None) -> str:
    return f"({start} to {end})" if end else f"(from {start}, ongoing)"


def check_members(alliance: AllianceIn, states: list[object]) -> None:
    """Refuse a member outside the alliance's dates, or overlapping itself in a phase.

    `states[i]` identifies member i's state (its reference, or its id once resolved). A member
    is outside only when no day its dates can mean is inside (`1954` fits an alliance from
    1954-07-21); two memberships overlap when their widest day ranges share a day.
    """
    start, end = PartialDate.parse(alliance.start), parse_optional(alliance.end)
    spans = []
    for index, member in enumerate(alliance.members):
        m_start, m_end = PartialDate.parse(member.start), parse_optional(member.end)
        where = f"members[{index}]: {member.state} {_span(member.start, member.end)}"
        side = outside(start, end, m_start, m_end)
        if side is not None:
            raise ValueError(
                f"{where} {side} the alliance {_span(alliance.start, alliance.end)}: "
                "fix the member's or the alliance's dates"
            )
        spans.append((states[index], member.phase, m_start, m_end, index))
    if len(set(states)) < 2:
        raise ValueError(
            f"members: {alliance.members[0].state} is the only state: an alliance needs at "
            "least two different states; add the other member or drop the record"
        )
    for a in spans:
        for b in spans:
            if a[4] < b[4] and a[:2] == b[:2] and _overlap(a[2], a[3], b[2], b[3]):
                first = alliance.members[a[4]]
                raise ValueError(
                    f"members[{b[4]}]: {alliance.members[b[4]].state} "
                    f"{_span(alliance.members[b[4]].start, alliance.members[b[4]].end)} "
                    f"overlaps members[{a[4]}]: {first.state} {_span(first.start, first.end)} "
                    f"in phase {first.phase}: merge them or fix the dates"
                )


def _overlap(
    a_start: PartialDate, a_end: PartialDate | None, b_start: PartialDate, b_end: PartialDate | None
) -> bool:
    """Whether the widest day ranges of two spans share a day, as queries and PostgreSQL's
    exclusion constraint read them (an open end is ongoing)."""
    a_ok = a_end is None or b_start.first_day <= a_end.last_day
    b_ok = b_end is None or a_start.first_day <= b_end.last_day
    return a_ok and b_ok


class AlignmentIn(Dated):
    key: Key
    states: tuple[StateRef, StateRef]
    shared_ideology: Flag
    shared_security: Flag
    source: Key
    rationale: str | None = None


class EventIn(Dated):
    key: Key
    title: Text = Field(max_length=300)
    kind: Text = Field(max_length=32)
    participants: list[StateRef] = []
    source: Key
    notes: str | None = None


class SeedFile(Record):
    """The whole knowledge base, in the order records must be written."""

    sources: list[SourceIn] = []
    states: list[StateIn] = []
    treaties: list[TreatyIn] = []
    alliances: list[AllianceIn] = []
    alignments: list[AlignmentIn] = []
    events: list[EventIn] = []


def error_lines(exc: ValidationError, prefix: str = "") -> list[str]:
    """One line per problem: `treaties[1].signed: '1978-13-03' has no month 13 (...)`."""
    lines = []
    for error in exc.errors():
        path = ""
        for part in error["loc"]:
            path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field: remove it or check its spelling"
        elif error["type"] == "missing":
            message = "missing: this field is required"
        if path or not prefix:
            lines.append(f"{prefix}{path or '(top level)'}: {message}")
        else:
            lines.append(f"{prefix}{message}")
    return lines


class ListingOptions(Record):
    """The time options of a listing: `--year Y` or `--on YYYY-MM-DD`, not both."""

    year: int | None = Field(default=None, ge=1000, le=9999)
    on: dt.date | None = None

    @classmethod
    def parse(cls, year: int | None, on: str | None) -> dict[str, Any]:
        from alliancekb.errors import InvalidInput

        if year is not None and on is not None:
            raise InvalidInput(f"give --year {year} or --on {on}, not both")
        if on is not None:
            try:
                day = dt.date.fromisoformat(on.strip())
            except ValueError:
                raise InvalidInput(f"--on '{on}' is not a day: use YYYY-MM-DD") from None
            return {"year": None, "on": cls(on=day).on}
        return {"year": cls(year=year).year, "on": None}
