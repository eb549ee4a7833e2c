"""The coding app: reaches the project through :class:`ProjectAccess` and starts the coding screen."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand

from qcode.coding import queries
from qcode.coding.types import UNSAVED, CoderRef
from qcode.config import suggestions_enabled
from qcode.errors import StoreError
from qcode.names import case_forms
from qcode.tui import positions
from qcode.tui.access import ProjectAccess
from qcode.tui.controller import CodingController
from qcode.tui.messages import StoreFailed
from qcode.tui.screens.main import MainScreen

if TYPE_CHECKING:
    from textual.screen import Screen

    from qcode.store.migrate import Store

DARK, LIGHT = "textual-dark", "textual-light"


#: Seconds after the first screen before the store loads on a worker (a change needing it sooner
#: opens it then): a toggle, the first key that matters, never needs it on SQLite.
STORE_DELAY = 0.5


class QcodeApp(App[None]):
    """Keyboard-first coding of one project's transcripts."""

    CSS_PATH = "app.tcss"
    TITLE = "qcode"

    def __init__(
        self,
        project: Store | ProjectAccess,
        coder: str | None = None,
        *,
        theme: str = DARK,
        remember_coder: Callable[[str], None] | None = None,
        suggestions: bool | None = None,
    ) -> None:
        """Open the app on ``project``.

        Args:
            project: an open store, or access that opens it after the first screen; one
                transaction per change either way.
            coder: the coder's name; ``None`` asks for it on start.
            theme: ``textual-dark`` or ``textual-light``.
            remember_coder: called with a name typed at the prompt, so the next start can skip it.
            suggestions: suggest codes beside the codebook (``None``: unless ``$QCODE_SUGGEST`` is off).
        """
        super().__init__()
        self.access = project if isinstance(project, ProjectAccess) else ProjectAccess(project)
        self._own_access = self.access is not project  # closed on exit; the caller's store is not
        self.coder_name = coder
        self.remember_coder = remember_coder
        self.theme = theme
        self.controller: CodingController | None = None
        self.suggestions = suggestions_enabled() if suggestions is None else suggestions

    def on_load(self) -> None:
        """No garbage collection until the first screen is up (see :meth:`_first_screen_up`).

        What start-up makes lives as long as the app, and a full collection over it, which the
        first screen's allocations would trigger, took a tenth of a second from the first key.
        """
        gc.disable()

    async def _on_resize(self, event: events.Resize) -> None:
        # Textual's own handler (run after this one) keeps a resize to the size the app already has
        # and replays it to the screen when idle: a whole re-layout of the coding screen right after
        # its first frame (the terminal reports its size as the app starts), in the first key's way
        if getattr(self, "_size", None) == event.size:
            event.prevent_default()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Of Textual's own palette commands, quit where the screen has none of its own: not theme or
        keys (qcode has its own, ``T`` and ``?``), not the pane maximizing, and not the screenshot,
        which would write the screen, testimony and all, to a file in the current folder unasked."""
        for command in super().get_system_commands(screen):
            if command.title == "Quit" and not isinstance(screen, MainScreen):
                yield command

    def on_mount(self) -> None:
        """Start coding, asking who codes first if nobody said."""
        if self.coder_name:
            self.start(self.coder_name)
            return
        from qcode.tui.screens.prompts import CoderPrompt

        try:
            with self.access.read() as s:
                existing = [c.name for c in queries.list_coders(s)]
        except StoreError as exc:
            self.post_message(StoreFailed(exc))
            return
        self.push_screen(CoderPrompt(existing), self._prompted)

    def _prompted(self, name: str | None) -> None:
        if not name:
            self.exit()
            return
        if self.remember_coder is not None:
            self.remember_coder(name)
        self.start(name)

    def start(self, name: str) -> None:
        """Register the coder if new, load the project and show the coding screen.

        A project that cannot be read (a damaged file, a server gone) ends the app with its reason.
        """
        try:
            self._start(name)
        except StoreError as exc:
            self.post_message(StoreFailed(exc))

    def _start(self, name: str) -> None:
        with self.access.read() as s:
            coder = queries.find_coder(s, name)
            named = [] if coder else [c.name for c in queries.list_coders(s)]
        twins = [other for other in named if case_forms(other) & case_forms(name)]
        if twins:  # a tired capital would start an empty, second coder beside one's own work
            self.exit(
                return_code=2,
                message=f"qcode: no coder named {name.strip()!r}; did you mean {twins[0]!r}? (names differ"
                f" only in case: `qcode code --coder {twins[0]}`; another person needs another name)",
            )
            return
        if coder is None:  # a new coder: in the database from their first change, not from opening
            coder = CoderRef(UNSAVED, "", name.strip())
        if coder.role != "coder":  # the services refuse its writes too; say so before any key
            self.exit(
                return_code=6,
                message=f"qcode: {coder.name!r} is the consensus coder: only `qcode adjudicate` writes it",
            )
            return
        self.coder_name = coder.name
        self.controller = CodingController(self.access, coder)
        saved = positions.load(self.access.url, coder.name) if self.access.url else None
        start = self.controller.load((saved.document, saved.ordinal) if saved is not None else None)
        self.push_screen(MainScreen(self.controller, start))
        self.call_after_refresh(self._first_screen_up)

    def _first_screen_up(self) -> None:
        # What exists now lives as long as the app: out of the collector's sight, a full collection
        # takes milliseconds instead of the tens that would stall a keypress now and then.
        gc.freeze()
        gc.enable()
        # the store (SQLAlchemy and the models) loads on a worker a little after the first screen:
        # loading it at once took the interpreter from the first key's toggle and frame (one GIL)
        self.set_timer(STORE_DELAY, self._open_store)
        if self.access.notice:  # said on stderr too, which the screen hides until it quits
            self.notify(self.access.notice, timeout=12)

    def _open_store(self) -> None:
        # SQLAlchemy's modules and mappers live as long as the app: out of the collector's sight
        self.access.open_in_background(self._store_failed_elsewhere, on_open=gc.freeze)

    def on_unmount(self) -> None:
        """Remember where the coder is; hand frozen objects back to the collector (tests run many apps)."""
        c = self.controller
        left_at = c.left_at() if c is not None else None
        if c is not None and left_at is not None and self.access.url:
            positions.save(self.access.url, c.coder.name, positions.Position(*left_at))
        gc.unfreeze()
        gc.enable()
        if self._own_access:
            self.access.close()

    def _store_failed_elsewhere(self, error: StoreError) -> None:
        self.post_message(StoreFailed(error))  # thread-safe, and never waits on a closing app

    def on_store_failed(self, message: StoreFailed) -> None:
        """The project would not open: say why and quit (nothing was written)."""
        self.exit(return_code=1, message=f"qcode: {message.error}")
