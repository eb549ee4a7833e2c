"""A bar chart of the coder's own code frequencies (blind coding stays blind: own codings only)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class ChartScreen(ModalScreen[None]):
    """Shows a prepared text chart; Escape or ``q`` closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    ChartScreen { align: center middle; }
    ChartScreen > VerticalScroll { width: 90%; height: 90%; border: round $accent; background: $surface; }
    """

    def __init__(self, chart: str, title: str) -> None:
        """``chart`` is plain text (no ANSI codes); ``title`` names whose codings it counts."""
        super().__init__()
        self.chart = chart
        self.title_text = title

    def compose(self) -> ComposeResult:
        """The chart in a scrollable box."""
        with VerticalScroll() as box:
            box.border_title = self.title_text
            yield Static(self.chart, markup=False, id="chart")
