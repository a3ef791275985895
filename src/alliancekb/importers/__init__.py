"""Importers of the standard datasets: ATOP 5.x, COW Formal Alliances v4.1, COW states, and the
covariates of the world test (regime scores, strategic rivalries).

Each reads its whole file first (a bad row or a wrong layout raises InvalidInput before
anything is written), then creates or replaces its source in one transaction.

    csvfile.py   reading a CSV layout (bounded lines, the quick path for plain lines)
    fields.py    typed cells: integers, flags, partial dates, each error naming its cell
    rows.py      the compact rows an import keeps, their positions named
    sources.py   the source row, the import's summary and its change-log entry
    pipeline.py  an alliance file against what its source holds; the replacement in bulk
    edits.py     analysts' edits a replacing import would undo, and their before-values
    bulk.py      COPY / executemany through the driver
    covariates.py  what the covariate imports share: their states, their rows replaced
    atop.py, cow.py, cow_states.py, gw_states.py, regimes.py, rivalries.py
                 one module per dataset: its layout and mapping

DATASETS below is the one list of what `import` reads: adding a dataset is one entry and one
module. This module stays light (nothing but the list is imported until an import runs), so
that the CLI can build its commands from it without slowing `alliancekb --help`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliancekb.errors import NotFound

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from alliancekb.importers.csvfile import Layout, Progress
    from alliancekb.importers.sources import ImportSummary
    from alliancekb.records.writer import WriteContext

__all__ = ["DATASETS", "FORMATS", "Dataset", "ImportSummary", "Progress", "dataset", "import_file"]


@dataclass(frozen=True)
class Dataset:
    """A dataset `import` reads: its name, what it is, an example, and the module that reads it.

    The module gives LAYOUT, parse(path, progress) and write(session, path, parsed, context,
    progress, replace_edits) -> ImportSummary.
    """

    name: str
    help: str
    example: str
    module: str

    def load(self) -> Any:
        return import_module(f"alliancekb.importers.{self.module}")

    @property
    def layout(self) -> Layout:
        layout: Layout = self.load().LAYOUT
        return layout

    @property
    def command(self) -> str:
        return f"import {self.name}"


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "atop",
            "Import ATOP 5.x member-level data (atop5_1m.csv) as source atop-VERSION.",
            "alliancekb import atop ../shared/data/atop/atop5_1m.csv",
            "atop",
        ),
        Dataset(
            "cow",
            "Import COW Formal Alliances member-level data (alliance_v4.1_by_member.csv).",
            "alliancekb import cow ../shared/data/cow/alliance_v4.1_by_member.csv",
            "cow",
        ),
        Dataset(
            "cow-states",
            "Import the COW state system (states2016.csv): states, names and system spells.",
            "alliancekb import cow-states ../shared/data/cow/states2016.csv",
            "cow_states",
        ),
        Dataset(
            "gw-states",
            "Import the Gleditsch-Ward state list (iisystem.dat): states, spells and their COW "
            "codes.",
            "alliancekb import gw-states ../shared/data/gw/iisystem.dat",
            "gw_states",
        ),
        Dataset(
            "regimes",
            "Import regime scores by COW state-year (cw_democracy.csv, V-Dem or Polity5).",
            "alliancekb import regimes ../shared/data/regime/cw_democracy.csv",
            "regimes",
        ),
        Dataset(
            "rivalries",
            "Import Thompson and Dreyer's strategic rivalries (td_rivalries.csv).",
            "alliancekb import rivalries ../shared/data/rivalry/td_rivalries.csv",
            "rivalries",
        ),
    )
}
FORMATS = tuple(DATASETS)


def dataset(name: str) -> Dataset:
    """The dataset called NAME; NotFound names the ones there are."""
    found = DATASETS.get(name)
    if found is None:
        raise NotFound(f"no dataset '{name}': choose one of {', '.join(DATASETS)}")
    return found


def import_file(
    engine: Engine,
    fmt: str,
    path: Path,
    context: WriteContext,
    progress: Progress | None = None,
    *,
    replace_edits: bool = False,
) -> ImportSummary:
    """Import PATH as dataset FMT (a key of DATASETS); one transaction, all or nothing.

    Analysts' edits to the source's records since its last import are not undone unless
    REPLACE_EDITS: the import raises WouldLoseWork naming them.
    """
    from alliancekb import collector
    from alliancekb.database.engine import write_session
    from alliancekb.importers.csvfile import no_progress

    module = dataset(fmt).load()
    report = progress or no_progress
    with collector.paused():  # hundreds of thousands of tuples, none in a cycle
        parsed = module.parse(path, report)
        with write_session(engine) as session:
            summary: ImportSummary = module.write(
                session, path, parsed, context, report, replace_edits
            )
            return summary


def __getattr__(name: str) -> Any:
    """ImportSummary and Progress, imported when first asked for (the package stays light)."""
    if name == "ImportSummary":
        from alliancekb.importers.sources import ImportSummary

        return ImportSummary
    if name == "Progress":
        from alliancekb.importers.csvfile import Progress

        return Progress
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
