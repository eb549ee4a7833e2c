"""The text bar chart read back: every code on its own row, its bar and its true count, at any width."""

from __future__ import annotations

import re

import pytest

from qcode.config import colour_wanted
from qcode.export.chart import BAR, bar_cells, bar_chart

#: The demo codebook's 22 codes (groups and leaves), with counts like a morning's coding.
LABELS = [
    "money", "wages", "remittance", "bribery", "brokers", "control", "surveillance", "ideology",
    "movement", "communication", "conditions", "hours", "housing", "health", "pathway", "selection",
    "contracts", "side-work", "motivation", "exit", "defection", "family-guarantee",
]  # fmt: skip
COUNTS = [0, 1, 2, 3, 0, 0, 17, 1, 9, 4, 0, 12, 5, 0, 0, 6, 1, 2, 0, 0, 7, 3]
ROW = re.compile(rf"^(?P<label>.*?) │(?P<bar>{BAR}*) (?P<count>\d+)$")


def parse(chart: str) -> tuple[list[tuple[str, int, int]], list[int]]:
    """The rows as (label, bar cells, printed count), and the axis' tick values."""
    lines = chart.rstrip("\n").split("\n")
    rows = []
    for line in lines[1:-2]:
        match = ROW.match(line)
        assert match, f"not a chart row: {line!r}"
        rows.append((match["label"].rstrip(), len(match["bar"]), int(match["count"])))
    assert lines[-2].lstrip().startswith("└")
    ticks = [int(t) for t in lines[-1].split()]  # whole numbers, or int() fails
    return rows, ticks


@pytest.mark.parametrize("width", [40, 80, 100, 120])
def test_each_bar_sits_on_its_own_label_with_its_true_count(width: int) -> None:
    chart = bar_chart(LABELS, COUNTS, title="Segments per code, coded by alice", width=width, colour=False)
    assert max(len(line) for line in chart.splitlines()) <= width  # nothing wraps onto the next row
    rows, ticks = parse(chart)
    assert len(rows) == len(LABELS)
    longest = max(cells for _label, cells, _count in rows)
    for (label, cells, count), name, true in zip(rows, LABELS, COUNTS, strict=True):
        assert label == name or (label.endswith("…") and name.startswith(label[:-1])), (label, name)
        assert count == true
        assert cells == bar_cells(true, longest, max(COUNTS)), (name, cells, true)
        assert (cells == 0) == (true == 0)
    assert ticks[0] == 0 and ticks == sorted(set(ticks)) and ticks[-1] <= max(COUNTS)
    assert len(ticks) >= 2


def test_bars_are_proportional_and_ticks_mark_whole_counts_under_their_bars() -> None:
    chart = bar_chart(["a", "b", "c"], [1, 2, 4], width=60, colour=False)
    rows, ticks = parse(chart)
    longest = rows[2][1]
    assert longest >= 50
    assert [cells for _l, cells, _c in rows] == [round(longest / 4), round(longest / 2), longest]
    assert ticks == [0, 1, 2, 3, 4]
    axis, numbers = chart.splitlines()[-2:]
    bar_end = chart.splitlines()[2].index("│") + rows[1][1]  # where b's bar (2) ends
    assert axis[bar_end] == "┬" and numbers[bar_end] == "2"


def test_all_zero_and_empty() -> None:
    rows, ticks = parse(bar_chart(["a", "b"], [0, 0], width=40, colour=False))
    assert rows == [("a", 0, 0), ("b", 0, 0)] and ticks == [0]
    assert bar_chart([], [], title="Chart", width=40) == "Chart: nothing to show\n"


def test_colour_only_on_bars_and_only_when_asked() -> None:
    plain = bar_chart(LABELS, COUNTS, width=80, colour=False)
    coloured = bar_chart(LABELS, COUNTS, width=80, colour=True)
    assert "\x1b[" not in plain and "\x1b[36m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


class _Tty:
    def isatty(self) -> bool:
        return True


def test_no_color_turns_colour_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour_wanted(_Tty())  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_wanted(_Tty())  # type: ignore[arg-type]
