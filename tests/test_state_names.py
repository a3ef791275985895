"""Any state by any common name or code: the code table, resolution through it, and the note
on a state outside the state system; through the CLI on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from alliancekb.country_codes import code_table, normalize
from conftest import Cli

FIXTURES = Path(__file__).parent / "fixtures" / "names"

# --- the code table --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "ccode"),
    [
        ("Viet Nam", 816),
        ("USA", 2),
        ("United States", 2),
        ("US", 2),
        ("U.S.A.", 2),
        ("America", 2),
        ("Britain", 200),
        ("Great Britain", 200),
        ("UK", 200),
        ("USSR", 365),
        ("Soviet Union", 365),
        ("DPRK", 731),
        ("North Korea", 731),
        ("ROK", 732),
        ("South Korea", 732),
        ("PRC", 710),
        ("Burma", 775),
        ("Ivory Coast", 437),
        ("Côte d'Ivoire", 437),
        ("cote d ivoire", 437),
        ("Czechia", 316),
        ("DEU", 255),
        ("West Germany", 260),
        ("the Gambia", 420),
        ("St. Lucia", 56),
        ("Swaziland", 572),
        ("Zaire", 490),
        ("Persia", 630),
        ("817", 817),
    ],
)
def test_the_table_knows_the_usual_names(reference: str, ccode: int) -> None:
    assert [e.ccode for e in code_table().lookup(reference)] == [ccode]


def test_a_name_of_two_states_names_both() -> None:
    """Each key names one state, except these, which truly name two (a reference to one of them
    is ambiguous, and the error lists both)."""
    shared = {key: ccodes for key, ccodes in code_table().by_key.items() if len(ccodes) > 1}
    assert shared == {
        "aus": {305, 900},  # stateabb of Austria, ISO3 of Australia
        "cze": {315, 316},  # stateabb of Czechoslovakia, ISO3 of the Czech Republic
        "federalrepublicofgermany": {255, 260},  # West Germany's name, then Germany's
        "kor": {730, 732},  # stateabb of Korea, ISO3 of South Korea
        "mng": {341, 712},  # stateabb of Montenegro, ISO3 of Mongolia
        "slv": {92, 349},  # ISO3 of El Salvador, stateabb of Slovenia
        "swz": {225, 572},  # stateabb of Switzerland, ISO3 of Eswatini
    }


def test_normalize_ignores_case_accents_punctuation_and_the() -> None:
    assert normalize("The Côte d'Ivoire") == normalize("cote-divoire") == "cotedivoire"
    assert normalize("U.S.A.") == "usa"
    assert normalize("Trinidad & Tobago") == "trinidadandtobago"


def _reference_csv(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.reference
def test_the_table_holds_every_cow_state_code_once(reference_data: Path) -> None:
    cow = {
        int(r["ccode"]): r["stateabb"] for r in _reference_csv(reference_data, "cow/states2016.csv")
    }
    table = code_table()
    assert len(table.entries) == len(table.by_ccode) == len(cow) == 217
    assert {e.ccode: e.stateabb for e in table.entries} == cow


@pytest.mark.reference
def test_every_cow_name_finds_its_state(reference_data: Path) -> None:
    for row in _reference_csv(reference_data, "cow/states2016.csv"):
        found = [e.ccode for e in code_table().lookup(row["statenme"])]
        assert found == [int(row["ccode"])], row["statenme"]


# Where the table differs from the countrycode crosswalk, and why (ccode: field, ours, theirs).
GW_MICROSTATES = (54, 55, 56, 57, 58, 60, 221, 223, 232, 331, 403, 591, 935, 983, 986, 987, 990)
DIFFERENCES: dict[tuple[int, str], tuple[str, str]] = {
    # Gleditsch and Ward list microstates apart from iisystem.dat, with these codes; the
    # crosswalk leaves them blank.
    **{(c, "gwcode"): (str(c), "") for c in GW_MICROSTATES},
    (946, "gwcode"): ("970", ""),  # Kiribati: GW microstate 970
    (947, "gwcode"): ("973", ""),  # Tuvalu: GW microstate 973
    (955, "gwcode"): ("972", ""),  # Tonga: GW microstate 972
    (970, "gwcode"): ("971", ""),  # Nauru: GW microstate 971
    (271, "gwcode"): ("271", ""),  # Wuerttemberg: GW 271 (iisystem.dat), 1816-1871
    (273, "gwcode"): ("273", ""),  # Hesse-Kassel: GW 273
    (275, "gwcode"): ("275", ""),  # Hesse-Darmstadt: GW 275
    # GW 255 is Germany (Prussia) 1816-1945, the same state as COW 255 then; GW codes Germany
    # since 1990 as 260, the crosswalk's choice.
    (255, "gwcode"): ("255", "260"),
    # Unified Yemen continues the Yemen Arab Republic in GW (678 from 1918 to today).
    (679, "gwcode"): ("678", ""),
    # GW 815 is Vietnam before 1893 (Annam); the DRV, COW 816, is GW 816 from 1954.
    (816, "gwcode"): ("816", "815"),
    # COW 345 is Serbia since 2006, whose ISO code is SRB.
    (345, "iso3"): ("SRB", ""),
    # The Papal States (1816-1870) are not the Vatican City (1929-), which is not a COW state.
    (327, "iso3"): ("", "VAT"),
}
NOT_IN_CROSSWALK = {260, 730}  # West Germany, Korea (1887-1905): we give them their GW codes.


@pytest.mark.reference
def test_iso3_and_gw_codes_agree_with_the_crosswalk(reference_data: Path) -> None:
    theirs = {
        int(r["cown"]): {"iso3": r["iso3c"], "gwcode": r["gwn"]}
        for r in _reference_csv(reference_data, "crosswalk/countrycode_cow.csv")
    }
    found: dict[tuple[int, str], tuple[str, str]] = {}
    for entry in code_table().entries:
        if entry.ccode not in theirs:
            continue
        ours = {"iso3": entry.iso3 or "", "gwcode": str(entry.gwcode or "")}
        for field in ("iso3", "gwcode"):
            if ours[field] != theirs[entry.ccode][field]:
                found[(entry.ccode, field)] = (ours[field], theirs[entry.ccode][field])
    assert found == DIFFERENCES
    assert set(code_table().by_ccode) - set(theirs) == NOT_IN_CROSSWALK


# --- through the CLI -------------------------------------------------------------------------


@pytest.fixture
def system(cli: Cli) -> Cli:
    """The seed, a small COW state system (both Germanys, the Yemens) and one ATOP alliance."""
    for kind, name in (("cow-states", "states.csv"), ("atop", "atop.csv")):
        result = cli("import", kind, str(FIXTURES / name))
        assert result.exit_code == 0, result.stderr
    return cli


HEADER = (
    "ccode  stateabb  name                      sources   alliances      obligations\n"
    "-----  --------  ------------------------  --------  -------------  "
    "-------------------------------\n"
)


def test_allies_by_iso3(system: Cli) -> None:
    result = system("allies", "DEU", "--year", "2000", "--source", "atop-5.1")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == HEADER + (
        "2      USA       United States of America  atop-5.1  atop-5.1-3180  "
        "atop-5.1: defense, consultation\n"
        "200    UKG       United Kingdom            atop-5.1  atop-5.1-3180  "
        "atop-5.1: defense, consultation\n"
    )


def test_allies_by_an_alias_not_the_closest_spelling(system: Cli) -> None:
    result = system("allies", "United States", "--year", "1960", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        '200,UKG,United Kingdom,atop-5.1,atop-5.1-3180,"atop-5.1: defense, consultation"',
        '260,GFR,German Federal Republic,atop-5.1,atop-5.1-3180,"atop-5.1: defense, consultation"',
    ]


def test_allies_viet_nam(cli: Cli) -> None:
    result = cli("allies", "Viet Nam", "--year", "1985")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[2:] == [
        "365    RUS       Soviet Union  vu2020   vu2020-vnm-ussr  vu2020: unknown",
        "812    LAO       Laos          vu2020   vu2020-vnm-lao   vu2020: unknown",
    ]


def test_a_misspelling_suggests_the_closest_first(system: Cli) -> None:
    result = system("allies", "United Stats")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: unknown state 'United Stats' (use a ccode, stateabb, ISO3 or recorded name; "
        "closest: USA (2 United States of America), UAE (696 United Arab Emirates))\n"
    )


def test_a_name_of_two_states_is_ambiguous(system: Cli) -> None:
    result = system("allies", "Federal Republic of Germany")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: state 'Federal Republic of Germany' is ambiguous: it matches Germany (255 GMY), "
        "German Federal Republic (260 GFR); use a ccode\n"
    )


def test_a_known_state_the_database_lacks(cli: Cli) -> None:
    result = cli("allies", "DEU", "--year", "2000")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: state 'DEU' is 255 Germany (GMY) in the code table, but this database does not "
        "hold it: import the COW state system (cow-states) to add every state\n"
    )


@pytest.mark.parametrize(
    ("args", "note"),
    [
        (
            ("Germany", "--year", "1985"),
            "255 Germany was not a member of the state system in 1985; West Germany (260 GFR) was",
        ),
        (
            ("255", "--on", "1990-10-02"),
            "255 Germany was not a member of the state system on 1990-10-02; "
            "West Germany (260 GFR) was",
        ),
        (
            ("GDR", "--year", "1995"),
            "265 East Germany was not a member of the state system in 1995; Germany (255 GMY) was",
        ),
        (
            ("Yemen", "--year", "1980"),
            "679 Yemen was not a member of the state system in 1980; "
            "North Yemen (678 YAR) and South Yemen (680 YPR) were",
        ),
        (
            ("South Vietnam", "--year", "1980"),
            "817 South Vietnam was not a member of the state system in 1980; "
            "Socialist Republic of Vietnam (816 DRV) was",
        ),
        (("Germany", "--year", "1950"), "255 Germany was not a member of the state system in 1950"),
    ],
)
def test_a_state_outside_the_system_is_named_with_what_was_in_its_place(
    system: Cli, args: tuple[str, ...], note: str
) -> None:
    result = system("allies", *args, "--source", "atop-5.1")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "(no rows)\n", f"note: {note}\n")


def test_a_member_gets_no_note(system: Cli) -> None:
    outside = system("allies", "Germany", "--year", "1989", "--source", "atop-5.1")
    member = system("allies", "Germany", "--year", "1990", "--source", "atop-5.1")
    assert (outside.exit_code, member.exit_code, member.stderr) == (0, 0, "")
    assert outside.stderr.startswith("note: 255 Germany was not a member of the state system in")


def test_with_the_seed_only_there_is_no_note(cli: Cli) -> None:
    """The seed holds ten states of the system: the note needs the whole of it imported."""
    outside = cli("allies", "Viet Nam", "--year", "1950", "--source", "vu2020")
    assert (outside.exit_code, outside.stdout) == (0, "(no rows)\n")
    assert outside.stderr == "note: vu2020 covers 1954-2020: its answer for 1950 is unknown\n"


def test_alliances_of_a_state_outside_the_system_say_so(system: Cli) -> None:
    result = system("alliances", "--state", "YAR", "--year", "2000", "--source", "atop-5.1")
    assert result.exit_code == 0
    assert result.stderr == (
        "note: 678 North Yemen was not a member of the state system in 2000; Yemen (679 YEM) was\n"
    )


# --- --version -------------------------------------------------------------------------------


def test_version(tmp_path: Path) -> None:
    result = Cli(f"sqlite:///{tmp_path / 'never-opened.sqlite'}")("--version")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "alliancekb 0.1.0\n", "")


def test_version_does_not_import_sqlalchemy() -> None:
    """A process is the point: what `alliancekb --version` imports, and that it exits 0."""
    code = (
        "import sys\n"
        "from alliancekb.cli import main\n"
        "sys.argv = ['alliancekb', '--version']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "assert 'sqlalchemy' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (result.returncode, result.stdout, result.stderr) == (0, "alliancekb 0.1.0\n", "")


def test_the_table_is_read_only_for_a_reference_the_database_lacks(db_url: str) -> None:
    """A year query by a recorded name never pays for the table; the first alias reads it once."""
    from alliancekb import KnowledgeBase

    kb = KnowledgeBase.open(db_url)
    try:
        code_table.cache_clear()
        assert [r["ccode"] for r in kb.allies("Vietnam", year=1985)] == [365, 812]
        assert code_table.cache_info().misses == 0
        for _ in range(2):
            assert [r["ccode"] for r in kb.allies("Viet Nam", year=1985)] == [365, 812]
        assert (code_table.cache_info().misses, code_table.cache_info().hits) == (1, 1)
    finally:
        kb.engine.dispose()


@pytest.mark.reference
def test_the_real_system_answers_by_common_names(cli: Cli, reference_data: Path) -> None:
    """The issue's questions on the real COW state list and ATOP 5.1."""
    for kind, name in (("cow-states", "cow/states2016.csv"), ("atop", "atop/atop5_1m.csv")):
        assert cli("import", kind, str(reference_data / name)).exit_code == 0

    def ccodes(*args: str) -> list[int]:
        result = cli("allies", *args, "--source", "atop-5.1", "--format", "csv")
        assert result.exit_code == 0, result.stderr
        return [int(row["ccode"]) for row in csv.DictReader(result.stdout.splitlines())]

    assert {2, 200, 220} <= set(ccodes("DEU", "--year", "2000"))  # NATO
    assert 365 in ccodes("Viet Nam", "--year", "1985")  # the 1978 treaty
    assert {200, 260} <= set(ccodes("United States", "--year", "1960"))
    result = cli("allies", "Germany", "--year", "1985", "--source", "atop-5.1")
    assert (result.exit_code, result.stderr) == (
        0,
        "note: 255 Germany was not a member of the state system in 1985; "
        "West Germany (260 GFR) was\n",
    )
