"""The table view in a terminal: it fits $COLUMNS (or the terminal) by wrapping its widest
cells, never cutting them; `--wide` keeps every cell on one line; groups show examples."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from alliancekb.cli import app
from alliancekb.formats import fitted
from conftest import Cli
from import_helpers import ok

WHOLE = (
    "key           title                                                          signed      "
    "in_force    ended  parties   supersedes  atopid  cow4id  source\n"
    "------------  -------------------------------------------------------------  ----------  "
    "----------  -----  --------  ----------  ------  ------  ------------\n"
    "vnm-lao-1977  Treaty of Friendship and Cooperation between Vietnam and Laos  1977-07-18  "
    "1977-10-31         LAO; DRV                              vietnam-case\n"
)


def test_a_table_fits_the_terminal_by_wrapping(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert ok(cli, "treaties", "--state", "LAO") == (
        "key           title             signed      in_force    ended  parties   supersedes  "
        "atopid  cow4id  source\n"
        "------------  ----------------  ----------  ----------  -----  --------  ----------  "
        "------  ------  ------------\n"
        "vnm-lao-1977  Treaty of         1977-07-18  1977-10-31         LAO; DRV              "
        "                vietnam-case\n"
        "              Friendship and\n"
        "              Cooperation\n"
        "              between Vietnam\n"
        "              and Laos\n"
    )
    assert ok(cli, "treaties", "--state", "LAO", "--wide") == WHOLE
    assert ok(cli, "treaties", "--state", "LAO", "--no-truncate") == WHOLE


def test_a_table_for_a_file_or_a_pipe_keeps_every_cell_whole(cli: Cli) -> None:
    assert ok(cli, "treaties", "--state", "LAO") == WHOLE
    names = ok(cli, "alliances", "--year", "1985", "--state", "VNM").splitlines()[2]
    assert names.endswith("Soviet Union; Socialist Republic of Vietnam  vnm-ussr-1978")


def test_treaties_show_their_atop_and_cow_ids(cli: Cli) -> None:
    rows = ok(cli, "treaties", "--state", "RUS", "--wide").splitlines()
    assert rows[0].split() == [
        "key",
        "title",
        "signed",
        "in_force",
        "ended",
        "parties",
        "supersedes",
        "atopid",
        "cow4id",
        "source",
    ]
    assert rows[2].startswith("vnm-ussr-1978  Treaty of Friendship and Cooperation between the")
    assert rows[2].split()[-3:] == ["3825", "301", "vietnam-case"]


def test_fitted_narrows_the_widest_columns_first_and_keeps_headers() -> None:
    assert fitted([5, 40, 30], [3, 5, 5], 80) == [5, 40, 30]
    assert fitted([5, 40, 30], [3, 5, 5], 60) == [5, 25, 25]
    assert fitted([5, 40, 30], [3, 5, 5], 20) == [5, 16, 16]  # no narrower than 16


@pytest.mark.parametrize("group", ["db", "import", "treaty", "alliance", "source", "state"])
def test_every_group_shows_an_example(group: str) -> None:
    result = CliRunner().invoke(app, [group, "--help"])
    assert result.exit_code == 0
    assert f"Example: alliancekb {group} " in result.stdout
