"""Fixtures: every database test runs on a real SQLite file and on the real PostgreSQL server.

PostgreSQL comes from $ALLIANCEKB_TEST_POSTGRES_URL (a database on the server the tests may
create databases from, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test). Without it the
PostgreSQL cases skip, except under CI (CI=true), where they fail: CI must run them.
Each test gets a fresh database: a copy of a template migrated (and seeded) once per run (once
per pytest-xdist worker: each has its own templates and temporary folder).

Tests marked `slow` run under CI and with `--slow`; elsewhere they are skipped. Hypothesis runs
the `ci` profile under CI (derandomized: the same examples every run) and `dev` elsewhere
(random); HYPOTHESIS_PROFILE chooses another.
"""

from __future__ import annotations

import functools
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer.main
import typer.testing
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from alliancekb.cli import app
from alliancekb.database.engine import make_engine
from alliancekb.database.migrations import upgrade
from alliancekb.records.seed import seed
from alliancekb.records.writer import WriteContext
from alliancekb.resources import bundled_seed

PG_ENV = "ALLIANCEKB_TEST_POSTGRES_URL"
DATA_ENV = "ALLIANCEKB_REFERENCE_DATA"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = ["sqlite", "postgresql"]

# Example counts stay as each test sets them; CI only fixes the draw, so a red CI is a real
# regression that the next run shows again, not a new random input.
settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True)
settings.register_profile("dev", derandomize=False, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if IN_CI else "dev"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow", action="store_true", help="also run the tests marked slow (CI always does)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if IN_CI or config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow (CI runs it)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI must run these tests)")
    pytest.skip(reason)


def postgres_admin_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        _missing(f"set {PG_ENV} to run the PostgreSQL cases")
    assert url is not None
    return url


class PostgresServer:
    """Creates and drops databases on the test server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url)
        self.engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def url(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        name = f"akb_{uuid.uuid4().hex[:12]}"
        clause = f" TEMPLATE {template}" if template else ""
        with self.engine.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}{clause}"))
        self.created.append(name)
        return name

    def drop(self, name: str) -> None:
        with self.engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    def close(self) -> None:
        for name in self.created:
            self.drop(name)
        self.engine.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer(postgres_admin_url())
    try:
        with server.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        server.engine.dispose()
        _missing(f"PostgreSQL at {PG_ENV} is unreachable: {exc}")
    yield server
    server.close()


@dataclass
class Templates:
    """Databases migrated (and seeded) once per run, copied for each test."""

    sqlite_migrated: Path
    sqlite_seeded: Path


def _build(url: str, seeded: bool) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
        if seeded:
            seed(engine, bundled_seed(), WriteContext(command="seed", by="pytest"))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    folder = tmp_path_factory.mktemp("templates")
    migrated, seeded = folder / "migrated.sqlite", folder / "seeded.sqlite"
    _build(f"sqlite:///{migrated}", seeded=False)
    _build(f"sqlite:///{seeded}", seeded=True)
    return Templates(migrated, seeded)


@pytest.fixture(scope="session")
def postgres_templates(postgres: PostgresServer) -> dict[str, str]:
    names = {}
    for kind in ("migrated", "seeded"):
        name = postgres.create()
        _build(postgres.url(name), seeded=kind == "seeded")
        names[kind] = name
    return names


def _copy_sqlite(template: Path, tmp_path: Path, kind: str) -> str:
    target = tmp_path / f"{kind}.sqlite"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _database(request: pytest.FixtureRequest, backend: str, tmp_path: Path, kind: str) -> str:
    if backend == "sqlite":
        if kind == "empty":
            # An empty file, as PostgreSQL's empty database exists: a missing file is refused.
            (tmp_path / "empty.sqlite").touch()
            return f"sqlite:///{tmp_path / 'empty.sqlite'}"
        templates: Templates = request.getfixturevalue("sqlite_templates")
        path = templates.sqlite_seeded if kind == "seeded" else templates.sqlite_migrated
        return _copy_sqlite(path, tmp_path, kind)
    server: PostgresServer = request.getfixturevalue("postgres")
    if kind == "empty":
        name = server.create()
    else:
        pg_templates: dict[str, str] = request.getfixturevalue("postgres_templates")
        name = server.create(template=pg_templates[kind])
    request.addfinalizer(lambda: server.drop(name))
    return server.url(name)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """A fresh database at the current schema, holding the bundled Vietnam seed."""
    return _database(request, backend, tmp_path, "seeded")


@pytest.fixture
def migrated_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """A fresh database at the current schema, with no records."""
    return _database(request, backend, tmp_path, "migrated")


@pytest.fixture
def empty_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """A fresh, empty database: no schema at all."""
    return _database(request, backend, tmp_path, "empty")


@pytest.fixture
def reference_data() -> Path:
    """The real ATOP and COW files, from $ALLIANCEKB_REFERENCE_DATA (never copied here)."""
    folder = os.environ.get(DATA_ENV)
    if not folder:
        _missing(f"set {DATA_ENV} to the folder of the real ATOP/COW files")
    path = Path(str(folder))
    if not (path / "atop").is_dir():
        pytest.fail(f"{DATA_ENV}={folder} has no atop/ folder")
    return path


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


# typer's CliRunner builds the whole click command tree from the app on every invoke (about a
# third of a short command's time in the tests); the tree is the same each time: build it once.
typer.testing._get_command = functools.cache(typer.main.get_command)


class Cli:
    """Runs `alliancekb --db URL ...` in-process, as a user would type it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        result = self.runner.invoke(app, ["--db", self.url, *args], input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli(db_url: str) -> Cli:
    return Cli(db_url)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test touches the user's own default database or environment URL."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg")))
    monkeypatch.delenv("ALLIANCEKB_DATABASE_URL", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)  # tables fit $COLUMNS when it is set
    monkeypatch.setenv("ALLIANCEKB_USER", "tester")
