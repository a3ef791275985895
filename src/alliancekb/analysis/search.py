"""Full-text search over alliances and treaties, in the database's own index (revision 0007).

SQLite matches in its FTS5 tables (`search_alliances`, `search_treaties`) and ranks by bm25;
PostgreSQL matches the weighted tsvector its GIN index holds and ranks by ts_rank. Titles weigh
most, then keys, then notes; of two records that match alike, the shorter comes first on both
(bm25 weighs by length; ts_rank is told to, normalisation 1). Every word asked must be in a
record (the last may be the start of a word: `North Atl`). An alliance resting on a treaty
that matches is found with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from alliancekb.analysis.rules import source_id
from alliancekb.database.models import Alliance, Source, Treaty
from alliancekb.errors import InvalidInput

Row = dict[str, Any]
_WORD = re.compile(r"\w+")
# Revision 0007's indexed expression on PostgreSQL, word for word, so its GIN index serves.
_PG_VECTOR = " || ".join(
    f"setweight(to_tsvector('simple'::regconfig, translate({column}, '-.', '  ')), '{weight}')"
    for column, weight in (("key", "B"), ("coalesce(title, '')", "A"), ("coalesce(notes, '')", "D"))
)
# bm25's weights of SQLite's columns (key, title, notes), in the order PostgreSQL weighs them.
_SQLITE_WEIGHTS = "2.0, 10.0, 1.0"


def words(asked: str) -> list[str]:
    """The words of a search, split as both indexes split text (at spaces, `-`, `.`, ...)."""
    found = [w.casefold() for w in _WORD.findall(asked)]
    if not found:
        raise InvalidInput(
            f"search '{asked}' has no word to look for: give a name, key or word (NATO, 3180)"
        )
    return found


def matches(session: Session, table: str, asked: str) -> dict[int, float]:
    """The ids of TABLE's rows (`alliances`, `treaties`) that hold every word, with their score
    (higher is better)."""
    found = words(asked)
    if session.get_bind().dialect.name == "postgresql":
        query = " & ".join([*found[:-1], f"{found[-1]}:*"])
        sql = (
            f"SELECT id, ts_rank({_PG_VECTOR}, q, 1) FROM {table}, "
            f"to_tsquery('simple'::regconfig, :q) AS q WHERE {_PG_VECTOR} @@ q"
        )
    else:
        query = " ".join([*(f'"{w}"' for w in found[:-1]), f'"{found[-1]}"*'])
        index = f"search_{table}"
        sql = f"SELECT rowid, -bm25({index}, {_SQLITE_WEIGHTS}) FROM {index} WHERE {index} MATCH :q"
    found_rows = session.execute(text(sql), {"q": query})
    return {row_id: round(float(score), 9) for row_id, score in found_rows}


def alliance_scores(
    session: Session, asked: str, treaties: dict[int, float] | None = None
) -> dict[int, float]:
    """The alliances that match, or whose treaty matches (with the treaty's score)."""
    treaties = matches(session, "treaties", asked) if treaties is None else treaties
    alliances = matches(session, "alliances", asked)
    if treaties:
        resting = select(Alliance.id, Alliance.treaty_id).where(Alliance.treaty_id.in_(treaties))
        for alliance_id, treaty_id in session.execute(resting):
            score = treaties[treaty_id] if treaty_id is not None else 0.0
            alliances[alliance_id] = max(alliances.get(alliance_id, 0.0), score)
    return alliances


def search(session: Session, asked: str, source: str | None = None) -> Iterator[Row]:
    """Alliances and treaties whose key, title or notes hold the words asked, best first (then
    alliances before treaties, then by key); `rank` numbers them from 1."""
    wanted = source_id(session, source)
    treaties = matches(session, "treaties", asked)
    alliances = alliance_scores(session, asked, treaties)
    found: list[tuple[float, int, str, Row]] = []
    query = (
        select(Alliance, Source.key, Treaty.key)
        .join(Source, Source.id == Alliance.source_id)
        .outerjoin(Treaty, Treaty.id == Alliance.treaty_id)
        .where(Alliance.id.in_(alliances))
    )
    if wanted is not None:
        query = query.where(Alliance.source_id == wanted)
    for alliance, src, treaty_key in session.execute(query):
        row = {
            "kind": "alliance",
            "key": alliance.key,
            "source": src,
            "title": alliance.title,
            "start": alliance.start,
            "end": alliance.end,
            "external_id": alliance.external_id,
            "treaty": treaty_key,
        }
        found.append((-alliances[alliance.id], 0, alliance.key, row))
    treaty_query = (
        select(Treaty, Source.key)
        .join(Source, Source.id == Treaty.source_id)
        .where(Treaty.id.in_(treaties))
    )
    if wanted is not None:
        treaty_query = treaty_query.where(Treaty.source_id == wanted)
    for treaty, src in session.execute(treaty_query):
        row = {
            "kind": "treaty",
            "key": treaty.key,
            "source": src,
            "title": treaty.title,
            "start": treaty.signed,
            "end": treaty.ended,
            "external_id": None,
            "treaty": treaty.key,
        }
        found.append((-treaties[treaty.id], 1, treaty.key, row))
    found.sort(key=lambda item: item[:3])
    for rank, (*_, row) in enumerate(found, start=1):
        yield {"rank": rank, **row}
