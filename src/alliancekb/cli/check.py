"""`alliancekb db check`: integrity of the database, exit 1 when anything is wrong."""

from __future__ import annotations

import typer

from alliancekb.cli.app import db_app, handle_errors, open_kb


@db_app.command("check")
@handle_errors
def db_check(ctx: typer.Context) -> None:
    """Look for orphans, overlaps, inverted ranges and an out-of-date schema.

    Example: alliancekb db check
    """
    from alliancekb.database.integrity import check

    kb = open_kb(ctx, check_schema=False)
    problems, checks = check(kb.engine)
    if not problems:
        typer.echo(f"database OK: {checks} checks, nothing wrong")
        return
    for problem in problems:
        typer.echo(f"problem: {problem}")
    plural = "" if len(problems) == 1 else "s"
    typer.echo(f"{len(problems)} problem{plural} found in {checks} checks", err=True)
    raise typer.Exit(code=1)
