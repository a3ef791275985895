"""Property-based tests (hypothesis), through the CLI, on SQLite and PostgreSQL.

- Generated valid knowledge bases survive seed -> dump -> seed into an empty database:
  identical exports of every table.
- One field of one record made invalid (wrong type, bad or impossible date, end before start,
  unknown reference, duplicate key, missing or unknown field, wrong container, too long, out of
  range) is refused: exit 1, one line starting "error: ", no traceback, database unchanged.
- The same for ATOP, COW and COW-states rows mutated from the small fixture files.

Fixed example counts; under CI the `ci` profile (tests/conftest.py) derandomizes them, so CI
runs the same examples every time.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from alliancekb.database.engine import make_engine
from alliancekb.database.models import Base
from conftest import BACKENDS, IN_CI, Cli, PostgresServer, Templates
from import_helpers import ATOP, COW, STATES
from kb_strategies import MUTATIONS, knowledge_base, mutated
from reliability_helpers import Snapshots

ROUND_TRIPS = 20
INVALID_SEEDS = 6  # per kind of mutation: 60 per database
INVALID_ROWS = 8  # per kind of row mutation: 48 per database
FIGURES: Counter[str] = Counter()


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


def test_ci_draws_the_same_examples_every_run() -> None:
    """Under CI every property test runs derandomized, at its own fixed count, with no deadline
    (a slow shared machine is not a failure); elsewhere the examples are random."""
    ci = settings.get_profile("ci")
    assert (ci.derandomize, ci.deadline, ci.database) == (True, None, None)
    assert settings.default.derandomize is IN_CI
    ours = _settings(ROUND_TRIPS)
    assert (ours.derandomize, ours.max_examples, ours.deadline) == (IN_CI, ROUND_TRIPS, None)


@pytest.fixture(scope="module", autouse=True)
def _figures() -> Iterator[None]:
    yield
    print("\nproperties:", ", ".join(f"{k}: {v}" for k, v in sorted(FIGURES.items())))


class Database:
    """A migrated database, emptied between examples (TRUNCATE / DELETE, schema kept)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.cli = Cli(url)
        self.engine: Engine = make_engine(url)
        self.snapshots = Snapshots(url)
        self._unchanged: dict[str, list[dict[str, Any]]] | None = None

    def unchanged(self) -> dict[str, list[dict[str, Any]]]:
        """The snapshot taken before the first refusal: every later refusal must leave exactly
        this (one snapshot for the module instead of one more per example)."""
        if self._unchanged is None:
            self._unchanged = self.snapshots()
        return self._unchanged

    def empty(self) -> None:
        tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                conn.execute(text("UPDATE treaties SET supersedes_id = NULL"))
                for name in tables:
                    conn.execute(text(f"DELETE FROM {name}"))

    def close(self) -> None:
        self.engine.dispose()
        self.snapshots.close()


def _migrated(request: pytest.FixtureRequest, backend: str, path: Path) -> str:
    if backend == "sqlite":
        templates: Templates = request.getfixturevalue("sqlite_templates")
        path.write_bytes(templates.sqlite_migrated.read_bytes())
        return f"sqlite:///{path}"
    server: PostgresServer = request.getfixturevalue("postgres")
    pg_templates: dict[str, str] = request.getfixturevalue("postgres_templates")
    name = server.create(template=pg_templates["migrated"])
    request.addfinalizer(lambda: server.drop(name))
    return server.url(name)


@pytest.fixture
def pair(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path
) -> Iterator[tuple[Database, Database]]:
    first = Database(_migrated(request, backend, tmp_path / "a.sqlite"))
    second = Database(_migrated(request, backend, tmp_path / "b.sqlite"))
    yield first, second
    first.close()
    second.close()


def _write(path: Path, data: Any) -> Path:
    if path.suffix == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _records(data: dict[str, list[Any]]) -> int:
    return sum(len(records) for records in data.values())


def _refused(result: Any) -> str | None:
    """None when the CLI refused as it must; else what was wrong."""
    lines = result.stderr.splitlines()
    if result.exit_code != 1:
        return f"exit {result.exit_code}"
    if result.stdout:
        return f"stdout {result.stdout!r}"
    if len(lines) != 1 or not lines[0].startswith("error: ") or "Traceback" in result.stderr:
        return f"stderr {result.stderr!r}"
    return None


@_settings(ROUND_TRIPS)
@given(data=knowledge_base(), suffix=st.sampled_from([".yaml", ".json"]))
def test_seed_dump_seed_gives_identical_exports(
    pair: tuple[Database, Database], tmp_path: Path, data: dict[str, list[Any]], suffix: str
) -> None:
    first, second = pair
    first.empty()
    second.empty()
    seeded = first.cli("seed", str(_write(tmp_path / f"kb{suffix}", data)))
    assert (seeded.exit_code, seeded.stderr) == (0, ""), seeded.stderr
    assert f": {_records(data)} added, 0 changed, 0 unchanged\n" in seeded.stdout
    dumped = first.cli("dump")
    assert dumped.exit_code == 0, dumped.stderr
    dump = tmp_path / "dump.yaml"
    dump.write_text(dumped.stdout, encoding="utf-8")
    again = second.cli("seed", str(dump))
    assert (again.exit_code, again.stderr) == (0, ""), again.stderr
    assert first.snapshots(history=False) == second.snapshots(history=False)
    assert second.cli("dump").stdout == dumped.stdout
    FIGURES["round trips"] += 1
    FIGURES["records round-tripped"] += _records(data)


def _database(request: pytest.FixtureRequest, backend: str, folder: Path, kind: str) -> str:
    """A database copied from the session's templates, for a whole module."""
    if backend == "sqlite":
        templates: Templates = request.getfixturevalue("sqlite_templates")
        target = folder / "kb.sqlite"
        path = templates.sqlite_seeded if kind == "seeded" else templates.sqlite_migrated
        target.write_bytes(path.read_bytes())
        return f"sqlite:///{target}"
    server: PostgresServer = request.getfixturevalue("postgres")
    pg_templates: dict[str, str] = request.getfixturevalue("postgres_templates")
    name = server.create(template=pg_templates[kind])
    request.addfinalizer(lambda: server.drop(name))
    return server.url(name)


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """The Vietnam seed, shared by every example of the module: refusals never change it."""
    url = _database(request, request.param, tmp_path_factory.mktemp("seeded"), "seeded")
    database = Database(url)
    yield database
    database.close()


@pytest.mark.parametrize("kind", MUTATIONS)
@_settings(INVALID_SEEDS)
@given(st.data())
def test_one_invalid_field_is_refused_and_nothing_written(
    seeded: Database, tmp_path: Path, kind: str, data: st.DataObject
) -> None:
    before = seeded.unchanged()
    valid = data.draw(knowledge_base(), label="valid")
    bad, what = data.draw(mutated(valid, kind), label="mutation")
    suffix = data.draw(st.sampled_from([".yaml", ".json"]), label="format")
    path = _write(tmp_path / f"bad{suffix}", bad)
    result = seeded.cli("seed", str(path))
    assert _refused(result) is None, f"{what}: {_refused(result)}"
    assert result.stderr.startswith(f"error: {path}")
    assert seeded.snapshots() == before, what
    FIGURES["invalid seeds refused"] += 1
    FIGURES[f"mutation {what.split(':')[0]}"] += 1


# --- importers -------------------------------------------------------------------------------

FIXTURES = {"atop": ATOP, "cow": COW, "cow-states": STATES}
BAD_CELLS: dict[str, dict[str, list[str]]] = {
    "atop": {
        "atopid": ["x", "0", "-1", "1.5", ""],
        "cow4id": ["x", "-1"],
        "member": ["x", "0", "100000", ""],
        "phase": ["x", "-1", "100", ""],
        "yrent": ["x", "999", "10000", ""],
        "moent": ["x", "13", "-1"],
        "yrexit": ["x", "999", ""],
        "defense": ["2", "x", "-1"],
        "offense": ["2", "yes"],
        "neutral": ["2"],
        "nonagg": ["2"],
        "consul": ["2"],
        "version": ["9.9", ""],
    },
    "cow": {
        "version4id": ["x", "0", ""],
        "ccode": ["x", "0", ""],
        "all_st_year": ["x", "999", ""],
        "all_st_month": ["13", "x"],
        "mem_st_year": ["x", ""],
        "mem_st_month": ["13"],
        "mem_end_year": ["x"],
        "left_censor": ["2", "x"],
        "right_censor": ["2"],
        "defense": ["2", "x"],
        "neutrality": ["2"],
        "nonaggression": ["2"],
        "entente": ["2"],
        "version": ["9.9", ""],
    },
    "cow-states": {
        "stateabb": ["1A", "", "ABCDEFGHI"],
        "ccode": ["x", "0", ""],
        "statenme": ["", "x" * 201],
        "styear": ["x", "999"],
        "stmonth": ["13", "x"],
        "stday": ["32", "x"],
        "endyear": ["x", "999"],
        "endmonth": ["13"],
        "endday": ["32"],
        "version": ["2015"],
    },
}
DATE_COLUMNS = {
    "atop": (("yrent", "moent", "dayent"), ("yrexit", "moexit", "dayexit")),
    "cow": (
        ("mem_st_year", "mem_st_month", "mem_st_day"),
        ("mem_end_year", "mem_end_month", "mem_end_day"),
    ),
    "cow-states": (("styear", "stmonth", "stday"), ("endyear", "endmonth", "endday")),
}


def _table(fmt: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(FIXTURES[fmt].read_text(encoding="utf-8"))))
    return rows[0], rows[1:]


ROW_MUTATIONS = [
    "bad cell",
    "impossible date",
    "end before start",
    "duplicate row",
    "lost cell",
    "extra cell",
]


@st.composite
def mutated_rows(draw: st.DrawFn, kind: str) -> tuple[str, str, str]:
    """(format, CSV text with one row made invalid, what was done)."""
    fmt = draw(st.sampled_from(sorted(FIXTURES)))
    header, rows = _table(fmt)
    index = draw(st.integers(0, len(rows) - 1))
    row = rows[index]
    col = {name: i for i, name in enumerate(header)}
    (start_y, start_m, start_d), (end_y, end_m, end_d) = DATE_COLUMNS[fmt]
    if kind == "bad cell":
        column = draw(st.sampled_from(sorted(BAD_CELLS[fmt])))
        value = draw(st.sampled_from(BAD_CELLS[fmt][column]))
        row[col[column]] = value
        what = f"{column} = {value!r}"
    elif kind == "impossible date":
        row[col[start_m]], row[col[start_d]] = draw(
            st.sampled_from([("2", "30"), ("4", "31"), ("2", "31")])
        )
        what = f"{start_m}/{start_d} impossible"
    elif kind == "end before start":
        row[col[end_y]] = str(int(row[col[start_y]]) - 1)
        row[col[end_m]] = "12" if fmt == "cow-states" else ""
        row[col[end_d]] = "31" if fmt == "cow-states" else ""
        what = f"{end_y} before {start_y}"
    elif kind == "duplicate row":
        rows.insert(index, list(row))
        what = "duplicate row"
    elif kind == "lost cell":
        del row[draw(st.integers(0, len(row) - 1))]
        what = "a cell lost"
    else:
        row.insert(draw(st.integers(0, len(row))), "1")
        what = "a cell added"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return fmt, out.getvalue(), f"{fmt} line {index + 2}: {kind}: {what}"


@pytest.fixture(scope="module", params=BACKENDS)
def imported(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """The Vietnam seed plus the three fixture files imported, shared by the module."""
    url = _database(request, request.param, tmp_path_factory.mktemp("imported"), "seeded")
    database = Database(url)
    for fmt in ("cow-states", "atop", "cow"):
        result = database.cli("import", fmt, str(FIXTURES[fmt]))
        assert result.exit_code == 0, result.stderr
    yield database
    database.close()


@pytest.mark.parametrize("kind", ROW_MUTATIONS)
@_settings(INVALID_ROWS)
@given(st.data())
def test_one_invalid_row_is_refused_and_nothing_written(
    imported: Database, tmp_path: Path, kind: str, data: st.DataObject
) -> None:
    fmt, content, what = data.draw(mutated_rows(kind))
    before = imported.unchanged()
    path = tmp_path / f"{fmt}.csv"
    path.write_text(content, encoding="utf-8")
    result = imported.cli("import", fmt, str(path))
    assert _refused(result) is None, f"{what}: {_refused(result)}"
    assert re.match(f"error: {re.escape(str(path))}[ :]", result.stderr)
    assert imported.snapshots() == before, what
    FIGURES["invalid import rows refused"] += 1
    FIGURES[f"row {kind} ({fmt})"] += 1
