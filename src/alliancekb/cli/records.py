"""Record commands: `seed`, `KIND add|amend --file F` for each kind of record, `history`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alliancekb.cli.common import (
    TABLE,
    FormatOpt,
    RawOpt,
    WideOpt,
    emit,
    fail,
    handle_errors,
    open_kb,
    say,
)
from alliancekb.kb import KnowledgeBase

if TYPE_CHECKING:
    from alliancekb.kb import WriteReport

RecordKind = StrEnum("RecordKind", [(kind, kind) for kind in KnowledgeBase.KINDS])  # type: ignore[misc]

FileOpt = Annotated[
    Path,
    typer.Option(
        "--file", help="A YAML or JSON file: one record or a list of them.", metavar="FILE"
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Validate and show what would change; write nothing.")
]
ByOpt = Annotated[
    str | None,
    typer.Option(
        "--by", help="Who makes the change (default: $ALLIANCEKB_USER, else you).", metavar="NAME"
    ),
]

seed_app = typer.Typer()
app = typer.Typer()


@seed_app.command()
@handle_errors
def seed(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(help="A seed file (YAML or JSON); default: the bundled Vietnam seed."),
    ] = None,
) -> None:
    """Load a seed file: validated whole, then upserted by key in one transaction.

    Example: alliancekb seed data/seed.yaml
    """
    kb = open_kb(ctx)
    summary = kb.seed(path, command=" ".join(["seed", *([str(path)] if path else [])]))
    name = path or "the bundled seed"
    if summary.nothing_changed:
        say(f"seeded {name}: nothing changed ({summary.unchanged} records up to date)")
    else:
        say(
            f"seeded {name}: {summary.added} added, {summary.changed} changed, "
            f"{summary.unchanged} unchanged"
        )


def _report(kind: str, report: WriteReport) -> None:
    prefix = "would " if report.dry_run else ""
    verbs = {"added": "add", "changed": "change"} if report.dry_run else {}
    for entry in report.entries:
        if entry.action == "unchanged":
            say(f"unchanged {kind} '{entry.key}': the stored record is already so")
            continue
        line = f"{prefix}{verbs.get(entry.action, entry.action)} {kind} '{entry.key}'"
        diff = KnowledgeBase.differences(entry.before, entry.after, limit=60)
        say(line + (f": {'; '.join(diff)}" if diff else ""))
    counts = report.counts
    if report.dry_run:
        typer.echo(
            f"dry run, nothing written: {counts['added']} to add, {counts['changed']} to change, "
            f"{counts['unchanged']} unchanged"
        )
    else:
        typer.echo(
            f"{counts['added']} added, {counts['changed']} changed, {counts['unchanged']} unchanged"
        )


def _write(
    ctx: typer.Context, kind: str, verb: str, path: Path, dry_run: bool, by: str | None
) -> None:
    """Run one add or amend; VERB is the command as typed ('add', 'add --update', 'amend')."""
    if by is not None and not 1 <= len(by.strip()) <= 100:
        raise fail(f"--by '{by}': give a name of 1 to 100 characters")
    flags = " --dry-run" if dry_run else ""
    kb = open_kb(ctx)
    report = kb.add_records(
        kind,
        path,
        update=verb != "add",
        dry_run=dry_run,
        by=by.strip() if by else None,
        command=f"{kind} {verb} --file {path}{flags}"[:200],
    )
    _report(kind, report)


def kind_app(kind: str, section: str, example: str) -> typer.Typer:
    """The `KIND add|amend` group of one kind of record."""
    more = "; read one whole with `show`" if kind == "alliance" else ""
    sub = typer.Typer(
        help=f"Add and correct {section}{more}.\n\n"
        f"Example: alliancekb {kind} add --file {example} --dry-run",
        no_args_is_help=True,
        rich_markup_mode=None,
    )

    @sub.command(
        "add",
        help=f"Add {section} from a file (a key that exists is refused).\n\n"
        f"Example: alliancekb {kind} add --file {example} --dry-run",
    )
    @handle_errors
    def add(
        ctx: typer.Context,
        file: FileOpt,
        update: Annotated[
            bool,
            typer.Option("--update", help="Correct existing records by key (as `amend` does)."),
        ] = False,
        dry_run: DryRunOpt = False,
        by: ByOpt = None,
    ) -> None:
        _write(ctx, kind, "add --update" if update else "add", file, dry_run, by)

    @sub.command(
        "amend",
        help=f"Correct {section} by key: fields the file leaves out keep their values.\n\n"
        f"Example: alliancekb {kind} amend --file {example} --by alice",
    )
    @handle_errors
    def amend(
        ctx: typer.Context, file: FileOpt, dry_run: DryRunOpt = False, by: ByOpt = None
    ) -> None:
        _write(ctx, kind, "amend", file, dry_run, by)

    return sub


def kind_apps() -> dict[str, typer.Typer]:
    """A group per kind of record, from the library's registry of kinds."""
    return {
        kind.name: kind_app(kind.name, kind.section, kind.example) for kind in KnowledgeBase.kinds()
    }


@app.command()
@handle_errors
def history(
    ctx: typer.Context,
    key: Annotated[
        str | None, typer.Argument(help="Only this record's changes.", metavar="KEY")
    ] = None,
    kind: Annotated[
        RecordKind | None, typer.Option("--type", help="Only records of this kind.")
    ] = None,
    fmt: FormatOpt = TABLE,
    raw: RawOpt = False,
    wide: WideOpt = False,
) -> None:
    """The change log, oldest first: when, who, which command, what, before and after.

    Example: alliancekb history vnm-ussr-1978 --format json
    """
    kb = open_kb(ctx)
    rows = kb.history(key, str(kind) if kind else None)
    emit(rows, fmt, table_columns=kb.columns("history"), raw=raw, wide=wide)
