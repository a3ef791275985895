"""Opening input files safely: regular files only, and never more than a limit read.

`/dev/zero` never ends, a FIFO blocks until someone writes to it, and a file's size may be
unknown (`/proc`, a file still growing): refuse what is not a regular file before reading,
and read at most `limit + 1` bytes, so the limit holds whatever the size says.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from alliancekb.errors import InvalidInput

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str | None:
    """What a non-regular file is, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def regular_file(path: Path, hint: str) -> os.stat_result:
    """The file's status; InvalidInput when it is missing, unreadable or not a regular file.

    `hint` says what to give instead (`give the ATOP ... CSV file`). Looks without opening:
    opening a FIFO would block.
    """
    try:
        status = path.stat()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    kind = _kind(status.st_mode)
    if kind is not None:
        raise InvalidInput(f"{path}: {kind}, not a regular file: {hint}")
    return status


def read_bounded(path: Path, limit: int, hint: str) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; InvalidInput otherwise.

    The file is checked again once open (it may have been swapped since it was looked at), and
    opened without blocking, so that a FIFO put in its place cannot hang the reader.
    """
    status = regular_file(path, hint)
    most = f"{limit // 2**20} MB" if limit % 2**20 == 0 else f"{limit:,} bytes"
    too_big = f"{path}: {{size}} bytes is larger than the {most} an input file may have: split it"
    if status.st_size > limit:
        raise InvalidInput(too_big.format(size=status.st_size))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        kind = _kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise InvalidInput(f"{path}: {kind}, not a regular file: {hint}")
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > limit:
        raise InvalidInput(too_big.format(size=f"more than {limit}"))
    return data
