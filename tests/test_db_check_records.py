"""`db check` finds records that the writers refuse, edited in by hand: with sqlite3 (checks
off) on SQLite, with plain SQL on PostgreSQL, where a constraint refuses the edit itself."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from conftest import Cli, Templates

LAO_MEMBER = (
    "(SELECT m.id FROM memberships m JOIN alliances a ON a.id = m.alliance_id "
    "JOIN states s ON s.id = m.state_id WHERE a.key = 'vu2020-vnm-lao' AND s.ccode = 812)"
)

CASES = {
    "date mismatch": (
        "UPDATE treaties SET signed_day = '1978-11-04' WHERE key = 'vnm-ussr-1978'",
        "date mismatch: 1 in treaties (signed_day disagrees with signed; first: vnm-ussr-1978: "
        "signed 1978-11-03 but signed_day 1978-11-04 (not 1978-11-03))",
    ),
    "bad date": (
        "UPDATE alliances SET \"end\" = '1991-13' WHERE key = 'vu2020-vnm-ussr'",
        "bad dates: 1 in alliances (end is not a partial ISO date; first: vu2020-vnm-ussr: "
        "'1991-13')",
    ),
    "member outside": (
        f"UPDATE memberships SET start = '1950', start_day = '1950-01-01' WHERE id = {LAO_MEMBER}",
        "members outside: 1 in memberships (a member's dates outside its alliance's; first: "
        "812 (1950 to ongoing) starts before alliance vu2020-vnm-lao (1977 to ongoing))",
    ),
    "one-state alliance": (
        f"DELETE FROM memberships WHERE id = {LAO_MEMBER}",
        "one-state alliances: 1 in alliances (fewer than two different states; first: "
        "vu2020-vnm-lao)",
    ),
    "self alignment": (
        "UPDATE alignments SET state_b_id = state_a_id WHERE key = 'vu2020-vnm-aul-2017'",
        "self alignments: 1 in alignments (a state aligned with itself; first: "
        "vu2020-vnm-aul-2017)",
    ),
    "in force before signed": (
        "UPDATE treaties SET in_force = '1970', in_force_day = '1970-01-01' "
        "WHERE key = 'vnm-lao-1977'",
        "inverted ranges: 1 in treaties (in force before signed; first: vnm-lao-1977)",
    ),
    "obligation": (
        f"UPDATE memberships SET defense = 2 WHERE id = {LAO_MEMBER}",
        "bad obligations: 1 in memberships (defense is neither 0, 1 nor null; first: id {id})",
    ),
}
REFUSED_BY_POSTGRESQL = ("self alignment", "in force before signed", "obligation")
"""PostgreSQL's constraints and types refuse these edits (tests/test_integrity.py)."""


def _edit(backend: str, url: str, sql: str) -> None:
    if backend == "sqlite":
        path = make_url(url).database
        assert path
        raw = sqlite3.connect(path)
        try:
            raw.execute("PRAGMA ignore_check_constraints = ON")
            raw.execute(sql)
            raw.commit()
        finally:
            raw.close()
        return
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def _lao_member_id(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.scalar(text(LAO_MEMBER[1:-1]))
    finally:
        engine.dispose()
    assert isinstance(found, int)
    return found


def _checked(cli: Cli, problem: str) -> None:
    result = cli("db", "check")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        f"problem: {problem}\n",
        "1 problem found in 76 checks\n",
    )


@pytest.mark.parametrize("case", [c for c in CASES if c not in REFUSED_BY_POSTGRESQL])
def test_db_check_finds_a_hand_edited_record(
    backend: str, db_url: str, cli: Cli, case: str
) -> None:
    sql, problem = CASES[case]
    _edit(backend, db_url, sql)
    _checked(cli, problem)


@pytest.mark.parametrize("case", REFUSED_BY_POSTGRESQL)
def test_db_check_finds_on_sqlite_what_postgresql_refuses(
    sqlite_templates: Templates, tmp_path: Path, case: str
) -> None:
    path = tmp_path / "kb.sqlite"
    shutil.copyfile(sqlite_templates.sqlite_seeded, path)
    url = f"sqlite:///{path}"
    member = _lao_member_id(url)
    sql, problem = CASES[case]
    _edit("sqlite", url, sql)
    _checked(Cli(url), problem.format(id=member))
