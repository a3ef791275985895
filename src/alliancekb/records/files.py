"""Reading YAML and JSON input files safely: plain data only, clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from alliancekb.errors import InvalidInput
from alliancekb.inputs import read_bounded

MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 100
"""Records nest a few levels (a file, a section, a record, its members): far fewer than this."""
HINT = "give a YAML or JSON record file"
MAX_DIGITS = 4300
"""Python's limit on the digits of a whole number read from text; no field needs a tenth."""
MAX_BITS = 14_284
"""About as large as MAX_DIGITS decimal digits: the bound for 0x, 0o and 0b numbers too."""


class _Located(Exception):
    """A problem the loaders found at a line of the file, raised out of the parser."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _shown(key: Any) -> str:
    text = key if isinstance(key, str) else repr(key)
    return f"'{text}'" if len(text) <= 60 else f"'{text[:59]}…'"


def _duplicate(key: Any, line: int, first: int) -> _Located:
    return _Located(
        line,
        f"duplicate key {_shown(key)} (also on line {first}): keep one of them "
        "(only the last would be read)",
    )


def _too_long(line: int, digits: str) -> _Located:
    count = len(digits.strip().lstrip("+-").replace("_", ""))
    return _Located(
        line,
        f"the whole number {digits.strip()[:10]}… has {count} digits, more than the "
        f"{MAX_DIGITS} a number may have: fix the value",
    )


_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_BASE):  # type: ignore[valid-type,misc]
    """A safe loader that refuses duplicate keys, keeps an impossible date (`2021-02-30`) as
    text for the schema to refuse with its field's path, and refuses a whole number too long to
    read (Python refuses more than 4,300 digits)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *base` merges keys that the mapping may then replace
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:
                continue  # an unhashable key: the base class refuses it with its line
            if first is not None:
                raise _duplicate(key, line, first)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        try:
            value = super().construct_yaml_int(node)
        except ValueError:
            value = None  # more decimal digits than int() reads
        if value is None or value.bit_length() > MAX_BITS:  # 0x... has no limit of its own
            raise _too_long(node.start_mark.line + 1, str(node.value))
        return value


StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_yaml_timestamp)
StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _json_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise _too_long(0, digits)
    return int(digits)


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _duplicate("", 0, 0)  # found: _locate_json says where
    return result


def _locate_json(text: str, problem: _Located) -> _Located:
    """Where a problem the fast JSON parser found is: read again, slowly, knowing positions."""
    decoder = json.JSONDecoder()

    def located(scan_once: Any, starts: list[int] | None = None) -> Any:
        def scan(string: str, index: int) -> Any:
            if starts is not None:
                starts.append(index)
            try:
                return scan_once(string, index)
            except _Located as exc:
                exc.line = exc.line or _line(string, index)
                raise

        return scan

    def parse_object(
        s_and_end: tuple[str, int], strict: bool, scan_once: Any, *_rest: Any
    ) -> tuple[dict[str, Any], int]:
        starts: list[int] = []
        pairs, end = json.decoder.JSONObject(  # type: ignore[attr-defined]
            s_and_end, strict, located(scan_once, starts), None, list, {}
        )
        lines: dict[str, int] = {}
        for (key, _value), start in zip(pairs, starts, strict=True):
            line = _line(s_and_end[0], start)
            if key in lines:
                raise _duplicate(key, line, lines[key])
            lines[key] = line
        return dict(pairs), end

    def parse_array(s_and_end: tuple[str, int], scan_once: Any) -> tuple[list[Any], int]:
        return json.decoder.JSONArray(s_and_end, located(scan_once))  # type: ignore[attr-defined,no-any-return]

    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.parse_array = parse_array  # type: ignore[attr-defined]
    decoder.parse_int = _json_int
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        decoder.decode(text)
    except _Located as found:
        found.line = found.line or 1
        return found
    return problem


def load_document(path: Path) -> Any:
    """The data in a YAML or JSON file; InvalidInput names the file and what is wrong."""
    data = read_bounded(path, MAX_BYTES, HINT)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text (byte {exc.start}): save it as UTF-8") from None
    if "\x00" in text:
        raise InvalidInput(f"{path}: a binary file, not YAML or JSON text")
    if not text.strip():
        raise InvalidInput(f"{path}: the file is empty")
    try:
        if path.suffix.lower() == ".json":
            return _checked(path, _load_json(path, text), len(text))
        return _checked(path, _load_yaml(path, text), len(text))
    except _Located as exc:
        where = f"line {exc.line}: " if exc.line else ""
        raise InvalidInput(f"{path}: {where}{exc.message}") from None
    except RecursionError:
        raise InvalidInput(f"{path}: nested too deeply to be a record file") from None


def _load_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_json_pairs, parse_int=_json_int)
    except _Located as exc:
        raise _locate_json(text, exc) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def _load_yaml(path: Path, text: str) -> Any:
    try:
        return yaml.load(text, Loader=StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise InvalidInput(f"{path}: not valid YAML ({where}{exc.problem})") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path}: not valid YAML ({exc})") from None


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
