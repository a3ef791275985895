"""The KnowledgeBase in a browser: `serve` (datasette on a SQLite file, read-only).

`Web` is a part of `KnowledgeBase` (kb.py), like `Exports`. On SQLite the site reads the
database file itself (opened read-only); on PostgreSQL it reads a SQLite snapshot taken in one
transaction when the site starts, in a temporary folder removed when it stops.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from alliancekb.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True)
class Site:
    """What `serve` serves: a SQLite file, and whether it is a snapshot of PostgreSQL."""

    database: Path
    snapshot: bool
    host: str
    port: int

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"


class Web:
    """The knowledge base's web site (`serve`)."""

    engine: Engine
    url: str

    @contextmanager
    def site(self, host: str = "127.0.0.1", port: int = 8001) -> Iterator[Site]:
        """Prepare the site: datasette installed, the address free, the file to serve (on
        PostgreSQL a snapshot, removed when the context ends). `serve` runs it."""
        from alliancekb.database.engine import sqlite_file
        from alliancekb.web.site import check_address, require_datasette

        if not 0 < port < 65536:
            raise InvalidInput(f"port {port}: give a port from 1 to 65535")
        require_datasette()
        check_address(host, port)
        database = sqlite_file(self.url)
        if database is not None:
            yield Site(database, False, host, port)
            return
        from alliancekb.database.snapshot import copy_to_sqlite
        from alliancekb.kb_exports import driver_errors

        with tempfile.TemporaryDirectory(prefix="alliancekb-serve-") as folder:
            snapshot = Path(folder) / "alliancekb.sqlite"
            with driver_errors():
                copy_to_sqlite(self.engine, snapshot)
            yield Site(snapshot, True, host, port)

    @staticmethod
    def serve(site: Site) -> None:
        """Serve the site until interrupted (Ctrl-C)."""
        from alliancekb.web.site import serve

        serve(site.database, site.host, site.port)
