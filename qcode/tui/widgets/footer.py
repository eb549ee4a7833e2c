"""Textual's footer, rebuilt only when the keys it shows change, at most once per refresh.

Textual's ``Footer`` recomposes (every key widget made again, each styled twice) for each change
of the screen's bindings; pushing the coding screen and focusing its transcript sends six in a
row, most of them leaving the shown keys as they were, and those rebuilds were about a sixth of
the CPU time from launch to the first toggle shown (``bench/tui.py``). Here a change schedules one
look after the next refresh unless one is already waiting, and the footer is rebuilt only if the
keys it would show (key, label, action, enabled, tooltip) differ from those it shows.
"""

from __future__ import annotations

from textual.dom import NoScreen
from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, bool, str], ...]


class KeyFooter(Footer):
    """The footer of the key bindings, rebuilt only when they change."""

    _look_waiting = False
    _shown: Shown | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or self._look_waiting:
            return
        if self.is_attached and screen is self.screen:
            self._look_waiting = True
            self.call_after_refresh(self._rebuild)

    def _keys(self) -> Shown:
        return tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )

    async def _rebuild(self) -> None:
        self._look_waiting = False
        try:
            keys = self._keys()
        except NoScreen:  # its screen closed meanwhile
            return
        if keys != self._shown:
            self._shown = keys
            await self.recompose()
