"""Seeding: validate a whole seed file first, then upsert it by natural key in one transaction."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine

from alliancekb.database.engine import write_session
from alliancekb.errors import InvalidInput
from alliancekb.records.files import load_document
from alliancekb.records.kinds import KINDS, SECTIONS
from alliancekb.records.writer import WriteContext, Writer
from alliancekb.schemas import SeedFile, error_lines


@dataclass(frozen=True)
class WriteSummary:
    added: int
    changed: int
    unchanged: int

    @property
    def nothing_changed(self) -> bool:
        return self.added == 0 and self.changed == 0


def parse_seed(path: Path) -> SeedFile:
    """Validate a seed file as a whole; InvalidInput lists each problem with its path."""
    data: Any = load_document(path)
    if not isinstance(data, dict):
        raise InvalidInput(
            f"{path}: expected a mapping with sections {', '.join(SECTIONS)}, "
            f"got {type(data).__name__}"
        )
    try:
        seed = SeedFile.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput.of(error_lines(exc, f"{path}: ")) from None
    _check_unique_keys(path, seed)
    return seed


def _check_unique_keys(path: Path, seed: SeedFile) -> None:
    for kind in KINDS.values():
        section, field = kind.section, kind.key_field
        seen: dict[str, int] = {}
        for index, record in enumerate(getattr(seed, section)):
            key = str(getattr(record, field))
            if key in seen:
                raise InvalidInput(
                    f"{path}: {section}[{index}].{field}: duplicate {field} '{key}' "
                    f"(also at {section}[{seen[key]}]): give each record its own"
                )
            seen[key] = index


def seed(engine: Engine, path: Path, context: WriteContext) -> WriteSummary:
    """Upsert every record of a seed file in one transaction; nothing is written on error."""
    parsed = parse_seed(path)
    with write_session(engine) as session:
        writer = Writer(session, context)
        for section in SECTIONS:
            for index, record in enumerate(getattr(parsed, section)):
                try:
                    writer.upsert(record)
                except InvalidInput as exc:
                    raise InvalidInput(f"{path}: {section}[{index}]: {exc}") from None
        counts: Counter[str] = writer.counts
    return WriteSummary(counts["added"], counts["changed"], counts["unchanged"])
