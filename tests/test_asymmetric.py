"""What the allied dyad-years carry beside the obligations: `flags_source` names the source of
the alignment flags, `asymmetric` marks rows resting on an asymmetric ATOP alliance."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from conftest import Cli
from import_helpers import ATOP, STATES, csv_rows, ok
from test_import_reference import expected_atop


def atop_file(path: Path, rows: list[dict[str, str]]) -> Path:
    """An ATOP member-level file in the real layout: the given cells, 0 elsewhere."""
    header = ATOP.read_text().splitlines()[0].split(",")
    lines = [",".join(header)]
    lines += [
        ",".join(row.get(name, "5.1" if name == "version" else "0") for name in header)
        for row in rows
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def member(atopid: str, ccode: str, **cells: str) -> dict[str, str]:
    dates = {"yrent": "1859", "moent": "1", "dayent": "2", "yrexit": "1864", "moexit": "9"}
    return {"atopid": atopid, "member": ccode, **dates, "dayexit": "14", **cells}


def test_atop_rows_name_the_source_of_their_flags(cli: Cli) -> None:
    ok(cli, "import", "cow-states", str(STATES))
    ok(cli, "import", "atop", str(ATOP))
    rows = csv_rows(cli, "export", "dyad-years", "--source", "atop-5.1", "--from", "1985",
                    "--to", "1985")  # fmt: skip
    assert list(rows[0])[-5:] == [
        "shared_ideology", "shared_security", "alliances", "flags_source", "asymmetric",
    ]  # fmt: skip
    # ATOP codes no alignment: the flags on its Vietnam-Soviet row are the article's.
    vnm = next(r for r in rows if (r["ccode1"], r["ccode2"]) == ("365", "816"))
    assert (vnm["shared_ideology"], vnm["shared_security"], vnm["flags_source"]) == (
        "1", "1", "vu2020",
    )  # fmt: skip
    # The fixture's ATOP rows code asymm and obvary 0: known, not asymmetric.
    assert vnm["asymmetric"] == "0"


def test_directed_rows_on_an_asymmetric_alliance_are_marked(
    migrated_url: str, tmp_path: Path
) -> None:
    # ATOP 1205 in small: two guarantors pledge defense (their obligations vary by partner),
    # the third state neutrality; a symmetric pact beside it.
    cli = Cli(migrated_url)
    ok(cli, "import", "cow-states", str(STATES))
    rows = [
        member("1205", "2", defense="1", asymm="1", obvary="1"),
        member("1205", "365", defense="1", asymm="1", obvary="1"),
        member("1205", "710", neutral="1", asymm="1"),
        member("1300", "2", consul="1"),
        member("1300", "255", consul="1"),
    ]
    ok(cli, "import", "atop", str(atop_file(tmp_path / "atop.csv", rows)))
    found = csv_rows(cli, "export", "dyad-years", "--directed", "--from", "1860", "--to", "1860")
    cells = {(r["ccode1"], r["ccode2"]): (r["defense"], r["neutrality"], r["asymmetric"])
             for r in found}  # fmt: skip
    assert cells == {
        # "The USA's defense pledge toward Russia": the file cannot say it is toward China only.
        ("2", "365"): ("1", "0", "1"),
        ("365", "2"): ("1", "0", "1"),
        ("2", "710"): ("1", "0", "1"),
        ("710", "2"): ("0", "1", "1"),
        ("365", "710"): ("1", "0", "1"),
        ("710", "365"): ("0", "1", "1"),
        ("2", "255"): ("0", "0", "0"),
        ("255", "2"): ("0", "0", "0"),
    }
    undirected = csv_rows(cli, "export", "dyad-years", "--from", "1860", "--to", "1860")
    assert [(r["ccode1"], r["ccode2"], r["asymmetric"]) for r in undirected] == [
        ("2", "255", "0"), ("2", "365", "1"), ("2", "710", "1"), ("365", "710", "1"),
    ]  # fmt: skip


def test_a_bad_asymm_cell_is_refused(migrated_url: str, tmp_path: Path) -> None:
    cli = Cli(migrated_url)
    ok(cli, "import", "cow-states", str(STATES))
    path = atop_file(tmp_path / "atop.csv", [member("1", "2", asymm="2"), member("1", "365")])
    result = cli("import", "atop", str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: {path} line 2, column asymm: '2' is not 0 or 1 (or blank for unknown)\n"
    )
    assert cli("export", "dyad-years").stdout.count("\n") == 1  # nothing imported


@pytest.mark.reference
def test_asymmetric_rows_of_the_real_file(cli: Cli, reference_data: Path) -> None:
    atop = reference_data / "atop" / "atop5_1m.csv"
    ok(cli, "import", "cow-states", str(reference_data / "cow" / "states2016.csv"))
    ok(cli, "import", "atop", str(atop))
    result = cli("export", "dyad-years", "--directed", "--source", "atop-5.1")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(expected_atop(atop))
    marked = [r for r in rows if r["asymmetric"] == "1"]
    assert {r["asymmetric"] for r in rows} == {"0", "1"}
    # Every marked row rests on at least one alliance ATOP codes asymm.
    with atop.open(newline="") as handle:
        asymmetric = {
            f"atop-5.1-{r['atopid']}" for r in csv.DictReader(handle) if r["asymm"] == "1"
        }
    assert all(set(r["alliances"].split("; ")) & asymmetric for r in marked)
    uruguay = {(r["ccode1"], r["ccode2"]): r for r in rows if r["year"] == "1860"
               and {r["ccode1"], r["ccode2"]} <= {"140", "160", "165"}}  # fmt: skip
    assert (uruguay[("140", "160")]["defense"], uruguay[("140", "160")]["asymmetric"]) == ("1", "1")
    assert len(marked) == 4_218  # the README's count
