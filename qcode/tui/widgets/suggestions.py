"""The suggestions panel: up to three codes suggested for the current segment, each with its reason."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from qcode.suggest.model import Suggestion

#: The panel's title: what it is and the key that accepts.
TITLE = "Suggested · Y accepts"
#: Terminal rows below which only the first suggestion gets a line of its own for its reason.
COMPACT_BELOW = 32


class SuggestionPanel(Static):
    """Each suggestion: the code's hotkey and name, and under it why (its first reason).

    On a short terminal the second and third put their reason on the name's line (cut to fit).
    """

    DEFAULT_CSS = """
    SuggestionPanel {
        height: auto;
        border-top: solid $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
        color: $text;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    SuggestionPanel.-none { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = TITLE
        #: What is shown: the segment it is for, and the suggestions (the first is what ``Y`` accepts).
        self.segment_id: int | None = None
        self.suggestions: tuple[Suggestion, ...] = ()

    def show(
        self, segment_id: int, suggestions: Sequence[Suggestion], hotkeys: Mapping[str, str | None]
    ) -> None:
        """Show the suggestions for one segment; ``hotkeys`` maps code keys to their hotkeys."""
        self.segment_id, self.suggestions = segment_id, tuple(suggestions)
        self.set_class(not suggestions, "-none")
        if not suggestions:
            self.update("no suggestion for this segment")
            return
        compact = self.app.size.height < COMPACT_BELOW
        text = Text()
        for i, s in enumerate(suggestions):
            if i:
                text.append("\n")
            text.append(f"{hotkeys.get(s.code) or ' '} ", style="bold")
            text.append(s.name, style="bold" if i == 0 else "")
            if s.reasons:
                text.append("  " if compact and i else "\n  ")
                text.append(s.reasons[0].describe(width=40), style="italic")
        self.update(text)

    def say(self, message: str) -> None:
        """Show a state instead of suggestions (building, turned off…); nothing to accept."""
        self.segment_id, self.suggestions = None, ()
        self.set_class(True, "-none")
        self.update(message)
