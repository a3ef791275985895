"""`alliancekb timeline`: the picture of a state's alliances, as SVG and PNG."""

from __future__ import annotations

import struct
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import Cli

FIXTURES = Path(__file__).parent / "fixtures"
SVG_NS = "{http://www.w3.org/2000/svg}"


def svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG_NS}svg"
    return ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_svg_of_vietnam_keeps_its_text(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "vietnam.svg"
    result = cli("timeline", "Vietnam", "--from", "1950", "--to", "2021", "--out", str(out))
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"wrote the timeline of Vietnam (1950-2021, 7 lanes) to {out}\n"
    texts = svg_texts(out)
    lanes = [
        "Soviet Union /",
        "Russian Federation",
        "People's Republic of China",
        "Laos",
        "United States of America",
        "Japan",
        "India",
        "Australia",
    ]
    assert [t for t in texts if t in lanes] == lanes
    assert "Alliances of Vietnam, 1950-2021" in texts
    for label in (
        "1979 Sino-Vietnamese border war",
        "1991 Dissolution of the Soviet Union",
        "alliance coded by vu2020",
        "shared political values",
        "shared security interests",
        "treaty signed",
        "treaty ended",
    ):
        assert label in texts
    # Treaty markers: the 1978 treaty, its end and the 1994 one, the 1977 Laos treaty.
    assert [t for t in texts if t in ("1977", "1978", "1994")] == ["1978", "1994", "1977"]
    assert [t for t in texts if t.startswith("1972")] == []  # summits without Vietnam


def test_png_is_a_real_png_of_sensible_size(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "vietnam.png"
    result = cli("timeline", "VNM", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"wrote the timeline of Vietnam (1950-2021, 7 lanes) to {out}\n"
    width, height = png_size(out.read_bytes())
    assert width == 1200
    assert 700 <= height <= 1100
    assert not list(tmp_path.glob(".*partial"))


def test_the_same_picture_twice_is_the_same_file(cli: Cli, tmp_path: Path) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    assert cli("timeline", "Vietnam", "--out", str(first)).exit_code == 0
    assert cli("timeline", "Vietnam", "--out", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_sources_get_their_own_colour_and_a_big_pact_its_own_lane(cli: Cli, tmp_path: Path) -> None:
    assert cli("seed", str(FIXTURES / "timeline_pacts.yaml")).exit_code == 0
    out = tmp_path / "vietnam.svg"
    result = cli("timeline", "Vietnam", "--out", str(out))
    assert result.stderr == f"wrote the timeline of Vietnam (1950-2021, 8 lanes) to {out}\n"
    texts = svg_texts(out)
    assert "alliance coded by testmulti" in texts
    assert "alliance coded by vu2020" in texts
    assert "Test regional pact (6 members)" in texts
    assert "testmulti 1960-2010; vu2020 1954-2020" in " ".join(texts)

    only = tmp_path / "testmulti.svg"
    result = cli("timeline", "Vietnam", "--source", "testmulti", "--out", str(only))
    assert result.exit_code == 0, result.stderr
    texts = svg_texts(only)
    assert "alliance coded by testmulti" in texts
    assert "alliance coded by vu2020" not in texts


def test_the_window_clips_the_picture(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "cold-war.svg"
    result = cli("timeline", "Vietnam", "--from", "1970", "--to", "1985", "--out", str(out))
    assert result.stderr == f"wrote the timeline of Vietnam (1970-1985, 3 lanes) to {out}\n"
    texts = svg_texts(out)
    assert "Soviet Union" in texts  # one name in 1970-1985: no Russian Federation
    assert "Russian Federation" not in texts
    assert "1991 Dissolution of the Soviet Union" not in texts
    assert "1979 Sino-Vietnamese border war" in texts


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("Vietnam", "--out", "{tmp}/v.pdf"),
            "error: --out {tmp}/v.pdf: the picture must be a .svg or .png file\n",
        ),
        (
            ("Vietnam", "--out", "{tmp}/nowhere/v.svg"),
            "error: --out {tmp}/nowhere/v.svg: no folder {tmp}/nowhere; create it first\n",
        ),
        (
            ("Atlantis", "--out", "{tmp}/v.svg"),
            "error: unknown state 'Atlantis' (use a ccode, stateabb, ISO3 or recorded name)\n",
        ),
        (
            ("Japan", "--to", "1960", "--out", "{tmp}/v.svg"),
            "error: Japan has nothing to "
            "draw in -1960: its records run 2017-2020; widen the years asked\n",
        ),
        (
            ("VNM", "--from", "1930", "--to", "1940", "--out", "{tmp}/v.svg"),
            "error: Vietnam "
            "has nothing to draw in 1930-1940: its records run 1954-2021; widen the years asked\n",
        ),
        (
            ("Cambodia", "--out", "{tmp}/v.svg"),
            "error: Cambodia (811 CAM) has no alliance or "
            "alignment to draw: check the state or the sources asked\n",
        ),
        (
            ("Vietnam", "--source", "nope", "--out", "{tmp}/v.svg"),
            "error: unknown source 'nope' "
            "(known: atop-5.1, cow-4.1, cow-states-2016, vietnam-case, vu2020)\n",
        ),
    ],
    ids=["suffix", "folder", "state", "window", "empty-window", "nothing", "source"],
)
def test_errors_write_nothing(
    cli: Cli, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    result = cli("timeline", *(a.format(tmp=pictures) for a in args))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == message.format(tmp=pictures)
    assert list(pictures.iterdir()) == []


def test_without_matplotlib_it_names_the_extra(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib: ImportError
    out = tmp_path / "vietnam.png"
    result = cli("timeline", "Vietnam", "--out", str(out))
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "error: the timeline needs matplotlib: pip install 'alliancekb[plot]'\n",
    )
    assert not out.exists()
