"""The library's exceptions. The CLI turns each into one line on stderr and exit code 1."""

from __future__ import annotations


class AllianceKBError(Exception):
    """Base of every error a user can fix; its message names the value and the fix."""


class SchemaOutOfDate(AllianceKBError):
    """The database schema is not at the revision this version of alliancekb expects."""


class DatabaseUnavailable(AllianceKBError):
    """The database cannot be reached or opened."""


class DatabaseBusy(DatabaseUnavailable):
    """Another process held the write lock for longer than the lock timeout."""


class NotFound(AllianceKBError):
    """A state, source or record named by the user does not exist."""


class Ambiguous(AllianceKBError):
    """A reference matches more than one record."""


class InvalidInput(AllianceKBError):
    """An input file or value is invalid; the message names the file, the path and the problem."""


class WouldLoseWork(AllianceKBError):
    """A write would undo work recorded since (an analyst's edits): nothing is written.

    `what` is the message without its advice, for a caller that words the way on in its own
    terms (the CLI names its option).
    """

    def __init__(self, what: str, advice: str) -> None:
        super().__init__(f"{what}; {advice}")
        self.what = what
