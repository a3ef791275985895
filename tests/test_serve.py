"""`alliancekb serve`: datasette on the knowledge base, through its JSON API and in headless
Chromium, on both databases (PostgreSQL's through a snapshot).

The server runs as a user starts it, `python -m alliancekb --db URL serve --port P`, in a
process of its own on the loopback address. The browser test needs Debian's `chromium`: without
it the test skips, except under CI (CI=true), where it fails.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import IN_CI, Cli

ALLIES = "/alliancekb/allies_in_year"
ALLIES_816_1985 = [
    {
        "ccode": 365,
        "stateabb": "RUS",
        "name": "Soviet Union",
        "sources": "vu2020",
        "alliances": "vu2020-vnm-ussr",
    },
    {
        "ccode": 812,
        "stateabb": "LAO",
        "name": "Laos",
        "sources": "vu2020",
        "alliances": "vu2020-vnm-lao",
    },
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    base: str
    process: subprocess.Popen[str]

    def get(self, path: str, **params: str) -> Any:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(self.base + path + query, timeout=10) as response:
            return json.loads(response.read())


def start(url: str, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "alliancekb", "--db", url, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def server(db_url: str) -> Iterator[Server]:
    port = free_port()
    process = start(db_url, port)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"serve did not start: {process.communicate()}") from None
                time.sleep(0.2)
        yield Server(base, process)
    finally:
        process.terminate()
        process.wait(timeout=20)
        assert process.stderr is not None
        process.stderr.close()
        assert process.stdout is not None
        process.stdout.close()


def test_the_canned_query_through_the_json_api(server: Server, db_url: str) -> None:
    rows = server.get(ALLIES + ".json", state="816", year="1985", _shape="array")
    assert rows == ALLIES_816_1985
    # The state by any of its codes or a name, as on the command line.
    assert server.get(ALLIES + ".json", state="vnm", year="1985", _shape="array") == rows
    assert server.get(ALLIES + ".json", state="Vietnam", year="1985", _shape="array") == rows
    in_1995 = server.get(ALLIES + ".json", state="816", year="1995", _shape="array")
    assert [r["name"] for r in in_1995] == ["Laos"]


def test_the_other_canned_queries(server: Server) -> None:
    in_force = server.get("/alliancekb/alliances_in_year.json", year="1965", _shape="array")
    assert [(r["alliance"], r["members"]) for r in in_force] == [
        ("vu2020-vnm-chn", 2),
        ("vu2020-vnm-ussr", 2),
    ]
    timeline = server.get("/alliancekb/state_timeline.json", state="LAO", _shape="array")
    assert [(r["start"], r["end"], r["alliance"]) for r in timeline] == [
        ("1977", None, "vu2020-vnm-lao")
    ]


def test_the_metadata_names_things_and_cites_the_sources(server: Server) -> None:
    meta = server.get("/-/metadata.json")
    tables = meta["databases"]["alliancekb"]["tables"]
    assert tables["alliances"]["label_column"] == "key"
    assert tables["states"]["label_column"] == "name"
    assert tables["alliances"]["columns"]["start_day"] == (
        "The first day the start can mean (1954 -> 1954-01-01)."
    )
    assert "Vu, Khang. 2020." in tables["sources"]["description"]
    assert set(meta["databases"]["alliancekb"]["queries"]) == {
        "allies_in_year",
        "alliances_in_year",
        "state_timeline",
    }
    # Foreign keys shown by their labels: the alliance key and the state's name, not ids.
    rows = server.get(
        "/alliancekb/memberships.json", _labels="on", _shape="array", _sort="id", _size="1"
    )
    assert (rows[0]["alliance_id"]["label"], rows[0]["state_id"]["label"]) == (
        "vu2020-vnm-chn",
        "Vietnam",
    )


def test_the_site_is_read_only(server: Server, db_url: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        server.get("/alliancekb.json", sql="delete from states")
    assert refused.value.code == 400
    assert json.loads(refused.value.read())["error"] == "Statement must be a SELECT"
    assert len(Cli(db_url)("states", "--format", "json").stdout.splitlines()) > 2


def test_serve_names_what_it_serves(server: Server, db_url: str) -> None:
    server.process.terminate()
    _out, err = server.process.communicate(timeout=20)
    port = server.base.rsplit(":", 1)[1]
    if db_url.startswith("sqlite"):
        served = db_url.removeprefix("sqlite:///")
    else:
        served = "a snapshot of the database"
    first = f"serving {served} read-only at http://127.0.0.1:{port}/ (Ctrl-C to stop)"
    assert err.splitlines()[0] == first


def test_a_port_in_use_is_one_line(cli: Cli) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("serve", "--port", str(port))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: port {port} on 127.0.0.1: Address already in use: choose another port\n"
    )


def test_a_bad_port_is_one_line(cli: Cli) -> None:
    result = cli("serve", "--port", "70000")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: port 70000: give a port from 1 to 65535\n",
    )


# --- in a real browser -----------------------------------------------------------------------


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "the browser test needs Debian's chromium (apt-get install chromium)"
        if IN_CI:
            pytest.fail(f"{reason} (CI must run it)")
        pytest.skip(reason)
    return found


def headless(browser: str, *flags: str, url: str) -> str:
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *flags, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_the_canned_query_in_headless_chromium(server: Server, tmp_path: Path) -> None:
    browser = chromium()
    page = f"{server.base}{ALLIES}?state=816&year=1985&_hide_sql=1"
    dom = headless(browser, "--dump-dom", url=page)
    assert "<h1" in dom and "Allies of a state in a year" in dom
    assert "Custom SQL query returning 2 rows" in dom
    cells = [line.strip() for line in dom.splitlines()]
    assert '<td class="col-name">Soviet Union</td>' in cells
    assert '<td class="col-name">Laos</td>' in cells
    picture = tmp_path / "allies.png"
    headless(browser, "--window-size=1100,620", f"--screenshot={picture}", url=page)
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
