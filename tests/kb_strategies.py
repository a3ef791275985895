"""Hypothesis strategies: whole valid knowledge bases in the seed format, and single mutations
that make one field of one record invalid."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hypothesis import strategies as st

from alliancekb.dates import PartialDate

Data = dict[str, Any]
UNKNOWN_SOURCE = "no-such-source"
UNKNOWN_TREATY = "no-such-treaty"
UNKNOWN_STATE = 99999

# Text YAML and JSON must carry: letters of several scripts, quotes, colons, dashes, '#',
# newlines and tabs, words YAML 1.1 reads as booleans or nulls. No NUL, no surrogates.
_chars = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00")
_tricky = st.sampled_from(["yes", "No", "null", "~", "1954", "0x1F", "1_000", "- a", "a: b", "#x"])
text = st.one_of(_tricky, st.text(_chars, min_size=1, max_size=24)).filter(lambda s: s.strip())
optional_text = st.none() | text
key = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,15}", fullmatch=True).filter(
    lambda k: k not in (UNKNOWN_SOURCE, UNKNOWN_TREATY)
)


@st.composite
def partial_date(draw: st.DrawFn, low: int = 1800, high: int = 2030) -> PartialDate:
    year = draw(st.integers(low, high))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(year)
    month = draw(st.integers(1, 12))
    if precision == "month":
        return PartialDate(year, month)
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return PartialDate(year, month, draw(st.integers(1, last)))


@st.composite
def as_written(draw: st.DrawFn, date: PartialDate) -> Any:
    """A date as a file may give it: ISO text, or what YAML reads (an int, a date)."""
    if date.month is None and draw(st.booleans()):
        return date.year
    if date.day is not None and draw(st.booleans()):
        return date.first_day
    return str(date)


@st.composite
def dates(draw: st.DrawFn, count: int) -> list[PartialDate]:
    """COUNT dates in order of their first day (so each may end a span the earlier start)."""
    found = [draw(partial_date()) for _ in range(count)]
    return sorted(found, key=lambda d: d.first_day)


@st.composite
def knowledge_base(draw: st.DrawFn) -> Data:
    """A whole valid knowledge base in the seed format (references only to itself)."""
    source_keys = draw(st.lists(key, min_size=1, max_size=3, unique=True))
    sources = []
    for k in source_keys:
        first = draw(st.integers(1000, 2030))
        sources.append(
            _drop_none(
                {
                    "key": k,
                    "title": draw(text),
                    "citation": draw(text),
                    "url": draw(optional_text),
                    "version": draw(st.none() | st.just("1.0") | text),
                    "licence": draw(optional_text),
                    "coverage_start": first,
                    "coverage_end": draw(st.none() | st.integers(first, 9999)),
                    "notes": draw(optional_text),
                }
            )
        )
    src = st.sampled_from(source_keys)
    ccodes = draw(st.lists(st.integers(1000, 1999), min_size=2, max_size=5, unique=True))
    states = []
    # Each reference (ccode, stateabb, ISO3, name) names one state: writers refuse a second.
    taken = {str(c) for c in ccodes}

    def fresh(strategy: st.SearchStrategy[str]) -> str:
        value = draw(strategy.filter(lambda t: t.strip().casefold() not in taken))
        taken.add(value.strip().casefold())
        return value

    for ccode in ccodes:
        names = []
        for name, (start, end) in zip(
            [fresh(text) for _ in range(draw(st.integers(0, 2)))],
            [draw(dates(2)) for _ in range(2)],
            strict=False,
        ):
            names.append(_dated({"name": name}, draw, start, end))
        spell_starts = draw(st.lists(partial_date(), max_size=2, unique_by=str))
        spells = [
            _drop_none(
                {
                    "start": draw(as_written(s)),
                    "end": draw(st.none() | st.just(str(PartialDate(s.year + 1)))),
                    "source": source_keys[0],
                }
            )
            for s in spell_starts
        ]
        states.append(
            _drop_none(
                {
                    "ccode": ccode,
                    "stateabb": fresh(st.from_regex(r"[A-Za-z]{2,8}", fullmatch=True)),
                    "name": fresh(text),
                    "iso3": draw(
                        st.none() | st.just(fresh(st.from_regex(r"[A-Z]{3}", fullmatch=True)))
                    ),
                    "gwcode": draw(st.none() | st.integers(1, 99999)),
                    "source": draw(src),
                    "names": names or None,
                    "spells": spells or None,
                }
            )
        )
    state = st.sampled_from(ccodes)
    treaties: list[Data] = []
    for k in draw(st.lists(key, max_size=4, unique=True)):
        signed, in_force, ended = draw(dates(3))
        record = {
            "key": k,
            "title": draw(text),
            "signed": draw(st.none() | as_written(signed)),
            "in_force": draw(st.none() | as_written(in_force)),
            "ended": draw(st.none() | as_written(ended)),
            "parties": draw(st.lists(state, min_size=1, max_size=3)),
            "supersedes": draw(st.none() | st.sampled_from([t["key"] for t in treaties] or [None])),
            "source": draw(src),
            "atopid": draw(st.none() | st.integers(1, 2**31 - 1)),
            "cow4id": draw(st.none() | st.integers(1, 2**31 - 1)),
            "duration_months": draw(st.none() | st.integers(1, 1200)),
            "renewal_months": draw(st.none() | st.integers(1, 1200)),
            "notes": draw(optional_text),
        }
        treaties.append(_drop_none(record))
    alliances = []
    for k in draw(st.lists(key, max_size=3, unique=True)):
        span = draw(dates(4))
        ongoing = draw(st.booleans())
        pairs = draw(
            st.lists(
                st.tuples(state, st.integers(0, 2)), min_size=2, max_size=4, unique=True
            ).filter(lambda ps: len({ccode for ccode, _ in ps}) >= 2)  # two states at least
        )
        members = []
        for ccode, phase in pairs:
            i = draw(st.integers(0, 2))
            j = draw(st.integers(i, 3))
            member: Data = {"state": ccode, "phase": phase}
            member = _dated(member, draw, span[i], None if ongoing else span[j])
            for flag in ("defense", "offense", "neutrality", "nonaggression", "consultation"):
                member[flag] = draw(st.sampled_from([True, False, None]))
            members.append(_drop_none(member))
        alliance = {
            "key": k,
            "source": draw(src),
            "external_id": None,
            "treaty": draw(st.none() | st.sampled_from([t["key"] for t in treaties] or [None])),
            "title": draw(optional_text),
            "formal": draw(st.booleans()),
            "notes": draw(optional_text),
            "members": members,
        }
        alliances.append(_drop_none(_dated(alliance, draw, span[0], None if ongoing else span[3])))
    for number, alliance in enumerate(alliances):  # unique per source when given
        if draw(st.booleans()):
            alliance["external_id"] = f"x{number}"
    alignments = []
    seen: set[tuple[Any, ...]] = set()
    for k in draw(st.lists(key, max_size=3, unique=True)):
        a, b = draw(st.lists(state, min_size=2, max_size=2, unique=True))
        start, end = draw(dates(2))
        source = draw(src)
        dyad = (source, min(a, b), max(a, b), str(start))  # unordered: [B, A] is [A, B]
        if dyad in seen:
            continue
        seen.add(dyad)
        record = {
            "key": k,
            "states": [a, b],
            "shared_ideology": draw(st.sampled_from([True, False, None])),
            "shared_security": draw(st.sampled_from([True, False, None])),
            "source": source,
            "rationale": draw(optional_text),
        }
        alignments.append(_drop_none(_dated(record, draw, start, draw(st.none() | st.just(end)))))
    events = []
    for k in draw(st.lists(key, max_size=3, unique=True)):
        start, end = draw(dates(2))
        record = {
            "key": k,
            "title": draw(text),
            "kind": draw(st.sampled_from(["war", "treaty", "visit"]) | text),
            "participants": draw(st.lists(state, max_size=3)),
            "source": draw(src),
            "notes": draw(optional_text),
        }
        events.append(_drop_none(_dated(record, draw, start, draw(st.none() | st.just(end)))))
    return {
        "sources": sources,
        "states": states,
        "treaties": treaties,
        "alliances": alliances,
        "alignments": alignments,
        "events": events,
    }


def _dated(record: Data, draw: st.DrawFn, start: PartialDate, end: PartialDate | None) -> Data:
    record["start"] = draw(as_written(start))
    record["end"] = None if end is None else draw(as_written(end))
    return record


def _drop_none(record: Data) -> Data:
    """Leave out the optional fields that are None (the required flags stay, as null)."""
    keep = ("shared_ideology", "shared_security")
    return {k: v for k, v in record.items() if v is not None or k in keep}


# --- mutations -------------------------------------------------------------------------------

REQUIRED = {
    "sources": ["key", "title", "citation", "coverage_start"],
    "states": ["ccode", "stateabb", "name", "source"],
    "treaties": ["key", "title", "parties", "source"],
    "alliances": ["key", "source", "formal", "start", "members"],
    "alignments": ["key", "states", "shared_ideology", "shared_security", "source", "start"],
    "events": ["key", "title", "kind", "source", "start"],
    "members": ["state", "start"],
    "names": ["name", "start"],
    "spells": ["start", "source"],
}
DATES = {
    "states": [],
    "sources": [],
    "treaties": ["signed", "in_force", "ended"],
    "alliances": ["start", "end"],
    "alignments": ["start", "end"],
    "events": ["start", "end"],
    "members": ["start", "end"],
    "names": ["start", "end"],
    "spells": ["start", "end"],
}
REFERENCES = {
    "states": {"source": UNKNOWN_SOURCE},
    "spells": {"source": UNKNOWN_SOURCE},
    "treaties": {
        "source": UNKNOWN_SOURCE,
        "supersedes": UNKNOWN_TREATY,
        "parties": [UNKNOWN_STATE],
    },
    "alliances": {"source": UNKNOWN_SOURCE, "treaty": UNKNOWN_TREATY},
    "members": {"state": UNKNOWN_STATE},
    "alignments": {"source": UNKNOWN_SOURCE, "states": [1, UNKNOWN_STATE]},
    "events": {"source": UNKNOWN_SOURCE, "participants": [UNKNOWN_STATE]},
}
TOO_LONG = {
    "sources": {"title": 301, "url": 501, "version": 33},
    "states": {"name": 201},
    "names": {"name": 201},
    "treaties": {"title": 501},
    "alliances": {"title": 501, "external_id": 65},
    "events": {"title": 301, "kind": 33},
}
OUT_OF_RANGE = {
    "sources": {"coverage_start": [999, 10000], "coverage_end": [10000]},
    "states": {"ccode": [0, 100000], "gwcode": [0, 100000]},
    "treaties": {
        "atopid": [0, 2**31, 10**30],
        "cow4id": [-1, 2**31],
        "duration_months": [0, 2**31],
        "renewal_months": [-5, 2**40],
    },
    "members": {"phase": [-1, 2**31]},
}
BAD_DATES = [
    "1954-13",
    "1954-02-30",
    "2023-02-29",
    "54",
    "0999",
    "1954/07/21",
    "1954-7-1",
    "21 July 1954",
    "",
    True,
    1954.5,
]
NESTED = {"alliances": "members", "states": "names"}


def _records(data: Data) -> list[tuple[str, Data]]:
    """(record type, record) for every record and nested record (members, names, spells)."""
    found = []
    for section in ("sources", "states", "treaties", "alliances", "alignments", "events"):
        for record in data[section]:
            found.append((section, record))
            for nested in ("members", "names", "spells"):
                found.extend((nested, item) for item in record.get(nested, []))
    return found


MUTATIONS = [
    "wrong type",
    "bad date",
    "end before start",
    "unknown reference",
    "duplicate key",
    "missing field",
    "unknown field",
    "wrong container",
    "too long",
    "out of range",
]


@st.composite
def mutated(draw: st.DrawFn, data: Data, kind: str) -> tuple[Data, str]:
    """The knowledge base with exactly one thing of KIND made invalid, and what was done."""
    data = copy.deepcopy(data)
    records = _records(data)
    if kind == "wrong container":
        where = draw(st.sampled_from(["file", "section", "record", "nested"]))
        if where == "file":
            return [data["sources"]], "wrong container: the file is a list"  # type: ignore[return-value]
        section = draw(st.sampled_from([s for s in data if data[s]]))
        if where == "section":
            data[section] = draw(st.sampled_from([data[section][0], "x", 1]))
            return data, f"wrong container: {section} is not a list"
        index = draw(st.integers(0, len(data[section]) - 1))
        if where == "record" or section not in ("alliances", "states"):
            data[section][index] = list(data[section][index].items())
            return data, f"wrong container: {section}[{index}] is a list"
        nested = "members" if section == "alliances" else "names"
        if not data[section][index].get(nested):
            data[section][index][nested] = "x"
        else:
            data[section][index][nested][0] = "x"
        return data, f"wrong container: a {nested} item is text"
    if kind == "duplicate key":
        section = draw(st.sampled_from([s for s in data if data[s]]))
        record = draw(st.sampled_from(data[section]))
        data[section].append(copy.deepcopy(record))
        return data, f"duplicate key: {section}"
    candidates: list[tuple[str, Data, str, Any]] = []
    for rtype, record in records:
        if kind == "wrong type":
            for field, value in record.items():
                # A list keeps its length (a pair of states given as one item is two faults).
                wrong = [[1], *value[1:]] if isinstance(value, list) else [[1]]
                candidates.append((rtype, record, field, draw(st.sampled_from([{"a": 1}, wrong]))))
        elif kind == "bad date":
            for field in DATES[rtype]:
                candidates.append((rtype, record, field, draw(st.sampled_from(BAD_DATES))))
        elif kind == "end before start":
            if rtype == "sources":
                candidates.append((rtype, record, "coverage_end", record["coverage_start"] - 1))
            elif rtype == "treaties":
                for field, first in (
                    ("ended", "signed"),
                    ("in_force", "signed"),
                    ("ended", "in_force"),
                ):
                    if first in record:
                        before = PartialDate.parse(str(record[first])).first_day.year - 1
                        candidates.append((rtype, record, field, str(before)))
            elif "start" in record:
                before = PartialDate.parse(str(record["start"])).first_day.year - 1
                if before >= 1000:
                    candidates.append((rtype, record, "end", str(before)))
        elif kind == "unknown reference":
            for field, value in REFERENCES.get(rtype, {}).items():
                if field == "states":
                    value = [record["states"][0], UNKNOWN_STATE]
                candidates.append((rtype, record, field, value))
        elif kind == "missing field":
            for field in REQUIRED[rtype]:
                candidates.append((rtype, record, field, None))
        elif kind == "unknown field":
            candidates.append(
                (rtype, record, draw(st.sampled_from(["colour", "Key", "end_day"])), 1)
            )
        elif kind == "too long":
            for field, length in TOO_LONG.get(rtype, {}).items():
                candidates.append((rtype, record, field, "x" * length))
        elif kind == "out of range":
            for field, values in OUT_OF_RANGE.get(rtype, {}).items():
                candidates.append((rtype, record, field, draw(st.sampled_from(values))))
    if not candidates:  # nothing of that kind here: a missing required field always exists
        candidates = [(rtype, r, f, None) for rtype, r in records for f in REQUIRED[rtype]]
        kind = "missing field"
    rtype, record, field, value = draw(st.sampled_from(candidates))
    if value is None:
        del record[field]
    else:
        record[field] = value
    return data, f"{kind}: {rtype}.{field} = {value!r}"
