"""Code frequencies as a horizontal bar chart drawn in text: one row per code, its bar and its count.

Pure (standard library only): takes labels and counts, returns the chart as a string, so the CLI
prints it and the TUI shows it in a widget. Each code has its own row, the label on the left, the
bar after it and the true count at the bar's end, at any width: long labels are cut with ``…``,
never wrapped, so no bar lands on a neighbour's row. Bars are whole cells, scaled so the largest
count fills the bar area; a count above zero always shows at least one cell, a zero none. The axis
beneath is marked at whole numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BAR = "█"
#: Bars' colour (ANSI cyan) where colour is wanted; nothing else is coloured.
_COLOUR, _RESET = "\x1b[36m", "\x1b[0m"
#: Tick steps tried for the axis, times powers of ten: whole counts get whole ticks.
_STEPS = (1, 2, 5)
#: Narrowest bar area (cells); the label column gives way first.
_MIN_BARS = 10
#: Columns between one tick label's start and the next at least.
_TICK_GAP = 6


@dataclass(frozen=True)
class _Layout:
    label: int  # label column width
    bars: int  # cells for the longest bar
    top: int  # the count the longest bar stands for


def bar_chart(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    title: str = "Code frequencies",
    width: int = 100,
    colour: bool = True,
) -> str:
    """The chart as text, first label on top, no line longer than ``width``.

    Args:
        labels: code names, in the order to show them.
        values: each label's count (whole, not negative).
        title: the first line.
        width: the widest line allowed (at least 30 is sensible; narrower cuts labels hard).
        colour: colour the bars with ANSI codes (the caller decides: a terminal, no ``NO_COLOR``).
    """
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels but {len(values)} values")
    if not labels:
        return _cut(f"{title}: nothing to show", width) + "\n"
    layout = _layout(labels, values, width)
    lines = [_cut(title, width)]
    lines += [_row(label, value, layout, colour) for label, value in zip(labels, values, strict=True)]
    lines += _axis(layout)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def bar_cells(value: int, bars: int, top: int) -> int:
    """How many cells a count's bar takes when ``top`` fills ``bars`` cells (at least one above zero)."""
    if value <= 0 or top <= 0:
        return 0
    return max(1, round(value * bars / top))


def _layout(labels: Sequence[str], values: Sequence[int], width: int) -> _Layout:
    top = max(0, *values)
    count_room = len(str(top)) + 1  # " 12" after the longest bar
    longest = max(len(label) for label in labels)
    label = max(1, min(longest, width - 2 - count_room - _MIN_BARS, max(8, width // 3)))
    bars = max(1, width - label - 2 - count_room)
    return _Layout(label, bars, top)


def _cut(text: str, room: int) -> str:
    return text if len(text) <= room else text[: max(0, room - 1)] + "…"


def _row(label: str, value: int, layout: _Layout, colour: bool) -> str:
    cells = bar_cells(value, layout.bars, layout.top)
    bar = BAR * cells
    if colour and bar:
        bar = f"{_COLOUR}{bar}{_RESET}"
    return f"{_cut(label, layout.label):<{layout.label}} │{bar} {value}"


def _axis(layout: _Layout) -> list[str]:
    """The axis line with a mark at each tick, and the tick values beneath, starting at their marks."""
    rule = ["─"] * (layout.bars + 1)  # index i is the column where a bar of i cells ends
    numbers = [" "] * (layout.bars + 1 + len(str(layout.top)))
    free = 0  # first column a tick value may start at
    for tick in _ticks(layout):
        at = 0 if layout.top == 0 else round(tick * layout.bars / layout.top)
        text = str(tick)
        if at < free or at + len(text) > len(numbers):
            continue
        rule[at] = "┬"
        numbers[at : at + len(text)] = text
        free = at + len(text) + 1
    pad = " " * layout.label
    return [f"{pad} └{''.join(rule)[1:]}", f"{pad} {''.join(numbers)}"]


def _ticks(layout: _Layout) -> list[int]:
    """Whole-number ticks from 0 to the top count, spaced at least :data:`_TICK_GAP` columns apart."""
    if layout.top == 0:
        return [0]
    most = max(1, layout.bars // _TICK_GAP)
    scale = 1
    while True:
        for step in _STEPS:
            size = step * scale
            if layout.top // size <= most:
                return list(range(0, layout.top + 1, size))
        scale *= 10
