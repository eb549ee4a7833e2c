"""The key footer: the screen's shown key bindings on one line, drawn by one widget.

Textual's ``Footer`` makes a widget per key and composes them again whenever the screen's bindings
change: on the coding screen that was about 30 ms of styling and layout just after the first frame,
in the way of the first key (``bench/tui.py``). This footer looks the same (the theme's footer
colours, one entry per action, the command palette's key on the right) and behaves the same (a
click on a key presses it; a disabled key is dim and rings the bell), but redraws a single line,
and only when what it shows changes. Keys that do not fit are left out whole, from the end (the
key table puts help and quit first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.dom import NoScreen
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

__all__ = ["KeyFooter"]

#: Between the keys and the command palette's key on the right.
PALETTE_RULE = "▏"


class Entry(NamedTuple):
    """One key as the footer shows it."""

    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str


class KeyFooter(Widget, can_focus=False):
    """The footer of the screen's key bindings (those marked ``show``), one line."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-footer--key", "key-footer--description"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:
        """``compact``: one space around a key instead of two (the coding screen's many keys)."""
        super().__init__(id=id)
        self.compact = compact
        self._entries: tuple[Entry, ...] = ()
        self._palette: Entry | None = None
        self._spans: list[tuple[int, int, Entry]] = []  # where each drawn key is: x from, x to

    def on_mount(self) -> None:
        """Follow the screen's bindings (focus, modes and checks change them)."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._read()

    def on_unmount(self) -> None:
        """Stop following the screen's bindings."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen.app.app_focus and screen is self.screen and self._read():
            self.refresh()

    def _read(self) -> bool:
        """Take the shown keys from the screen; whether they changed."""
        try:
            active = self.screen.active_bindings
        except NoScreen:  # its screen closed meanwhile
            return False
        entries: dict[str, Entry] = {}  # one per action: the first binding's key
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in entries:
                entries[binding.action] = Entry(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    enabled,
                    tooltip or binding.tooltip or binding.description,
                )
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE and self.app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[self.app.COMMAND_PALETTE_BINDING]
            palette = Entry(
                binding.key, self.app.get_key_display(binding), binding.description, enabled, ""
            )
        shown = (tuple(entries.values()), palette)
        if shown == (self._entries, self._palette):
            return False
        self._entries, self._palette = shown
        return True

    def render(self) -> Text:
        """The keys that fit, then the palette's key at the right edge."""
        key_style = self.get_component_rich_style("key-footer--key")
        words_style = self.get_component_rich_style("key-footer--description")
        dim = Style(dim=True)
        pad = "" if self.compact else " "
        width = self.size.width
        palette = self._palette
        right = (PALETTE_RULE, palette.display, f" {palette.description}") if palette else ("", "", "")
        right_len = sum(map(len, right))
        room = width - right_len - 1 if right_len < width else width
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for entry in self._entries:
            key = f"{pad}{entry.display}{pad}"
            words = f" {entry.description}" if self.compact else f"{entry.description} "
            if line.cell_len + len(key) + len(words) > room:
                break
            start = line.cell_len
            line.append(key, key_style if entry.enabled else key_style + dim)
            line.append(words, words_style if entry.enabled else words_style + dim)
            self._spans.append((start, line.cell_len, entry))
            line.append(" " if self.compact else "")
        if palette is not None and right_len < width:
            line.append(" " * max(width - line.cell_len - right_len, 0))
            start = line.cell_len
            line.append(right[0], dim)
            line.append(right[1], key_style)
            line.append(right[2], words_style)
            self._spans.append((start, line.cell_len, palette))
        return line

    def _at(self, x: int) -> Entry | None:
        return next((entry for start, end, entry in self._spans if start <= x < end), None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click on a key presses it (a disabled one rings the bell)."""
        entry = self._at(event.x)
        if entry is None:
            return
        if entry.enabled:
            self.app.simulate_key(entry.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """The key under the pointer says what it does."""
        entry = self._at(event.x)
        self.tooltip = entry.tooltip if entry is not None else None
