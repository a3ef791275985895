"""Record commands: `KIND add|amend --file F` for each kind, `history [KEY]`, `dump`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alliancekb.cli.app import FormatOpt, RawOpt, app, emit, fail, handle_errors, open_kb
from alliancekb.formats import Format

if TYPE_CHECKING:
    from alliancekb.records.write import WriteReport

SECTIONS = {
    "source": "sources",
    "state": "states",
    "treaty": "treaties",
    "alliance": "alliances",
    "alignment": "alignments",
    "event": "events",
}
EXAMPLE_FILES = {
    "source": "my-source.yaml",
    "state": "states.yaml",
    "treaty": "treaty.yaml",
    "alliance": "alliance.json",
    "alignment": "alignments.yaml",
    "event": "events.yaml",
}


class RecordKind(StrEnum):
    source = "source"
    state = "state"
    treaty = "treaty"
    alliance = "alliance"
    alignment = "alignment"
    event = "event"


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


def _report(kind: str, report: WriteReport) -> None:
    from alliancekb.records.write import differences

    prefix = "would " if report.dry_run else ""
    verbs = {"added": "add", "changed": "change"} if report.dry_run else {}
    for entry in report.entries:
        if entry.action == "unchanged":
            typer.echo(f"unchanged {kind} '{entry.key}': the stored record is already so")
            continue
        line = f"{prefix}{verbs.get(entry.action, entry.action)} {kind} '{entry.key}'"
        diff = differences(entry.before, entry.after, limit=60)
        typer.echo(line + (f": {'; '.join(diff)}" if diff else ""))
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


def _register(kind: str) -> None:
    sub = typer.Typer(
        help=f"Add and correct {SECTIONS[kind]}.", no_args_is_help=True, rich_markup_mode=None
    )
    app.add_typer(sub, name=kind)
    example = EXAMPLE_FILES[kind]

    @sub.command(
        "add",
        help=f"Add {SECTIONS[kind]} from a file (a key that exists is refused).\n\n"
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
        help=f"Correct {SECTIONS[kind]} by key: fields the file leaves out keep their values.\n\n"
        f"Example: alliancekb {kind} amend --file {example} --by alice",
    )
    @handle_errors
    def amend(
        ctx: typer.Context, file: FileOpt, dry_run: DryRunOpt = False, by: ByOpt = None
    ) -> None:
        _write(ctx, kind, "amend", file, dry_run, by)


for _kind in SECTIONS:
    _register(_kind)


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
    fmt: FormatOpt = Format.table,
    raw: RawOpt = False,
) -> None:
    """The change log, oldest first: when, who, which command, what, before and after.

    Example: alliancekb history vnm-ussr-1978 --format json
    """
    from alliancekb.records.write import HISTORY_COLUMNS

    kb = open_kb(ctx)
    rows = kb.history(key, kind.value if kind else None)
    emit(rows, fmt, table_columns=HISTORY_COLUMNS, raw=raw)


class DumpFormat(StrEnum):
    yaml = "yaml"
    json = "json"


@app.command()
@handle_errors
def dump(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")
    ] = None,
    fmt: Annotated[
        DumpFormat | None,
        typer.Option("--format", "-f", help="Default: from the --out suffix, else yaml."),
    ] = None,
) -> None:
    """Write the whole knowledge base in the seed format; `seed` reads it back unchanged.

    Example: alliancekb dump --out kb.yaml
    """
    from alliancekb.cli.core import _destination

    chosen = fmt.value if fmt else "json" if out and out.suffix.lower() == ".json" else "yaml"
    kb = open_kb(ctx)
    with _destination(out) as handle:
        counts = kb.dump(handle if out else sys.stdout, chosen)
    if out is not None:
        summary = ", ".join(f"{n} {section}" for section, n in counts.items() if n)
        typer.echo(f"wrote {sum(counts.values())} records to {out} ({summary})", err=True)
