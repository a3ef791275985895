"""The embedded default database: created whole on first use, or not at all.

Any number of processes may start at once on a machine with no database yet. One of them
builds it beside its final name (schema and seed, in a temporary file), under an exclusive
lock, and renames it into place; the others wait on the lock and then use it. So the final
name only ever holds a complete database, and no process deletes a file another may hold.
A process killed while building leaves only its temporary file, which the next builder
removes (under the lock, so nobody else can be using it).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import Engine

from alliancekb.database import migrations
from alliancekb.database.engine import default_path, default_url, make_engine, sqlite_file
from alliancekb.errors import AllianceKBError, DatabaseUnavailable

Populate = Callable[[Engine], None]

TEMPORARY = ".building-{name}-"
"""Prefix of a database being built (its folder also holds `{name}.lock`)."""


def prepare(url: str, populate: Populate) -> bool:
    """Make the SQLite file behind `url` ready to open; True when this call created it.

    The embedded default is created (migrated, then filled by `populate`) when missing;
    another SQLite file needs its folder to exist, and is created only by `db upgrade`.
    """
    if url != default_url():
        path = sqlite_file(url)
        if path is not None and not path.parent.is_dir():
            raise AllianceKBError(
                f"no folder {path.parent} for the database {path}: create it first"
            )
        return False
    path = default_path()
    if path.exists():
        return False
    try:
        return _create(path, populate)
    except OSError as exc:
        raise DatabaseUnavailable(
            f"cannot create the embedded database {path}: {exc.strerror or exc} "
            f"(set XDG_DATA_HOME to a folder you can write, or use --db URL)"
        ) from None


def _create(path: Path, populate: Populate) -> bool:
    folder = path.parent
    folder.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    with _locked(folder / f"{path.name}.lock"):
        if path.exists():
            return False  # another process created it while this one waited
        _clear_leftovers(path)
        folder.chmod(0o700)  # the change log holds login names
        _build(path, populate)
    return True


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    # flock is released by the kernel when the holder dies, even by SIGKILL. The lock file
    # is never removed: a process could otherwise lock a file that is no longer the lock.
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _clear_leftovers(path: Path) -> None:
    """Remove what a killed builder left, and journals of a database no longer there.

    Only a lock holder builds, and there is no database at `path`: none of these is in use.
    A stale `-wal` left at the final name would otherwise be replayed into the new database.
    """
    prefix = TEMPORARY.format(name=path.name)
    for leftover in path.parent.iterdir():
        if leftover.name.startswith(prefix):
            leftover.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _build(path: Path, populate: Populate) -> None:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY.format(name=path.name))
    os.close(fd)  # mkstemp makes it 0600; SQLite's -wal and -shm copy the mode
    building = Path(name)
    try:
        engine = make_engine(f"sqlite:///{building}")
        try:
            migrations.upgrade(engine)
            populate(engine)
        finally:
            engine.dispose()
        _self_contained(building)
        os.rename(building, path)  # atomic: the final name holds all of it or nothing
    except BaseException:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
        raise
    _sync(path.parent)


def _self_contained(path: Path) -> None:
    """Fold the write-ahead log into the file and flush it, so the rename moves everything."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()
    _sync(path)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
