"""Modal prompts that return typed results: the coder's name, a memo, a code found by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from qcode.coding.roles import coder_name_problem
from qcode.coding.search import match_codes
from qcode.coding.types import CodeInfo


class CoderPrompt(ModalScreen[str | None]):
    """First start: who is coding? Type a new name or pick an existing coder; escape gives up (``None``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "pick", "Existing coders", show=False),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, existing: Sequence[str]) -> None:
        super().__init__()
        self.existing = list(existing)

    def compose(self) -> ComposeResult:
        """A name box, and the coders already in the project."""
        with Vertical(classes="prompt"):
            yield Label(
                "Who is coding? Your name labels every coding you make (QCODE_CODER or --coder skip this)."
            )
            yield Input(placeholder="your name (enter: start coding · escape: quit)", id="coder-name")
            yield Label("", id="coder-refused", classes="refused")
            if self.existing:
                yield Label("or one of:")
                yield OptionList(*self.existing, id="coders")

    def on_mount(self) -> None:
        """Start typing at once."""
        self.query_one("#coder-name", Input).focus()

    def action_pick(self) -> None:
        """Down arrow moves into the list of existing coders."""
        if self.existing:
            self.query_one("#coders", OptionList).focus()

    def action_cancel(self) -> None:
        """Nobody: the app ends without touching the project."""
        self.dismiss(None)

    @on(Input.Submitted, "#coder-name")
    def _typed(self, event: Input.Submitted) -> None:
        problem = coder_name_problem(event.value)
        if problem is None:
            self.dismiss(event.value.strip())
            return
        refused = self.query_one("#coder-refused", Label)
        refused.update(f"{problem[:1].upper()}{problem[1:]}.")
        refused.display = True

    @on(OptionList.OptionSelected, "#coders")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.existing[event.option_index])


#: Saves a memo's text: ``None`` when saved, else why not (the prompt stays open with the text).
MemoSaver = Callable[[str], str | None]


class MemoPrompt(ModalScreen[str | None]):
    """Edit the memo on a segment: ctrl+s saves (blank deletes), escape cancels (twice, after changes).

    With a ``save`` function the prompt saves before it closes: if the database refuses, the typed
    text stays in the editor with the reason above it, ready for another ctrl+s.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, ordinal: int, text: str, save: MemoSaver | None = None) -> None:
        super().__init__()
        self.ordinal = ordinal
        self.text = text
        self.save = save
        self._warned = False

    def compose(self) -> ComposeResult:
        """A text area with the current memo, and a line for a refusal."""
        with Vertical(classes="prompt"):
            yield Label(f"Memo on segment {self.ordinal} — ctrl+s saves (empty deletes), escape cancels")
            yield Label("", id="memo-refused", classes="refused")
            yield TextArea(self.text, id="memo", soft_wrap=True)

    def on_mount(self) -> None:
        """Cursor at the end of the memo."""
        area = self.query_one("#memo", TextArea)
        area.cursor_blink = False
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        """Save (when given a saver) and return the memo text; on refusal keep it here with the reason."""
        text = self.query_one("#memo", TextArea).text
        refusal = self.save(text) if self.save is not None else None
        if refusal is not None:
            self.query_one("#memo-refused", Label).update(refusal)
            self.query_one("#memo-refused", Label).display = True
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        """Return nothing; after changes, at the second escape (the first says what it would lose)."""
        changed = self.query_one("#memo", TextArea).text != self.text
        if changed and not self._warned:
            self._warned = True
            note = self.query_one("#memo-refused", Label)
            note.update("the memo has changes: ctrl+s saves them, escape again leaves without them")
            note.display = True
            return
        self.dismiss(None)


class CodePrompt(ModalScreen[int | None]):
    """``:``: type part of a code's name or a keyword; enter toggles the highlighted match."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, codes: Sequence[CodeInfo], active: frozenset[int]) -> None:
        super().__init__()
        self.codes = list(codes)
        self.active = active
        self.matches: list[CodeInfo] = []

    def compose(self) -> ComposeResult:
        """The query box and the ranked codes."""
        with Vertical(classes="prompt"):
            yield Label("Code: type a name or keyword (fuzzy); enter toggles it, escape cancels")
            yield Input(placeholder=":", id="code-query")
            yield OptionList(id="code-matches")

    def on_mount(self) -> None:
        """Every code, until something is typed."""
        field = self.query_one("#code-query", Input)
        field.cursor_blink = False
        field.focus()
        self._fill("")

    def _fill(self, query: str) -> None:
        self.matches = [code for _, code in match_codes(query, self.codes, limit=30)]
        options = self.query_one("#code-matches", OptionList)
        options.clear_options()
        for code in self.matches:
            label = Text()
            label.append("✓ " if code.id in self.active else "  ", style="bold green")
            label.append(f"{code.hotkey if code.hotkey and code.codable else ' '} ", style="bold")
            label.append(code.name, style="" if code.codable else "dim")
            if not code.codable:
                label.append(" (group)", style="dim italic")
            if code.keywords:
                label.append(f"  {', '.join(code.keywords)}", style="dim")
            options.add_option(Option(label))
        if self.matches:
            options.highlighted = 0

    @on(Input.Changed, "#code-query")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#code-query")
    def _submitted(self) -> None:
        index = self.query_one("#code-matches", OptionList).highlighted
        self.dismiss(self.matches[index].id if self.matches and index is not None else None)

    @on(OptionList.OptionSelected, "#code-matches")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.matches[event.option_index].id)

    def action_move(self, step: int) -> None:
        """Up and down move through the matches while typing."""
        options = self.query_one("#code-matches", OptionList)
        if self.matches:
            current = options.highlighted or 0
            options.highlighted = min(max(current + step, 0), len(self.matches) - 1)

    def action_cancel(self) -> None:
        """Return nothing."""
        self.dismiss(None)
