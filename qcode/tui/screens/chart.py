"""A bar chart of the coder's own code frequencies (blind coding stays blind: own codings only).

The chart is drawn for the width the box has (again when the terminal is resized), so every bar
sits on its own code's row with its count at any size; more codes than rows scroll.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class ChartView(Static):
    """The chart as plain text, redrawn to the widget's own width."""

    def __init__(self, labels: Sequence[str], values: Sequence[int], title: str) -> None:
        """``labels`` and ``values``: codes and their counts, in the order shown."""
        super().__init__("", markup=False, id="chart")
        self.labels, self.values, self.heading = tuple(labels), tuple(values), title
        self.text = ""
        self.drawn_for = 0

    def draw(self, width: int) -> None:
        """Draw the chart for ``width`` columns."""
        from qcode.export.chart import bar_chart

        self.drawn_for = width
        self.text = bar_chart(
            self.labels, self.values, title=self.heading, width=max(20, width), colour=False
        )
        self.update(self.text.rstrip("\n"))

    def on_resize(self, event: events.Resize) -> None:
        """The box changed width (terminal resized, scrollbar shown): draw again to fit."""
        if event.size.width and event.size.width != self.drawn_for:
            self.draw(event.size.width)


class ChartScreen(ModalScreen[None]):
    """Shows a code-frequency chart; Escape or ``q`` closes it, the arrows and page keys scroll it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    ChartScreen { align: center middle; }
    ChartScreen > VerticalScroll {
        width: 100%; max-width: 124; height: 100%; max-height: 44; margin: 1 2;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ChartScreen #chart { width: 1fr; }
    """

    def __init__(self, labels: Sequence[str], values: Sequence[int], title: str, heading: str) -> None:
        """``title`` (the border) names whose codings it counts; ``heading`` is the chart's first line."""
        super().__init__()
        self.view = ChartView(labels, values, heading)
        self.title_text = title

    @property
    def chart(self) -> str:
        """The chart as last drawn (plain text)."""
        return self.view.text

    def compose(self) -> ComposeResult:
        """The chart in a scrollable box, focused so the keys scroll it."""
        with VerticalScroll() as box:
            box.border_title = self.title_text
            yield self.view

    def on_mount(self) -> None:
        """Focus the box (so arrows scroll it)."""
        self.query_one(VerticalScroll).focus()
