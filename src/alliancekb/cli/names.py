"""Reading aids: `search TEXT`, `alliance show KEY`, `cite`."""

from __future__ import annotations

from typing import Annotated

import typer

from alliancekb.cli.common import TABLE, FormatOpt, RawOpt, SourceOpt, emit, handle_errors, open_kb

app = typer.Typer()

SEARCH_COLUMNS = ["rank", "kind", "key", "source", "title", "start", "end"]


@app.command()
@handle_errors
def search(
    ctx: typer.Context,
    text: Annotated[
        str, typer.Argument(help="Words of a name, title, key or note.", metavar="TEXT")
    ],
    source: SourceOpt = None,
    fmt: FormatOpt = TABLE,
    raw: RawOpt = False,
) -> None:
    """Alliances and treaties by name, title, key or notes, best match first.

    Every word must be found; the last may be the start of a word.

    Example: alliancekb search "North Atlantic"
    """
    kb = open_kb(ctx)
    emit(kb.search(text, source), fmt, table_columns=SEARCH_COLUMNS, raw=raw)
