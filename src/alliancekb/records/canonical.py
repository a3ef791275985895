"""The canonical record of each row: what `export --format json`, `dump` and the change log show.

A record is exactly what an input record says (the seed format), with states as ccodes, so
that export, edit and add back works.
"""

from __future__ import annotations

from typing import Any

from alliancekb.database.models import (
    OBLIGATIONS,
    Alignment,
    Alliance,
    Event,
    Membership,
    Source,
    State,
    Treaty,
)

Row = dict[str, Any]


def source_record(row: Source) -> Row:
    return {
        "key": row.key,
        "title": row.title,
        "citation": row.citation,
        "url": row.url,
        "version": row.version,
        "licence": row.licence,
        "coverage_start": row.coverage_start,
        "coverage_end": row.coverage_end,
        "coverage_states": sorted(row.coverage_states) or None,
        "notes": row.notes,
    }


def state_record(row: State) -> Row:
    return {
        "ccode": row.ccode,
        "stateabb": row.stateabb,
        "name": row.name,
        "iso3": row.iso3,
        "gwcode": row.gwcode,
        "source": row.source.key,
        "names": [
            {"name": n.name, "start": n.start, "end": n.end}
            for n in sorted(row.names, key=lambda n: (n.start_day, n.name))
        ],
        "spells": [
            {"start": s.start, "end": s.end, "source": s.source.key}
            for s in sorted(row.spells, key=lambda s: (s.start_day, s.source.key))
        ],
    }


def treaty_record(row: Treaty) -> Row:
    return {
        "key": row.key,
        "title": row.title,
        "signed": row.signed,
        "in_force": row.in_force,
        "ended": row.ended,
        "parties": sorted(p.state.ccode for p in row.parties),
        "supersedes": row.supersedes.key if row.supersedes else None,
        "source": row.source.key,
        "atopid": row.atopid,
        "cow4id": row.cow4id,
        "duration_months": row.duration_months,
        "renewal_months": row.renewal_months,
        "notes": row.notes,
    }


def member_record(row: Membership) -> Row:
    record: Row = {"state": row.state.ccode, "phase": row.phase, "start": row.start, "end": row.end}
    record.update({name: getattr(row, name) for name in OBLIGATIONS})
    return record


def alliance_record(row: Alliance) -> Row:
    return {
        "key": row.key,
        "source": row.source.key,
        "external_id": row.external_id,
        "treaty": row.treaty.key if row.treaty else None,
        "title": row.title,
        "formal": row.formal,
        "start": row.start,
        "end": row.end,
        "notes": row.notes,
        "members": [member_record(m) for m in _sorted_members(row.memberships)],
    }


def _sorted_members(members: list[Membership]) -> list[Membership]:
    return sorted(members, key=lambda m: (m.phase, m.start_day, m.state.ccode))


def alignment_record(row: Alignment) -> Row:
    return {
        "key": row.key,
        "states": [row.state_a.ccode, row.state_b.ccode],
        "start": row.start,
        "end": row.end,
        "shared_ideology": row.shared_ideology,
        "shared_security": row.shared_security,
        "source": row.source.key,
        "rationale": row.rationale,
    }


def event_record(row: Event) -> Row:
    return {
        "key": row.key,
        "title": row.title,
        "kind": row.kind,
        "start": row.start,
        "end": row.end,
        "participants": sorted(p.state.ccode for p in row.participants),
        "source": row.source.key,
        "notes": row.notes,
    }
