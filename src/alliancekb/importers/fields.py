"""Typed reading of one row's cells; every bad value raises naming file, line, column, value."""

from __future__ import annotations

import calendar
import re
from pathlib import Path
from typing import Any

from alliancekb.dates import PartialDate
from alliancekb.errors import InvalidInput
from alliancekb.importers.csvfile import Layout

VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,15}")
"""A dataset version as files give it; it names the source (`atop-5.1`), so it has a bound."""


class Fields:
    """Typed access to one row's cells; a bad value raises naming file, line, column, value."""

    def __init__(self, path: Path, line: int, row: dict[str, str]) -> None:
        self.path, self.line, self.row = path, line, row

    def bad(self, column: str, problem: str) -> InvalidInput:
        return InvalidInput(
            f"{self.path} line {self.line}, column {column}: '{self.row.get(column, '')}' {problem}"
        )

    def integer(self, column: str, low: int = 0, high: int = 99999) -> int:
        text = self.row[column]
        try:
            value = int(float(text)) if text.endswith(".0") else int(text)
        except ValueError:
            raise self.bad(column, "is not a whole number") from None
        if not low <= value <= high:
            raise self.bad(column, f"is out of range ({low}-{high})")
        return value

    def optional_int(
        self, column: str, low: int, high: int, missing: tuple[str, ...]
    ) -> int | None:
        return None if self.row[column] in missing else self.integer(column, low, high)

    def flag(self, column: str) -> bool | None:
        """0/1 as False/True; blank (or COW's -9) is unknown."""
        text = self.row[column]
        if text in ("", "-9", "."):
            return None
        if text in ("0", "1"):
            return text == "1"
        raise self.bad(column, "is not 0 or 1 (or blank for unknown)")

    def date(
        self, year: str, month: str, day: str, missing: tuple[str, ...] = ("",)
    ) -> PartialDate:
        """A partial date from split fields; a missing month or day keeps the year's precision."""
        y = self.integer(year, 1000, 9999)
        m = self.optional_int(month, 1, 12, missing)
        d = None if m is None else self.optional_int(day, 1, 31, missing)
        if d is not None and m is not None and d > calendar.monthrange(y, m)[1]:
            raise self.bad(day, f"is not a day of {y}-{m:02d}")
        return PartialDate(y, m, d)


def end_after_start(fields: Fields, column: str, start: PartialDate, end: PartialDate) -> None:
    if end.last_day < start.first_day:
        raise fields.bad(column, f"gives an end ({end}) before the start ({start})")


def one_version(path: Path, versions: set[str], layout: Layout) -> str:
    if not versions:
        raise InvalidInput(f"{path} has no data rows: give the {layout.name} CSV file")
    if len(versions) > 1:
        raise InvalidInput(
            f"{path} mixes versions {', '.join(sorted(versions))}: import one version per file"
        )
    version = next(iter(versions))
    if not VERSION.fullmatch(version):
        raise InvalidInput(
            f"{path}: version '{version}' is not a dataset version (up to 16 letters, digits, "
            "dots or dashes, such as 5.1 or 2016): fix the file's version column"
        )
    return version[:-2] if version.endswith(".0") else version


def check_unique(fields: Fields, seen: dict[tuple[Any, ...], int], key: tuple[Any, ...]) -> None:
    """One membership per alliance, state, phase and start (the table's natural key)."""
    if key in seen:
        raise InvalidInput(
            f"{fields.path} line {fields.line}: the same member, phase and start as line "
            f"{seen[key]}: remove the duplicate row"
        )
    seen[key] = fields.line
