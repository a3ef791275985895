"""`serve`: datasette on a SQLite file of the knowledge base, read-only, with our metadata.

The metadata (titles and descriptions of every table and column, label columns, canned
queries) is `metadata.yaml` beside this module; each source's citation is added from the
`sources` table, so the site cites what the database holds. Datasette opens the file with
`mode=ro` and runs only SELECTs; with no plugins it has no way to write.
"""

from __future__ import annotations

import html
import socket
import sqlite3
from pathlib import Path
from typing import Any

import yaml

from alliancekb.errors import InvalidInput, MissingExtra

METADATA = Path(__file__).with_name("metadata.yaml")
DATABASE = "alliancekb"
"""The database's name in the site's URLs (/alliancekb/alliances)."""
INSTALL_HINT = "serve needs datasette: pip install 'alliancekb[web]'"


def require_datasette() -> None:
    """Raise MissingExtra naming the extra when datasette is not installed."""
    try:
        import datasette  # noqa: F401
    except ImportError:
        raise MissingExtra(INSTALL_HINT) from None


def metadata(database: Path) -> dict[str, Any]:
    """The site's metadata: the shipped file, with the sources of DATABASE and their citations."""
    meta: dict[str, Any] = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        sources = conn.execute("SELECT key, citation FROM sources ORDER BY key").fetchall()
    conn.close()
    db = meta["databases"][DATABASE]
    db["source"] = ", ".join(key for key, *_ in sources)
    if sources:
        items = "".join(
            f"<li><strong>{html.escape(key)}</strong>: {html.escape(citation)}</li>"
            for key, citation, *_ in sources
        )
        db["description_html"] = f"<p>The sources, to cite with the data:</p><ul>{items}</ul>"
        db["tables"]["sources"]["description"] += " Cite them as: " + " ".join(
            f"{key}: {citation}" for key, citation, *_ in sources
        )
    return meta


def check_address(host: str, port: int) -> None:
    """Raise InvalidInput unless HOST:PORT can be listened on now."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InvalidInput(
            f"host '{host}': {exc.strerror}: give an address such as 127.0.0.1"
        ) from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise InvalidInput(
                f"port {port} on {host}: {exc.strerror}: choose another port"
            ) from None


def serve(database: Path, host: str, port: int) -> None:
    """Serve DATABASE (a SQLite file) with datasette until interrupted."""
    require_datasette()
    import uvicorn
    from datasette.app import Datasette
    from datasette.database import Database

    site = Datasette(metadata=metadata(database), settings={"allow_download": False})
    site.add_database(Database(site, path=str(database), is_mutable=True), name=DATABASE)
    uvicorn.run(site.app(), host=host, port=port, log_level="warning")
