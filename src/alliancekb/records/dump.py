"""The lossless dump: the whole knowledge base in the seed format, in an order `seed` reads.

Seeding a dump into an empty database gives identical exports of every table.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, TextIO

import yaml
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alliancekb.database.engine import read_session
from alliancekb.records import tables as export
from alliancekb.records.kinds import KINDS
from alliancekb.records.write import Row, dependency_order
from alliancekb.schemas import MemberIn, NameIn, SpellIn

NESTED: dict[str, type[BaseModel]] = {"members": MemberIn, "names": NameIn, "spells": SpellIn}


class _Inline(dict[str, Any]):
    """A nested record (a member, a name, a spell), written on one line as in the seed."""


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(not isinstance(item, dict | list) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_inline(dumper: yaml.SafeDumper, data: _Inline) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", dict(data), flow_style=True)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(_Inline, _represent_inline)


def _compact(record: Row, schema: type[BaseModel]) -> Row:
    """The record without the nulls and empty lists its schema would fill in anyway."""
    out: Row = {}
    for name, value in record.items():
        field = schema.model_fields[name]
        if (value is None or value == []) and not field.is_required():
            continue
        if name in NESTED and isinstance(value, list):
            value = [_Inline(_compact(item, NESTED[name])) for item in value]
        out[name] = value
    return out


def dump(session: Session, out: TextIO, fmt: str = "yaml") -> Counter[str]:
    """Write every record in the seed format (YAML or JSON), in an order seeding can read."""
    counts: Counter[str] = Counter()
    if fmt == "yaml":
        out.write(
            "# The whole alliancekb knowledge base in the seed format, written by\n"
            "# `alliancekb dump`. Load it with `alliancekb seed FILE`.\n"
        )
    else:
        out.write("{")
    for number, kind in enumerate(KINDS.values()):
        rows: Any = export.TABLES[kind.section](session)
        if kind.name == "treaty":
            rows = dependency_order(list(rows))
        if fmt == "yaml":
            out.write(f"\n{kind.section}:")
        else:
            out.write(f"{',' if number else ''}\n  {json.dumps(kind.section)}: [")
        for row in rows:
            record = _compact(row, kind.schema)
            if fmt == "yaml":
                out.write("\n" if counts[kind.section] == 0 else "")
                out.write(
                    yaml.dump(
                        [record],
                        Dumper=_Dumper,
                        allow_unicode=True,
                        sort_keys=False,
                        width=100,
                    )
                )
            else:
                separator = "," if counts[kind.section] else ""
                out.write(f"{separator}\n    {json.dumps(record, ensure_ascii=False)}")
            counts[kind.section] += 1
        if fmt == "yaml" and counts[kind.section] == 0:
            out.write(" []\n")
        elif fmt != "yaml":
            out.write("\n  ]" if counts[kind.section] else "]")
    if fmt != "yaml":
        out.write("\n}\n")
    return counts


def dump_to(engine: Engine, out: TextIO, fmt: str = "yaml") -> Counter[str]:
    with read_session(engine) as session:
        return dump(session, out, fmt)
