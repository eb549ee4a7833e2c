"""ctrl+n: narrow a coding on the current segment to the words that carry the code.

The coder types the words to keep; they are found in the segment's text as typed (case aside),
else fuzzily (a line break where a space was typed, a slip of the keyboard), and shown in place
before enter keeps them. The coding stays on its segment, the unit agreement counts in; only its
span is kept (and exported). An empty box gives the whole segment back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from qcode.coding.search import find_span
from qcode.coding.types import CodeInfo, Span


@dataclass(frozen=True)
class NarrowChoice:
    """The code whose coding to narrow and the span of the segment's text to keep (``None``: all of it)."""

    code_id: int
    span: Span | None


class NarrowPrompt(ModalScreen[NarrowChoice | None]):
    """Type the words to keep; enter keeps them, ↑↓ choose another of the segment's codes, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next code", show=False),
        Binding("up", "move(-1)", "Previous code", show=False),
    ]

    def __init__(self, ordinal: int, text: str, codes: Sequence[CodeInfo], spans: Mapping[int, Span]) -> None:
        """``codes``: the coder's codes on the segment; ``spans``: the narrowed ones (segment offsets)."""
        super().__init__()
        self.ordinal, self.text, self.codes, self.spans = ordinal, text, list(codes), dict(spans)
        self.chosen = next((i for i, c in enumerate(self.codes) if c.id in self.spans), 0)
        self.found: Span | None = None

    def compose(self) -> ComposeResult:
        """The code, the segment's text with the kept words marked, the words box and what it finds."""
        with Vertical(classes="prompt", id="narrow"):
            yield Static(
                f"Narrow a coding on segment {self.ordinal} to the words that carry the code: type them. "
                "Enter keeps them (an empty box: the whole segment), ↑↓ another code, escape cancels.",
                classes="narrow-help",
            )
            yield Label("", id="narrow-code")
            yield Static("", id="narrow-text")
            yield Input(placeholder="words to keep", id="narrow-words")
            yield Label("", id="narrow-found")

    def on_mount(self) -> None:
        """Start with the chosen code's current words, ready to edit."""
        self.query_one("#narrow-words", Input).cursor_blink = False
        self._choose(self.chosen)
        self.query_one("#narrow-words", Input).focus()

    def _choose(self, index: int) -> None:
        self.chosen = index
        span = self.spans.get(self.codes[index].id)
        words = self.query_one("#narrow-words", Input)
        words.value = self.text[span[0] : span[1]] if span else ""
        words.cursor_position = len(words.value)
        self._show(words.value)

    def _show(self, typed: str) -> None:
        code = self.codes[self.chosen]
        many = f" ({self.chosen + 1} of {len(self.codes)}, ↑↓ for another)" if len(self.codes) > 1 else ""
        self.query_one("#narrow-code", Label).update(Text.assemble(("Code: ", "bold"), code.name, many))
        self.found = find_span(typed, self.text) if typed.strip() else None
        shown = Text(self.text)
        if self.found is not None:
            shown.stylize("reverse", *self.found)
        self.query_one("#narrow-text", Static).update(shown)
        if not typed.strip():
            said = "keeps the whole segment"
        elif self.found is None:
            said = "not in this segment: type words it has"
        else:
            said = f"keeps “{self.text[self.found[0] : self.found[1]]}”"
        self.query_one("#narrow-found", Label).update(said)

    @on(Input.Changed, "#narrow-words")
    def _changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted, "#narrow-words")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip() and self.found is None:
            self.app.bell()  # nothing to keep yet: the prompt stays open
            return
        self.dismiss(NarrowChoice(self.codes[self.chosen].id, self.found))

    def action_move(self, step: int) -> None:
        """Up and down choose another of the segment's codes."""
        if len(self.codes) > 1:
            self._choose((self.chosen + step) % len(self.codes))

    def action_cancel(self) -> None:
        """Return nothing."""
        self.dismiss(None)
