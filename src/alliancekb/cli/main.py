"""The root `alliancekb` app: the global `--db` option and every command group, composed here.

Each group module builds its own Typer app and registers nothing by importing; the order of
`add_typer` calls below is the order `alliancekb --help` lists the commands in.
"""

from __future__ import annotations

from typing import Annotated

import typer

from alliancekb.cli import analysis, db, export, imports, listings, merge, names, records, web
from alliancekb.cli.common import handle_errors

app = typer.Typer(
    name="alliancekb",
    help="A knowledge base of alliances between states, with sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def print_version(value: bool) -> None:
    """`--version`: the package's version, before any command (nothing else is imported)."""
    if value:
        import alliancekb

        typer.echo(f"alliancekb {alliancekb.__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL (sqlite:///PATH or postgresql+psycopg://...); "
            "default: $ALLIANCEKB_DATABASE_URL, else an embedded SQLite file.",
            metavar="URL",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=print_version, is_eager=True
        ),
    ] = False,
) -> None:
    """A knowledge base of alliances between states, with sources.

    Example: alliancekb allies Vietnam --year 1985
    """
    ctx.obj = {"db": db}


app.add_typer(analysis.app)  # theory, timeline, compare
app.add_typer(records.seed_app)  # seed
app.add_typer(listings.app)  # states, alliances, allies, treaties, alignments, events
app.add_typer(names.app)  # search, cite
app.add_typer(export.app)  # export, dump
app.add_typer(merge.app)  # merge
app.add_typer(web.app)  # serve
app.add_typer(records.app)  # history, and a group per kind of record (below)
app.add_typer(db.app, name="db")
app.add_typer(imports.app, name="import")
for kind, kind_app in records.kind_apps().items():
    if kind == "alliance":  # one alliance whole, beside add and amend
        kind_app.command("show")(handle_errors(names.show_alliance))
    app.add_typer(kind_app, name=kind)


def main() -> None:
    app()
