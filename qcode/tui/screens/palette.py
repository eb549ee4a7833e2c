"""Command palette (ctrl+p): find any code by fuzzy name or keyword and toggle it."""

from __future__ import annotations

from functools import partial
from typing import Protocol, runtime_checkable

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from qcode.coding.types import CodeInfo
from qcode.tui.messages import ApplyCode


@runtime_checkable
class CodingScreen(Protocol):
    """What the provider needs from the screen it was opened on."""

    def palette_codes(self) -> list[CodeInfo]:
        """The codebook, in tree order."""

    def current_codes(self) -> frozenset[int]:
        """Codes on the current segment."""


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
        self.screen.post_message(ApplyCode(code_id))

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

    async def discover(self) -> Hits:
        """Every code, in codebook order, before anything is typed."""
        target = self._target()
        if target is None:
            return
        active = target.current_codes()
        for code in target.palette_codes():
            title = _title(code, active)
            yield DiscoveryHit(title, partial(self._apply, code.id), text=title, help=code.description)
