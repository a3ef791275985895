"""Shared pieces of the import tests: the fixture files and small readers of CLI output."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select

from alliancekb.database.models import Change
from conftest import Cli

FIXTURES = Path(__file__).parent / "fixtures" / "import"
ATOP = FIXTURES / "atop.csv"
COW = FIXTURES / "cow.csv"
STATES = FIXTURES / "states.csv"


def ok(cli: Cli, *args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def csv_rows(cli: Cli, *args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(ok(cli, *args))))


def json_rows(cli: Cli, *args: str) -> list[dict[str, Any]]:
    return list(json.loads(ok(cli, *args, "--format", "json")))


def changes(url: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    """The change log's source entries: (record_key, action, command, after)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                select(Change.record_key, Change.action, Change.command, Change.after)
                .where(Change.record_type == "source", Change.command.like("import %"))
                .order_by(Change.id)
            ).all()
    finally:
        engine.dispose()
    return [(k, a, c, json.loads(after)) for k, a, c, after in found]


def count(url: str, table: Any) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
    finally:
        engine.dispose()


def edited(source: Path, target: Path, old: str, new: str) -> Path:
    """A copy of a fixture with one piece of text replaced (exactly once)."""
    text = source.read_text()
    assert text.count(old) == 1, old
    target.write_text(text.replace(old, new))
    return target
