"""`search TEXT` and `alliances --search TEXT` through the CLI: the database's own full-text
index (FTS5 on SQLite, a tsvector GIN index on PostgreSQL), current after every write."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from alliancekb.database.engine import make_engine
from conftest import Cli
from import_helpers import ok

NAMES = Path(__file__).parent / "fixtures" / "alliance_names"
HEADER = "rank,kind,key,source,title,start,end,external_id,treaty\n"
ANZUS = "ANZUS Treaty (Australia-New Zealand-United States)"


def test_an_import_is_found_at_once(cli: Cli) -> None:
    assert ok(cli, "search", "ANZUS", "-f", "csv") == ""  # no rows: no header either
    assert ok(cli, "search", "ANZUS") == "(no rows)\n"
    ok(cli, "import", "atop", str(NAMES / "atop.csv"))
    ok(cli, "import", "cow", str(NAMES / "cow.csv"))
    # The same title in both: the shorter record (COW's notes are shorter) first.
    assert ok(cli, "search", "anzus", "-f", "csv") == HEADER + (
        f"1,alliance,cow-4.1-232,cow-4.1,{ANZUS},1951-09-01,,232,\n"
        f"2,alliance,atop-5.1-3215,atop-5.1,{ANZUS},1951-09-01,,3215,\n"
    )
    # Keys split at - and .: the atopid finds its alliance; the last word may be cut short.
    assert ok(cli, "search", "3215", "-f", "csv") == HEADER + (
        f"1,alliance,atop-5.1-3215,atop-5.1,{ANZUS},1951-09-01,,3215,\n"
    )
    assert ok(cli, "search", "Australia-New Zeal", "--source", "cow-4.1", "-f", "csv") == (
        HEADER + f"1,alliance,cow-4.1-232,cow-4.1,{ANZUS},1951-09-01,,232,\n"
    )
    table = ok(cli, "search", "Security Treaty 1951")
    assert table == (
        "rank  kind      key            source    title              "
        "              start       end\n"
        "----  --------  -------------  --------  -------------------"
        "------------  ----------  ----------\n"
        "1     alliance  atop-5.1-3220  atop-5.1  US-Japan Security T"
        "reaty (1951)  1951-09-08  1960-01-19\n"
    )


def test_titles_rank_above_notes_and_treaties_bring_their_alliances(cli: Cli) -> None:
    rows = ok(cli, "search", "Soviet", "-f", "csv").splitlines()
    assert rows[1:] == [
        "1,alliance,vu2020-vnm-ussr,vu2020,Vietnam-Soviet alliance,1954,1991,,vnm-ussr-1978",
        "2,treaty,vnm-ussr-1978,vietnam-case,Treaty of Friendship and Cooperation between the "
        "Union of Soviet Socialist Republics and the Socialist Republic of Viet Nam,1978-11-03,"
        "1994-06-16,,vnm-ussr-1978",
    ]


def test_a_record_add_and_amend_are_found_at_once(cli: Cli, tmp_path: Path) -> None:
    record = tmp_path / "pact.yaml"
    record.write_text(
        "key: test-pact\nsource: vu2020\ntitle: Pact of Hue\nformal: true\nstart: 1960\n"
        "end: 1961\nnotes: A made-up pact for the test.\nmembers:\n"
        "  - {state: VNM, start: 1960, end: 1961}\n  - {state: LAO, start: 1960, end: 1961}\n"
    )
    ok(cli, "alliance", "add", "--file", str(record))
    found = "1,alliance,test-pact,vu2020,Pact of Hue,1960,1961,,\n"
    assert ok(cli, "search", "hue", "-f", "csv") == HEADER + found
    assert ok(cli, "search", "made up", "-f", "csv") == HEADER + found
    record.write_text("key: test-pact\ntitle: Pact of Vinh\n")
    ok(cli, "alliance", "amend", "--file", str(record))
    assert ok(cli, "search", "hue", "-f", "csv") == ""
    assert ok(cli, "search", "Vinh", "-f", "csv") == (
        HEADER + "1,alliance,test-pact,vu2020,Pact of Vinh,1960,1961,,\n"
    )
    listed = ok(cli, "alliances", "--search", "vinh", "-f", "csv").splitlines()
    assert [line.split(",")[0] for line in listed] == ["key", "test-pact"]


def test_alliances_search_keeps_the_listing_and_its_filters(cli: Cli) -> None:
    ok(cli, "import", "atop", str(NAMES / "atop.csv"))
    rows = ok(
        cli,
        "alliances",
        "--search",
        "treaty",
        "--year",
        "1955",
        "--source",
        "atop-5.1",
        "-f",
        "csv",
    )
    assert [line.split(",")[0] for line in rows.splitlines()] == [
        "key",
        "atop-5.1-3200",
        "atop-5.1-3215",
        "atop-5.1-3220",
    ]
    assert ok(cli, "alliances", "--search", "anzus", "--year", "1940", "-f", "csv") == ""


def test_a_search_without_words_is_refused(cli: Cli) -> None:
    result = cli("search", "...")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "error: search '...' has no word to look for: give a name, key or word (NATO, 3180)\n",
    )
    result = cli("search", "x", "--source", "atop")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: unknown source 'atop' (known: atop-5.1, cow-4.1, cow-states-2016, vietnam-case, "
        "vu2020)\n",
    )


def _index(url: str) -> set[str]:
    """The search index's tables, triggers and indexes that the database holds."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                found = conn.execute(
                    text("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_search_%'")
                )
            else:
                found = conn.execute(
                    text("SELECT name FROM sqlite_master WHERE name LIKE 'search_%'")
                )
            names = {name for (name,) in found}
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    return names | {t for t in tables if t.startswith("search_")}


def test_a_downgrade_removes_the_index_cleanly_and_an_upgrade_rebuilds_it(cli: Cli) -> None:
    ok(cli, "import", "atop", str(NAMES / "atop.csv"))
    before = _index(cli.url)
    if "postgresql" in cli.url:
        assert before == {"ix_search_alliances", "ix_search_treaties"}
    else:
        assert {
            "search_alliances",
            "search_alliances_insert",
            "search_alliances_update",
            "search_alliances_delete",
            "search_treaties",
        } <= before
    # The index is derived from the records: dropping it loses none, so no --yes is asked.
    # (0006, the revision before the index's 0007, keeps ATOP's provisions of the import.)
    assert ok(cli, "db", "downgrade", "0006") == "downgraded the schema from 0008 to 0006\n"
    assert _index(cli.url) == set()
    assert ok(cli, "db", "upgrade") == "upgraded the schema from 0006 to 0008\n"
    assert _index(cli.url) == before
    keys = [line.split(",")[2] for line in ok(cli, "search", "ANZUS", "-f", "csv").splitlines()]
    assert keys == ["key", "atop-5.1-3215"]
