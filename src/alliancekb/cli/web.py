"""`alliancekb serve`: the knowledge base in a browser (datasette, read-only, loopback)."""

from __future__ import annotations

from typing import Annotated

import typer

from alliancekb.cli.common import handle_errors, open_kb, say

app = typer.Typer()

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command()
@handle_errors
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = 8001,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to listen on (loopback by default: this machine)."),
    ] = "127.0.0.1",
) -> None:
    """Browse the knowledge base in datasette: tables, views and canned queries, read-only.

    Needs the `web` extra (pip install 'alliancekb[web]'). On PostgreSQL the site shows a
    snapshot taken when it starts. Example: alliancekb serve --port 8001
    """
    kb = open_kb(ctx)
    with kb.site(host, port) as site:
        if host not in LOOPBACK:
            say(f"note: listening on {host}: other machines can read the site", err=True)
        what = "a snapshot of the database" if site.snapshot else str(site.database)
        say(f"serving {what} read-only at {site.address} (Ctrl-C to stop)", err=True)
        kb.serve(site)
