"""The views of revision 0005 (`alliance_dyads`, `memberships_named`) on both databases.

`alliance_dyads` is held against the library's own dyad rule (`MembershipPairs`,
`common_period` within each source's coverage) and against the directed ATOP panel, on the
real files; "allies of 816 in 1985" is one WHERE on it and agrees with `allies`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import aliased

from alliancekb.analysis.rules import MembershipPairs, common_period, coverages
from alliancekb.database.engine import make_engine, read_session
from alliancekb.database.models import Alliance, Source, State
from conftest import Cli
from import_helpers import csv_rows, json_rows, ok

ALLIES_1985 = (
    "SELECT ccode2, stateabb2, source, alliance FROM alliance_dyads "
    "WHERE ccode1 = 816 AND first_day <= '1985-12-31' AND last_day >= '1985-01-01' "
    "ORDER BY ccode2"
)


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def day(value: Any) -> dt.date:
    """A view's day: a date on PostgreSQL, ISO text on SQLite."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def test_allies_of_816_in_1985_is_one_where(cli: Cli) -> None:
    assert query(cli.url, ALLIES_1985) == [
        (365, "RUS", "vu2020", "vu2020-vnm-ussr"),
        (812, "LAO", "vu2020", "vu2020-vnm-lao"),
    ]
    allies = json_rows(cli, "allies", "816", "--year", "1985")
    assert [r["ccode"] for r in allies] == [365, 812]


def test_alliance_dyads_rows_of_the_seed(cli: Cli) -> None:
    rows = query(
        cli.url,
        "SELECT ccode1, stateabb1, ccode2, stateabb2, source, alliance, phase, first_day, "
        "last_day, defense FROM alliance_dyads ORDER BY alliance, ccode1",
    )
    assert [(*r[:7], day(r[7]), day(r[8]), r[9]) for r in rows] == [
        (710, "CHN", 816, "DRV", "vu2020", "vu2020-vnm-chn", 0, dt.date(1954, 1, 1),
         dt.date(1975, 12, 31), None),
        (816, "DRV", 710, "CHN", "vu2020", "vu2020-vnm-chn", 0, dt.date(1954, 1, 1),
         dt.date(1975, 12, 31), None),
        # Ongoing: to the last day of vu2020's coverage (1954-2020).
        (812, "LAO", 816, "DRV", "vu2020", "vu2020-vnm-lao", 0, dt.date(1977, 1, 1),
         dt.date(2020, 12, 31), None),
        (816, "DRV", 812, "LAO", "vu2020", "vu2020-vnm-lao", 0, dt.date(1977, 1, 1),
         dt.date(2020, 12, 31), None),
        (365, "RUS", 816, "DRV", "vu2020", "vu2020-vnm-ussr", 0, dt.date(1954, 1, 1),
         dt.date(1991, 12, 31), None),
        (816, "DRV", 365, "RUS", "vu2020", "vu2020-vnm-ussr", 0, dt.date(1954, 1, 1),
         dt.date(1991, 12, 31), None),
    ]  # fmt: skip


def test_memberships_named(cli: Cli) -> None:
    rows = query(
        cli.url,
        'SELECT alliance, source, ccode, stateabb, name, phase, start, "end", start_day, '
        "end_day, consultation FROM memberships_named WHERE alliance = 'vu2020-vnm-lao' "
        "ORDER BY ccode",
    )
    assert [(*r[:8], day(r[8]), r[9], r[10]) for r in rows] == [
        ("vu2020-vnm-lao", "vu2020", 812, "LAO", "Laos", 0, "1977", None,
         dt.date(1977, 1, 1), None, None),
        ("vu2020-vnm-lao", "vu2020", 816, "DRV", "Vietnam", 0, "1977", None,
         dt.date(1977, 1, 1), None, None),
    ]  # fmt: skip


def test_a_source_of_one_states_dyads_gives_no_other_pairs(cli: Cli, tmp_path: Path) -> None:
    """vu2020 codes Vietnam's dyads only: a third member's pair with China is not its to give."""
    amended = tmp_path / "alliance.yaml"
    amended.write_text(
        "key: vu2020-vnm-chn\nsource: vu2020\nformal: false\nstart: '1954'\nend: '1975'\n"
        "members:\n- {state: 710, start: '1954', end: '1975'}\n"
        "- {state: 816, start: '1954', end: '1975'}\n- {state: 365, start: '1960', end: '1975'}\n"
    )
    ok(cli, "alliance", "amend", "--file", str(amended))
    pairs = query(
        cli.url,
        "SELECT ccode1, ccode2 FROM alliance_dyads WHERE alliance = 'vu2020-vnm-chn' "
        "ORDER BY ccode1, ccode2",
    )
    assert pairs == [(365, 816), (710, 816), (816, 365), (816, 710)]


def library_dyads(url: str) -> set[tuple[Any, ...]]:
    """Every pair by the library's own rule: MembershipPairs, covers_pair and common_period
    within the source's coverage."""
    engine = make_engine(url)
    found: set[tuple[Any, ...]] = set()
    try:
        with read_session(engine) as session:
            coverage = coverages(session)
            pairs = MembershipPairs()
            s1, s2 = aliased(State), aliased(State)
            m1, m2 = pairs.mine, pairs.theirs
            query = (
                pairs.select(s1.ccode, s2.ccode, Source.key, Alliance.key, m1.phase)
                .add_columns(m1.start_day, m1.end_day, m2.start_day, m2.end_day)
                .join(s1, s1.id == m1.state_id)
                .join(s2, s2.id == m2.state_id)
                .where(s1.ccode != s2.ccode)
            )
            for c1, c2, src, key, phase, st1, en1, st2, en2 in session.execute(query):
                cov = coverage[src]
                if not cov.covers_pair(c1, c2):
                    continue
                common = common_period(st1, en1, st2, en2, cov.open_end, cov.period)
                if common is not None:
                    found.add((c1, c2, src, key, phase, common.first, common.last))
    finally:
        engine.dispose()
    return found


def view_dyads(url: str) -> list[tuple[Any, ...]]:
    rows = query(
        url,
        "SELECT ccode1, ccode2, source, alliance, phase, first_day, last_day FROM alliance_dyads",
    )
    return [(*r[:5], day(r[5]), day(r[6])) for r in rows]


def test_the_view_follows_the_library_on_the_seed(cli: Cli) -> None:
    rows = view_dyads(cli.url)
    assert len(rows) == len(set(rows)) == 6
    assert set(rows) == library_dyads(cli.url)


@pytest.mark.reference
def test_the_view_follows_the_library_on_atop(migrated_url: str, reference_data: Path) -> None:
    cli = Cli(migrated_url)
    ok(cli, "import", "cow-states", str(reference_data / "cow" / "states2016.csv"))
    ok(cli, "import", "atop", str(reference_data / "atop" / "atop5_1m.csv"))
    rows = view_dyads(migrated_url)
    assert len(rows) == len(set(rows))
    assert set(rows) == library_dyads(migrated_url)
    # Its years are the directed panel's: the same 273,304 dyad-years.
    years = {(c1, c2, y) for c1, c2, *_, f, la in rows for y in range(f.year, la.year + 1)}
    panel = csv_rows(cli, "export", "dyad-years", "--source", "atop-5.1", "--directed")
    assert years == {(int(r["ccode1"]), int(r["ccode2"]), int(r["year"])) for r in panel}
    assert len(years) == 273_304
    # Allies of 816 in 1985, one WHERE, as `allies` gives them.
    ccodes = sorted({r[0] for r in query(migrated_url, ALLIES_1985)})
    assert ccodes == [r["ccode"] for r in json_rows(cli, "allies", "816", "--year", "1985")]
    assert len(ccodes) > 0
