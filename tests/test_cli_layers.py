"""The CLI's place in the layers: only through KnowledgeBase; one registry of kinds and formats;
the library's own errors for every bad argument and every driver error."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from alliancekb import KnowledgeBase
from alliancekb.cli import app
from alliancekb.errors import AllianceKBError, DatabaseUnavailable, InvalidInput, NotFound
from alliancekb.formats import WRITERS, ExportFormat, Format
from alliancekb.records.kinds import KINDS, SECTIONS, TABLES
from alliancekb.records.seed import parse_seed
from alliancekb.resources import bundled_seed

CLI_DIR = Path(__file__).parents[1] / "src" / "alliancekb" / "cli"
ALLOWED = {"alliancekb.kb", "alliancekb.formats", "alliancekb.errors", "alliancekb.schemas"}


def _imports(path: Path) -> set[str]:
    """Every alliancekb module a file imports, at the top, in a function or for type checks."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.startswith("alliancekb")}


def test_the_cli_imports_nothing_past_the_knowledge_base() -> None:
    modules = sorted(CLI_DIR.glob("*.py"))
    assert len(modules) >= 8
    reached = {}
    for path in modules:
        for name in _imports(path):
            top = ".".join(name.split(".")[:2])
            if top not in ALLOWED and top != "alliancekb.cli" and name != "alliancekb":
                reached[f"{path.name}: {name}"] = top
    assert reached == {}


def test_the_groups_are_composed_in_one_place() -> None:
    """No module registers commands on another's app: only main.py calls add_typer."""
    callers = sorted(
        path.name for path in CLI_DIR.glob("*.py") if "add_typer(" in path.read_text("utf-8")
    )
    assert callers == ["main.py"]


def _command_names() -> set[str]:
    import typer.main

    group = typer.main.get_group(app)
    return set(group.commands)


def test_one_registry_of_record_kinds_drives_seed_export_and_the_record_commands() -> None:
    assert list(KINDS) == ["source", "state", "treaty", "alliance", "alignment", "event"]
    assert tuple(parse_seed(bundled_seed()).model_dump()) == SECTIONS
    assert TABLES == KnowledgeBase.TABLES
    assert set(TABLES) == {*SECTIONS, "memberships"}
    assert set(KINDS) <= _command_names()
    assert {kind.name: kind.model.__tablename__ for kind in KINDS.values()} == {
        "source": "sources",
        "state": "states",
        "treaty": "treaties",
        "alliance": "alliances",
        "alignment": "alignments",
        "event": "events",
    }


def test_one_registry_of_formats_builds_the_cli_choices() -> None:
    assert [f.value for f in Format] == list(WRITERS) == ["table", "csv", "json", "ndjson"]
    assert [f.value for f in ExportFormat] == ["csv", "json", "ndjson", "parquet", "dta"]


# --- the library's own errors ----------------------------------------------------------------


@pytest.fixture
def kb(db_url: str) -> Iterator[KnowledgeBase]:
    opened = KnowledgeBase.open(db_url)
    yield opened
    opened.close()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda kb: kb.export("treaty"),
            NotFound,
            "no table 'treaty' (did you mean treaties?): choose one of sources, states, "
            "treaties, alliances, memberships, alignments, events, dyad-years, state-years",
        ),
        (
            lambda kb: kb.import_file("gibler", Path("x.csv")),
            NotFound,
            "no dataset 'gibler': choose one of atop, cow, cow-states, gw-states, regimes, "
            "rivalries",
        ),
        (
            lambda kb: kb.add_records("treatie", Path("x.yaml")),
            NotFound,
            "no kind of record 'treatie' (did you mean treaty?): choose one of source, state, "
            "treaty, alliance, alignment, event",
        ),
        (
            lambda kb: kb.history(kind="alliances"),
            NotFound,
            "no kind of record 'alliances' (did you mean alliance?): choose one of source, "
            "state, treaty, alliance, alignment, event",
        ),
        (
            lambda kb: kb.dump(Path("kb.xml"), "xml"),
            NotFound,
            "no dump format 'xml': choose one of yaml, json",
        ),
        (
            lambda kb: kb.export_to("treaties", Path("t.csv"), "table"),
            NotFound,
            "no export format 'table': choose one of csv, json, ndjson, parquet, dta",
        ),
        (
            lambda kb: kb.columns("treaties"),
            NotFound,
            "no view 'treaties': choose one of dyad-years, state-years, history, theory, "
            "theory-table",
        ),
        (
            lambda kb: kb.coverage_notes(1985, kind="treaties"),
            NotFound,
            "no kind of coverage note 'treaties': choose one of alliances, alignments",
        ),
        (
            lambda kb: kb.export("treaties", source="vu2020"),
            InvalidInput,
            "source, directed, first and last are for the panels, not the table treaties",
        ),
        (
            lambda kb: kb.export("state-years", directed=True),
            InvalidInput,
            "directed is for the dyad-years panel, not state-years",
        ),
    ],
)
def test_a_bad_argument_raises_the_librarys_own_error(
    kb: KnowledgeBase, call: object, error: type[AllianceKBError], message: str
) -> None:
    with pytest.raises(error) as raised:
        call(kb)  # type: ignore[operator]
    assert str(raised.value) == message


def test_driver_errors_become_the_librarys_own(db_url: str) -> None:
    kb = KnowledgeBase.open(db_url)
    try:
        with kb.engine.begin() as conn:
            conn.execute(text("DROP TABLE event_participants"))
        with pytest.raises(AllianceKBError) as raised:
            list(kb.events())
        assert str(raised.value).startswith("the database ")
        assert "event_participants" in str(raised.value)
    finally:
        kb.close()


def test_an_unreachable_server_is_the_librarys_error() -> None:
    kb = KnowledgeBase.open("postgresql+psycopg://nobody@127.0.0.1:9/none", check_schema=False)
    try:
        with pytest.raises(DatabaseUnavailable) as raised:
            list(kb.states())
        assert str(raised.value).startswith("the database failed: ")
        assert "\n" not in str(raised.value)
    finally:
        kb.close()
