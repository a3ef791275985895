"""Files that keep types: Parquet (polars) and Stata .dta (pandas), imported only when asked.

Each column gets one type from its name, else from its values: COW codes, years and other
counts are integers; obligations and flags (1 yes, 0 no, empty unknown) small nullable
integers, with yes/no value labels in Stata; `*_day` columns dates; lists of keys or codes
lists in Parquet (Stata has none: joined with "; "); nested records JSON text; the rest text.
The libraries were chosen by bench/typed_formats.py: polars writes a panel from Python rows
several times faster than pyarrow or DuckDB at a similar import cost; pandas' own Stata writer
is faster than pyreadstat, which needs pandas too.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from alliancekb import outputs
from alliancekb.errors import InvalidInput, MissingExtra

Row = dict[str, Any]

INTEGERS = {
    "ccode", "ccode1", "ccode2", "year", "phase", "coverage_start", "coverage_end", "gwcode",
    "atopid", "cow4id", "duration_months", "renewal_months", "allies",
}  # fmt: skip
FLAGS = {
    "defense", "offense", "neutrality", "nonaggression", "consultation", "shared_ideology",
    "shared_security", "formal", "alliance", "disagree",
}  # fmt: skip
LISTS = {"alliances"}
"""Lists written "; "-joined in CSV (the panels' alliance keys)."""
EXTRAS = {"parquet": ("polars", "parquet"), "dta": ("pandas", "stata")}
"""Each typed format: the module it needs and the extra that installs it."""


def require(fmt: str) -> None:
    """Raise MissingExtra naming the extra when the format's library is not installed."""
    module, extra = EXTRAS[fmt]
    try:
        __import__(module)
    except ImportError:
        raise MissingExtra(
            f"--format {fmt} needs {module}: pip install 'alliancekb[{extra}]'"
        ) from None


def _is_flag(name: str) -> bool:
    return name in FLAGS or name.rsplit("_", 1)[-1] in FLAGS or name.endswith("_alliance")


def kind_of(name: str, values: Sequence[Any]) -> str:
    """The column's type: int, flag, date, list, json or text (by name where the values
    agree: `alliance` is a key in memberships, a 0/1 flag in state-years)."""
    first = next((v for v in values if v is not None), None)
    number = first is None or isinstance(first, int)
    if number and (name in INTEGERS or name.endswith(("_ccode", "_year", "_allies"))):
        return "int"
    if number and _is_flag(name):
        return "flag"
    if name.endswith("_day") and not isinstance(first, list | dict):
        return "date"
    if name in LISTS and (first is None or isinstance(first, str)):
        return "list"
    if isinstance(first, bool):
        return "flag"
    if isinstance(first, int):
        return "int"
    if isinstance(first, list | tuple):
        return "json" if any(isinstance(x, dict) for v in values if v for x in v) else "list"
    if isinstance(first, dict):
        return "json"
    return "text"


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def _flag(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def _list(value: Any) -> list[Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.split("; ") if value else []
    return list(value)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


CONVERT = {"flag": _flag, "int": _flag, "date": _date, "list": _list, "json": _json}


def _columns(rows: list[Row], columns: Sequence[str] | None) -> list[str]:
    if columns:
        return list(columns)
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return list(names)


def typed_columns(
    rows: Iterable[Row], columns: Sequence[str] | None
) -> tuple[dict[str, list[Any]], dict[str, str]]:
    """The rows as typed columns, and each column's kind."""
    held = list(rows)
    names = _columns(held, columns)
    data: dict[str, list[Any]] = {}
    kinds: dict[str, str] = {}
    for name in names:
        values = [r.get(name) for r in held]
        kind = kinds[name] = kind_of(name, values)
        convert = CONVERT.get(kind)
        if kind == "text":
            data[name] = [None if v is None else str(v) for v in values]
        else:
            assert convert is not None
            data[name] = [convert(v) for v in values]
    return data, kinds


def parquet_bytes(rows: Iterable[Row], columns: Sequence[str] | None = None) -> bytes:
    """The rows as a Parquet file."""
    import polars as pl

    data, kinds = typed_columns(rows, columns)
    types: dict[str, Any] = {"int": pl.Int32, "flag": pl.Int8, "date": pl.Date, "json": pl.String}
    schema: dict[str, Any] = {}
    for name, kind in kinds.items():
        if kind == "list":
            sample = next((x for v in data[name] if v for x in v), "")
            schema[name] = pl.List(pl.Int32 if isinstance(sample, int) else pl.String)
        else:
            schema[name] = types.get(kind, pl.String)
    frame = pl.DataFrame(data, schema=schema)
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


STATA_RESERVED = frozenset(
    [
        "byte",
        "int",
        "long",
        "float",
        "double",
        "str",
        "strL",
        "if",
        "in",
        "using",
        "with",
        "end",
        "global",
        "local",
        "function",
        "export",
        "default",
        "delete",
        "class",
        "case",
        "do",
        "else",
        "for",
        "goto",
        "const",
        "continue",
        "break",
    ]
)
"""The Stata reserved words a column could be named: `end` is written `_end`."""
STATA_TEXT = 2045
"""Longer text goes to Stata's strL."""


def dta_bytes(rows: Iterable[Row], columns: Sequence[str] | None = None) -> bytes:
    """The rows as a Stata 14+ file (version 118): flags labelled yes/no, days as %td."""
    import pandas as pd

    data, kinds = typed_columns(rows, columns)
    frame: dict[str, Any] = {}
    long_text: list[str] = []
    for name, kind in kinds.items():
        values = data[name]
        if kind == "int":
            frame[name] = pd.array(values, dtype="Int32")
        elif kind == "flag":
            frame[name] = pd.array(values, dtype="Int8")
        elif kind == "date":
            frame[name] = pd.to_datetime(pd.Series(values, dtype="object"))
        else:
            if kind == "list":
                values = [None if v is None else "; ".join(map(str, v)) for v in values]
            text = ["" if v is None else v for v in values]
            if any(len(v) > STATA_TEXT for v in text):
                long_text.append(name)
            frame[name] = pd.array(text, dtype=object)
    # Stata's reserved words (`end`) take a leading underscore, as pandas would, said here.
    reserved = STATA_RESERVED
    table = pd.DataFrame(frame).rename(columns={n: f"_{n}" for n in frame if n in reserved})
    renamed = {n: f"_{n}" if n in reserved else n for n in kinds}
    buffer = io.BytesIO()
    table.to_stata(
        buffer,
        write_index=False,
        version=118,
        convert_dates={renamed[n]: "td" for n, k in kinds.items() if k == "date"},
        convert_strl=[renamed[n] for n in long_text],
        value_labels={renamed[n]: {0: "no", 1: "yes"} for n, k in kinds.items() if k == "flag"},
    )
    return buffer.getvalue()


WRITERS = {"parquet": parquet_bytes, "dta": dta_bytes}
"""The typed file formats, by name: (rows, columns) -> the file's bytes."""


def destination(fmt: str, out: TextIO | Path, database: Path | None) -> Path:
    """Check that a typed file can be written: a file name (never a terminal or a pipe),
    not the database, and the format's library installed."""
    if not isinstance(out, Path):
        raise InvalidInput(f"the {fmt} format writes a binary file: give a file name")
    outputs.check(out, database)
    require(fmt)
    return out


def write_file(
    rows: Iterable[Row], fmt: str, out: Path, columns: Sequence[str] | None, database: Path | None
) -> int:
    """Write rows to a Parquet or Stata file, written whole; return how many."""
    held = list(rows)
    outputs.write_bytes(out, WRITERS[fmt](held, columns), database)
    return len(held)
