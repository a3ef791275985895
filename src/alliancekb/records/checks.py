"""What a record must not contradict in the database, checked before the Writer writes it.

- A state's name, stateabb, ISO3 or ccode must not already name another state: one `state add`
  naming itself `Vietnam` would make every later `allies Vietnam` ambiguous.
- An alignment is of an unordered dyad: `[LAO, VNM]` codes the same pair as `[VNM, LAO]`.
- An alliance's external id is its source's: two alliances may not share one.
- Every text fits its column, on SQLite (which ignores VARCHAR(n)) as on PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import String, event, or_, select
from sqlalchemy.orm import Session

from alliancekb.database.models import Alignment, Alliance, Source, State, StateName
from alliancekb.errors import InvalidInput
from alliancekb.schemas import AlignmentIn, AllianceIn, StateIn


class StateKeys:
    """Every reference text of the database's states (casefolded), with what it is of each."""

    def __init__(self, session: Session) -> None:
        self.keys: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.labels: dict[int, str] = {}
        for state in session.execute(
            select(State.id, State.ccode, State.stateabb, State.name, State.iso3)
        ):
            self._add(*state)
        for state_id, name in session.execute(select(StateName.state_id, StateName.name)):
            self.keys[name.casefold()][state_id].add("name")

    def _add(self, state_id: int, ccode: int, abb: str, name: str, iso3: str | None) -> None:
        self.labels[state_id] = f"{name} ({ccode} {abb})"
        for kind, text in (("ccode", str(ccode)), ("stateabb", abb), ("name", name)):
            self.keys[text.casefold()][state_id].add(kind)
        if iso3:
            self.keys[iso3.casefold()][state_id].add("iso3")

    def check(self, rec: StateIn, own_id: int | None) -> None:
        """Refuse a reference of `rec` that would newly name a second state.

        A reference the state already answers to is kept (resolution stays as it was). One
        meeting is allowed: a new ISO3 that is another state's stateabb, as ISO's AUS
        (Australia) is COW's AUS (Austria) in the real data; such a code was ambiguous before
        and stays so (resolution asks for a ccode)."""
        texts = [("ccode", "ccode", str(rec.ccode)), ("stateabb", "stateabb", rec.stateabb)]
        texts.append(("name", "name", rec.name))
        if rec.iso3:
            texts.append(("iso3", "iso3", rec.iso3))
        texts += [("name", f"names[{i}].name", n.name) for i, n in enumerate(rec.names)]
        for kind, field, text in texts:
            named = self.keys.get(text.casefold(), {})
            if own_id in named:
                continue
            for other, kinds in sorted(named.items()):
                if kind == "iso3" and kinds == {"stateabb"}:
                    continue
                raise InvalidInput(
                    f"{field}: '{text}' already names {self.labels[other]}: a second state "
                    f"answering to it would make '{text}' ambiguous; choose another {kind}"
                )

    def written(self, state: State) -> None:
        """The state as now written: its old references go, its new ones count."""
        for entries in self.keys.values():
            entries.pop(state.id, None)
        self._add(state.id, state.ccode, state.stateabb, state.name, state.iso3)
        for entry in state.names:
            self.keys[entry.name.casefold()][state.id].add("name")


def check_alignment(session: Session, rec: AlignmentIn, a: State, b: State) -> None:
    """Refuse a second coding of the same unordered dyad, source and start."""
    other = session.scalar(
        select(Alignment.key)
        .join(Alignment.source)
        .where(Source.key == rec.source, Alignment.start == rec.start)
        .where(
            or_(
                (Alignment.state_a_id == a.id) & (Alignment.state_b_id == b.id),
                (Alignment.state_a_id == b.id) & (Alignment.state_b_id == a.id),
            )
        )
        .where(Alignment.key != rec.key)
    )
    if other is not None:
        raise InvalidInput(
            f"alignment '{other}' already codes {a.stateabb}-{b.stateabb} from "
            f"{rec.start} for {rec.source}: amend '{other}' instead, or fix the start"
        )


def check_external_id(session: Session, rec: AllianceIn) -> None:
    """Refuse an external id that another alliance of the same source has."""
    if rec.external_id is None:
        return
    other = session.scalar(
        select(Alliance.key)
        .join(Alliance.source)
        .where(Source.key == rec.source, Alliance.external_id == rec.external_id)
        .where(Alliance.key != rec.key)
    )
    if other is not None:
        raise InvalidInput(
            f"alliance '{other}' already has {rec.source} external_id "
            f"'{rec.external_id}': amend '{other}' instead, or fix the external_id"
        )


def check_lengths(session: Session, _context: Any = None, _instances: Any = None) -> None:
    """Refuse a text longer than its column, before the flush writes it (a `before_flush`
    hook): PostgreSQL would refuse it with a driver error, SQLite would store it."""
    for row in (*session.new, *session.dirty):
        table = getattr(row, "__table__", None)
        if table is None:
            continue
        for column in table.columns:
            if not isinstance(column.type, String) or column.type.length is None:
                continue
            value = getattr(row, column.key, None)
            if isinstance(value, str) and len(value) > column.type.length:
                shown = value if len(value) <= 40 else value[:39] + "…"
                raise InvalidInput(
                    f"{table.name}.{column.name}: '{shown}' has {len(value)} characters, "
                    f"more than the {column.type.length} it may have: shorten it"
                )


def guard_lengths(session: Session) -> None:
    """Check every text's length on each flush of this session."""
    if not event.contains(session, "before_flush", check_lengths):
        event.listen(session, "before_flush", check_lengths)
