"""Reading YAML and JSON input files safely: plain data only, clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from alliancekb.errors import InvalidInput

MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 100
"""Records nest a few levels (a file, a section, a record, its members): far fewer than this."""


def _loader() -> type[yaml.SafeLoader]:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_document(path: Path) -> Any:
    """The data in a YAML or JSON file; InvalidInput names the file and what is wrong."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InvalidInput(
                f"{path}: {size} bytes is larger than the {MAX_BYTES // 2**20} MB an input "
                "file may have: split it"
            )
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text (byte {exc.start}): save it as UTF-8") from None
    if "\x00" in text:
        raise InvalidInput(f"{path}: a binary file, not YAML or JSON text")
    if not text.strip():
        raise InvalidInput(f"{path}: the file is empty")
    if path.suffix.lower() == ".json":
        try:
            return _checked(path, json.loads(text), len(text))
        except RecursionError:
            raise InvalidInput(f"{path}: nested too deeply to be a record file") from None
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
    try:
        data = yaml.load(text, Loader=_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise InvalidInput(f"{path}: not valid YAML ({where}{exc.problem})") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path}: not valid YAML ({exc})") from None
    except RecursionError:
        raise InvalidInput(f"{path}: nested too deeply to be a record file") from None
    return _checked(path, data, len(text))


def _checked(path: Path, data: Any, size: int) -> Any:
    """Refuse data that expands far beyond its text (YAML aliases: the "billion laughs"),
    refers to itself, nests deeper than records do, or holds a NUL character (which
    PostgreSQL cannot store). Walks the data without recursion, counting every value reached."""
    budget = size + 1000  # without aliases a file cannot hold more values than it has bytes
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise InvalidInput(
                f"{path}: the data expands far beyond the file's size (YAML aliases '*' "
                "repeating anchors '&'): write the records out without aliases"
            )
        if depth > MAX_DEPTH:
            raise InvalidInput(f"{path}: nested too deeply to be a record file")
        if isinstance(value, str):
            if "\x00" in value:
                raise InvalidInput(f"{path}: a text value holds a NUL character (\\0): remove it")
        elif isinstance(value, dict):
            stack.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return data
