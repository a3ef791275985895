"""`alliancekb import atop` and `import cow` on small files in the real layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliancekb.database.models import Alliance, Membership
from conftest import Cli
from import_helpers import ATOP, COW, STATES, changes, count, csv_rows, edited, json_rows, ok

ATOP_LINE = (
    "imported atop-5.1 from atop.csv: 4 alliances, 11 memberships of 5 states; skipped 1 "
    "membership: member 8152 is not a COW state code (atopid 1320, line 4)\n"
)


@pytest.fixture
def fresh(migrated_url: str) -> Cli:
    cli = Cli(migrated_url)
    ok(cli, "import", "cow-states", str(STATES))
    return cli


def members(cli: Cli, source: str) -> list[tuple[str, ...]]:
    rows = csv_rows(cli, "export", "memberships", "--format", "csv")
    keys = ("alliance", "ccode", "phase", "start", "end", "defense", "offense", "neutrality")
    more = ("nonaggression", "consultation")
    return [tuple(r[k] for k in keys + more) for r in rows if r["source"] == source]


def test_atop_needs_the_state_system_first(migrated_url: str) -> None:
    cli = Cli(migrated_url)
    result = cli("import", "atop", str(ATOP))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: {ATOP} line 2: member 2 is not a state in this database (6 codes missing): "
        "import the COW state system first with "
        "`alliancekb import cow-states PATH/states2016.csv`\n"
    )
    assert count(migrated_url, Alliance) == 0


def test_atop_maps_every_field(fresh: Cli) -> None:
    assert ok(fresh, "import", "atop", str(ATOP)) == ATOP_LINE
    assert members(fresh, "atop-5.1") == [
        ("atop-5.1-1320", "2", "0", "1874-06", "1883-05-20", "1", "0", "0", "0", "1"),
        ("atop-5.1-1320", "365", "0", "1874-06", "1883-05-20", "1", "0", "0", "0", "1"),
        ("atop-5.1-2000", "2", "1", "1950-01-15", "1955-03", "1", "1", "0", "0", "0"),
        ("atop-5.1-2000", "710", "1", "1950-01-15", "1955-03", "0", "0", "0", "1", "0"),
        ("atop-5.1-2000", "2", "2", "1955-03", "1960-12-31", "1", "0", "0", "0", "0"),
        ("atop-5.1-2000", "710", "2", "1955-03", "1960-12-31", "1", "0", "0", "0", "0"),
        ("atop-5.1-2000", "812", "2", "1956-07-01", "1960-12-31", "0", "0", "1", "0", "0"),
        ("atop-5.1-3825", "365", "0", "1978-11-03", "1994-06-16", "0", "0", "0", "0", "1"),
        ("atop-5.1-3825", "816", "0", "1978-11-03", "1994-06-16", "0", "0", "0", "0", "1"),
        ("atop-5.1-4605", "365", "0", "1994-06-16", "", "0", "0", "0", "0", "1"),
        ("atop-5.1-4605", "816", "0", "1994-06-16", "", "0", "0", "0", "0", "1"),
    ]
    alliances = {a["key"]: a for a in json_rows(fresh, "export", "alliances")}
    assert [(a["external_id"], a["start"], a["end"], a["notes"]) for a in alliances.values()] == [
        (
            "1320",
            "1874-06",
            "1883-05-20",
            "ATOP alliance 1320. Member 8152 is not a COW state code: left out.",
        ),
        (
            "2000",
            "1950-01-15",
            "1960-12-31",
            "ATOP alliance 2000. 2 phases, each with its own members and obligations.",
        ),
        (
            "3825",
            "1978-11-03",
            "1994-06-16",
            "ATOP alliance 3825. COW Formal Alliances v4 id 301 (ATOP's cow4id).",
        ),
        ("4605", "1994-06-16", None, "ATOP alliance 4605."),
    ]
    source = json_rows(fresh, "export", "sources")[0]
    assert (source["key"], source["version"], source["coverage_start"], source["coverage_end"]) == (
        "atop-5.1",
        "5.1",
        1815,
        2018,
    )


def test_atop_directed_dyads_are_one_sided_and_by_phase(fresh: Cli) -> None:
    ok(fresh, "import", "atop", str(ATOP))
    rows = csv_rows(fresh, "export", "dyad-years", "--source", "atop-5.1", "--directed")
    found = {(r["ccode1"], r["ccode2"], r["year"]): (r["defense"], r["offense"]) for r in rows}
    # Phase 1: the US promises defence and offence, China only non-aggression.
    assert found[("2", "710", "1950")] == ("1", "1")
    assert found[("710", "2", "1950")] == ("0", "0")
    # Phase 2 from 1955-03: both defence; Laos joins 1956-07-01, never in phase 1.
    assert found[("710", "2", "1956")] == ("1", "0")
    assert ("812", "2", "1955") not in found
    assert found[("812", "710", "1956")] == ("0", "0")
    # 4605 is in force: ongoing to the end of ATOP's coverage, 2018; 8152 is nowhere.
    assert max(int(y) for c1, c2, y in found if (c1, c2) == ("816", "365")) == 2018
    assert len(rows) == 144  # 2x(10 + 11 + 2x5 + 41)
    assert not any("8152" in (r["ccode1"], r["ccode2"]) for r in rows)


def test_reimport_is_idempotent_and_logged_once(fresh: Cli) -> None:
    ok(fresh, "import", "atop", str(ATOP))
    again = ok(fresh, "import", "atop", str(ATOP))
    assert again == (
        "atop-5.1 is up to date with atop.csv: nothing changed "
        "(4 alliances, 11 memberships of 5 states)\n"
    )
    log = [(k, a, after["importer"]) for k, a, _c, after in changes(fresh.url)]
    assert log == [("cow-states-2016", "added", "cow-states"), ("atop-5.1", "added", "atop")]
    after = changes(fresh.url)[1][3]
    assert after["skipped"] == {"member 8152 is not a COW state code": ["atopid 1320, line 4"]}


def test_changed_file_replaces_the_source(fresh: Cli, tmp_path: Path) -> None:
    ok(fresh, "import", "atop", str(ATOP))
    changed = edited(
        ATOP,
        tmp_path / "atop.csv",
        "4605,,,816,0,1994,6,16,0,0,0,1",
        "4605,,,816,0,1994,6,17,0,0,0,1",
    )
    out = ok(fresh, "import", "atop", str(changed))
    assert out.startswith("imported atop-5.1 from atop.csv (replacing its earlier rows): ")
    starts = [m[3] for m in members(fresh, "atop-5.1") if m[0] == "atop-5.1-4605"]
    assert starts == ["1994-06-16", "1994-06-17"]
    assert count(fresh.url, Alliance) == 4


def test_new_version_is_a_new_source(fresh: Cli, tmp_path: Path) -> None:
    ok(fresh, "import", "atop", str(ATOP))
    newer = tmp_path / "atop52.csv"
    newer.write_text(ATOP.read_text().replace(",5.1\n", ",5.2\n"))
    out = ok(fresh, "import", "atop", str(newer))
    assert out.startswith("imported atop-5.2 from atop52.csv: 4 alliances, 11 memberships")
    sources = [s["key"] for s in json_rows(fresh, "export", "sources")]
    assert sources == ["atop-5.1", "atop-5.2", "cow-states-2016"]
    assert count(fresh.url, Alliance) == 8


def test_linked_to_the_seeded_treaties(cli: Cli) -> None:
    ok(cli, "import", "cow-states", str(STATES))
    out = ok(cli, "import", "atop", str(ATOP))
    assert out == ATOP_LINE.replace(
        "; skipped",
        "; linked to treaties: atop-5.1-3825 -> vnm-ussr-1978, atop-5.1-4605 -> vnm-rus-1994;"
        " skipped",
    )
    out = ok(cli, "import", "cow", str(COW))
    assert out == (
        "imported cow-4.1 from cow.csv: 3 alliances, 6 memberships of 3 states; "
        "linked to treaties: cow-4.1-301 -> vnm-ussr-1978\n"
    )
    treaty = {a["key"]: a["treaty"] for a in json_rows(cli, "alliances", "--state", "VNM")}
    assert treaty["atop-5.1-3825"] == treaty["cow-4.1-301"] == "vnm-ussr-1978"


def test_cow_maps_every_field(fresh: Cli) -> None:
    out = ok(fresh, "import", "cow", str(COW))
    assert out == "imported cow-4.1 from cow.csv: 3 alliances, 6 memberships of 3 states\n"
    assert members(fresh, "cow-4.1") == [
        ("cow-4.1-1", "2", "0", "1816-01-01", "", "1", "", "0", "1", "0"),
        ("cow-4.1-1", "365", "0", "1816-01-01", "", "1", "", "0", "1", "0"),
        ("cow-4.1-301", "365", "0", "1978-11-03", "1991-12-25", "0", "", "0", "0", "1"),
        ("cow-4.1-301", "816", "0", "1978-11-03", "1991-12-25", "0", "", "0", "0", "1"),
        ("cow-4.1-40", "2", "0", "1874-06", "1883-05-20", "0", "", "0", "0", "1"),
        ("cow-4.1-40", "365", "0", "1874-06", "1883-05-20", "0", "", "0", "", "1"),
    ]
    first = json_rows(fresh, "export", "alliances")[0]
    assert (first["key"], first["start"], first["end"]) == ("cow-4.1-1", "1386-05-09", None)
    assert first["notes"] == (
        "COW alliance 1: Type I: Defense Pact. Left-censored: signed 1386-05-09, before COW's "
        "data begin in 1816; its members are coded from 1816."
    )
    assert ok(fresh, "import", "cow", str(COW)).startswith("cow-4.1 is up to date with cow.csv")


def test_cow_blank_end_needs_right_censor(fresh: Cli, tmp_path: Path) -> None:
    rows = COW.read_text().splitlines()
    rows[5] = rows[5].replace("3,11,1978,25,12,1991,0,0,", "3,11,1978,,,,0,0,")
    broken = tmp_path / "cow2.csv"
    broken.write_text("\n".join(rows) + "\n")
    result = fresh("import", "cow", str(broken))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {broken} line 6, column mem_end_year: '' is blank, but right_censor is not 1: "
        "give the end or set it\n"
    )
    assert count(fresh.url, Membership) == 0


def test_wrong_layout_names_missing_columns_and_layout(fresh: Cli) -> None:
    result = fresh("import", "atop", str(COW))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {COW} is not in the ATOP 5.x member-level (atop5_1m.csv) layout: missing "
        "columns atopid, cow4id, member, yrent, moent, dayent, yrexit, moexit, dayexit, phase, "
        "offense, neutral, nonagg, consul (expected ATOP 5.x member-level (atop5_1m.csv) with "
        "columns atopid, cow4id, member, yrent, moent, dayent, yrexit, moexit, dayexit, phase, "
        "defense, offense, neutral, nonagg, consul, version; `alliancekb import atop` reads "
        "that layout)\n"
    )


def test_bad_row_writes_nothing(fresh: Cli, tmp_path: Path) -> None:
    rows = ATOP.read_text().splitlines()
    rows[9] = rows[9].replace("3825,3582,301,365,0,1978,11,3,", "3825,3582,301,365,0,1978,11,31,")
    broken = tmp_path / "atop.csv"
    broken.write_text("\n".join(rows) + "\n")
    result = fresh("import", "atop", str(broken))
    assert (result.exit_code, result.stdout) == (1, "")
    assert (
        result.stderr == f"error: {broken} line 10, column dayent: '31' is not a day of 1978-11\n"
    )
    assert (count(fresh.url, Alliance), count(fresh.url, Membership)) == (0, 0)
    assert [s["key"] for s in json_rows(fresh, "export", "sources")] == ["cow-states-2016"]


def test_overlapping_memberships_are_refused(fresh: Cli, tmp_path: Path) -> None:
    rows = ATOP.read_text().splitlines()
    rows.append(rows[-1].replace(",1994,6,16,0,0,0,", ",1999,1,1,0,0,0,"))
    broken = tmp_path / "atop.csv"
    broken.write_text("\n".join(rows) + "\n")
    result = fresh("import", "atop", str(broken))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {broken} line 14: member 816 of atop-5.1-4605 (phase 0) overlaps its "
        "membership on line 13: fix the dates or remove one row\n"
    )


def test_alliances_list_the_members_of_the_year_once_each(fresh: Cli) -> None:
    ok(fresh, "import", "atop", str(ATOP))

    def members(year: str) -> list[tuple[str, list[str]]]:
        rows = json_rows(fresh, "alliances", "--year", year, "--source", "atop-5.1")
        return [(r["key"], r["members"]) for r in rows]

    # 1955: the US and China in phase 1 (to March) and phase 2; Laos joins in July 1956.
    assert members("1955") == [("atop-5.1-2000", ["USA", "CHN"])]
    assert members("1957") == [("atop-5.1-2000", ["USA", "CHN", "LAO"])]
