"""The alliance pipeline: a parsed file compared with what its source holds, then the source's
alliances and memberships replaced in bulk, inside the caller's transaction.

The same file again changes nothing; otherwise the source's rows are deleted and written anew
with the driver's bulk insert (bulk.py: COPY or executemany), and the import is logged in
`changes`: one entry for the source, one per alliance it removes or changes (edits.py, which
also refuses to undo analysts' edits unless told to). An alliance left with fewer than two
states is left out whole, and said so.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from alliancekb.alliance_names import titles
from alliancekb.database.models import OBLIGATIONS, Alliance, Membership, State, Treaty
from alliancekb.database.states import system_imported
from alliancekb.errors import InvalidInput
from alliancekb.importers import edits
from alliancekb.importers.bulk import ALLIANCE_COLUMNS, MEMBERSHIP_COLUMNS, BulkWriter
from alliancekb.importers.csvfile import Progress
from alliancekb.importers.rows import (
    ALLIANCE,
    CCODE,
    CODES,
    END,
    END_DAY,
    PHASE,
    START,
    START_DAY,
    AllianceRow,
    MemberRow,
)
from alliancekb.importers.sources import (
    ImportSummary,
    SourceInfo,
    log_import,
    put_source,
    source_exists,
)
from alliancekb.records.writer import WriteContext


def state_ids(
    session: Session, parsed: Parsed, summary: ImportSummary
) -> tuple[dict[int, int], list[MemberRow]]:
    """Map ccodes to state ids; codes that are not COW states are skipped (and reported)."""
    ids = {c: i for c, i in session.execute(select(State.ccode, State.id))}
    members, lines = parsed.members, parsed.member_lines
    unknown = sorted({m[CCODE] for m in members} - ids.keys())
    if unknown and not system_imported(session):
        code = unknown[0]
        line = next(line for m, line in zip(members, lines, strict=True) if m[CCODE] == code)
        raise InvalidInput(
            f"{parsed.path} line {line}: member {code} is not a state in this database "
            f"({len(unknown)} codes missing): import the COW state system first with "
            "`alliancekb import cow-states PATH/states2016.csv`"
        )
    if not unknown:
        return ids, members
    kept = []
    first_line: dict[tuple[int, int], int] = {}
    for member, line in zip(members, lines, strict=True):
        if member[CCODE] in ids:
            kept.append(member)
            continue
        number, ccode = member[ALLIANCE], member[CCODE]
        first = first_line.setdefault((number, ccode), line)
        where = f"{parsed.what} {number}, line {first}"
        summary.skip(f"member {ccode} is not a COW state code", where)
    return ids, kept


def member_tuple(m: MemberRow, keys: dict[int, str]) -> tuple[Any, ...]:
    """What existing_alliances reads back for a membership."""
    return (keys[m[ALLIANCE]], m[CCODE], m[PHASE], m[START], m[END], *m[CODES:])


def alliance_tuple(a: AllianceRow, treaty_id: int | None) -> tuple[Any, ...]:
    return (a.key, a.external_id, a.start, a.end, a.title, a.notes, True, treaty_id)


def treaty_links(session: Session, alliances: Sequence[AllianceRow]) -> dict[str, tuple[int, str]]:
    """Each alliance's treaty, found through the treaty's atopid or cow4id."""
    by: dict[str, dict[int, tuple[int, str]]] = {"atopid": {}, "cow4id": {}}
    for tid, key, atopid, cow4id in session.execute(
        select(Treaty.id, Treaty.key, Treaty.atopid, Treaty.cow4id).where(
            (Treaty.atopid.is_not(None)) | (Treaty.cow4id.is_not(None))
        )
    ):
        if atopid is not None:
            by["atopid"].setdefault(atopid, (tid, key))
        if cow4id is not None:
            by["cow4id"].setdefault(cow4id, (tid, key))
    links = {}
    for a in alliances:
        for ref in (a.treaty_key, a.fallback_treaty):
            if ref is not None and ref[1] in by[ref[0]]:
                links[a.key] = by[ref[0]][ref[1]]
                break
    return links


def existing_alliances(
    session: Session, source_id: int
) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    alliances = set(
        map(
            tuple,
            session.execute(
                select(
                    Alliance.key,
                    Alliance.external_id,
                    Alliance.start,
                    Alliance.end,
                    Alliance.title,
                    Alliance.notes,
                    Alliance.formal,
                    Alliance.treaty_id,
                ).where(Alliance.source_id == source_id)
            ),
        )
    )
    members = set(
        map(
            tuple,
            session.execute(
                select(
                    Alliance.key,
                    State.ccode,
                    Membership.phase,
                    Membership.start,
                    Membership.end,
                    *(getattr(Membership, o) for o in OBLIGATIONS),
                )
                .join(Alliance, Alliance.id == Membership.alliance_id)
                .join(State, State.id == Membership.state_id)
                .where(Alliance.source_id == source_id)
            ),
        )
    )
    return alliances, members


def delete_alliances(session: Session, source_id: int) -> None:
    """Delete the source's alliances and memberships."""
    ids_of_source = select(Alliance.id).where(Alliance.source_id == source_id)
    session.execute(delete(Membership).where(Membership.alliance_id.in_(ids_of_source)))
    session.execute(delete(Alliance).where(Alliance.source_id == source_id))


def write_alliances(
    session: Session,
    source_id: int,
    alliances: Sequence[AllianceRow],
    members: Sequence[MemberRow],
    state_of: dict[int, int],
    links: dict[str, tuple[int, str]],
    progress: Progress,
) -> None:
    """Write the source's alliances and memberships with the driver's bulk insert."""
    total = len(alliances) + len(members)
    writer = BulkWriter(session)
    with writer.roomy_cache():
        rows = alliance_rows(source_id, alliances, links)
        writer.insert("alliances", ALLIANCE_COLUMNS, rows, lambda n: progress("writing", n, total))
        id_of_key = writer.ids("alliances", source_id)
        alliance_id = {a.number: id_of_key[a.key] for a in alliances}
        writer.insert(
            "memberships",
            MEMBERSHIP_COLUMNS,
            member_rows(members, alliance_id, state_of),
            lambda n: progress("writing", len(alliances) + n, total),
        )


def alliance_rows(
    source_id: int, alliances: Sequence[AllianceRow], links: dict[str, tuple[int, str]]
) -> Iterator[tuple[Any, ...]]:
    """The alliances in ALLIANCE_COLUMNS."""
    for a in alliances:
        treaty_id = links[a.key][0] if a.key in links else None
        yield (
            a.key,
            a.title,
            source_id,
            a.external_id,
            treaty_id,
            1,  # formal: true, as a Flag
            a.notes,
            a.start,
            a.end,
            a.start_day,
            a.end_day,
        )


def member_rows(
    members: Sequence[MemberRow], alliance_id: dict[int, int], state_of: dict[int, int]
) -> Iterator[tuple[Any, ...]]:
    """The memberships in MEMBERSHIP_COLUMNS, made as the driver takes them, a batch at a time:
    they never all exist at once."""
    return (
        (alliance_id[number], state_of[ccode], phase, start, end, first, last, d, o, n, na, c)
        for number, ccode, phase, start, end, first, last, d, o, n, na, c in members
    )


# --- the whole import of an alliance source --------------------------------------------------


@dataclass
class Parsed:
    """An alliance file read whole: its source, alliances and memberships."""

    source: SourceInfo
    alliances: list[AllianceRow]
    members: list[MemberRow]
    what: str
    """How the summary names an alliance of this source ('atopid', 'version4id')."""
    member_lines: list[int]
    """The line of each membership (same order as `members`), for messages."""
    path: Path
    redated: list[str] = field(default_factory=list)
    """The keys of alliances dated from their members (the file's dates do not hold them)."""

    def __post_init__(self) -> None:
        check_overlaps(self)


def check_overlaps(parsed: Parsed) -> None:
    """No two memberships of a state in one alliance and phase share a day (PostgreSQL's
    EXCLUDE constraint refuses them; on SQLite this check is the guard). A state mostly has one
    membership per alliance and phase: only those it has more than once are compared, group by
    group in the order the file first gives them, each sorted by its first day."""
    members = parsed.members
    first: dict[tuple[int, ...], int] = {}
    repeated: dict[tuple[int, ...], list[int]] = {}
    group_of = itemgetter(ALLIANCE, CCODE, PHASE)
    for index, member in enumerate(members):
        group = group_of(member)
        earlier = first.setdefault(group, index)
        if earlier != index:
            repeated.setdefault(group, [earlier]).append(index)
    for indexes in sorted(repeated.values(), key=itemgetter(0)):
        indexes.sort(key=lambda i: members[i][START_DAY])  # stable: a tie keeps the file's order
        for one, other in pairwise(indexes):
            last, first_day = members[one][END_DAY], members[other][START_DAY]
            if last is None or last >= first_day:
                later = members[other]
                number, ccode, phase = later[ALLIANCE], later[CCODE], later[PHASE]
                key = next(a.key for a in parsed.alliances if a.number == number)
                raise InvalidInput(
                    f"{parsed.path} line {parsed.member_lines[other]}: member {ccode} of {key} "
                    f"(phase {phase}) overlaps its membership on line "
                    f"{parsed.member_lines[one]}: fix the dates or remove one row"
                )


def import_alliances(
    session: Session,
    path: Path,
    parsed: Parsed,
    importer: str,
    context: WriteContext,
    progress: Progress,
    replace_edits: bool = False,
) -> ImportSummary:
    """Create or replace an alliance source from a parsed file, inside the caller's transaction."""
    summary = ImportSummary(parsed.source.key, path)
    known = titles(importer)  # the common names (NATO, the Warsaw Pact), by the file's own id
    for alliance in parsed.alliances:
        alliance.title = known.get(alliance.number)
    state_of, kept = state_ids(session, parsed, summary)
    if len(kept) < len(parsed.members):
        left_out = {(m[ALLIANCE], m[CCODE]) for m in parsed.members if m[CCODE] not in state_of}
        for alliance in parsed.alliances:
            for code in sorted(c for n, c in left_out if n == alliance.number):
                alliance.notes = (
                    f"{alliance.notes or ''} Member {code} is not a COW state code: left out."
                ).strip()
    kept = leave_out_lone_members(parsed, kept, summary)
    summary.redated = list(parsed.redated)
    links = treaty_links(session, parsed.alliances)
    existed = source_exists(session, parsed.source.key)
    source_id, source_changed = put_source(session, source_notes(parsed.source, summary))
    summary.alliances = len(parsed.alliances)
    summary.memberships = len(kept)
    summary.states = len({m[CCODE] for m in kept})
    summary.linked = sorted((key, treaty) for key, (_, treaty) in links.items())
    # A source created just now has no rows to compare or delete.
    old_alliances, old_members = (
        existing_alliances(session, source_id) if existed else (set(), set())
    )
    if old_alliances:
        new_alliances = {
            alliance_tuple(a, links.get(a.key, (None, ""))[0]) for a in parsed.alliances
        }
        keys = {a.number: a.key for a in parsed.alliances}
        new_members = {member_tuple(m, keys) for m in kept}
        if not source_changed and old_alliances == new_alliances and old_members == new_members:
            summary.action = "unchanged"
            return summary
        summary.action = "replaced"
        old = edits.by_key(old_alliances, old_members)
        replaced = edits.differing(old, edits.by_key(new_alliances, new_members))
        before = edits.undo_check(
            session, path, parsed.source.key, source_id, replaced, replace_edits
        )
        summary.removed, summary.reverted = (
            replaced[0],
            sorted(k for k in replaced[1] if k in before.edited),
        )
    edits.check_keys_free(session, path, source_id, (a.key for a in parsed.alliances))
    if existed:
        delete_alliances(session, source_id)
    write_alliances(session, source_id, parsed.alliances, kept, state_of, links, progress)
    if old_alliances:
        session.expunge_all()  # the rows read before are gone; new ones may reuse their ids
        after = edits.records(session, replaced[1])
        edits.log_replaced(session, context, before.records, after)
    log_import(session, context, importer, summary, existed)
    return summary


def leave_out_lone_members(
    parsed: Parsed, kept: list[MemberRow], summary: ImportSummary
) -> list[MemberRow]:
    """Leave out the alliances that keep fewer than two states once the codes that are not
    states are skipped (ATOP 1320: France and Annam, 8152), with their memberships: an
    alliance of one state makes no dyad, and no alliance record may have fewer than two."""
    numbers, ccodes = list(map(itemgetter(ALLIANCE), kept)), list(map(itemgetter(CCODE), kept))
    one_of = dict(zip(numbers, ccodes, strict=True))  # a state of each alliance (its last)
    several = {n for n, c in zip(numbers, ccodes, strict=True) if one_of[n] != c}
    lone = {a.number for a in parsed.alliances} - several
    if not lone:
        return kept
    first_line: dict[int, int] = {}
    for m, line in zip(parsed.members, parsed.member_lines, strict=True):
        first_line.setdefault(m[ALLIANCE], line)
    for a in parsed.alliances:
        if a.number in lone:
            summary.left_out.append(f"{parsed.what} {a.number}, line {first_line[a.number]}")
    parsed.alliances = [a for a in parsed.alliances if a.number not in lone]
    return [m for m in kept if m[ALLIANCE] not in lone]


def source_notes(info: SourceInfo, summary: ImportSummary) -> SourceInfo:
    """The source's notes, with the alliances left out named."""
    if not summary.left_out:
        return info
    names = ", ".join(item.split(",")[0] for item in summary.left_out)
    left = f"Left out for fewer than two member states: {names}."
    return replace(info, notes=f"{info.notes} {left}" if info.notes else left)
