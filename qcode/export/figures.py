"""Figures for the paper: code frequencies (by an attribute), a co-occurrence heat map, agreement per code.

Pure: the caller hands over counts and figures; this module draws them with matplotlib (imported
inside :func:`render`, no pyplot state) as SVG or PNG bytes. Output is deterministic: no date in
the metadata, a fixed hash salt for SVG ids, and text kept as ``<text>`` elements (not glyph
paths), so labels and values can be read back from the SVG and files compare byte for byte.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from qcode.errors import InputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

Format = Literal["svg", "png"]
#: Colours of the series of a grouped bar chart (colour-blind safe, Okabe & Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
#: Krippendorff's (2004) marks for alpha: tentative conclusions, then reliable.
ALPHA_MARKS = (0.667, 0.8)
_STYLE: dict[str, object] = {
    "svg.hashsalt": "qcode",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class Bars:
    """Counts per code, one series per attribute value (one series without ``--by``)."""

    title: str
    codes: tuple[str, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]  # (series label, a count per code)
    unit: str


@dataclass(frozen=True)
class Heat:
    """A table of counts shaded by size: code × code, or code × attribute value."""

    title: str
    labels: tuple[str, ...]  # rows
    counts: tuple[tuple[int, ...], ...]
    unit: str
    columns: tuple[str, ...] | None = None  # None: the same as the rows
    legend: str = "where one coder applied both"


@dataclass(frozen=True)
class Interval:
    """One code's agreement with its confidence interval (``None``: undefined)."""

    code: str
    value: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Intervals:
    """Agreement per code."""

    title: str
    coefficient: str
    level: float
    rows: tuple[Interval, ...]


def figure_format(name: str) -> Format:
    """``svg`` or ``png`` from a file name.

    Raises:
        InputError: any other extension.
    """
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ("svg", "png"):
        raise InputError(f"{name}: a figure is written as .svg or .png; give a file name ending in one")
    return suffix  # type: ignore[return-value]


def render(data: Bars | Heat | Intervals, fmt: Format, *, dpi: int = 200) -> bytes:
    """The figure as SVG or PNG bytes."""
    import matplotlib

    draw: Callable[[Any], Figure] = (
        _bars if isinstance(data, Bars) else _heat if isinstance(data, Heat) else _intervals
    )
    with matplotlib.rc_context(_STYLE):  # type: ignore[arg-type]
        fig = draw(data)
        buf = io.BytesIO()
        metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=metadata, bbox_inches="tight")
    return buf.getvalue()


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def _bars(data: Bars) -> Figure:
    n, k = len(data.codes), max(1, len(data.series))
    fig, ax = _figure(7.0, 0.9 + n * (0.2 + 0.16 * k))
    band = 0.8 / k
    top = max((c for _l, counts in data.series for c in counts), default=0) or 1
    for j, (label, counts) in enumerate(data.series):
        ys = [i + (j - (k - 1) / 2) * band for i in range(n)]
        bars = ax.barh(ys, counts, height=band * 0.92, color=PALETTE[j % len(PALETTE)], label=label)
        ax.bar_label(bars, labels=[str(c) if c else "" for c in counts], padding=2, fontsize=7)
    ax.set_yticks(range(n), data.codes)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0, top * 1.12)
    ax.set_xlabel(f"coded {data.unit}")
    ax.set_title(data.title, loc="left", fontweight="bold")
    if k > 1:
        ax.legend(loc="lower right", frameon=False, fontsize=7)
    return fig


def _heat(data: Heat) -> Figure:
    n = len(data.labels)
    columns = data.columns if data.columns is not None else data.labels
    width = max(len(c) for c in columns) if columns else 1
    fig, ax = _figure(2.8 + 0.42 * len(columns), 1.2 + 0.34 * n + 0.06 * min(width, 30))
    image = ax.imshow(data.counts, cmap="Blues", vmin=0)
    top = max((c for row in data.counts for c in row), default=0) or 1
    for i, row in enumerate(data.counts):
        for j, count in enumerate(row):
            colour = "white" if count > top * 0.6 else "black"
            ax.text(j, i, str(count), ha="center", va="center", fontsize=7, color=colour)
    ax.set_xticks(range(len(columns)), columns, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(n), data.labels)
    ax.spines[:].set_visible(False)
    ax.set_title(data.title, loc="left", fontweight="bold")
    fig.colorbar(image, ax=ax, shrink=0.7, label=f"{data.unit} {data.legend}")
    return fig


def _intervals(data: Intervals) -> Figure:
    rows = data.rows
    fig, ax = _figure(7.0, 1.0 + 0.3 * len(rows))
    lowest = min(
        [0.0, *(r.low for r in rows if r.low is not None), *(r.value for r in rows if r.value is not None)]
    )
    for mark in ALPHA_MARKS:
        ax.axvline(mark, color="#999999", linestyle="--", linewidth=0.8)
    for i, r in enumerate(rows):
        if r.value is None:
            ax.text(lowest, i, "  undefined", va="center", fontsize=7, color="#999999")
            continue
        if r.low is not None and r.high is not None:
            ax.plot([r.low, r.high], [i, i], color="#0072B2", linewidth=1.6, solid_capstyle="butt")
        ax.plot([r.value], [i], "o", color="#0072B2", markersize=4)
        ci = f" [{r.low:.2f}, {r.high:.2f}]" if r.low is not None and r.high is not None else ""
        ax.annotate(
            f"{r.value:.2f}{ci}", (1.02, i), xycoords=("axes fraction", "data"), va="center", fontsize=7
        )
    ax.set_yticks(range(len(rows)), [r.code for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(lowest - 0.05, 1.02)
    name = data.coefficient.replace("_", " ")
    ax.set_xlabel(f"{name} with its {data.level:.0%} bootstrap interval (dashed: 0.667 and 0.8)")
    ax.set_title(data.title, loc="left", fontweight="bold")
    return fig


#: From this many attribute values on, frequencies by attribute are a shaded table, not bars.
TABLE_FROM = 5


def by_attribute(
    title: str, codes: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[int]], unit: str
) -> Bars | Heat:
    """Grouped bars from a code × value table (rows in code order); a shaded table for many values."""
    if len(columns) >= TABLE_FROM:
        counts = tuple(tuple(int(c) for c in r) for r in rows)
        return Heat(title, tuple(codes), counts, unit, tuple(columns), legend="coded")
    series = tuple((col, tuple(int(r[j]) for r in rows)) for j, col in enumerate(columns))
    return Bars(title, tuple(codes), series, unit)
