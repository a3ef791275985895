"""The one registry of record kinds: seed sections, `dump`, `export` tables, `KIND add|amend`.

Adding a kind of record is one entry here (and its model, schema and canonical record). The
registry is plain data, cheap to import: the CLI builds its sub-commands and choices from it
before SQLAlchemy or Pydantic are loaded; the classes are looked up when first used.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from alliancekb.schemas import Record

Row = dict[str, Any]


class Kind(NamedTuple):
    """One kind of record, named as the commands name it (`treaty`) and as a section
    (`treaties`: its seed and dump section and its `export` table)."""

    name: str
    section: str
    key_field: str
    example: str
    """The file the `KIND add|amend` help shows in its example."""
    model_name: str
    """Its table, in alliancekb.database.models."""
    schema_name: str
    """Its input record, in alliancekb.schemas."""
    more_tables: tuple[str, ...] = ()
    """Tables `export` writes besides the section (an alliance's memberships)."""

    @property
    def tables(self) -> tuple[str, ...]:
        """The `export` tables of this kind (records/tables.py: a function each)."""
        return (self.section, *self.more_tables)

    @property
    def article(self) -> str:
        return "an" if self.name[0] in "aeiou" else "a"

    @property
    def model(self) -> Any:
        return getattr(import_module("alliancekb.database.models"), self.model_name)

    @property
    def schema(self) -> type[Record]:
        schema: type[Record] = getattr(import_module("alliancekb.schemas"), self.schema_name)
        return schema

    @property
    def record(self) -> Callable[[Any], Row]:
        """The canonical record of a stored row (records/canonical.py: `<name>_record`)."""
        record: Callable[[Any], Row] = getattr(
            import_module("alliancekb.records.canonical"), f"{self.name}_record"
        )
        return record


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        # In dependency order: seeding, dumping and dropping go this way.
        Kind("source", "sources", "key", "my-source.yaml", "Source", "SourceIn"),
        Kind("state", "states", "ccode", "states.yaml", "State", "StateIn"),
        Kind("treaty", "treaties", "key", "treaty.yaml", "Treaty", "TreatyIn"),
        Kind(
            "alliance",
            "alliances",
            "key",
            "alliance.json",
            "Alliance",
            "AllianceIn",
            more_tables=("memberships",),
        ),
        Kind("alignment", "alignments", "key", "alignments.yaml", "Alignment", "AlignmentIn"),
        Kind("event", "events", "key", "events.yaml", "Event", "EventIn"),
    )
}

SECTIONS = tuple(kind.section for kind in KINDS.values())
"""The sections of a seed file and of a dump, in the order they are written."""

TABLES = tuple(table for kind in KINDS.values() for table in kind.tables)
"""The tables `export` writes, each row a stored record."""

PANELS = ("dyad-years", "state-years")
UNIVERSES = ("cow", "gw")
"""The state systems a panel can span (`--universe`): every dyad and state of the system."""
"""The panels `export` builds (not stored tables)."""
