"""The library's exceptions. The CLI turns each into one line on stderr and exit code 1."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Self


class AllianceKBError(Exception):
    """Base of every error a user can fix; its message names the value and the fix.

    `problems` are the message's lines: several for a file with several invalid fields, else
    one. A line break inside a problem belongs to a quoted value, never starts another one.
    """

    def __init__(self, message: str = "", *, problems: Iterable[str] | None = None) -> None:
        lines = tuple(problems) if problems is not None else (message,)
        super().__init__(message if problems is None else "\n".join(lines))
        self.problems = lines

    @classmethod
    def of(cls, problems: Iterable[str]) -> Self:
        """One error listing several problems, one per line."""
        return cls(problems=problems)


class SchemaOutOfDate(AllianceKBError):
    """The database schema is not at the revision this version of alliancekb expects."""


class DatabaseUnavailable(AllianceKBError):
    """The database cannot be reached or opened."""


class DatabaseBusy(DatabaseUnavailable):
    """Another process held the write lock for longer than the lock timeout."""


class WriteRefused(AllianceKBError):
    """The database refused a statement (a constraint, a type, a lock)."""


class NotFound(AllianceKBError):
    """A state, source, table, dataset or record named by the user does not exist."""


class Ambiguous(AllianceKBError):
    """A reference matches more than one record."""


class InvalidInput(AllianceKBError):
    """An input file or value is invalid; the message names the file, the path and the problem."""


class BadDestination(AllianceKBError):
    """An output file cannot be written: not a regular file, the database itself, no folder,
    no permission, or the write failed (a full disk); nothing is left at its name."""


class DataWouldBeLost(AllianceKBError):
    """A schema downgrade would drop records; `lost` counts them per table."""

    def __init__(self, revision: str, lost: Mapping[str, int]) -> None:
        self.revision = revision
        self.lost = dict(lost)
        total = sum(self.lost.values())
        counts = ", ".join(f"{table} {n}" for table, n in self.lost.items())
        super().__init__(
            f"downgrading to {revision} would drop {total} record{'' if total == 1 else 's'} "
            f"({counts}): pass drop_data=True to drop them"
        )


class WouldLoseWork(AllianceKBError):
    """A write would undo work recorded since (an analyst's edits): nothing is written.

    `what` is the message without its advice, for a caller that words the way on in its own
    terms (the CLI names its option).
    """

    def __init__(self, what: str, advice: str) -> None:
        super().__init__(f"{what}; {advice}")
        self.what = what


class MissingExtra(AllianceKBError):
    """An optional dependency is not installed; the message names the extra to install."""
