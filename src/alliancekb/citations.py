"""What each source's makers ask to be cited, and the three ways `cite` writes it.

A work is a CSL-like dict (`id`, `type`, `author`, `title`, `issued`, ...). The standard
datasets carry the works their makers ask for (ATOP: Leeds et al. 2002 and the version's
codebook; COW alliances: Gibler 2009; the COW state system; Gleditsch and Ward 1999), found by
the prefix of the source's key; any other source is cited by its own record (title, citation
text, url). alliancekb itself is cited as its CITATION.cff says. BibTeX is written here, by
hand: a few fields, escaped, that any BibTeX parser reads (the tests parse it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from alliancekb import __version__

Work = dict[str, Any]
FORMATS = ("bibtex", "csl-json", "text")

LEEDS_2002: Work = {
    "id": "leeds2002atop",
    "type": "article-journal",
    "author": [
        ("Leeds", "Brett Ashley"),
        ("Ritter", "Jeffrey M."),
        ("Mitchell", "Sara McLaughlin"),
        ("Long", "Andrew G."),
    ],
    "title": "Alliance Treaty Obligations and Provisions, 1815-1944",
    "container-title": "International Interactions",
    "volume": "28",
    "page": "237-260",
    "issued": 2002,
}
GIBLER_2009: Work = {
    "id": "gibler2009alliances",
    "type": "book",
    "author": [("Gibler", "Douglas M.")],
    "title": "International Military Alliances, 1648-2008",
    "publisher": "CQ Press",
    "publisher-place": "Washington, DC",
    "issued": 2009,
}
COW_STATES: Work = {
    "id": "cow2017states",
    "type": "dataset",
    "author": [("Correlates of War Project", None)],
    "title": "State System Membership List, v2016",
    "URL": "https://correlatesofwar.org/data-sets/state-system-membership/",
    "issued": 2017,
}
GLEDITSCH_WARD_1999: Work = {
    "id": "gleditsch1999interstate",
    "type": "article-journal",
    "author": [("Gleditsch", "Kristian S."), ("Ward", "Michael D.")],
    "title": "Interstate System Membership: A Revised List of the Independent States since 1816",
    "container-title": "International Interactions",
    "volume": "25",
    "page": "393-413",
    "issued": 1999,
}
ALLIANCEKB: Work = {
    "id": "alliancekb",
    "type": "software",
    "author": [("alliancekb contributors", None)],
    "title": "alliancekb: a knowledge base of alliances between states, with sources",
    "version": __version__,
    "issued": 2026,
    "note": "See CITATION.cff in the repository.",
}


def atop_codebook(version: str) -> Work:
    return {
        "id": f"atop{version.replace('.', '')}codebook",
        "type": "report",
        "author": [("Leeds", "Brett Ashley")],
        "title": f"Alliance Treaty Obligations and Provisions (ATOP) Codebook, Version {version}",
        "URL": "http://www.atopdata.org",
        "issued": 2022 if version == "5.1" else None,
    }


def works_of_source(
    key: str, title: str, citation: str, url: str | None, version: str | None
) -> list[Work]:
    """The works a source asks to be cited: the standard datasets' own, else its record."""
    if key.startswith("atop-"):
        return [LEEDS_2002, atop_codebook(version or key.removeprefix("atop-"))]
    if key.startswith("cow-states"):
        return [COW_STATES]
    if key.startswith("cow-"):
        return [GIBLER_2009]
    if key.startswith("gw-"):
        return [GLEDITSCH_WARD_1999]
    year = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", citation)
    work: Work = {
        "id": key,
        "type": "dataset",
        "author": [],
        "title": title,
        "note": citation,
        "issued": int(year.group(1)) if year else None,
    }
    if url:
        work["URL"] = url
    return [work]


def unique(works: Iterable[Work]) -> list[Work]:
    """Each work once, in the order first given."""
    seen: dict[str, Work] = {}
    for work in works:
        seen.setdefault(work["id"], work)
    return list(seen.values())


# --- writers ---------------------------------------------------------------------------------

_BIBTEX_TYPES = {
    "article-journal": "article",
    "book": "book",
    "dataset": "misc",
    "report": "techreport",
    "software": "software",
}
_SPECIAL = {c: "\\" + c for c in "&%$#_"} | {"~": r"\textasciitilde{}", "^": r"\^{}"}


def _tex(text: str) -> str:
    cleaned = text.replace("\\", "/").replace("{", "(").replace("}", ")")
    return "".join(_SPECIAL.get(c, c) for c in cleaned)


def _bib_author(author: tuple[str, str | None]) -> str:
    family, given = author
    return f"{_tex(family)}, {_tex(given)}" if given else "{" + _tex(family) + "}"


def bibtex(works: Iterable[Work]) -> str:
    entries = []
    for work in works:
        fields: list[tuple[str, str]] = []
        if work["author"]:
            fields.append(("author", " and ".join(map(_bib_author, work["author"]))))
        fields.append(("title", "{" + _tex(work["title"]) + "}"))  # keep its capitals
        for name, field in (
            ("container-title", "journal"),
            ("volume", "volume"),
            ("page", "pages"),
            ("publisher", "publisher"),
            ("publisher-place", "address"),
            ("version", "version"),
            ("URL", "url"),
            ("note", "note"),
        ):
            if work.get(name):
                value = str(work[name])
                fields.append((field, value if field == "url" else _tex(value)))
        if work["type"] == "report":
            fields.append(("institution", "Rice University"))
        if work.get("issued"):
            fields.append(("year", str(work["issued"])))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@{_BIBTEX_TYPES[work['type']]}{{{work['id']},\n{body}\n}}\n")
    return "\n".join(entries)


def csl_json(works: Iterable[Work]) -> str:
    items = []
    for work in works:
        item: dict[str, Any] = {"id": work["id"], "type": work["type"], "title": work["title"]}
        item["author"] = [
            {"family": family, "given": given} if given else {"literal": family}
            for family, given in work["author"]
        ]
        for name in ("container-title", "volume", "page", "publisher", "publisher-place"):
            if work.get(name):
                item[name] = work[name]
        for name in ("version", "URL", "note"):
            if work.get(name):
                item[name] = work[name]
        if work.get("issued"):
            item["issued"] = {"date-parts": [[work["issued"]]]}
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def _names(authors: list[tuple[str, str | None]]) -> str:
    named = [
        (f"{family}, {given}" if i == 0 else f"{given} {family}") if given else family
        for i, (family, given) in enumerate(authors)
    ]
    if len(named) <= 1:
        return "".join(named)
    return ", ".join(named[:-1]) + (", and " if len(named) > 2 else " and ") + named[-1]


def text(works: Iterable[Work]) -> str:
    """One line per work: authors. year. "Title." where it appeared. url."""
    lines = []
    for work in works:
        if not work["author"] and work.get("note"):
            lines.append(work["note"])  # a source of one's own: its citation as recorded
            continue
        parts = [_names(work["author"]).rstrip(".") + "."] if work["author"] else []
        if work.get("issued"):
            parts.append(f"{work['issued']}.")
        quoted = work["type"] in ("article-journal", "dataset", "report")
        parts.append(f'"{work["title"]}."' if quoted else f"{work['title']}.")
        if work.get("container-title"):
            parts.append(f"{work['container-title']} {work['volume']}: {work['page']}.")
        if work.get("publisher"):
            parts.append(f"{work['publisher']}.")
        if work.get("version") and work["type"] == "software":
            parts.append(f"Version {work['version']}.")
        if work.get("URL"):
            parts.append(f"{work['URL']}")
        lines.append(" ".join(parts))
    return "\n".join(lines) + "\n"


WRITERS = {"bibtex": bibtex, "csl-json": csl_json, "text": text}
