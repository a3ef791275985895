"""The world test as a picture: the share allied in each of the four cells, by decade.

Imported only by `KnowledgeBase.world_picture`, once matplotlib is known to be there; the
house style of `analysis/drawing.py`: a bare Figure (no pyplot state), text kept as text in
SVG, no dates in the file (the same data give the same bytes).
"""

from __future__ import annotations

import io

import matplotlib
from matplotlib.figure import Figure

from alliancekb.analysis.drawing import small_png
from alliancekb.analysis.world import CELLS, FOUR, WorldCounts, cell_label

CELL_STYLES = (
    ("#1f4e99", "-", "o"),
    ("#e6550d", "-", "s"),
    ("#2ca25f", "--", "^"),
    ("#7b3294", ":", "D"),
)


def draw_world(counts: WorldCounts, fmt: str) -> bytes:
    """Four lines, one per cell: the share of its dyad-years allied, decade by decade."""
    decades = counts.decade_shares()
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "alliancekb", "font.size": 9}
    ):
        fig = Figure(figsize=(10.0, 6.0), dpi=100)
        ax = fig.add_axes((0.08, 0.3, 0.88, 0.56))
        for slot, c in enumerate(FOUR):
            colour, dash, marker = CELL_STYLES[slot]
            # Each decade's point at the middle of its years counted (1816-1819, ..., 2010).
            points = [
                ((years[0] + years[-1] + 1) / 2, 100 * share)
                for years, shares in decades
                if (share := shares[slot]) is not None
            ]
            ax.plot(
                [x for x, _ in points],
                [y for _, y in points],
                color=colour,
                linestyle=dash,
                marker=marker,
                markersize=4,
                linewidth=1.6,
                label=cell_label(*CELLS[c]),
            )
        ax.set_xlim(counts.first // 10 * 10, counts.last // 10 * 10 + 10)
        ax.set_xticks(range(counts.first // 10 * 10, counts.last // 10 * 10 + 11, 20))
        ax.set_ylabel("dyad-years allied (%)")
        ax.set_xlabel("decade")
        ax.grid(color="#dddddd", linewidth=0.8)
        ax.set_axisbelow(True)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False, fontsize=9
        )
        fig.suptitle(
            f"The Hanoi rule for the whole world, {counts.first}-{counts.last}",
            x=0.08,
            ha="left",
            y=0.97,
            fontsize=13,
            fontweight="bold",
        )
        fig.text(
            0.08,
            0.885,
            f"Every undirected dyad-year of the {counts.universe.upper()} state system; allied "
            f"as {counts.source} codes it; one point per decade.",
            fontsize=9,
            color="#444444",
        )
        fig.text(
            0.08,
            0.03,
            counts.derivation.describe().replace("; shared ideology", ";\nshared ideology"),
            fontsize=8,
            color="#555555",
            linespacing=1.4,
        )
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue() if fmt == "svg" else small_png(buffer.getvalue())
