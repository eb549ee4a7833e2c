"""Command palette (ctrl+p): every command of the coding screen, each document, and every code.

Commands are the coding screen's key table (:mod:`qcode.tui.keymap`), so a key and its command
never disagree; codes are found by fuzzy name or keyword and toggled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Protocol, runtime_checkable

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from qcode.coding.types import CodeInfo, DocumentInfo
from qcode.tui import keymap
from qcode.tui.messages import ApplyCode, JumpTo


@runtime_checkable
class CodingScreen(Protocol):
    """What the provider needs from the screen it was opened on."""

    def palette_codes(self) -> list[CodeInfo]:
        """The codebook, in tree order."""

    def current_codes(self) -> frozenset[int]:
        """Codes on the current segment."""

    def palette_documents(self) -> list[DocumentInfo]:
        """The project's documents, in the documents pane's order."""

    def run_action(self, action: str) -> Awaitable[bool]:
        """Run one of the screen's actions, as its key would."""


def _title(code: CodeInfo, active: frozenset[int]) -> str:
    verb = "Remove code" if code.id in active else "Apply code"
    key = f"  [{code.hotkey}]" if code.hotkey else ""
    return f"{verb}: {code.name}{key}"


class CodeCommands(Provider):
    """Codes as palette commands, ranked by rapidfuzz over name, key and keywords."""

    def _target(self) -> CodingScreen | None:
        screen = self.screen
        return screen if isinstance(screen, CodingScreen) else None

    def _apply(self, code_id: int) -> None:
        _apply_code(self.screen, code_id)

    async def search(self, query: str) -> Hits:
        """Codes matching ``query``; the best match scores 1."""
        from qcode.coding.search import match_codes

        target = self._target()
        if target is None:
            return
        active = target.current_codes()
        matcher = self.matcher(query)
        for score, code in match_codes(query, target.palette_codes()):
            title = _title(code, active)
            display = matcher.highlight(title) if matcher.match(title) else Text(title)
            yield Hit(
                min(score / 110, 1.0),
                display,
                partial(self._apply, code.id),
                text=title,
                help=code.description,
            )


def _apply_code(screen: Screen[object], code_id: int) -> None:
    screen.post_message(ApplyCode(code_id))


def _key_hint(keys: str) -> str:
    from qcode.tui.screens.help import key_label

    return f"key {key_label(keys)}"


class ScreenCommands(Provider):
    """Every command of the coding screen (its key table), and "Open document …" for each document."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        if not isinstance(screen, CodingScreen):
            return []
        out: list[tuple[str, str, Callable[[], object]]] = []
        for k in keymap.SCREEN_KEYS:
            if k.action:
                title = k.palette or k.help[:1].upper() + k.help[1:]
                out.append((title, _key_hint(k.keys), partial(screen.run_action, k.action)))
        return out

    def _documents(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        if not isinstance(screen, CodingScreen):
            return []
        return [
            (
                f"Open document {d.name}" + (f" — {d.title}" if d.title else ""),
                d.attribute_line(),
                partial(screen.post_message, JumpTo(d.id, 0)),
            )
            for d in screen.palette_documents()
        ]

    async def search(self, query: str) -> Hits:
        """Commands and documents whose title matches ``query``, ranked on the codes' scale."""
        from qcode.coding.search import match_titles

        matcher = self.matcher(query)
        entries = [*self._commands(), *self._documents()]
        for score, i in match_titles(query, [title for title, _, _ in entries]):
            title, hint, run = entries[i]
            display = matcher.highlight(title) if matcher.match(title) else Text(title)
            yield Hit(min(score / 110, 1.0), display, run, text=title, help=hint)

    async def discover(self) -> Hits:
        """Every command, then every code (documents come as soon as something is typed)."""
        for title, hint, run in self._commands():
            yield DiscoveryHit(title, run, text=title, help=hint)
        screen = self.screen
        if not isinstance(screen, CodingScreen):
            return
        active = screen.current_codes()
        for code in screen.palette_codes():  # in codebook order, under the commands
            title = _title(code, active)
            run = partial(_apply_code, self.screen, code.id)
            yield DiscoveryHit(title, run, text=title, help=code.description)
