"""Writing a file the user named: a regular file only, never the database, whole or not at all.

The data goes to a temporary file beside the destination, renamed over it once complete, so a
failed write (a full disk, a killed process) leaves the destination as it was and no partial
file behind. What cannot be a destination is refused before anything is read or written: a
folder, a device (`/dev/null`, which `rename` would replace), a pipe, the open database and its
`-wal`, `-shm` and `-journal` files.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from alliancekb.errors import BadDestination

DATABASE_COMPANIONS = ("", "-wal", "-shm", "-journal")
"""Suffixes of the files SQLite keeps beside a database: writing over any of them corrupts it."""


def check(path: Path, database: Path | None = None) -> None:
    """Raise BadDestination unless PATH can be written as a new or replaced regular file
    that is not the DATABASE file (SQLite) or one of its companions."""
    if not str(path):
        raise BadDestination("'': give a file name")
    try:
        found = os.stat(path)
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise BadDestination(f"{path}: cannot use it: {exc.strerror}") from None
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise BadDestination(f"{path}: is a folder: give a file name")
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise BadDestination(
            f"{path}: is not a regular file (a device, a pipe or a socket): give a file name"
        )
    for suffix in DATABASE_COMPANIONS if database is not None else ():
        assert database is not None
        if _same(path, database.with_name(database.name + suffix)):
            which = "the open database" if not suffix else f"the {suffix[1:]} file of {database}"
            raise BadDestination(
                f"{path}: is {which}: writing it would destroy the database; give another file name"
            )
    if not path.parent.is_dir():
        raise BadDestination(f"{path}: no folder {path.parent}; create it first")


def _same(path: Path, other: Path) -> bool:
    if os.path.realpath(path) == os.path.realpath(other):
        return True
    try:
        return os.path.samefile(path, other)  # a hard link to the database
    except OSError:
        return False


@contextmanager
def _replacing(path: Path, database: Path | None) -> Iterator[Path]:
    """A new temporary file beside PATH, renamed over it when the block ends without error."""
    check(path, database)
    partial = path.with_name(f".{path.name}.{os.urandom(4).hex()}.partial")
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        raise BadDestination(f"{path}: cannot write in {path.parent}: {exc.strerror}") from None
    try:
        yield partial
        os.replace(partial, path)
    except OSError as exc:
        raise BadDestination(
            f"{path}: the write failed: {exc.strerror or exc}; nothing was written"
        ) from None
    finally:
        partial.unlink(missing_ok=True)


@contextmanager
def text_file(path: Path, database: Path | None = None) -> Iterator[TextIO]:
    """A UTF-8 text handle whose content replaces PATH when the block ends without error."""
    with (
        _replacing(path, database) as partial,
        partial.open("w", encoding="utf-8", newline="") as handle,
    ):
        yield handle


def write_bytes(path: Path, data: bytes, database: Path | None = None) -> None:
    """Replace PATH with DATA, whole or not at all."""
    with _replacing(path, database) as partial, partial.open("wb") as handle:
        handle.write(data)
