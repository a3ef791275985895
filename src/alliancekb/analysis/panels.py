"""Dyad-year and state-year panels, streamed.

The dyad rule is day-level: A and B form a dyad in year Y when both belong to the same
alliance, in the same phase, on at least one common day of Y. The database returns each pair
of memberships once with their common period, ordered by dyad; the years are expanded in one
streaming pass, so memory holds one dyad at a time, however large the data.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count, pairwise
from typing import Any

from sqlalchemy import Integer, String, cast, select
from sqlalchemy.orm import Session, aliased

from alliancekb.analysis.provisions import Alignments, Provisions, provisions
from alliancekb.analysis.rules import (
    MembershipPairs,
    Period,
    coverages,
    merge,
    merge_all,
    source_id,
)
from alliancekb.database.models import (
    OBLIGATIONS,
    Alliance,
    Membership,
    Source,
    State,
    SystemSpell,
)

Row = dict[str, Any]
DYAD_COLUMNS = (
    "ccode1",
    "ccode2",
    "stateabb1",
    "stateabb2",
    "year",
    "source",
    *OBLIGATIONS,
    "shared_ideology",
    "shared_security",
    "alliances",
    "flags_source",
    "asymmetric",
)
ALLIANCES_AT = DYAD_COLUMNS.index("alliances")
"""Where a dyad-year tuple holds its alliance keys."""
STATE_YEAR_HEAD = ("ccode", "stateabb", "year", "source", "alliances", "allies", "alliance")
STATE_YEAR_COLUMNS = (*STATE_YEAR_HEAD, *OBLIGATIONS)


_CURSORS = count()


def _pairs(session: Session, source: str | None, directed: bool) -> Iterator[tuple[Any, ...]]:
    """Each pair of memberships of one alliance and phase, ordered by source and dyad.

    Plain driver tuples, dates as ISO text and obligations as 1/0/None: the export streams
    millions of rows and pays for no per-row conversion it does not need.
    """
    pairs = MembershipPairs()
    m1, m2 = pairs.mine, pairs.theirs
    s1, s2 = aliased(State), aliased(State)
    wanted = source_id(session, source)
    query = (
        pairs.select(
            Source.key,
            s1.ccode,
            s2.ccode,
            s1.stateabb,
            s2.stateabb,
            Alliance.key,
            *(cast(c, String) for c in (m1.start_day, m1.end_day, m2.start_day, m2.end_day)),
            *(cast(getattr(m1, o), Integer) for o in OBLIGATIONS),
            *(cast(getattr(m2, o), Integer) for o in OBLIGATIONS),
            m1.phase,
        )
        .join(s1, s1.id == m1.state_id)
        .join(s2, s2.id == m2.state_id)
        .where(s1.ccode != s2.ccode if directed else s1.ccode < s2.ccode, pairs.meet())
        .order_by(Source.key, s1.ccode, s2.ccode)
    )
    if wanted is not None:
        query = query.where(Alliance.source_id == wanted)
    connection = session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    driver = connection.connection.driver_connection
    assert driver is not None
    if connection.dialect.name == "postgresql":
        # Server-side (flat memory), named per call: a universe panel reads several at once.
        cursor = driver.cursor(name=f"alliancekb_pairs_{next(_CURSORS)}")
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(5000):
            yield from batch
    finally:
        cursor.close()


DyadYear = tuple[Any, ...]


def _csv_text(value: str) -> str:
    """A text cell as csv.writer writes it: quoted only when it holds a comma, quote or newline."""
    if "," in value or '"' in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


_CELL = {None: "", 0: "0", 1: "1"}
Codes = tuple[int | None, ...]


class _Tuples:
    """Collects dyad-years as tuples in DYAD_COLUMNS order."""

    def __init__(self) -> None:
        self.batch: list[Any] = []

    def years(self, head: tuple[Any, ...], first: int, last: int, tail: tuple[Any, ...]) -> None:
        # Tuple concatenation: twice as fast as unpacking, on millions of rows.
        self.batch.extend([head + (year,) + tail for year in range(first, last + 1)])  # noqa: RUF005


class _Runs(_Tuples):
    """Collects runs of years with the same cells, unexpanded: (ccode1, ccode2, first, last,
    obligations, alliances), for the universe panels, which cut their own years."""

    def years(self, head: tuple[Any, ...], first: int, last: int, tail: tuple[Any, ...]) -> None:
        self.batch.append((head[0], head[1], first, last, tail[1:6], tail[-3]))


class _CsvLines(_Tuples):
    """Collects dyad-years as finished CSV lines, byte for byte what csv.writer writes for the
    tuples: each dyad's fixed cells are turned into text once, so a year costs one string
    concatenation (the export's hot path)."""

    def __init__(self) -> None:
        super().__init__()
        self._codes: dict[Codes, str] = {}
        self._head: tuple[tuple[Any, ...], str] = ((), "")

    def _cells(self, values: tuple[Any, ...]) -> str:
        return ",".join(
            _csv_text(v) if isinstance(v, str) else _CELL.get(v, str(v)) for v in values
        )

    def _head_text(self, head: tuple[Any, ...]) -> str:
        if self._head[0] is not head:
            self._head = (head, self._cells(head) + ",")
        return self._head[1]

    def _tail_text(self, tail: tuple[Any, ...]) -> str:
        src, *rest = tail
        codes, (ideology, security, keys, flags_from, asym) = tuple(rest[:-5]), rest[-5:]
        text = self._codes.get(codes)
        if text is None:
            text = self._codes[codes] = self._cells(codes)
        flags = _CELL.get(ideology, "") + "," + _CELL.get(security, "")
        after = _csv_text(flags_from) if flags_from else ""
        return f",{_csv_text(src)},{text},{flags},{_csv_text(keys)},{after},{_CELL[asym]}\n"

    def years(self, head: tuple[Any, ...], first: int, last: int, tail: tuple[Any, ...]) -> None:
        before, after = self._head_text(head), self._tail_text(tail)
        self.batch.extend([before + str(year) + after for year in range(first, last + 1)])


def dyad_year_batches(
    session: Session,
    source: str | None = None,
    directed: bool = False,
    period: Period = Period.years(),
    *,
    csv_lines: bool = False,
    runs: bool = False,
) -> Iterator[list[Any]]:
    """Dyad-years in DYAD_COLUMNS order, in batches, by source, dyad and year: tuples, or with
    `csv_lines` the CSV lines (header not included) that csv.writer would write for them, or
    with `runs` the runs of years (see _Runs).

    Directed rows give A's own obligations towards B; undirected rows (ccode1 < ccode2) take
    each obligation as the maximum of both directions. Obligations and flags are 1, 0 or None
    (unknown, never 0); `alliances` is the keys in force joined by "; ". Memory holds one
    dyad and one batch.
    """
    coverage = coverages(session)
    alignments = Alignments(session, coverage)
    provisions_of: dict[str, Provisions | None] = {}
    prov: Provisions | None = None
    n = len(OBLIGATIONS)
    lo, hi = period.first_year, period.last_year
    cov = open_end = None
    covered = False
    current: tuple[str, int, int] | None = None
    head: tuple[Any, ...] = ()
    spans: list[tuple[int, int, tuple[int | None, ...], str, int | None]] = []
    sink = _CsvLines() if csv_lines else _Runs() if runs else _Tuples()

    def flush() -> None:
        src, c1, c2 = current  # type: ignore[misc]
        flagged = (min(c1, c2), max(c1, c2)) in alignments.by_dyad
        if len(spans) == 1 and not flagged:
            first, last, codes, key, asym = spans[0]
            sink.years(head, first, last, (src, *codes, None, None, key, None, asym))
            return
        # Several alliances link the dyad: cut its years where any span starts or ends, and
        # merge the spans in force once per piece, not once per year.
        cuts = sorted({s[0] for s in spans} | {s[1] + 1 for s in spans})
        run: tuple[Any, ...] = ()
        first = last = 0
        for start, stop in pairwise(cuts):
            active = [s for s in spans if s[0] <= start <= s[1]]
            if not active:
                continue
            codes, keys, asym = active[0][2], {active[0][3]}, active[0][4]
            for _, _, more, key, also in active[1:]:
                if more != codes:
                    codes = merge_all(codes, more)
                keys.add(key)
                asym = merge(asym, also)
            text = "; ".join(sorted(keys))
            for year in range(start, stop) if flagged else (start,):
                flags = alignments.flags(c1, c2, year) if flagged else (None, None, None)
                tail = (src, *codes, *flags[:2], text, flags[2], asym)
                end = year if flagged else stop - 1
                # Consecutive years with the same cells go out as one run (a line each).
                if tail == run and year == last + 1:
                    last = end
                    continue
                if run:
                    sink.years(head, first, last, run)
                run, first, last = tail, year, end
        sink.years(head, first, last, run)

    for pair in _pairs(session, source, directed):
        src, c1, c2, abb1, abb2, key, st1, en1, st2, en2 = pair[:10]
        dyad = (src, c1, c2)
        if dyad != current:
            if spans:
                flush()
                if len(sink.batch) >= 4096:
                    yield sink.batch
                    sink.batch = []
            current, head, spans = dyad, (c1, c2, abb1, abb2), []
            if cov is None or cov.source != src:
                cov = coverage[src]
                open_end = cov.open_end.isoformat()
                if src not in provisions_of:
                    provisions_of[src] = provisions(session, src)
                prov = provisions_of[src]
            # Outside the source's coverage in space its silence is unknown: no rows.
            covered = cov.covers_pair(c1, c2)
        if not covered:
            continue
        assert cov is not None and open_end is not None
        first = max(int(max(st1, st2)[:4]), cov.first, lo)
        last = min(int(min(en1 or open_end, en2 or open_end)[:4]), cov.last_year, hi)
        if first > last:
            continue
        mine = pair[10 : 10 + n]
        codes = mine if directed else merge_all(mine, pair[10 + n : 10 + 2 * n])
        asym = None
        if prov is not None:
            phase = pair[10 + 2 * n]
            asym = prov.get((key, phase, c1), 0) or (
                0 if directed else prov.get((key, phase, c2), 0)
            )
        spans.append((first, last, codes, key, asym))
    if current is not None and spans:
        flush()
    if sink.batch:
        yield sink.batch


def dyad_years(
    session: Session,
    source: str | None = None,
    directed: bool = False,
    period: Period = Period.years(),
) -> Iterator[Row]:
    """Dyad-year rows as dicts keyed by DYAD_COLUMNS (see dyad_year_batches)."""
    for batch in dyad_year_batches(session, source, directed, period):
        for row in batch:
            yield dict(zip(DYAD_COLUMNS, row, strict=True))


def _system_years(session: Session) -> dict[int, tuple[str, list[tuple[int, int | None]]]]:
    """Each state's years in the state system, as (first, last or None) spans, by ccode."""
    found: dict[int, tuple[str, list[tuple[int, int | None]]]] = {}
    rows = session.execute(
        select(State.ccode, State.stateabb, SystemSpell.start_day, SystemSpell.end_day).join(
            SystemSpell, SystemSpell.state_id == State.id
        )
    )
    for ccode, abb, start, end in rows:
        found.setdefault(ccode, (abb, []))[1].append((start.year, end.year if end else None))
    return found


def state_years(
    session: Session, source: str | None = None, period: Period = Period.years()
) -> Iterator[Row]:
    """Per state, year and source: alliances in force, allies, any alliance, each obligation.

    A source speaks for the states it codes: the rows cover each state that is a member of at
    least one of the source's alliances, for its years in the state system within the source's
    coverage (a year with no ally gives zeros: within coverage that is known), plus any year it
    was allied outside the system (a government in exile). One state is held at a time.
    """
    source_id(session, source)
    system = _system_years(session)
    zeros = (0,) * len(OBLIGATIONS)
    for src, cov in coverages(session).items():
        if source is not None and src != source:
            continue
        first = max(cov.first, period.first_year)
        last = min(cov.last_year, period.last_year)
        allied = allied_state_years(session, src, period)
        pending = next(allied, None)
        for ccode in sorted(_allied_ccodes(session, src)):
            if not cov.covers_state(ccode):
                # The source speaks for only some of the state's dyads: its count is unknown.
                while pending is not None and pending[0] == ccode:
                    pending = next(allied, None)
                continue
            years: StateYears = {}
            abb = system[ccode][0] if ccode in system else ""
            if pending is not None and pending[0] == ccode:
                abb, years = pending[1], pending[2]
                pending = next(allied, None)
            in_system: set[int] = set()
            for start, end in system.get(ccode, ("", []))[1]:
                in_system.update(range(max(start, first), min(end or last, last) + 1))
            for year in sorted(in_system | set(years)):
                alliances, count, codes = years.get(year, (0, 0, zeros))
                row: Row = {
                    "ccode": ccode,
                    "stateabb": abb,
                    "year": year,
                    "source": src,
                    "alliances": alliances,
                    "allies": count,
                    "alliance": int(count > 0),
                }
                row.update(zip(OBLIGATIONS, codes, strict=True))
                yield row


def _allied_ccodes(session: Session, source: str) -> set[int]:
    return set(
        session.scalars(
            select(State.ccode)
            .join(Membership, Membership.state_id == State.id)
            .join(Alliance, Alliance.id == Membership.alliance_id)
            .join(Source, Source.id == Alliance.source_id)
            .where(Source.key == source)
            .distinct()
        )
    )


StateYears = dict[int, tuple[int, int, tuple[int | None, ...]]]
"""Per year: (alliances in force, allies, each obligation merged over the state's dyads)."""


def allied_state_years(
    session: Session, source: str, period: Period
) -> Iterator[tuple[int, str, StateYears]]:
    """The source's directed dyad-years grouped per state (ccode order): its stateabb and,
    per year, how many alliances and allies it had and its obligations toward any of them."""
    current: int | None = None
    abb = ""
    years: dict[int, tuple[set[str], set[int], tuple[int | None, ...]]] = {}
    for batch in dyad_year_batches(session, source, True, period):
        for row in batch:
            if row[0] != current:
                if current is not None:
                    yield current, abb, {y: (len(k), len(a), c) for y, (k, a, c) in years.items()}
                current, abb, years = row[0], row[2], {}
            keys, codes = set(row[ALLIANCES_AT].split("; ")), tuple(row[6:11])
            entry = years.get(row[4])
            if entry is None:
                years[row[4]] = (keys, {row[1]}, codes)
            else:
                entry[0].update(keys)
                entry[1].add(row[1])
                years[row[4]] = (entry[0], entry[1], merge_all(entry[2], codes))
    if current is not None:
        yield current, abb, {y: (len(k), len(a), c) for y, (k, a, c) in years.items()}
