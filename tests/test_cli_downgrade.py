"""`db downgrade` refuses to drop records unless --yes, naming what would be lost (issue 11)."""

from __future__ import annotations

import pytest

from alliancekb import KnowledgeBase
from alliancekb.database.migrations import head_revision
from alliancekb.errors import DataWouldBeLost
from conftest import Cli
from records_helpers import snapshot

SEED_LOSS = (
    "alignments 9, alliances 3, changes 41, event_participants 23, events 11, memberships 6, "
    "source_states 2, sources 5, state_names 8, states 10, system_spells 11, treaties 3, "
    "treaty_parties 6"
)


def test_downgrade_to_base_refuses_to_drop_records(cli: Cli) -> None:
    before = snapshot(cli)
    result = cli("db", "downgrade", "base")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"error: downgrading to base would drop 138 records ({SEED_LOSS}): keep a copy with "
        "`alliancekb dump --out kb.yaml`, then run again with --yes to drop them\n",
    )
    assert cli("db", "current").stdout == f"{head_revision()} (head)\n"
    assert snapshot(cli) == before


def test_downgrade_with_yes_drops_them(cli: Cli) -> None:
    result = cli("db", "downgrade", "base", "--yes")
    assert (result.exit_code, result.stdout) == (
        0,
        f"downgraded the schema from {head_revision()} to empty (base)\n",
    )
    assert cli("db", "current").stdout.startswith("empty (head is ")


def test_a_downgrade_that_drops_a_table_names_its_records(cli: Cli) -> None:
    """0004 keeps which states a source speaks for in source_states; 0003 has no such table."""
    result = cli("db", "downgrade", "0003")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: downgrading to 0003 would drop 2 records (source_states 2): keep a copy with "
        "`alliancekb dump --out kb.yaml`, then run again with --yes to drop them\n",
    )


def test_a_downgrade_that_keeps_every_record_needs_no_yes(cli: Cli) -> None:
    assert cli("db", "downgrade", "0003", "--yes").exit_code == 0
    result = cli("db", "downgrade", "0001")  # 0003 and 0002 add an index and a constraint
    assert (result.exit_code, result.stdout) == (0, "downgraded the schema from 0003 to 0001\n")


def test_an_empty_database_downgrades_without_yes(migrated_url: str) -> None:
    result = Cli(migrated_url)("db", "downgrade", "base")
    assert result.exit_code == 0, result.stderr


def test_the_library_counts_what_would_be_lost(db_url: str) -> None:
    kb = KnowledgeBase.open(db_url)
    try:
        with pytest.raises(DataWouldBeLost) as raised:
            kb.downgrade("base")
        assert raised.value.lost["treaties"] == 3
        assert sum(raised.value.lost.values()) == 138
        assert str(raised.value).endswith(": pass drop_data=True to drop them")
        assert kb.downgrade("base", drop_data=True) == (head_revision(), None)
    finally:
        kb.close()
