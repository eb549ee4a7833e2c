"""Code frequencies as a horizontal bar chart drawn in text (plotext, imported when called).

Pure: takes labels and counts, returns the chart as a string, so the CLI prints it and the
TUI can show it in a widget. Works with plotext 6 (``plotext.figure``) and plotext 5
(module-level ``bar``/``build``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def bar_chart(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    title: str = "Code frequencies",
    width: int = 100,
    height: int | None = None,
    colour: bool = True,
) -> str:
    """A horizontal bar chart, first label on top, as text (ANSI colours only if ``colour``)."""
    import plotext as plt

    if not labels:
        return f"{title}: nothing to show\n"
    # plotext stacks the first bar at the bottom: reverse so the chart reads like the codebook.
    ys = [f"{label} ({value})" for label, value in zip(reversed(labels), reversed(values), strict=True)]
    xs = list(reversed(values))
    size = (width, height if height is not None else 3 * len(labels) + 4)
    top = max(1, max(values))
    out = (
        _build_v6(plt, ys, xs, title, size, top, colour)
        if hasattr(plt, "figure") and not hasattr(plt, "bar")
        else _build_v5(plt, ys, xs, title, size, colour)
    )
    if not colour:
        out = plt.uncolorize(out)
    return out.rstrip("\n") + "\n"


def _build_v6(
    plt: Any, ys: list[str], xs: list[int], title: str, size: tuple[int, int], top: int, colour: bool
) -> str:
    fig = plt.figure
    fig.clear()
    fig.draw(fig.bar(ys, xs, orientation="h", width=0.6))
    fig.title(title)
    fig.plot_size(*size)
    fig.theme("pro" if colour else "clear")
    fig.ruler("x").lim(0, top * 1.05)
    out = str(fig.build())
    fig.clear()
    return out


def _build_v5(plt: Any, ys: list[str], xs: list[int], title: str, size: tuple[int, int], colour: bool) -> str:
    plt.clear_figure()
    plt.bar(ys, xs, orientation="horizontal", width=0.6)
    plt.title(title)
    plt.plotsize(*size)
    plt.theme("pro" if colour else "clear")
    out = str(plt.build())
    plt.clear_figure()
    return out
