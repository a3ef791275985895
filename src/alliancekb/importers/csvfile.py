"""Reading a CSV file in a known layout: its header checked, its lines bounded, plain lines cut
quickly (quick_cells) and quoted ones left to the csv module."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import TextIO

from alliancekb.errors import InvalidInput
from alliancekb.inputs import regular_file

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called now and then while reading and writing."""

MAX_LINE = 100_000
"""The longest line a CSV file may have (ATOP's 111 columns take about 300 characters)."""
CHUNK = 1 << 16
"""Characters read at a time; lines are split from these chunks."""


def no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass(frozen=True)
class Layout:
    """A CSV layout: its name (for messages), the columns an importer needs, a hint."""

    name: str
    columns: tuple[str, ...]
    command: str


class CsvRows:
    """The data rows of a CSV file in a known layout, each with its line number."""

    def __init__(self, path: Path, layout: Layout, progress: Progress = no_progress) -> None:
        self.path = path
        self.layout = layout
        self.progress = progress
        try:
            self.size = path.stat().st_size
        except OSError as exc:
            raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
        regular_file(path, f"give the {layout.name} CSV file")  # not a FIFO, /dev/zero, ...
        self.index: dict[str, int] = {}

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        for line, cells in self.records():
            yield line, self.row(cells)

    def row(self, cells: Sequence[str]) -> dict[str, str]:
        """A record's cells (as records() gives them) by column name, stripped."""
        return {name: cell.strip() for name, cell in zip(self.layout.columns, cells, strict=True)}

    def records(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        """The data rows as read: the cells of the layout's columns in its order, not stripped,
        each row with its line number. Once the first row is out, `index` maps the layout's
        columns to their places in a row.

        A line with no quote is a row whose cells are between its commas, as the csv module
        reads it: such a line is cut with split(), cell by cell only as far as the columns
        wanted (quick_cells), in half the csv module's time. A line with a quote (a comma or a
        line break inside a cell) goes to the csv module."""
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as handle:
                lines = self._lines(handle)
                reader = csv.reader(lines)
                header = next(reader, None)
                self.index = self._check_header(header)
                width = len(header or [])
                pick = itemgetter(*self.index.values())
                quick = quick_cells(width, list(self.index.values()))
                line = reader.line_num
                for text in lines:
                    line += 1
                    if '"' in text:
                        quoted = csv.reader(chain((text,), lines))  # reads on as it needs
                        values = next(quoted)
                        line += quoted.line_num - 1
                    else:
                        text = text.rstrip("\r\n")
                        if text.count(",") == width - 1:
                            yield line, quick(text)
                            continue
                        values = text.split(",") if text else []
                    if len(values) != width:
                        if not values or values == [""]:
                            continue
                        # A cell lost or added shifts every value after it into the wrong
                        # column: refuse the row rather than read shifted values.
                        raise InvalidInput(
                            f"{self.path} line {line}: {len(values)} cells, but the "
                            f"header has {width} columns: fix the row (a missing or extra comma?)"
                        )
                    yield line, pick(values)
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"{self.path}: not UTF-8 text ({exc.reason} at byte {exc.start}): "
                f"give the {self.layout.name} CSV file"
            ) from None
        except csv.Error as exc:
            raise InvalidInput(f"{self.path}: not a readable CSV file ({exc})") from None
        self.progress("reading", self.size, self.size)

    def _lines(self, handle: TextIO) -> Iterator[str]:
        """The file's lines, read in chunks with a bound: a file with no line breaks is refused
        after MAX_LINE characters, never read whole. A line that is too long or holds a NUL
        is refused when the reader reaches it, after the lines before it."""
        count = done = 0
        rest = ""
        while True:
            chunk = handle.read(CHUNK)
            if chunk.endswith("\r"):
                chunk += handle.read(1)  # keep a \r\n together
            done += len(chunk)
            text = rest + chunk
            if not text:
                return
            # Split as readline does with newline="": at \n, \r or \r\n, endings kept.
            lines = io.StringIO(text, newline="").readlines()
            rest = lines.pop() if chunk and not lines[-1].endswith(("\n", "\r")) else ""
            if len(text) <= MAX_LINE and "\x00" not in text:
                count += len(lines)  # no line can be too long: the common case
                yield from lines
            else:
                for line in lines:
                    count += 1
                    self._check_line(line, count)
                    yield line
                if len(rest) > MAX_LINE:
                    self._check_line(rest, count + 1)
            if not chunk:
                return
            if done % (CHUNK * 16) < CHUNK:
                self.progress("reading", min(done, self.size), self.size)

    def _check_line(self, line: str, count: int) -> None:
        if len(line) > MAX_LINE:
            raise InvalidInput(
                f"{self.path} line {count} is longer than {MAX_LINE:,} "
                f"characters: give the {self.layout.name} CSV file"
            )
        if "\x00" in line:
            raise InvalidInput(
                f"{self.path} line {count} holds a NUL byte: a binary file, "
                f"not the {self.layout.name} CSV file"
            )

    def _check_header(self, header: list[str] | None) -> dict[str, int]:
        found = [h.strip().lower() for h in header or []]
        missing = [c for c in self.layout.columns if c not in found]
        if missing:
            raise InvalidInput(
                f"{self.path} is not in the {self.layout.name} layout: missing column"
                f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                f"(expected {self.layout.name} with columns {', '.join(self.layout.columns)}; "
                f"`alliancekb {self.layout.command}` reads that layout)"
            )
        return {c: found.index(c) for c in self.layout.columns}


def quick_cells(width: int, positions: Sequence[int]) -> Callable[[str], tuple[str, ...]]:
    """For a line of WIDTH cells and no quote: the cells at POSITIONS (two or more), in that
    order. The line is split from the left as far as the wanted cells at its start and from
    the right as far as those at its end, so that few of the others become strings (of ATOP's
    105 cells, the 16 wanted are among the first 35 and the last one)."""
    ordered = sorted(positions)
    # The first i wanted cells from the left, the others from the right: the fewest strings.
    # On a tie, the left: a split of every cell leaves no rest of the line, which is fine on
    # the left (its last piece is a cell) but not on the right (its first piece is).
    choices = [
        (ordered[i - 1] + 1 if i else 0, width - ordered[i] if i < len(ordered) else 0)
        for i in range(len(ordered) + 1)
    ]
    left, right = min(reversed(choices), key=sum)
    # split(",", left) gives cells 0 .. left-1 and the rest of the line; rsplit(",", right)
    # the rest of the line and cells width-right .. width-1.
    shift = left + 2 - (width - right)
    get = itemgetter(*(p if p < left else p + shift for p in positions))
    return lambda text: get(text.split(",", left) + text.rsplit(",", right))
