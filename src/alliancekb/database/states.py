"""Finding states by ccode, stateabb, ISO3 or any recorded name; naming them as of a date."""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from alliancekb.country_codes import code_table, normalize
from alliancekb.database.models import Change, State, StateName
from alliancekb.errors import Ambiguous, NotFound


class StateInfo(NamedTuple):
    """A state as queries name it (a tuple: a year query makes thousands)."""

    id: int
    ccode: int
    stateabb: str
    name: str


class _OnDemand(dict[int, StateInfo]):
    """States by id, loaded from the database the first time one is asked for."""

    def __init__(self, load: Callable[[Iterable[int]], None]) -> None:
        super().__init__()
        self._load = load

    def __missing__(self, state_id: int) -> StateInfo:
        self._load([state_id])
        if not dict.__contains__(self, state_id):
            raise KeyError(state_id)
        return dict.__getitem__(self, state_id)


class StateDirectory:
    """The states of a database, for resolving references and naming states.

    `preload=True` reads every state at once (writers, pictures); `preload=False` looks up
    only what a query touches, so a year query costs the same with 200 or 20,000 states. Only
    the preloaded directory keeps the lookup keys (ccode, names, ...): on demand, the
    database's indexes find a reference, and a loaded state is only named.
    """

    def __init__(self, session: Session, *, preload: bool = True) -> None:
        self.session = session
        self.preloaded = preload
        self._keys: dict[str, set[int]] = defaultdict(set)
        self._names: dict[int, list[tuple[dt.date, dt.date | None, str]]] = defaultdict(list)
        self._named: set[int] = set()
        if not preload:
            self.by_id: dict[int, StateInfo] = _OnDemand(self.preload)
            return
        self.by_id = {}
        for state in session.scalars(select(State)):
            self._add(state.id, state.ccode, state.stateabb, state.name, state.iso3)
        rows = session.execute(
            select(
                StateName.state_id, StateName.start_day, StateName.end_day, StateName.name
            ).order_by(StateName.start_day)
        )
        for state_id, start_day, end_day, name in rows:
            self._names[state_id].append((start_day, end_day, name))
            self._keys[name.casefold()].add(state_id)

    def preload(self, ids: Iterable[int]) -> None:
        """Load the states not loaded yet, and their names, a few hundred per query."""
        if self.preloaded:
            return
        wanted = sorted({i for i in ids if i not in self._named})
        missing = [i for i in wanted if not dict.__contains__(self.by_id, i)]
        connection = self.session.connection()
        states = select(State.id, State.ccode, State.stateabb, State.name)
        for chunk in _chunks(missing):
            for state_id, ccode, abb, name in connection.execute(states.where(State.id.in_(chunk))):
                self.known(state_id, ccode, abb, name)
        names = select(StateName.state_id, StateName.start_day, StateName.end_day, StateName.name)
        for chunk in _chunks(wanted):
            rows = connection.execute(
                names.where(StateName.state_id.in_(chunk)).order_by(StateName.start_day)
            )
            for state_id, start_day, end_day, name in rows:
                self._names[state_id].append((start_day, end_day, name))
        self._named.update(wanted)

    def known(self, state_id: int, ccode: int, stateabb: str, name: str) -> None:
        """A state a query has already read (its names still come from `preload`)."""
        dict.__setitem__(self.by_id, state_id, StateInfo(state_id, ccode, stateabb, name))

    def _candidates(self, text: str) -> set[int]:
        """On-demand mode: the ids a reference can name, found by the database's indexes."""
        if text.isdigit():
            query = select(State.id).where(State.ccode == int(text))
        else:
            folded = text.casefold()
            query = select(State.id).where(
                or_(
                    State.stateabb == text.upper(),
                    State.iso3 == text.upper(),
                    func.lower(State.name) == folded,
                    State.id.in_(
                        select(StateName.state_id).where(func.lower(StateName.name) == folded)
                    ),
                )
            )
        ids = set(self.session.scalars(query))
        self.preload(ids)
        return ids

    def _add(self, state_id: int, ccode: int, abb: str, name: str, iso3: str | None) -> None:
        dict.__setitem__(self.by_id, state_id, StateInfo(state_id, ccode, abb, name))
        for key in (str(ccode), abb, name, iso3):
            if key:
                self._keys[key.casefold()].add(state_id)

    def add(self, state: State) -> None:
        """Make a state written in this transaction findable."""
        self._add(state.id, state.ccode, state.stateabb, state.name, state.iso3)
        for entry in state.names:
            self._names[state.id].append((entry.start_day, entry.end_day, entry.name))
            self._keys[entry.name.casefold()].add(state.id)

    def resolve(self, ref: str | int) -> StateInfo:
        """The one state a reference names; NotFound suggests the closest, Ambiguous lists all.

        The database's own codes and names come first; only a reference they do not know is
        looked up in the code table (`Viet Nam`, `DEU`, `USSR`), to a state in the database.
        """
        text = str(ref).strip()
        if not self.preloaded:
            ids = self._candidates(text) or self._through_table(text)
            if not ids:
                # Suggestions need every name: worth it only on the way to an error.
                return StateDirectory(self.session).resolve(text)
        else:
            ids = self._keys.get(text.casefold(), set()) or self._through_table(text)
        if len(ids) == 1:
            return self.by_id[next(iter(ids))]
        if ids:
            candidates = ", ".join(
                f"{s.name} ({s.ccode} {s.stateabb})"
                for s in sorted((self.by_id[i] for i in ids), key=lambda s: s.ccode)
            )
            raise Ambiguous(f"state '{text}' is ambiguous: it matches {candidates}; use a ccode")
        raise self._unknown(text)

    def _ids_of(self, ccodes: Iterable[int]) -> set[int]:
        """The ids of the states with these ccodes that the database holds."""
        wanted = set(ccodes)
        if not wanted:
            return set()
        if self.preloaded:
            return {s.id for s in self.by_id.values() if s.ccode in wanted}
        ids = set(self.session.scalars(select(State.id).where(State.ccode.in_(wanted))))
        self.preload(ids)
        return ids

    def _through_table(self, text: str) -> set[int]:
        """The states of the database the code table says a reference names."""
        return self._ids_of(e.ccode for e in code_table().lookup(text))

    def _unknown(self, text: str) -> NotFound:
        known = code_table().lookup(text)
        if known:
            names = ", ".join(f"{e.ccode} {e.name} ({e.stateabb})" for e in known)
            return NotFound(
                f"state '{text}' is {names} in the code table, but this database does not hold "
                "it: import the COW state system (cow-states) to add every state"
            )
        hint = ""
        close = self._closest(text)
        if close:
            hint = f"; closest: {', '.join(self.label(i) for i in close)}"
        return NotFound(
            f"unknown state '{text}' (use a ccode, stateabb, ISO3 or recorded name{hint})"
        )

    def _closest(self, text: str, n: int = 3) -> list[int]:
        """Up to n states whose codes, names or code-table aliases come closest, best first."""
        keys: dict[str, set[int]] = defaultdict(set)
        for key, ids in self._keys.items():
            keys[normalize(key)].update(ids)
        by_ccode = {s.ccode: s.id for s in self.by_id.values()}
        for key, ccodes in code_table().by_key.items():
            keys[key].update(by_ccode[c] for c in ccodes if c in by_ccode)
        found: list[int] = []
        for key in difflib.get_close_matches(normalize(text), list(keys), n=n * 3, cutoff=0.6):
            for state_id in sorted(keys[key], key=lambda i: self.by_id[i].ccode):
                if state_id not in found:
                    found.append(state_id)
        return found[:n]

    def label(self, state_id: int) -> str:
        s = self.by_id[state_id]
        return f"{s.stateabb} ({s.ccode} {s.name})"

    def recorded_name(self, state_id: int, day: dt.date) -> str | None:
        """The recorded name in force on a day (else one that begins that year), or None."""
        names = self._names.get(state_id) or []
        current = [n for s, e, n in names if s <= day and (e is None or day <= e)]
        if current:
            return current[-1]
        later = [n for s, _e, n in names if s.year == day.year]
        return later[0] if later else None

    def name_on(self, state_id: int, day: dt.date | None) -> str:
        """The state's name on a day: the recorded name in force then, else its common name."""
        state = self.by_id[state_id]
        if day is None:
            return state.name
        return self.recorded_name(state_id, day) or state.name


STATES_IMPORTER = "cow-states"
"""The importer whose change-log entries say the whole COW state system is in the database."""


def imported_state_system(session: Session) -> str | None:
    """The source key `import cow-states` wrote last (None: never imported): the whole state
    system, where a seed holds only a handful of states."""
    key = session.scalar(
        select(Change.record_key)
        .where(
            Change.record_type == "source",
            Change.after.like(f'%"importer": "{STATES_IMPORTER}"%'),
        )
        .order_by(Change.id.desc())
        .limit(1)
    )
    return None if key is None else str(key)


def system_imported(session: Session) -> bool:
    """Whether the whole COW state system was imported (`import cow-states`, the change log
    says), rather than a seed's few states: only then is a state without a spell outside it."""
    return imported_state_system(session) is not None


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    return (ids[i : i + size] for i in range(0, len(ids), size))


def name_day(year: int | None, on: dt.date | None) -> dt.date | None:
    """The day whose name a listing shows: the day asked, else the first day of the year."""
    if on is not None:
        return on
    return dt.date(year, 1, 1) if year is not None else None
