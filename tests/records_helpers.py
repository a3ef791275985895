"""Helpers for the record tests: whole-database snapshots and record files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from conftest import Cli

TABLES = ["sources", "states", "treaties", "alliances", "memberships", "alignments", "events"]


def snapshot(cli: Cli) -> dict[str, str]:
    """Every table as exported, and the change log: what 'nothing written' is checked against."""
    out = {}
    for table in TABLES:
        result = cli("export", table, "--format", "json")
        assert result.exit_code == 0, result.stderr
        out[table] = result.stdout
    out["history"] = cli("history", "--format", "json").stdout
    return out


def write(path: Path, data: Any) -> Path:
    """A record file: JSON for a .json path, else YAML, always UTF-8."""
    if path.suffix == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def exported(cli: Cli, table: str) -> dict[str, Any]:
    """A table's records by key (ccode for states)."""
    rows = json.loads(cli("export", table, "--format", "json").stdout)
    return {str(row.get("key", row.get("ccode"))): row for row in rows}


def history(cli: Cli, *args: str) -> list[dict[str, Any]]:
    result = cli("history", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows
