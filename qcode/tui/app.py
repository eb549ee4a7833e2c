"""The coding app: owns the store's sessionmaker and starts the coding screen for one coder."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy.orm import Session
from textual.app import App

from qcode.coding import service
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.tui.controller import CodingController
from qcode.tui.screens.main import MainScreen

DARK, LIGHT = "textual-dark", "textual-light"


class QcodeApp(App[None]):
    """Keyboard-first coding of one project's transcripts."""

    CSS_PATH = "app.tcss"
    TITLE = "qcode"

    def __init__(
        self,
        store: Store,
        coder: str | None = None,
        *,
        theme: str = DARK,
        remember_coder: Callable[[str], None] | None = None,
    ) -> None:
        """Open the app on ``store``.

        Args:
            store: the open project; the app uses its sessionmaker, one transaction per change.
            coder: the coder's name; ``None`` asks for it on start.
            theme: ``textual-dark`` or ``textual-light``.
            remember_coder: called with a name typed at the prompt, so the next start can skip it.
        """
        super().__init__()
        self.store = store
        self.coder_name = coder
        self.remember_coder = remember_coder
        self.theme = theme
        self.controller: CodingController | None = None

    def unit(self) -> AbstractContextManager[Session]:
        """One short transaction on the project (commit on success, roll back on error)."""
        return transaction(self.store.sessions)

    def on_mount(self) -> None:
        """Start coding, asking who codes first if nobody said."""
        if self.coder_name:
            self.start(self.coder_name)
            return
        from qcode.tui.screens.prompts import CoderPrompt

        with self.unit() as s:
            existing = [c.name for c in service.list_coders(s)]
        self.push_screen(CoderPrompt(existing), self._prompted)

    def _prompted(self, name: str | None) -> None:
        if not name:
            self.exit()
            return
        if self.remember_coder is not None:
            self.remember_coder(name)
        self.start(name)

    def start(self, name: str) -> None:
        """Register the coder if new, load the project and show the coding screen."""
        with self.unit() as s:
            coder = service.ensure_coder(s, name)
        self.coder_name = coder.name
        self.controller = CodingController(self.unit, coder)
        start = self.controller.load()
        self.push_screen(MainScreen(self.controller, start))
