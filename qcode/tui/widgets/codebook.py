"""The codebook pane: the code tree with hotkeys, and the highlighted code's definition."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widgets import Static

from qcode.coding.types import CodeInfo
from qcode.tui.widgets.transcript import chip_style
from qcode.tui.widgets.virtual_list import Row, VirtualList

#: What the codebook pane says when the project has no codes yet.
EMPTY_CODEBOOK = (
    "No codebook loaded: there are no codes to apply yet.\n\n"
    "In a shell, load one and start qcode again:\n\n"
    "qcode codebook load codebooks/nk-overseas-labor.yaml\n\n(or your own codebook file)"
)


class CodebookList(VirtualList):
    """One row per code: colour swatch, hotkey, indented name, a tick if on the current segment."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "codebook--cursor",
        "codebook--hotkey",
        "codebook--on",
        "codebook--group",
    }

    DEFAULT_CSS = """
    CodebookList > .codebook--cursor { background: $boost; }
    CodebookList:focus > .codebook--cursor { background: $accent 30%; }
    CodebookList > .codebook--hotkey { color: $accent; text-style: bold; }
    CodebookList > .codebook--on { color: $success; text-style: bold; }
    CodebookList > .codebook--group { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.codes: Sequence[CodeInfo] = ()
        self.active: frozenset[int] = frozenset()
        self._swatch: dict[int, Style] = {}

    def set_codes(self, codes: Sequence[CodeInfo]) -> None:
        """The codebook, in tree order; the cursor starts on the first code coders apply (not a group)."""
        self.codes = codes
        self._swatch = {c.id: Style(color=chip_style(c.colour).bgcolor) for c in codes}
        self.cursor = next((i for i, c in enumerate(codes) if c.codable), 0)
        self.empty_note = "" if codes else EMPTY_CODEBOOK
        self.relayout()

    def set_active(self, active: frozenset[int]) -> None:
        """Tick the codes this coder applied to the current segment."""
        changed = active ^ self.active
        self.active = active
        for i, code in enumerate(self.codes):
            if code.id in changed:
                self.refresh_item(i)

    @property
    def highlighted(self) -> CodeInfo | None:
        """The code under the cursor."""
        return self.codes[self.cursor] if self.codes else None

    def item_count(self) -> int:
        """Codes in the codebook."""
        return len(self.codes)

    def render_row(self, row: Row, width: int) -> Strip:
        """``■ h  Long hours ✓``."""
        code = self.codes[row[1]]
        base = self.base_style
        if row[1] == self.cursor:
            base += self.layer_style("codebook--cursor")
        on = code.id in self.active
        tick = " ✓" if on else ""
        name = "  " * code.depth + code.name
        room = width - 5 - len(tick)
        if len(name) > room:
            name = name[: max(room - 1, 0)] + "…"
        hotkey = code.hotkey if code.hotkey and code.codable else " "  # groups are never applied
        name_style = base + self.layer_style("codebook--on" if on else "codebook--group")
        segments = [
            Segment("■ ", base + self._swatch.get(code.id, Style())),
            Segment(f"{hotkey}  ", base + self.layer_style("codebook--hotkey")),
            Segment(name, name_style if on or not code.codable else base),
            Segment(tick, base + self.layer_style("codebook--on")),
        ]
        return Strip(segments).adjust_cell_length(width, base)


def not_codable_reason(code: CodeInfo, codes: Sequence[CodeInfo], *, short: bool = False) -> str:
    """Why ``code`` cannot be applied, naming the codes to apply instead (``short``: for the status line)."""
    children = [c.name for c in codes if c.parent_id == code.id and c.codable]
    if children and short:
        return f"{code.name} is a group: apply a code under it"
    if children:
        return f"{code.name} is a group, not applied: apply one of its codes ({', '.join(children)})"
    return f"{code.name} is not for coding (codable: false in the codebook)"


class CodeDetail(Static):
    """Definition of the highlighted code: description, inclusion and exclusion criteria."""

    codes: Sequence[CodeInfo] = ()

    def show_code(self, code: CodeInfo | None) -> None:
        """Show one code's definition (or nothing)."""
        if code is None:
            self.update("")
            return
        text = Text()
        text.append(code.name, style="bold")
        if code.key.casefold() != code.name.casefold():  # not "wages  wages": the key only where it differs
            text.append(f"  {code.key}", style="dim")
        if code.hotkey and code.codable:
            text.append(f"  key {code.hotkey}", style="dim")
        if not code.codable:
            text.append("\n")
            text.append(not_codable_reason(code, self.codes), style="italic")
        for label, body in (
            ("", code.description),
            ("Include: ", code.inclusion),
            ("Exclude: ", code.exclusion),
            ("Example: ", code.example_text),
        ):
            if body:
                text.append("\n")
                if label:
                    text.append(label, style="bold")
                text.append(body)
        if code.keywords:
            text.append("\nKeywords: ", style="bold")
            text.append(", ".join(code.keywords), style="italic")
        self.update(text)
