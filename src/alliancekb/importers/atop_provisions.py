"""ATOP's `asymm` and `obvary`, per member row, read beside the memberships.

Both are optional columns of the member-level file (atop5_1m.csv has them): `asymm` = 1 when
the alliance phase's obligations are not the same for every member, `obvary` = 1 when this
member's obligations vary by partner. They are kept as the file gives them, replaced whole
with each import of the source, and read by the dyad-year panels (`asymmetric`).
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from alliancekb.analysis.rules import merge
from alliancekb.database.models import AtopProvision, Source
from alliancekb.errors import InvalidInput
from alliancekb.importers.sources import table

Row = tuple[int, int, int, bool | None, bool | None]
"""atopid, phase, member, asymm, obvary."""
_FLAG = {"0": False, "1": True, "": None}


def read(path: Path) -> list[Row] | None:
    """The provisions of each member row; None when the file has no asymm column."""
    found: list[Row] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        names = [n.strip().lower() for n in reader.fieldnames or []]
        if "asymm" not in names:
            return None
        reader.fieldnames = names
        for row in reader:
            cells = []
            for column in ("asymm", "obvary"):
                text = (row.get(column) or "").strip()
                if text not in _FLAG:
                    raise InvalidInput(
                        f"{path} line {reader.line_num}, column {column}: '{text}' is not 0 or 1 "
                        "(or blank for unknown)"
                    )
                cells.append(_FLAG[text])
            ids = (row["atopid"].strip(), row["phase"].strip(), row["member"].strip())
            found.append((int(ids[0]), int(ids[1]), int(ids[2]), cells[0], cells[1]))
    return found


def store(session: Session, source: str, rows: list[Row] | None) -> None:
    """Replace the source's provisions (alliance keys `SOURCE-ATOPID`) with ROWS."""
    source_id = session.scalar(select(Source.id).where(Source.key == source))
    if source_id is None or rows is None:
        return
    merged: dict[tuple[str, int, int], tuple[bool | None, bool | None]] = {}
    for a, p, c, s, o in rows:  # a member with two spells in one phase: either row says yes
        before = merged.get((f"{source}-{a}", p, c), (s, o))
        merged[(f"{source}-{a}", p, c)] = (merge(before[0], s), merge(before[1], o))
    wanted = {(*k, s, o) for k, (s, o) in merged.items()}
    stored = {
        tuple(r)
        for r in session.execute(
            select(
                AtopProvision.alliance_key,
                AtopProvision.phase,
                AtopProvision.ccode,
                AtopProvision.asymm,
                AtopProvision.obvary,
            ).where(AtopProvision.source_id == source_id)
        )
    }
    if stored == wanted:
        return
    session.execute(delete(AtopProvision).where(AtopProvision.source_id == source_id))
    session.execute(
        insert(table(AtopProvision)),
        [
            {"source_id": source_id, "alliance_key": k, "phase": p, "ccode": c, "asymm": s,
             "obvary": o}
            for k, p, c, s, o in sorted(wanted, key=lambda w: w[:3])
        ],
    )  # fmt: skip
