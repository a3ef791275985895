"""Importing a source again does not silently undo analysts' work (issue 11, item 3).

After `alliance add` of a record under an imported source and an `amend` of one of its
alliances, the import refuses, naming both; with `--replace-edits` it replaces them and the
change log keeps their values before. Whatever a replacing import removes or changes is logged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from alliancekb import KnowledgeBase
from alliancekb.errors import NotFound, WouldLoseWork
from alliancekb.importers import DATASETS, dataset
from conftest import Cli
from import_helpers import ATOP, STATES, edited, ok
from records_helpers import exported, history, snapshot, write

LINKED = "linked to treaties: atop-5.1-3825 -> vnm-ussr-1978, atop-5.1-4605 -> vnm-rus-1994"
SKIPPED = "skipped 1 membership: member 8152 is not a COW state code (atopid 1320, line 4)"


UNKNOWN = "no dataset 'gibler': choose one of atop, cow, cow-states, gw-states, regimes, rivalries"


@pytest.fixture
def imported(cli: Cli) -> Cli:
    ok(cli, "import", "cow-states", str(STATES))
    ok(cli, "import", "atop", str(ATOP))
    return cli


def _minute(at: str) -> str:
    """history's `at` (2026-12-01T21:40:05Z) as a refusal names it (2026-12-01 21:40 UTC)."""
    return dt.datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").strftime("%Y-%m-%d %H:%M UTC")


def _edit(cli: Cli, tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """An alliance added under atop-5.1, and atop-5.1-3825 amended: (the added, the amended)."""
    added = {
        "key": "atop-5.1-9001",
        "source": "atop-5.1",
        "formal": True,
        "start": "1990",
        "members": [{"state": "USA", "start": "1990"}, {"state": "RUS", "start": "1990"}],
    }
    ok(cli, "alliance", "add", "--file", str(write(tmp_path / "added.yaml", added)))
    amend = {"key": "atop-5.1-3825", "notes": "Checked against the treaty text."}
    ok(cli, "alliance", "amend", "--file", str(write(tmp_path / "amend.yaml", amend)))
    alliances = exported(cli, "alliances")
    return alliances["atop-5.1-9001"], alliances["atop-5.1-3825"]


def test_reimport_refuses_to_undo_edits_then_replaces_them_on_request(
    imported: Cli, tmp_path: Path
) -> None:
    original = exported(imported, "alliances")
    added, amended = _edit(imported, tmp_path)
    at = {row["record_key"]: row["at"] for row in history(imported)}
    before = snapshot(imported)

    refused = imported("import", "atop", str(ATOP))
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == (
        "error: importing atop.csv would undo 2 edits made to atop-5.1 since its last import: "
        f"atop-5.1-3825 (changed by tester, {_minute(at['atop-5.1-3825'])}), "
        f"atop-5.1-9001 (added by tester, {_minute(at['atop-5.1-9001'])}); keep them under a "
        f"source of your own, or replace them with `alliancekb import atop {ATOP} "
        "--replace-edits` (history keeps what they were)\n"
    )
    assert snapshot(imported) == before  # nothing written

    replaced = ok(imported, "import", "atop", str(ATOP), "--replace-edits")
    assert replaced == (
        "imported atop-5.1 from atop.csv (replacing its earlier rows): 4 alliances, "
        f"11 memberships of 5 states; {LINKED}; {SKIPPED}; removed 1 alliance "
        "(atop-5.1-9001); undid 1 edit (atop-5.1-3825)\n"
    )
    assert exported(imported, "alliances") == original
    removal = history(imported, "atop-5.1-9001")[-1]
    assert (removal["action"], removal["before"], removal["after"]) == ("removed", added, None)
    assert removal["command"] == f"import atop {ATOP}"
    revert = history(imported, "atop-5.1-3825")[-1]
    assert (revert["action"], revert["before"], revert["after"]) == (
        "changed",
        amended,
        original["atop-5.1-3825"],
    )
    assert revert["changes"] == [
        "notes: Checked against the treaty text. -> ATOP alliance 3825. COW Formal Alliances "
        "v4 id 301 (ATOP's cow4id)."
    ]
    # The edits are undone and logged: the next import has nothing to refuse or do.
    assert ok(imported, "import", "atop", str(ATOP)) == (
        "atop-5.1 is up to date with atop.csv: nothing changed "
        "(4 alliances, 11 memberships of 5 states)\n"
    )


def test_the_library_names_its_own_parameter(imported: Cli, tmp_path: Path) -> None:
    _edit(imported, tmp_path)
    kb = KnowledgeBase.open(imported.url)
    try:
        with pytest.raises(WouldLoseWork) as caught:
            kb.import_file("atop", ATOP)
        assert str(caught.value).endswith(
            "; keep them under a source of your own, or import again with replace_edits=True "
            "(the change log keeps what they were)"
        )
        summary = kb.import_file("atop", ATOP, replace_edits=True)
        assert (summary.removed, summary.reverted) == (["atop-5.1-9001"], ["atop-5.1-3825"])
    finally:
        kb.engine.dispose()


def test_edits_made_before_the_last_import_are_not_counted_again(
    imported: Cli, tmp_path: Path
) -> None:
    _edit(imported, tmp_path)
    ok(imported, "import", "atop", str(ATOP), "--replace-edits")
    changed = edited(
        ATOP, tmp_path / "atop.csv", "4605,,,816,0,1994,6,16,", "4605,,,816,0,1994,6,17,"
    )
    assert ok(imported, "import", "atop", str(changed)).startswith(
        "imported atop-5.1 from atop.csv (replacing its earlier rows): "
    )


def test_a_replacing_import_logs_what_it_removes_and_changes(imported: Cli, tmp_path: Path) -> None:
    original = exported(imported, "alliances")
    text = ATOP.read_text()
    dropped = "".join(line for line in text.splitlines(keepends=True) if line[:5] != "4605,")
    smaller = tmp_path / "atop.csv"
    smaller.write_text(
        dropped.replace("3825,3582,301,816,0,1978,11,3,", "3825,3582,301,816,0,1978,11,4,")
    )
    out = ok(imported, "import", "atop", str(smaller))
    assert out == (
        "imported atop-5.1 from atop.csv (replacing its earlier rows): 3 alliances, "
        "9 memberships of 5 states; linked to treaties: atop-5.1-3825 -> vnm-ussr-1978; "
        f"{SKIPPED}; removed 1 alliance (atop-5.1-4605)\n"
    )
    entries = [
        (row["record_key"], row["action"], row["before"], row["after"] is None)
        for row in history(imported)
        if row["command"] == f"import atop {smaller}" and row["record_type"] == "alliance"
    ]
    assert entries == [
        ("atop-5.1-3825", "changed", original["atop-5.1-3825"], False),
        ("atop-5.1-4605", "removed", original["atop-5.1-4605"], True),
    ]
    members = exported(imported, "alliances")["atop-5.1-3825"]["members"]
    assert [m["start"] for m in members] == ["1978-11-03", "1978-11-04"]


def test_an_alliance_moved_to_another_source_is_not_overwritten(
    imported: Cli, tmp_path: Path
) -> None:
    moved = {"key": "atop-5.1-3825", "source": "vu2020"}
    ok(imported, "alliance", "amend", "--file", str(write(tmp_path / "moved.yaml", moved)))
    before = snapshot(imported)
    for extra in ((), ("--replace-edits",)):
        result = imported("import", "atop", str(ATOP), *extra)
        assert (result.exit_code, result.stdout, result.stderr) == (
            1,
            "",
            "error: atop.csv gives 1 alliance key that another source holds: atop-5.1-3825 "
            "(source vu2020); add it under a key of your own first\n",
        )
    assert snapshot(imported) == before


def test_the_datasets_import_reads(db_url: str) -> None:
    assert list(DATASETS) == ["atop", "cow", "cow-states", "gw-states", "regimes", "rivalries"]
    assert DATASETS["atop"].layout.command == DATASETS["atop"].command == "import atop"
    with pytest.raises(NotFound) as caught:
        dataset("gibler")
    assert str(caught.value) == UNKNOWN
    kb = KnowledgeBase.open(db_url)
    try:
        with pytest.raises(NotFound) as caught:
            kb.import_file("gibler", ATOP)
        assert str(caught.value) == UNKNOWN
    finally:
        kb.engine.dispose()
