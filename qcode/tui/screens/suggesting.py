"""The suggestions half of the coding screen: the panel beside the codebook, its keys and its workers.

The keypress path only counts: a move or a change bumps a counter, and once the coder pauses
(:data:`QUIET` seconds without another) a worker thread brings the suggester up to date with the
open document's codings and suggests for the current segment. The suggester is built on a worker
too, :data:`BUILD_DELAY` seconds after the screen opens (after the first keys, which matter most).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message
from textual.timer import Timer

from qcode.coding.types import Transcript
from qcode.errors import QcodeError
from qcode.tui.screens.finding import FindingScreen
from qcode.tui.widgets.suggestions import SuggestionPanel

if TYPE_CHECKING:
    from qcode.suggest.model import Suggestion
    from qcode.tui.access import ProjectAccess
    from qcode.tui.suggesting import SuggestionEngine

#: Seconds after the screen opens before the suggester is built.
BUILD_DELAY = 1.0
#: Seconds without a move or change before suggestions are computed.
QUIET = 0.25
#: ``via`` in the event of a coding accepted from a suggestion.
VIA = "suggestion"


class SuggesterBuilt(Message):
    """The worker built the suggester (``engine``), or could not (``error``)."""

    def __init__(self, engine: SuggestionEngine | None, error: str = "") -> None:
        super().__init__()
        self.engine = engine
        self.error = error


class SuggestionsReady(Message):
    """Suggestions for one segment, computed by a worker."""

    def __init__(self, segment_id: int, suggestions: tuple[Suggestion, ...]) -> None:
        super().__init__()
        self.segment_id = segment_id
        self.suggestions = suggestions


class SuggestingScreen(FindingScreen):
    """Base of the coding screen that adds code suggestions (the coding screen calls the hooks)."""

    message: str
    _engine: SuggestionEngine | None = None
    _building = False
    _showing = False
    _stamp = 0  # bumped by every move and change
    _quiet_stamp = 0
    _quiet_timer: Timer | None = None

    # -- what the coding screen provides --------------------------------------------------------

    def refresh_segments(self, indices: list[int] | tuple[int, ...] | range) -> None:
        """Show changed segments (the coding screen does it)."""

    def _changing(self) -> AbstractContextManager[None]:
        """Guard a change: a refusal is said, not raised (the coding screen does it)."""
        return _nothing()

    # -- hooks ----------------------------------------------------------------------------------

    @property
    def suggestions(self) -> SuggestionPanel:
        """The suggestions panel."""
        return self.query_one("#suggestions", SuggestionPanel)

    def start_suggestions(self) -> None:
        """On mount: show the panel and build the suggester soon, unless suggestions are turned off."""
        self._showing = bool(getattr(self.app, "suggestions", True))
        self.suggestions.display = self._showing
        if self._showing:
            self.suggestions.say("learning from your codings…")
            self.set_timer(BUILD_DELAY, self._build)

    def suggest_later(self) -> None:
        """After a move or a change: suggest again once the coder pauses (cheap: no work here)."""
        self._stamp += 1
        if self._quiet_timer is None and self._showing and self._engine is not None:
            self._quiet_stamp = self._stamp
            self._quiet_timer = self.set_timer(QUIET, self._quiet)

    # -- workers --------------------------------------------------------------------------------

    def _build(self) -> None:
        if self._engine is not None or self._building:
            return
        self._building = True
        from qcode.tui.suggesting import SuggestionEngine  # the model loads when first built

        c = self.controller
        background = [s.text for s in c.transcript.segments] if c.transcript is not None else []
        self._build_worker(SuggestionEngine(c.coder.id, c.codes), background)

    @work(thread=True, exclusive=True, group="suggest-build", exit_on_error=False)
    def _build_worker(self, engine: SuggestionEngine, background: list[str]) -> None:
        access: ProjectAccess = getattr(self.app, "access")  # noqa: B009 - the coding app's
        try:
            with access.reading() as source:
                fetched = engine.fetch(source)
            engine.build(fetched, background)
        except QcodeError as exc:
            self.post_message(SuggesterBuilt(None, str(exc)))
            return
        self.post_message(SuggesterBuilt(engine))

    @on(SuggesterBuilt)
    def _built(self, message: SuggesterBuilt) -> None:
        self._building = False
        if message.engine is None:
            self.suggestions.say(f"no suggestions: {message.error}")
            return
        self._engine = message.engine
        self._compute_now()

    def _quiet(self) -> None:
        self._quiet_timer = None
        if self._stamp != self._quiet_stamp:  # moved again meanwhile: wait for a pause
            self._quiet_stamp = self._stamp
            self._quiet_timer = self.set_timer(QUIET, self._quiet)
            return
        self._compute_now()

    def _compute_now(self) -> None:
        c, engine = self.controller, self._engine
        if self._showing and c.transcript is not None and not c.transcript.segments:
            self.suggestions.say("nothing to suggest: no segment here")  # not the last document's
            return
        if engine is None or not self._showing or c.transcript is None:
            return
        self._compute_worker(engine, c.transcript, dict(c.codings), self.transcript.cursor)

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def _compute_worker(
        self,
        engine: SuggestionEngine,
        transcript: Transcript,
        codings: Mapping[int, frozenset[int]],
        index: int,
    ) -> None:
        found = engine.refresh(transcript, codings, index)
        self.post_message(SuggestionsReady(transcript.segments[index].id, found))

    @on(SuggestionsReady)
    def _ready(self, message: SuggestionsReady) -> None:
        c = self.controller
        if not self._showing or c.transcript is None or not c.transcript.segments:
            return
        if c.transcript.segments[self.transcript.cursor].id != message.segment_id:
            return  # the coder moved on: the suggestions for where they are come next
        hotkeys = {code.key: code.hotkey for code in c.codes}
        self.suggestions.show(message.segment_id, message.suggestions, hotkeys)

    # -- keys -----------------------------------------------------------------------------------

    def action_accept_suggestion(self) -> None:
        """``Y``: apply the first suggested code to the current segment (an ordinary, undoable coding)."""
        c, panel = self.controller, self.suggestions
        if c.transcript is None or not c.transcript.segments:
            self.message = "nothing to accept: no segment here (this document has no passages)"
            self.update_status()
            return
        index = self.transcript.cursor
        seg = c.transcript.segments[index]
        code = next((k for k in c.codes if panel.suggestions and k.key == panel.suggestions[0].code), None)
        if not self._showing or panel.segment_id != seg.id or code is None:
            self.message = "no suggestion to accept here" if self._showing else "suggestions are hidden (S)"
            self.update_status()
            return
        if code.id in c.codes_at(index):  # already there (the panel is a moment behind): never remove
            self.suggest_later()
            return
        with self._changing():
            c.toggle(index, code, via=VIA)
            self.message = f"{code.name} applied (suggested)"
            panel.say("…")
            self.refresh_segments((index,))

    def action_toggle_suggestions(self) -> None:
        """``S``: hide or show the suggestions (hidden, nothing is computed)."""
        self._showing = not self._showing
        self.suggestions.display = self._showing
        self.message = "suggestions shown" if self._showing else "suggestions hidden (S shows them)"
        self.update_status()
        if not self._showing:
            return
        if self._engine is None:
            self.suggestions.say("learning from your codings…")
            self._build()
        else:
            self._compute_now()


@contextmanager
def _nothing() -> Iterator[None]:
    yield
