"""Records that contradict the database: a state answering to another state's name, the same
dyad coded twice, a one-state alliance, text longer than its column. Refused with one line on
both databases, nothing written; what resolved before resolves the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from alliancekb.resources import bundled_seed
from conftest import Cli
from records_helpers import write
from reliability_helpers import snapshot

ZED: dict[str, Any] = {"ccode": 999, "stateabb": "ZED", "name": "Zedland", "source": "vu2020"}
AMBIGUOUS = "a second state answering to it would make '{text}' ambiguous; choose another {kind}"

POISON = [
    ({"name": "Vietnam"}, "name: 'Vietnam' already names Vietnam (816 DRV)", "Vietnam", "name"),
    (
        {"stateabb": "usa"},
        "stateabb: 'usa' already names United States of America (2 USA)",
        "usa",
        "stateabb",
    ),
    ({"name": "816"}, "name: '816' already names Vietnam (816 DRV)", "816", "name"),
    ({"stateabb": "VNM"}, "stateabb: 'VNM' already names Vietnam (816 DRV)", "VNM", "stateabb"),
    ({"iso3": "LAO"}, "iso3: 'LAO' already names Laos (812 LAO)", "LAO", "iso3"),
    (
        {"names": [{"name": "soviet union", "start": 1990}]},
        "names[0].name: 'soviet union' already names Russia (365 RUS)",
        "soviet union",
        "name",
    ),
    ({"ccode": 1000, "name": "365"}, "name: '365' already names Russia (365 RUS)", "365", "name"),
]


@pytest.mark.parametrize(("fields", "message", "text", "kind"), POISON, ids=[p[2] for p in POISON])
def test_a_state_answering_to_another_states_reference_is_refused(
    cli: Cli,
    db_url: str,
    tmp_path: Path,
    fields: dict[str, Any],
    message: str,
    text: str,
    kind: str,
) -> None:
    before = snapshot(db_url)
    path = write(tmp_path / "state.yaml", {**ZED, **fields})
    result = cli("state", "add", "--file", str(path))
    expected = f"error: {path}: {message}: {AMBIGUOUS.format(text=text, kind=kind)}\n"
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", expected)
    assert snapshot(db_url) == before
    allies = cli("allies", "Vietnam", "--year", "1985", "--format", "json")
    assert allies.exit_code == 0, allies.stderr


def test_a_state_keeps_its_own_references(cli: Cli, tmp_path: Path) -> None:
    added = cli("state", "add", "--file", str(write(tmp_path / "zed.yaml", ZED)))
    assert added.exit_code == 0, added.stderr
    poisoned = {**ZED, "names": [{"name": "Laos", "start": 1990}]}
    result = cli("state", "amend", "--file", str(write(tmp_path / "zed.yaml", poisoned)))
    assert result.stderr.startswith(f"error: {tmp_path / 'zed.yaml'}: names[0].name: 'Laos'")
    amended = {**ZED, "name": "Zedland", "names": [{"name": "ZED", "start": 1990}]}
    result = cli("state", "amend", "--file", str(write(tmp_path / "zed.yaml", amended)))
    assert result.exit_code == 0, result.stderr


def test_an_iso3_that_is_another_states_stateabb_is_allowed(
    migrated_url: str, tmp_path: Path
) -> None:
    """COW's AUS is Austria, ISO's AUS Australia: the real data holds this meeting of two code
    systems, so a new ISO3 may be another state's stateabb (and stays ambiguous, as before)."""
    cli = Cli(migrated_url)
    data = yaml.safe_load(bundled_seed().read_text(encoding="utf-8"))
    austria = {"ccode": 305, "stateabb": "AUS", "name": "Austria", "source": "vu2020"}
    seed = {"sources": data["sources"], "states": [austria]}
    assert cli("seed", str(write(tmp_path / "seed.yaml", seed))).exit_code == 0
    australia = {**austria, "ccode": 900, "stateabb": "AUL", "name": "Australia", "iso3": "AUS"}
    poisoned = {**australia, "stateabb": "aus"}
    result = cli("state", "add", "--file", str(write(tmp_path / "aul.yaml", poisoned)))
    assert result.stderr.startswith(f"error: {tmp_path / 'aul.yaml'}: stateabb: 'aus' already")
    result = cli("state", "add", "--file", str(write(tmp_path / "aul.yaml", australia)))
    assert result.exit_code == 0, result.stderr
    assert cli("allies", "AUS").stderr == (
        "error: state 'AUS' is ambiguous: it matches Austria (305 AUS), "
        "Australia (900 AUL); use a ccode\n"
    )


def test_seed_refuses_a_poisoning_state_too(cli: Cli, db_url: str, tmp_path: Path) -> None:
    data = yaml.safe_load(bundled_seed().read_text(encoding="utf-8"))
    data["states"].append({**ZED, "name": "Laos"})
    path = write(tmp_path / "seed.yaml", data)
    before = snapshot(db_url)
    result = cli("seed", str(path))
    index = len(data["states"]) - 1
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {path}: states[{index}]: name: 'Laos' already names Laos (812 LAO): "
        f"{AMBIGUOUS.format(text='Laos', kind='name')}\n",
    )
    assert snapshot(db_url) == before


LAO_VNM: dict[str, Any] = {
    "key": "again",
    "states": ["LAO", "VNM"],
    "start": 1977,
    "shared_ideology": True,
    "shared_security": False,
    "source": "vu2020",
}
SAME_DYAD = (
    "alignment 'vu2020-vnm-lao-1977' already codes LAO-DRV from 1977 for vu2020: "
    "amend 'vu2020-vnm-lao-1977' instead, or fix the start"
)


def test_an_alignment_of_the_reversed_dyad_is_the_same_dyad(
    cli: Cli, db_url: str, tmp_path: Path
) -> None:
    before = snapshot(db_url)
    path = write(tmp_path / "alignment.yaml", LAO_VNM)
    result = cli("alignment", "add", "--file", str(path))
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"error: {path}: {SAME_DYAD}\n",
    )
    assert snapshot(db_url) == before


def test_seed_refuses_the_reversed_dyad(cli: Cli, db_url: str, tmp_path: Path) -> None:
    data = yaml.safe_load(bundled_seed().read_text(encoding="utf-8"))
    data["alignments"].append(LAO_VNM)
    path = write(tmp_path / "seed.yaml", data)
    before = snapshot(db_url)
    result = cli("seed", str(path))
    index = len(data["alignments"]) - 1
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {path}: alignments[{index}]: {SAME_DYAD}\n",
    )
    assert snapshot(db_url) == before


ONE_STATE = (
    "members: VNM is the only state: an alliance needs at least two different states; "
    "add the other member or drop the record"
)


@pytest.mark.parametrize("second", ["VNM", "816"])
def test_an_alliance_of_one_state_is_refused(
    cli: Cli, db_url: str, tmp_path: Path, second: str
) -> None:
    alliance = {
        "key": "one",
        "source": "vu2020",
        "formal": True,
        "start": 1960,
        "end": 1970,
        "members": [
            {"state": "VNM", "start": 1960, "end": 1965},
            {"state": second, "start": 1960, "end": 1970, "phase": 1},
        ],
    }
    before = snapshot(db_url)
    path = write(tmp_path / "alliance.yaml", alliance)
    result = cli("alliance", "add", "--file", str(path))
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"error: {path}: {ONE_STATE}\n",
    )
    assert snapshot(db_url) == before


def test_a_long_user_name_is_refused_alike_on_both_databases(
    cli: Cli, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite stores 150 characters in VARCHAR(100), PostgreSQL refuses them with a driver
    error: both refuse, with the same line, before writing."""
    monkeypatch.setenv("ALLIANCEKB_USER", "u" * 150)
    before = snapshot(db_url)
    path = write(tmp_path / "zed.yaml", ZED)
    result = cli("state", "add", "--file", str(path))
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"error: the name of who writes, '{'u' * 20}…', has 150 characters, more than the 100 "
        "the change log keeps: set ALLIANCEKB_USER to a shorter one\n",
    )
    assert cli("seed").stderr.startswith("error: the name of who writes,")
    monkeypatch.setenv("ALLIANCEKB_USER", "u" * 100)
    result = cli("state", "add", "--file", str(path), "--by", "alice")
    assert result.exit_code == 0, result.stderr
    assert snapshot(db_url) != before


def test_a_long_command_is_cut_alike_on_both_databases(cli: Cli, tmp_path: Path) -> None:
    """The command logged names the file: a long path is cut to the 200 characters the log
    keeps (it is a note, not a key), on both databases."""
    folder = tmp_path / ("d" * 200)
    folder.mkdir()
    seed = write(folder / "seed.yaml", {"states": [ZED]})
    result = cli("seed", str(seed))
    assert result.exit_code == 0, result.stderr
    [entry] = [e for e in _history(cli) if e["record_key"] == "999"]
    assert entry["command"] == f"seed {seed}"[:199] + "…"


def _history(cli: Cli) -> list[dict[str, Any]]:
    import json

    result = cli("history", "--format", "json")
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def test_every_text_is_checked_against_its_column(cli: Cli, tmp_path: Path) -> None:
    """What the schemas do not bound is refused by the column's own length, before the write,
    on both databases: a seed's notes are Text (no limit), a state name is at most 200."""
    from alliancekb.database.engine import write_session
    from alliancekb.database.models import Source
    from alliancekb.errors import InvalidInput
    from alliancekb.kb import KnowledgeBase
    from alliancekb.records.checks import guard_lengths

    kb = KnowledgeBase.open(cli.url)
    try:
        with pytest.raises(InvalidInput) as info, write_session(kb.engine) as session:
            guard_lengths(session)
            session.add(
                Source(key="k", title="t", citation="c", version="v" * 33, coverage_start=1)
            )
            session.flush()
    finally:
        kb.engine.dispose()
    assert str(info.value) == (
        "sources.version: 'vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv' has 33 characters, more than the 32 "
        "it may have: shorten it"
    )
