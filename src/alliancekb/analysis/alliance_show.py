"""One alliance whole: its source, treaty, dates, phases, each member with its own dates and
obligations, the same alliance as other sources code it, and what to cite."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from alliancekb.alliance_names import alliance_names
from alliancekb.analysis.rules import Period
from alliancekb.analysis.search import search
from alliancekb.database.models import OBLIGATIONS, Alliance, Membership, Source
from alliancekb.database.states import StateDirectory
from alliancekb.errors import InvalidInput, NotFound
from alliancekb.importers.atop import COW4ID_NOTE

Row = dict[str, Any]
DATASETS = {"atop": "atop-", "cow": "cow-"}
"""The datasets the names table ties together, by the prefix of their sources' keys."""


def _not_found(session: Session, key: str) -> NotFound:
    try:
        named = [row["key"] for row in search(session, key) if row["kind"] == "alliance"][:5]
    except InvalidInput:
        named = []
    if named:
        return NotFound(
            f"no alliance '{key}': give an alliance's key; a search for it finds {', '.join(named)}"
        )
    keys = list(session.scalars(select(Alliance.key)))
    close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return NotFound(f"no alliance '{key}'{hint}: give an alliance key such as atop-5.1-3180")


def _dataset(source_key: str) -> str | None:
    return next((d for d, prefix in DATASETS.items() if source_key.startswith(prefix)), None)


def same_alliance(session: Session, alliance: Alliance) -> list[Row]:
    """The other sources' codings of the alliance: through its treaty, the names table (an
    ATOP and a COW id of one name) or ATOP's own link to COW (its cow4id)."""
    through: dict[int, list[str]] = {}
    if alliance.treaty is not None:
        for other in session.scalars(
            select(Alliance.id).where(Alliance.treaty_id == alliance.treaty_id)
        ):
            through.setdefault(other, []).append(f"treaty {alliance.treaty.key}")
    dataset = _dataset(alliance.source.key)
    external = alliance.external_id or ""
    number = int(external) if external.isdigit() else None
    if dataset is not None and number is not None:
        for name in alliance_names():
            ids = name.ids()
            if ids.get(dataset) != number:
                continue
            for other_set, other_number in ids.items():
                if other_set == dataset or other_number is None:
                    continue
                for other in session.scalars(
                    select(Alliance.id)
                    .join(Source, Source.id == Alliance.source_id)
                    .where(
                        Source.key.startswith(DATASETS[other_set]),
                        Alliance.external_id == str(other_number),
                    )
                ):
                    through.setdefault(other, []).append(f"the name {name.key}")
        _cow4id_links(session, alliance, dataset, number, through)
    through.pop(alliance.id, None)
    others = session.scalars(
        select(Alliance)
        .options(selectinload(Alliance.source))
        .where(Alliance.id.in_(through))
        .order_by(Alliance.start_day, Alliance.key)
    )
    return [
        {
            "key": other.key,
            "source": other.source.key,
            "title": other.title,
            "start": other.start,
            "end": other.end,
            "through": sorted(set(through[other.id])),
        }
        for other in others
    ]


_COW4ID = re.compile(re.escape(COW4ID_NOTE.strip()).replace(re.escape("{cow4id}"), r"(\d+)"))


def _cow4id_links(
    session: Session, alliance: Alliance, dataset: str, number: int, through: dict[int, list[str]]
) -> None:
    """ATOP's own link to COW (its cow4id), which the ATOP import keeps in the notes."""
    if dataset == "atop":
        linked = _COW4ID.findall(alliance.notes or "")
        where = [Source.key.startswith(DATASETS["cow"]), Alliance.external_id.in_(linked)]
    elif dataset == "cow":
        mention = COW4ID_NOTE.strip().format(cow4id=number)
        where = [Source.key.startswith(DATASETS["atop"]), Alliance.notes.contains(mention)]
    else:
        return
    query = select(Alliance.id).join(Source, Source.id == Alliance.source_id).where(*where)
    for other in session.scalars(query):
        through.setdefault(other, []).append("ATOP's cow4id")


def show(session: Session, key: str, period: Period | None = None) -> Row:
    """The alliance KEY whole; with a period, only the memberships in it."""
    alliance = session.scalars(
        select(Alliance)
        .options(selectinload(Alliance.source), selectinload(Alliance.treaty))
        .where(Alliance.key == key)
    ).one_or_none()
    if alliance is None:
        raise _not_found(session, key)
    directory = StateDirectory(session, preload=False)
    members = list(_members(session, directory, alliance.id, period))
    phases: dict[int, list[Row]] = {}
    for member in members:
        phases.setdefault(member["phase"], []).append(member)
    treaty = alliance.treaty
    source = alliance.source
    return {
        "key": alliance.key,
        "title": alliance.title,
        "source": source.key,
        "source_title": source.title,
        "external_id": alliance.external_id,
        "formal": alliance.formal,
        "start": alliance.start,
        "end": alliance.end,
        "notes": alliance.notes,
        "treaty": None
        if treaty is None
        else {
            "key": treaty.key,
            "title": treaty.title,
            "signed": treaty.signed,
            "in_force": treaty.in_force,
            "ended": treaty.ended,
        },
        "phases": [
            {
                "phase": phase,
                "start": min(rows, key=lambda r: r["start_day"])["start"],
                "end": None
                if any(r["end"] is None for r in rows)
                else max(rows, key=lambda r: r["end_day"])["end"],
                "members": len({r["ccode"] for r in rows}),
            }
            for phase, rows in sorted(phases.items())
        ],
        "members": [{k: v for k, v in m.items() if not k.endswith("_day")} for m in members],
        "same_alliance": same_alliance(session, alliance),
        "citation": source.citation,
    }


def _members(
    session: Session, directory: StateDirectory, alliance_id: int, period: Period | None
) -> Iterator[Row]:
    query = select(Membership).where(Membership.alliance_id == alliance_id)
    if period is not None:
        query = query.where(period.sql_overlaps(Membership))
    rows = list(session.scalars(query))
    directory.preload(m.state_id for m in rows)
    rows.sort(key=lambda m: (m.phase, m.start_day, directory.by_id[m.state_id].ccode))
    for m in rows:
        info = directory.by_id[m.state_id]
        yield {
            "ccode": info.ccode,
            "stateabb": info.stateabb,
            "name": directory.name_on(m.state_id, m.start_day),
            "phase": m.phase,
            "start": m.start,
            "end": m.end,
            "start_day": m.start_day,
            "end_day": m.end_day,
            **{o: getattr(m, o) for o in OBLIGATIONS},
        }
