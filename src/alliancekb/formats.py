"""One writer for every listing: table, csv, json and ndjson, streaming rows as they come.

The formats are one registry, `WRITERS` (name -> writer); the `Format` enum the CLI offers is
built from it. Only the table view holds its rows (to size the columns), and it is the one meant
for a terminal: control characters in it are shown escaped (`printable`). CSV cells that a
spreadsheet would run as a formula are neutralised unless `raw` is set; numbers and dates are
left alone. JSON and CSV carry values exactly as stored.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from itertools import chain
from typing import Any, TextIO

Row = dict[str, Any]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MIN_COLUMN = 16
"""A column a fitted table narrows is kept this wide at least (or as wide as its cells)."""

CONTROLS = str.maketrans(
    {
        chr(code): repr(chr(code))[1:-1]
        for code in (*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)
    }
)
"""C0 and C1 controls, DEL and the Unicode line and paragraph separators, each as its escape
(ESC as `\\x1b`): a terminal neither runs them (colours, cleared screens, links) nor breaks a
line on them."""


def printable(text: str) -> str:
    """TEXT for a terminal: every control character shown escaped, line breaks included."""
    return text.translate(CONTROLS)


def _text(value: Any, *, booleans: tuple[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return booleans[0] if value else booleans[1]
    if isinstance(value, list | tuple):
        if any(isinstance(v, dict) for v in value):
            return json.dumps(value, ensure_ascii=False)
        return "; ".join(_text(v, booleans=booleans) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def csv_cell(value: Any, raw: bool = False) -> Any:
    """A CSV cell: 1/0 for booleans, empty for unknown, formulas neutralised with a quote."""
    # Exact type checks first: panels write millions of cells (bool is not int here).
    kind = type(value)
    if kind is int or kind is float:
        return value
    if value is None:
        return ""
    if kind is bool:
        return "1" if value else "0"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = value if kind is str else _text(value, booleans=("1", "0"))
    if not raw and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_batches(
    batches: Iterable[list[tuple[Any, ...]]], columns: Sequence[str], fmt: str, out: TextIO
) -> int:
    """Write batches of tuples in `columns` order, CSV-ready: numbers, None (unknown) and
    text that cannot start a formula (keys, codes). The panels' fast path: in CSV, no cell
    is converted; the other formats see dicts."""
    if fmt != "csv":
        # The panel's alliance keys, "; "-joined in CSV, are a list in JSON.
        lists = [i for i, name in enumerate(columns) if name == "alliances"]
        rows = (
            _listed(dict(zip(columns, r, strict=True)), columns, lists)
            for batch in batches
            for r in batch
        )
        return write_rows(rows, fmt, out)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for batch in batches:
        writer.writerows(batch)
        count += len(batch)
    return count


def _listed(row: Row, columns: Sequence[str], lists: list[int]) -> Row:
    for i in lists:
        value = row[columns[i]]
        if isinstance(value, str):
            row[columns[i]] = value.split("; ") if value else []
    return row


def write_csv_lines(batches: Iterable[list[str]], columns: Sequence[str], out: TextIO) -> int:
    """Write batches of finished CSV lines (the panels' fastest path) under a header."""
    out.write(",".join(columns) + "\n")
    count = 0
    for batch in batches:
        out.write("".join(batch))
        count += len(batch)
    return count


def write_rows(
    rows: Iterable[Row],
    fmt: Format | str,
    out: TextIO,
    *,
    columns: Sequence[str] | None = None,
    table_columns: Sequence[str] | None = None,
    raw: bool = False,
    wide: bool = False,
) -> int:
    """Write rows in a format; return how many were written. A table fits the terminal's
    width (wrapping its widest cells) unless `wide`."""
    if str(fmt) == "table":
        width = None if wide else terminal_width(out)
        return _table(list(rows), out, table_columns or columns, width)
    return WRITERS[str(fmt)](iter(rows), out, columns, table_columns, raw)


def terminal_width(out: TextIO) -> int | None:
    """The width a table must fit: $COLUMNS if set, else the terminal's; None for a file or a
    pipe (nothing is wrapped there: a table goes whole to `less -S` or a file)."""
    import os
    import shutil

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    isatty = getattr(out, "isatty", None)
    if isatty is not None and isatty():
        return shutil.get_terminal_size().columns
    return None


def _json(
    rows: Iterator[Row],
    out: TextIO,
    _columns: Sequence[str] | None,
    _table_columns: Sequence[str] | None,
    _raw: bool,
) -> int:
    count = 0
    out.write("[")
    for row in rows:
        out.write(("\n" if count == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _ndjson(
    rows: Iterator[Row],
    out: TextIO,
    _columns: Sequence[str] | None,
    _table_columns: Sequence[str] | None,
    _raw: bool,
) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _table_rows(
    rows: Iterator[Row],
    out: TextIO,
    columns: Sequence[str] | None,
    table_columns: Sequence[str] | None,
    _raw: bool,
) -> int:
    return _table(list(rows), out, table_columns or columns)


def _csv_rows(
    rows: Iterator[Row],
    out: TextIO,
    columns: Sequence[str] | None,
    _table_columns: Sequence[str] | None,
    raw: bool,
) -> int:
    return _csv(rows, out, columns, raw)


def _csv(rows: Iterator[Row], out: TextIO, columns: Sequence[str] | None, raw: bool) -> int:
    first = next(rows, None)
    header = list(columns) if columns else list(first) if first else []
    if not header:
        return 0
    writer = csv.writer(out, lineterminator="\n")
    # With a "\n" terminator the csv module leaves a bare CR unquoted, and readers split the
    # row there; a row holding one goes through a CRLF writer, which quotes it.
    buffer = io.StringIO()
    quoting = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in chain([first], rows) if first is not None else ():
        cells = [csv_cell(row.get(name), raw) for name in header]
        if any(isinstance(cell, str) and "\r" in cell for cell in cells):
            buffer.seek(0)
            buffer.truncate()
            quoting.writerow(cells)
            out.write(buffer.getvalue()[:-2] + "\n")
        else:
            writer.writerow(cells)
        count += 1
    return count


def _table(
    rows: list[Row], out: TextIO, columns: Sequence[str] | None, width: int | None = None
) -> int:
    """Columns two spaces apart, each cell whole; given a width, the widest columns are
    narrowed to fit it and their cells wrap onto more lines (never cut)."""
    if not rows:
        out.write("(no rows)\n")
        return 0
    header = [_flat(name) for name in (columns or rows[0])]
    names = list(columns or rows[0])
    cells = [[_flat(_text(r.get(c), booleans=("yes", "no"))) for c in names] for r in rows]
    widths = [max(len(h), *(len(line[i]) for line in cells)) for i, h in enumerate(header)]
    if width is not None:
        widths = fitted(widths, [len(h) for h in header], width)
    out.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for line in cells:
        wrapped = [_wrap(c, w) for c, w in zip(line, widths, strict=True)]
        for i in range(max(map(len, wrapped))):
            parts = [(lines[i] if i < len(lines) else "") for lines in wrapped]
            out.write("  ".join(p.ljust(w) for p, w in zip(parts, widths, strict=True)).rstrip())
            out.write("\n")
    return len(rows)


def fitted(widths: list[int], least: list[int], total: int) -> list[int]:
    """Column widths that fit TOTAL characters (two between columns): the widest are cut
    down to one common cap, none below its header or MIN_COLUMN; as narrow as that allows."""
    room = total - 2 * (len(widths) - 1)
    if sum(widths) <= room:
        return widths
    floor = [min(w, max(n, MIN_COLUMN)) for w, n in zip(widths, least, strict=True)]
    cap = max(widths)
    while cap > 1 and sum(max(min(w, cap), f) for w, f in zip(widths, floor, strict=True)) > room:
        cap -= 1
    return [max(min(w, cap), f) for w, f in zip(widths, floor, strict=True)]


def _wrap(text: str, width: int) -> list[str]:
    if len(text) <= width:
        return [text]
    import textwrap

    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def _flat(text: str) -> str:
    """A cell on one line: its whitespace runs as one space, control characters escaped."""
    return printable(" ".join(text.split()))


def describe_obligations(values: dict[str, bool | None]) -> str:
    """Obligations as a reader says them: `defense, consultation (offense unknown)`, `none`,
    or `unknown` when nothing is known."""
    if all(v is None for v in values.values()):
        return "unknown"
    held = [name for name, v in values.items() if v]
    unknown = [name for name, v in values.items() if v is None]
    text = ", ".join(held) if held else "none"
    return text + (f" ({', '.join(unknown)} unknown)" if unknown else "")


def obligations_text(coded: dict[str, Any]) -> str:
    """One source's obligations object (`{"source": ..., "defense": ...}`) as `source: text`."""
    values = {k: v for k, v in coded.items() if k != "source"}
    return f"{coded['source']}: {describe_obligations(values)}"


RowWriter = Callable[[Iterator[Row], TextIO, Sequence[str] | None, Sequence[str] | None, bool], int]
WRITERS: dict[str, RowWriter] = {
    "table": _table_rows,
    "csv": _csv_rows,
    "json": _json,
    "ndjson": _ndjson,
}
"""Every output format, by name: (rows, out, columns, table_columns, raw) -> rows written."""

TYPED_FORMATS = ("parquet", "dta")
"""Binary formats that keep types (typed.py: Parquet and Stata), written to files only."""
FILE_FORMATS = (*(name for name in WRITERS if name != "table"), *TYPED_FORMATS)
"""The formats for files and pipes (`export`): every one but the table for people."""

Format = StrEnum("Format", [(name, name) for name in WRITERS])  # type: ignore[misc]
ExportFormat = StrEnum("ExportFormat", [(name, name) for name in FILE_FORMATS])  # type: ignore[misc]
