"""``?``: every key of the coding screen, and the codebook's hotkeys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from qcode.coding.types import CodeInfo
from qcode.tui import keymap

_NAMES = {"down": "↓", "up": "↑", "pagedown": "PgDn", "pageup": "PgUp", "home": "Home", "end": "End"}


def key_label(keys: str) -> str:
    """``down,j`` → ``↓ j``."""
    return " ".join(_NAMES.get(k, k) for k in keys.split(","))


def help_table(codes: Sequence[CodeInfo]) -> Table:
    """Keys by group, then the code hotkeys."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    groups: dict[str, list[keymap.Key]] = {}
    for k in (*keymap.MOVE_KEYS, *keymap.SCREEN_KEYS, *keymap.APP_KEYS):
        groups.setdefault(k.group, []).append(k)
    for group, keys in groups.items():
        table.add_row(Text(group, style="underline"), "")
        for k in keys:
            table.add_row(key_label(k.keys), k.help)
        table.add_row("", "")
    hot = [c for c in codes if c.hotkey and c.codable]
    if hot:  # the heading's words go in the wide column, so the keys column stays narrow
        what = "each key toggles its code on the segment or selection"
        table.add_row(Text("Codes", style="underline"), Text(what))
        for c in hot:
            table.add_row(str(c.hotkey), c.name)
    return table


class HelpScreen(ModalScreen[None]):
    """Every binding; escape, q or ? closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]

    def __init__(self, codes: Sequence[CodeInfo]) -> None:
        super().__init__()
        self.codes = codes

    def compose(self) -> ComposeResult:
        """A scrolling table of keys."""
        with VerticalScroll(classes="prompt", id="help") as box:
            box.border_title = "Keys · ↓ ↑ scroll · escape closes"
            yield Static(help_table(self.codes))

    def action_close(self) -> None:
        """Back to coding."""
        self.dismiss(None)
