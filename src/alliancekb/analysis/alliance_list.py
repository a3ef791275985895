"""The alliances listing: alliances in force, each source's coding, with their members.

Filters: a period, a member state (then each row carries that state's own entry and exit
beside the alliance's dates), a source, words of a search (the full-text index, search.py)
and obligations (a membership in force that carries any of them; with a state, its own).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from alliancekb import collector
from alliancekb.analysis.queries import naming_day, single_year
from alliancekb.analysis.rules import (
    Period,
    obligations_asked,
    source_id,
    sql_covers_year,
    sql_has_obligation,
    sql_overlaps,
)
from alliancekb.analysis.search import alliance_scores
from alliancekb.database.models import Alliance, Membership, Source, State, Treaty
from alliancekb.database.states import StateDirectory

Row = dict[str, Any]


def alliances(
    session: Session,
    period: Period | None,
    state: str | None = None,
    source: str | None = None,
    search: str | None = None,
    obligations: Iterable[str] | None = None,
) -> Iterator[Row]:
    """Alliances in force in the period (each source's coding), optionally of one state, with
    the members they had in the period.

    One Core query (alliance columns with each member and its state, an alliance's members
    together), then the members' names over time, a few hundred states per query. ORM objects
    would cost more than the answer at world scale.
    """
    asked = obligations_asked(obligations)
    directory = StateDirectory(session, preload=False)
    wanted = source_id(session, source)
    treaty = aliased(Treaty)
    in_force = [
        sql_overlaps(period, Alliance),
        sql_overlaps(period, Membership),
        sql_covers_year(single_year(period)),
    ]
    if wanted is not None:
        in_force.append(Alliance.source_id == wanted)
    if search is not None:
        in_force.append(Alliance.id.in_(alliance_scores(session, search)))
    member = directory.resolve(state) if state is not None else None
    if member is not None or asked:
        holding = [sql_overlaps(period, Membership), sql_has_obligation(asked, Membership)]
        if member is not None:
            holding.append(Membership.state_id == member.id)
        in_force.append(Alliance.id.in_(select(Membership.alliance_id).where(*holding)))
    query = (
        select(
            Alliance.id,
            Alliance.key,
            Source.key,
            Alliance.start,
            Alliance.end,
            Alliance.start_day,
            Alliance.title,
            Alliance.formal,
            treaty.key,
            Alliance.external_id,
            Membership.state_id,
            State.ccode,
            State.stateabb,
            State.name,
            Membership.start,
            Membership.start_day,
            Membership.end,
            Membership.end_day,
        )
        .join(Source, Source.id == Alliance.source_id)
        .join(Membership, Membership.alliance_id == Alliance.id)
        .join(State, State.id == Membership.state_id)
        .outerjoin(treaty, treaty.id == Alliance.treaty_id)
        .where(*in_force)
        .order_by(Alliance.start_day, Alliance.key, Alliance.id, State.ccode)
    )
    with collector.paused():
        rows: list[Any] = list(session.connection().execute(query))
        for state_id, ccode, stateabb, name in {row[10]: row[10:14] for row in rows}.values():
            directory.known(state_id, ccode, stateabb, name)
        directory.preload(row[10] for row in rows)  # the members' names over time
    for _alliance_id, group in groupby(rows, key=itemgetter(0)):
        first, *more = group
        key, src, start, end, start_day, title, formal, treaty_key, ext = first[1:10]
        ids = [first[10]]
        for row in more:
            if row[10] != ids[-1]:  # a member of two phases is listed once
                ids.append(row[10])
        day = naming_day(period) or start_day
        found: Row = {
            "key": key,
            "source": src,
            "start": start,
            "end": end,
            "title": title,
            "formal": formal,
            "treaty": treaty_key,
            "external_id": ext,
            "members": [directory.by_id[i].stateabb for i in ids],
            "member_names": [directory.name_on(i, day) for i in ids],
        }
        if member is not None:
            found.update(own_dates([first, *more], member.id))
        yield found


def own_dates(rows: list[Any], state_id: int) -> Row:
    """A member's own entry (its first) and exit (its last; None while it is in) in the rows of
    one alliance, over every phase and spell the listing holds."""
    mine = [row for row in rows if row[10] == state_id]
    entry = min(mine, key=itemgetter(15))[14]
    ongoing = any(row[17] is None for row in mine)
    leaving = None if ongoing else max(mine, key=itemgetter(17))[16]
    return {"member_start": entry, "member_end": leaving}
