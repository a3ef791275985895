"""Helpers for the record tests: whole-database snapshots and record files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

import reliability_helpers
from conftest import Cli
from reliability_helpers import TABLES

__all__ = ["TABLES", "exported", "history", "snapshot", "write"]


def snapshot(cli: Cli) -> dict[str, list[dict[str, Any]]]:
    """Every table as exported, and the change log: what 'nothing written' is checked against
    (read through the library: a CLI `export` per table costs several times as much)."""
    return reliability_helpers.snapshot(cli.url)


def write(path: Path, data: Any) -> Path:
    """A record file: JSON for a .json path, else YAML, always UTF-8."""
    if path.suffix == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def exported(cli: Cli, table: str) -> dict[str, Any]:
    """A table's records by key (ccode for states), as stored: without the first and last day
    the export adds beside each partial date (derived from it; test_typed_formats.py)."""
    rows = json.loads(cli("export", table, "--format", "json").stdout)
    return {
        str(row.get("key", row.get("ccode"))): {
            k: v for k, v in row.items() if not k.endswith(("_first_day", "_last_day"))
        }
        for row in rows
    }


def history(cli: Cli, *args: str) -> list[dict[str, Any]]:
    result = cli("history", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows
