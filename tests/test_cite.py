"""`cite` and `export --out F --cite`: each source's own requested citations, the state system
of a universe panel and alliancekb itself; the BibTeX parses (bibtexparser reads it back)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser

import alliancekb
from alliancekb.citations import ALLIANCEKB
from conftest import Cli
from import_helpers import ok

ROOT = Path(__file__).parents[1]


def parsed(text: str) -> list[tuple[str, str, dict[str, str]]]:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return [
        (e.entry_type, e.key, {k: f.value for k, f in e.fields_dict.items()})
        for e in library.entries
    ]


def test_cite_for_a_universe_panel_names_atop_its_codebook_the_system_and_us(cli: Cli) -> None:
    out = ok(cli, "cite", "dyad-years", "--universe", "cow", "--source", "atop-5.1")
    entries = parsed(out)
    assert [(kind, key) for kind, key, _ in entries] == [
        ("article", "leeds2002atop"),
        ("techreport", "atop51codebook"),
        ("misc", "cow2017states"),
        ("software", "alliancekb"),
    ]
    leeds = entries[0][2]
    assert leeds == {
        "author": "Leeds, Brett Ashley and Ritter, Jeffrey M. and Mitchell, Sara McLaughlin and "
        "Long, Andrew G.",
        "title": "{Alliance Treaty Obligations and Provisions, 1815-1944}",
        "journal": "International Interactions",
        "volume": "28",
        "pages": "237-260",
        "year": "2002",
    }
    assert entries[3][2]["version"] == alliancekb.__version__


def test_cite_with_nothing_named_cites_every_source(cli: Cli) -> None:
    keys = [key for _, key, _ in parsed(ok(cli, "cite"))]
    assert keys == [
        "leeds2002atop",
        "atop51codebook",
        "gibler2009alliances",
        "cow2017states",
        "vietnam-case",
        "vu2020",
        "alliancekb",
    ]
    # A panel of alliances cites the sources of alliances only.
    keys = [key for _, key, _ in parsed(ok(cli, "cite", "state-years"))]
    assert keys == ["vu2020", "alliancekb"]


def test_text_and_csl_json(cli: Cli) -> None:
    assert ok(cli, "cite", "--source", "vu2020", "--source", "cow-4.1", "-f", "text") == (
        'Vu, Khang. 2020. "Hanoi\'s Policy of Non-Alignment: Sui Generis." ISEAS Fulcrum, '
        "commentary 2020/226. ISEAS-Yusof Ishak Institute, Singapore.\n"
        "Gibler, Douglas M. 2009. International Military Alliances, 1648-2008. CQ Press.\n"
        "alliancekb contributors. 2026. alliancekb: a knowledge base of alliances between "
        f"states, with sources. Version {alliancekb.__version__}.\n"
    )
    items = json.loads(ok(cli, "cite", "--source", "cow-4.1", "--format", "csl-json"))
    assert items[0] == {
        "id": "gibler2009alliances",
        "type": "book",
        "title": "International Military Alliances, 1648-2008",
        "author": [{"family": "Gibler", "given": "Douglas M."}],
        "publisher": "CQ Press",
        "publisher-place": "Washington, DC",
        "issued": {"date-parts": [[2009]]},
    }


def test_an_analysts_source_is_cited_by_its_record_and_escaped(cli: Cli, tmp_path: Path) -> None:
    record = tmp_path / "source.yaml"
    record.write_text(
        "key: my-notes\ntitle: 'Notes on 50% of {pacts} & more_things'\n"
        "citation: 'Doe, Jane. 2021. Notes.'\ncoverage_start: 1950\ncoverage_end: 1960\n"
    )
    ok(cli, "source", "add", "--file", str(record))
    [(kind, key, fields), _] = parsed(ok(cli, "cite", "--source", "my-notes"))
    assert (kind, key) == ("misc", "my-notes")
    assert fields == {
        "title": r"{Notes on 50\% of (pacts) \& more\_things}",
        "note": "Doe, Jane. 2021. Notes.",
        "year": "2021",
    }


def test_unknown_sources_and_formats_are_refused(cli: Cli) -> None:
    result = cli("cite", "--source", "atop")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: unknown source 'atop' (known: atop-5.1, cow-4.1, cow-states-2016, vietnam-case, "
        "vu2020)\n",
    )
    result = cli("cite", "--format", "ris")
    assert result.exit_code == 2
    assert "'ris' is not one of 'bibtex', 'csl-json', 'text'" in result.stderr


def test_export_cite_writes_the_bib_beside_the_export(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "vietnam.csv"
    result = cli("export", "dyad-years", "--source", "vu2020", "--out", str(out), "--cite")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == f"wrote the citations to {tmp_path / 'vietnam.bib'}"
    entries = parsed((tmp_path / "vietnam.bib").read_text())
    assert [key for _, key, _ in entries] == ["vu2020", "alliancekb"]
    result = cli("export", "dyad-years", "--cite")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "error: --cite writes the citations beside the export: give --out FILE too\n",
    )


def test_citation_cff_says_what_alliancekb_cites_itself_as() -> None:
    cff = (ROOT / "CITATION.cff").read_text()
    assert re.search(r"^version: (.+)$", cff, re.M)[1] == alliancekb.__version__  # type: ignore[index]
    assert f'title: "{ALLIANCEKB["title"]}"' in cff
