"""`alliancekb db`: create, migrate and check the database schema."""

from __future__ import annotations

from typing import Annotated

import typer

from alliancekb.cli.common import handle_errors, open_kb, say

app = typer.Typer(
    help="Create and migrate the database schema.\n\n"
    "Example: alliancekb db upgrade; alliancekb db current; alliancekb db check",
    no_args_is_help=True,
)


@app.command("check")
@handle_errors
def db_check(ctx: typer.Context) -> None:
    """Look for orphans, overlaps, inverted ranges and an out-of-date schema.

    Example: alliancekb db check
    """
    kb = open_kb(ctx, check_schema=False)
    problems, checks = kb.check()
    if not problems:
        typer.echo(f"database OK: {checks} checks, nothing wrong")
        return
    for problem in problems:
        say(f"problem: {problem}")
    plural = "" if len(problems) == 1 else "s"
    typer.echo(f"{len(problems)} problem{plural} found in {checks} checks", err=True)
    raise typer.Exit(code=1)


@app.command("upgrade")
@handle_errors
def db_upgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Migrate the schema up to REVISION (default: the latest)."""
    kb = open_kb(ctx, check_schema=False)
    before, after = kb.upgrade(revision)
    if before == after:
        say(f"the schema is already at {after}")
    else:
        say(f"upgraded the schema from {before or 'empty'} to {after}")


@app.command("downgrade")
@handle_errors
def db_downgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision ('base' removes all).")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Drop the records a downgrade removes, without asking.")
    ] = False,
) -> None:
    """Migrate the schema down to REVISION, e.g. `alliancekb db downgrade base`.

    A downgrade that would drop records is refused, naming them, unless --yes.
    """
    kb = open_kb(ctx, check_schema=False)
    before, after = kb.downgrade(revision, drop_data=yes)
    say(f"downgraded the schema from {before or 'empty'} to {after or 'empty (base)'}")


@app.command("current")
@handle_errors
def db_current(ctx: typer.Context) -> None:
    """Show the schema revision of the database and whether it is the latest."""
    kb = open_kb(ctx, check_schema=False)
    current, head = kb.current()
    if current == head:
        typer.echo(f"{current} (head)")
    else:
        typer.echo(f"{current or 'empty'} (head is {head}: run `alliancekb db upgrade`)")
