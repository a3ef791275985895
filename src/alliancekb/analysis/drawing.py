"""Drawing a gathered Timeline with matplotlib (the optional `plot` extra).

Imported only by `KnowledgeBase.timeline_picture`, once matplotlib is known to be there (the
timeline module gathers the data and never imports this one). No pyplot: a bare
Figure keeps no global state, so drawing twice in one process gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap

import matplotlib
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import offset_copy

from alliancekb.analysis.timeline import EventMark, Lane, Timeline

SOURCE_COLOURS = ("#1f4e99", "#e6550d", "#2ca25f", "#7b3294", "#8c564b", "#c51b7d")
SHADES = {"shared ideology": "#f4a3a3", "shared security": "#f2cf5b"}
SHADE_LABELS = {
    "shared ideology": "shared political values",
    "shared security": "shared security interests",
}
EVENT_COLOUR = "#555555"
BAR_ROW_IN = 0.15
BAR_TOP_IN = 0.3
BAR_LANE_IN = 0.56
SHADE_LANE_IN = 0.42
WIDTH_IN = 12.0
LABEL_CHARS = 34
LANE_CHARS = 32


def _x(day: dt.date) -> float:
    """A day as a fractional year, so bars sit on the year axis where they belong."""
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def _end_x(day: dt.date) -> float:
    """The end of a day (an alliance in force on its last day covers it)."""
    return _x(day + dt.timedelta(days=1)) if day < dt.date.max else _x(day)


def _short(title: str) -> str:
    text = title.split(";")[0].split(" (")[0].strip()
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def _lane_label(label: str) -> str:
    """Short labels as they are; a state's names over time one per line; others wrapped."""
    if len(label) <= LANE_CHARS:
        return label
    if " / " in label:
        return label.replace(" / ", " /\n")
    return textwrap.fill(label, LANE_CHARS)


def _event_labels(events: list[EventMark], first: int, last: int) -> list[tuple[float, float, str]]:
    """(line x, label x, text): labels nudged right so rotated texts do not overlap."""
    gap = (last + 1 - first) / 75
    placed: list[tuple[float, float, str]] = []
    for event in events:
        x = _x(event.start)
        label_x = x if not placed else max(x, placed[-1][1] + gap)
        placed.append((x, label_x, f"{event.start.year} {_short(event.title)}"))
    return placed


def _zone(sources: int) -> float:
    """The height of a lane's bars, in inches: a row per source, none too thin."""
    return max(0.3, BAR_ROW_IN * sources)


def _layout(lanes: list[Lane], rows: int) -> list[tuple[float, float]]:
    """Each lane's centre and height in inches from the bottom, the first lane on top."""
    heights = [BAR_LANE_IN + _zone(rows) if lane.bars else SHADE_LANE_IN for lane in lanes]
    centres, top = [], sum(heights)
    for height in heights:
        centres.append(top - height / 2)
        top -= height
    return list(zip(centres, heights, strict=True))


def draw(timeline: Timeline, fmt: str) -> bytes:
    """Draw the timeline; SVG keeps its text as text (searchable, readable by tests)."""
    lanes = timeline.lanes
    layout = _layout(lanes, max(len(timeline.sources), 1))
    plot_h = sum(h for _c, h in layout)
    labels = _event_labels(timeline.events, timeline.first, timeline.last)
    longest = max((len(text) for _x0, _x1, text in labels), default=0)
    top_in, bottom_in = 0.95 + 0.06 * longest, 1.2
    height = plot_h + top_in + bottom_in
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "alliancekb", "font.size": 9}
    ):
        fig = Figure(figsize=(WIDTH_IN, height), dpi=100)
        left, right = 2.4, 0.35
        ax = fig.add_axes(
            (
                left / WIDTH_IN,
                bottom_in / height,
                (WIDTH_IN - left - right) / WIDTH_IN,
                plot_h / height,
            )
        )
        colours = {
            src: SOURCE_COLOURS[i % len(SOURCE_COLOURS)] for i, src in enumerate(timeline.sources)
        }
        for lane, (centre, lane_h) in zip(lanes, layout, strict=True):
            _draw_lane(fig, ax, lane, (centre, lane_h), timeline.sources, colours)
        x0, x1 = timeline.first, timeline.last + 1
        ax.set_xlim(x0, x1)
        ax.set_ylim(0, plot_h)
        ax.set_yticks([c for c, _h in layout])
        ax.set_yticklabels([_lane_label(ln.label) for ln in lanes])
        ax.tick_params(axis="y", length=0, labelsize=9.5)
        step = 10 if x1 - x0 > 30 else 5 if x1 - x0 > 10 else 1
        ax.set_xticks(range(x0 + (-x0) % step, x1 + 1, step))
        ax.set_xticks(range(x0, x1 + 1), minor=True)
        ax.grid(axis="x", which="major", color="#dddddd", linewidth=0.8)
        ax.set_axisbelow(True)
        for centre, lane_h in layout[1:]:
            ax.axhline(centre + lane_h / 2, color="#e5e5e5", linewidth=0.6)
        for spine in ("top", "right", "left"):
            ax.spines[spine].set_visible(False)
        for x, label_x, text in labels:
            if not x0 <= x <= x1:
                continue
            ax.axvline(x, color=EVENT_COLOUR, linestyle=(0, (3, 2)), linewidth=0.9, zorder=5)
            ax.plot(
                [x, label_x],
                [plot_h, plot_h + 0.12],
                color=EVENT_COLOUR,
                linewidth=0.6,
                clip_on=False,
            )
            ax.text(
                label_x,
                plot_h + 0.15,
                text,
                rotation=90,
                ha="center",
                va="bottom",
                fontsize=8,
                color="#333333",
                clip_on=False,
            )
        fig.suptitle(
            f"Alliances of {timeline.state}, {timeline.first}-{timeline.last}",
            x=0.5,
            y=1 - 0.12 / height,
            fontsize=14,
            fontweight="bold",
            va="top",
        )
        fig.text(
            0.5,
            1 - 0.42 / height,
            f"{timeline.state}: {' / '.join(timeline.names)}. One lane per partner, named as "
            "of the time; bars: alliances as each source codes them;\nstrips: shared political "
            "values (above the bars) and shared security interests (below).",
            ha="center",
            va="top",
            fontsize=9,
            color="#444444",
            linespacing=1.4,
        )
        _legend(fig, timeline.sources, colours, 0.3 / height)
        fig.text(
            0.5,
            0.08 / height,
            "An alliance without an end is in force to the end of its "
            "source's coverage: "
            + "; ".join(
                f"{src} {start}-{end or ''}" for src, (start, end) in timeline.coverage.items()
            ),
            ha="center",
            va="bottom",
            fontsize=8,
            color="#555555",
        )
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue() if fmt == "svg" else small_png(buffer.getvalue())


def small_png(data: bytes) -> bytes:
    """The PNG with a palette of 128 colours: a third of the size, the same to the eye."""
    from PIL import Image  # a dependency of matplotlib

    with Image.open(io.BytesIO(data)) as image:
        small = image.convert("RGB").quantize(colors=128)
        out = io.BytesIO()
        small.save(out, format="png", optimize=True)
    return out.getvalue()


def _draw_lane(
    fig: Figure,
    ax: Axes,
    lane: Lane,
    place: tuple[float, float],
    sources: list[str],
    colours: dict[str, str],
) -> None:
    """Strips at the lane's edges, the bars (one row per source) between, markers above."""
    c, h = place
    strip = 0.09
    for shade in lane.shades:
        top = shade.kind == "shared ideology"
        y0 = c + h / 2 - 0.06 - strip if top else c - h / 2 + 0.06
        ax.broken_barh(
            [(_x(shade.start), _end_x(shade.end) - _x(shade.start))],
            (y0, strip),
            facecolors=SHADES[shade.kind],
            linewidth=0,
            zorder=1,
        )
    if not lane.bars:
        return
    zone_top = c + h / 2 - BAR_TOP_IN
    zone_bottom = zone_top - _zone(len(sources))
    row = (zone_top - zone_bottom) / max(len(sources), 1)
    for bar in lane.bars:
        y0 = zone_top - (sources.index(bar.source) + 1) * row
        ax.broken_barh(
            [(_x(bar.start), _end_x(bar.end) - _x(bar.start))],
            (y0 + 0.015, row - 0.03),
            facecolors=colours[bar.source],
            linewidth=0,
            zorder=3,
        )
    days = [m.day for m in lane.markers]
    for marker in lane.markers:
        signed = marker.kind == "signed"
        shared = days.count(marker.day) > 1
        shift = (4.5 if signed else -4.5) if shared else 0.0
        where = offset_copy(ax.transData, fig=fig, x=shift, y=0, units="points")
        ax.plot(
            _x(marker.day),
            zone_top + 0.07,
            transform=where,
            marker="v" if signed else "x",
            markersize=6.5 if signed else 5.5,
            markeredgewidth=0.5 if signed else 1.6,
            color="black",
            linestyle="none",
            zorder=6,
            clip_on=False,
        )
        if signed:
            label = offset_copy(ax.transData, fig=fig, x=shift + 5, y=0, units="points")
            ax.text(
                _x(marker.day),
                zone_top + 0.07,
                str(marker.day.year),
                transform=label,
                fontsize=7.5,
                va="center",
                ha="left",
                zorder=6,
                color="#222222",
            )


def _legend(fig: Figure, sources: list[str], colours: dict[str, str], bottom: float) -> None:
    handles: list[Artist] = [
        Patch(facecolor=colours[s], label=f"alliance coded by {s}") for s in sources
    ]
    handles += [Patch(facecolor=c, label=SHADE_LABELS[k]) for k, c in SHADES.items()]
    handles += [
        Line2D([], [], marker="v", color="black", linestyle="none", label="treaty signed"),
        Line2D(
            [],
            [],
            marker="x",
            color="black",
            markeredgewidth=1.6,
            linestyle="none",
            label="treaty ended",
        ),
        Line2D([], [], color=EVENT_COLOUR, linestyle=(0, (3, 2)), label="event"),
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=min(len(handles), 4),
        frameon=False,
        fontsize=9,
        bbox_to_anchor=(0.5, bottom),
    )
