"""The coding screen: documents, transcript and codebook, and where each key goes (codings: ``coding``)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, Static

from qcode.coding.types import CodeInfo, DocumentInfo
from qcode.config import RESERVED_HOTKEYS, project_label
from qcode.errors import StoreError, TransactionFailedError
from qcode.tui import keymap
from qcode.tui.controller import CodingController
from qcode.tui.messages import JumpTo, ProgressLoaded, StoreFailed
from qcode.tui.screens.coding import NO_CODEBOOK, CodingActions
from qcode.tui.status import StatusPart, fit_status, project_shorter
from qcode.tui.widgets.codebook import CodebookList, CodeDetail
from qcode.tui.widgets.documents import DocumentList
from qcode.tui.widgets.footer import KeyFooter
from qcode.tui.widgets.suggestions import SuggestionPanel
from qcode.tui.widgets.transcript import TranscriptView
from qcode.tui.widgets.virtual_list import VirtualList

if TYPE_CHECKING:
    from textual.command import Provider


def _code_commands() -> type[Provider]:
    """The palette's code provider, imported when the palette first opens."""
    from qcode.tui.screens.palette import CodeCommands

    return CodeCommands


def _screen_commands() -> type[Provider]:
    """The palette's provider of the screen's commands and documents, imported when it first opens."""
    from qcode.tui.screens.palette import ScreenCommands

    return ScreenCommands


#: Seconds after a change before the codebook ticks, progress and status follow the transcript.
AFTER_CHANGE_DELAY = 0.02
#: Keys that open a box to type in: keys typed right after them belong to the box.
OPENS_A_BOX = frozenset(
    name
    for k in keymap.SCREEN_KEYS
    if k.action in {"query", "code_prompt", "search", "memo"}
    for name in k.keys.split(",")
)
#: Below this many columns the documents pane is hidden (``[`` and ``]`` still change document).
NARROW = 100
#: Below this many columns the codebook pane is slimmer, leaving the transcript room for its title.
WIDE = 120
#: Below this many rows the highlighted code's definition shows only while the codebook has focus.
SHORT = 36
#: What the transcript pane says in a project without documents.
NO_DOCUMENTS = (
    "No documents yet.\n\nIn a shell, import transcripts and start qcode again:\n\nqcode import transcripts/"
)


class MainScreen(CodingActions):
    """Code segments by keyboard; each change is committed before it is shown."""

    BINDINGS: ClassVar[list[BindingType]] = list(keymap.bindings(keymap.SCREEN_KEYS))
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {
        _screen_commands,
        _code_commands,
    }

    def __init__(self, controller: CodingController, start: tuple[int, int] = (0, 0)) -> None:
        super().__init__()
        self.controller = controller
        self.start = start
        self.hit_indices: list[int] = []
        self.search_text = ""
        self._message = ""
        self._sent_on: list[events.Key] = []  # keys sent on to a box, not to be held back again
        self._message_at: tuple[int, int] | None = None
        self._message_error = False
        self._after_timer: Timer | None = None
        self._told = ""
        self._open_pending = False
        #: Which project this is (file, or server and database), named on the status line, and
        #: shorter forms of that part for a narrow terminal.
        url = controller.access.url or ""
        self.project = f"project {project_label(url)}" if url else ""
        self.project_shorter = project_shorter(self.project, url)
        # set before mounting: changing the class later restyles the whole screen (tens of ms)
        self.set_class(self.app.size.width < NARROW, "-narrow")
        self.set_class(self.app.size.width < WIDE, "-slim")
        self.set_class(self.app.size.height < SHORT, "-short")

    def compose(self) -> ComposeResult:
        """Three panes, the status line, the (hidden) search box and the footer."""
        with Horizontal(id="panes"):
            with Vertical(id="documents-pane"):
                yield DocumentList(id="documents")
            with Vertical(id="transcript-pane"):
                yield TranscriptView(id="transcript")
            with Vertical(id="codebook-pane"):
                yield CodebookList(id="codebook")
                yield SuggestionPanel(id="suggestions")
                yield CodeDetail(id="code-detail")
        yield Static(id="status")
        yield Input(id="search", placeholder="search this transcript (start with ~ for fuzzy)")
        yield KeyFooter(compact=True)

    @property
    def documents(self) -> DocumentList:
        """The documents pane."""
        return self.query_one("#documents", DocumentList)

    def on_mount(self) -> None:
        """Fill the panes, open the starting document, count progress in a worker."""
        c = self.controller
        self.documents.set_documents(c.documents)
        self.codebook.set_codes(c.codes)
        self.transcript.set_codebook(c.codes)
        self.query_one("#documents-pane").border_title = "Documents"
        book = self.query_one("#codebook-pane")
        book.border_title = "Codebook"
        codable = sum(1 for code in c.codes if code.codable)
        book.border_subtitle = f"{codable} codes · ? keys" if codable else "no codebook"
        detail = self.query_one(CodeDetail)
        detail.codes = c.codes
        detail.show_code(self.codebook.highlighted)
        if not c.codes:
            self.message = f"no codebook: {NO_CODEBOOK}"
            self._message_error = True  # true wherever the coder goes: kept until the next action
        if c.documents:
            doc, ordinal = self.start
            with self._reading():
                self.open_document(doc, ordinal=ordinal)
        else:
            self.query_one("#transcript-pane").border_title = "No documents: import transcripts first"
            self.transcript.empty_note = NO_DOCUMENTS
            self.update_status()
        self.transcript.focus()
        self.start_suggestions()
        # after the first frame: the count scans every segment and would hold up the first paint
        self.call_after_refresh(self.count_progress)

    def on_resize(self, event: events.Resize) -> None:
        """Hide the documents pane when the terminal is narrow, the code's definition when it is short."""
        self.set_class(event.size.width < NARROW, "-narrow")
        self.set_class(event.size.width < WIDE, "-slim")
        self.set_class(event.size.height < SHORT, "-short")

    def action_documents(self) -> None:
        """``ctrl+d``: to the documents list (on a narrow screen it takes the codebook's place), or back."""
        documents = self.documents
        if self.focused is documents or self.has_class("-documents"):
            self.set_class(False, "-documents")
            self.transcript.focus()
            return
        self.set_class(self.has_class("-narrow") or self.has_class("-focus"), "-documents")
        documents.focus()

    @property
    def message(self) -> str:
        """The status line's last word on an action; it goes when the coder moves on (an error stays)."""
        return self._message

    @message.setter
    def message(self, text: str) -> None:
        self._message, self._message_error, self._message_at = text, False, self._here()

    def _here(self) -> tuple[int, int]:
        return self.controller.doc_index, self.transcript.cursor

    # -- showing --------------------------------------------------------------------------------

    def open_document(self, index: int, *, segment: int | None = None, ordinal: int | None = None) -> None:
        """Open document ``index`` at a segment index or ordinal (default: the first)."""
        tr = self.controller.open(index)
        if segment is None:
            segment = self.controller.index_of_ordinal(ordinal) if ordinal else 0
        self.transcript.show(tr, segment)
        self.controller.cursor = self.transcript.cursor
        pane = self.query_one("#transcript-pane")
        pane.border_title = f"{tr.document.name} — {tr.document.title}".rstrip(" —")
        pane.border_subtitle = tr.document.attribute_line()
        if self.search_text:
            self.run_search(self.search_text)
        elif self.query_hits:
            self.mark_query_hits()
        # the documents pane, codebook ticks and status follow a frame later, as after a change
        self._open_pending = True
        self._schedule_after_change()

    def after_move(self) -> None:
        """Tick the current segment's codes in the codebook and update the status line."""
        if self.controller.transcript is None:
            return
        self.controller.cursor = self.transcript.cursor
        self.codebook.set_active(self.controller.codes_at(self.transcript.cursor))  # none on an empty one
        self.update_status()
        self.suggest_later()

    def update_status(self) -> None:
        """``A · segment 3/7 · coded 2/7 · alice`` plus mode, search and the last message."""
        c, tv = self.controller, self.transcript
        parts: list[StatusPart] = []
        if c.transcript is None:
            parts.append(("no documents", 0))
        else:
            segs = c.transcript.segments
            p = c.progress.get(c.transcript.document.id)
            parts.append((c.transcript.document.name, 0))
            parts.append((f"segment {segs[tv.cursor].ordinal}/{len(segs)}" if segs else "no passages", 0))
            if p is not None:
                parts.append((f"coded {p.coded}/{p.total}", 2))
        parts.append((f"coder {c.coder.name}", 3))
        if self.project:
            parts.append((self.project, 4))
        if tv.visual_anchor is not None:
            parts.append((f"VISUAL {len(tv.selection)} (code key applies, esc leaves)", 0))
        if self.search_text:
            parts.append((self.search_status(), 0))
        elif self.query_hits or self.query_text:
            parts.append((self.query_status(), 1))
        if self._message and not self._message_error and self._message_at != self._here():
            self._message = ""  # about a segment or action the coder has moved on from
        if self.message:
            parts.append((self.message, 0))
        width = self.app.size.width
        line = fit_status(parts, width, self.project_shorter)
        self.query_one("#status", Static).update(Content(line), layout=False)
        whole = self.message in line and len(line) <= width
        if self.message and not whole and self.message != self._told:
            self._told = self.message  # too long for the line even alone: say it whole, once
            self.notify(self.message, severity="error" if self._message_error else "information", timeout=6)

    def refresh_segments(self, indices: list[int] | tuple[int, ...] | range) -> None:
        """Show the stored codes and memo of these segments now; progress, ticks and status a frame later.

        The transcript rows go out in the first frame on their own: repainting far-apart widgets in
        the same frame would make the compositor redraw the whole screen between them.
        """
        tv, c = self.transcript, self.controller
        assert c.transcript is not None
        for i in indices:
            narrowed = tuple(c.spans_at(i).values())
            tv.update_segment(i, c.codes_at(i), c.memos.get(c.transcript.segments[i].id), narrowed)
        self._schedule_after_change()

    def _schedule_after_change(self) -> None:
        if self._after_timer is not None:
            self._after_timer.stop()
        self._after_timer = self.set_timer(AFTER_CHANGE_DELAY, self._after_change)

    def flush_pending(self) -> None:
        """Run the follow-up of the latest change now (tests; quitting)."""
        if self._after_timer is not None:
            self._after_timer.stop()
            self._after_change()

    def _after_change(self) -> None:
        self._after_timer = None
        c = self.controller
        if c.transcript is not None:
            if self._open_pending:
                self.documents.set_open(c.doc_index)
            self.documents.set_progress(c.progress, only=c.doc_index)
        self._open_pending = False
        self.after_move()

    # -- keys -----------------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """A code's hotkey toggles it, whichever pane has focus (inputs keep their keys).

        The key is handled where the app runs key bindings, after every key typed before it:
        moving keys (``j``, ``]``…) are bindings, and a key reaches this screen before the
        bindings of the keys ahead of it have run, so applying here at once could code the wrong
        segment. Keys typed ahead after a key that opens a box (``:``, ``/``, ``m``, ctrl+f) reach
        this screen before the box is up: every one of them, bound (``g``, ``n``, space) or not,
        goes on to the box once it is (``:wages``, ``/night``, ctrl+f ``hours AND NOT wages``).
        """
        sent_on = next((i for i, e in enumerate(self._sent_on) if e is event), None)
        if sent_on is not None:
            del self._sent_on[sent_on]  # a key this screen sent on: handled as an ordinary key now
        elif self.typing_ahead:
            event.stop()
            event.prevent_default()
            self.app.call_later(self._typed, event.key, event.character, True)
            return
        if event.key in OPENS_A_BOX or event.character in OPENS_A_BOX:
            self.typing_ahead = True  # until the box closes
            return
        char = event.character
        if not char or not char.isprintable() or char in RESERVED_HOTKEYS or isinstance(self.focused, Input):
            return
        event.stop()
        event.prevent_default()
        self.app.call_later(self._typed, event.key, char)

    def on_screen_resume(self) -> None:
        """A box on top closed: keys are the coding screen's again."""
        self.typing_ahead = False
        self._sent_on.clear()

    def _send_on(self, key: str, char: str | None) -> None:
        """Send a key on as the terminal would: to the focused widget (a box, if one is up)."""
        event = events.Key(key, char)
        self._sent_on.append(event)
        self.app.post_message(event)

    def _typed(self, key: str, char: str | None, ahead: bool = False) -> None:
        box_up = self.app.screen is not self or isinstance(self.app.focused, Input)
        if box_up or ahead:
            if not box_up:  # the box is closed (or never opened: nothing to memo): an ordinary key again
                self.typing_ahead = False
            self._send_on(key, char)
            return
        if char is None:
            return
        code = self.controller.code_by_hotkey.get(char)
        if code is not None:
            self.apply_code(code)
        elif not self.controller.codes:
            self.say(f"no codebook, so no code keys: {NO_CODEBOOK}")
        else:
            self.say(f"no code has the key {char!r} (? lists every key and code)")

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """A read the database refused (a team server gone) is said; the screen stays as it was."""
        try:
            yield
        except TransactionFailedError as exc:
            self.notify(f"Could not read: {exc}. Nothing changed; try again.", severity="error", timeout=10)
        except StoreError as exc:  # the file cannot be read at all: say why and end
            self.app.post_message(StoreFailed(exc))

    def palette_codes(self) -> list[CodeInfo]:
        """The codebook (for the command palette)."""
        return self.controller.codes

    def palette_documents(self) -> list[DocumentInfo]:
        """The documents (for the command palette's "Open document")."""
        return self.controller.documents

    def current_codes(self) -> frozenset[int]:
        """Codes on the current segment (for the palette's apply/remove labels)."""
        if self.controller.transcript is None or not self.controller.transcript.segments:
            return frozenset()
        return self.controller.codes_at(self.transcript.cursor)

    def action_cancel(self) -> None:
        """Leave visual mode and close and clear the search (and a documents list shown for choosing)."""
        self.set_class(False, "-documents")
        self.transcript.set_anchor(None)
        search = self.query_one("#search", Input)
        self.typing_ahead = False
        if search.display or self.search_text:
            search.display = False
            search.value = ""
            self.run_search("")
            if "search" in self._message and not self._message_error:
                self._message = ""  # "search wrapped…" is about the search just cleared
        self.transcript.focus()
        self.update_status()

    # -- moving ---------------------------------------------------------------------------------

    @on(VirtualList.Moved, "#transcript")
    def _segment_moved(self) -> None:
        self.after_move()

    @on(VirtualList.Moved, "#documents")
    def _document_highlighted(self, message: VirtualList.Moved) -> None:
        self.open_document(message.index)

    @on(VirtualList.Chosen, "#documents")
    def _document_chosen(self) -> None:
        self.set_class(False, "-documents")
        self.transcript.focus()

    @on(VirtualList.Moved, "#codebook")
    def _code_highlighted(self) -> None:
        self.query_one(CodeDetail).show_code(self.codebook.highlighted)

    @on(VirtualList.Chosen, "#codebook")
    def _code_chosen(self) -> None:
        self.action_toggle_highlighted()

    def action_document(self, step: int) -> None:
        """``[`` / ``]``: the previous or next document."""
        target = self.controller.doc_index + step
        if 0 <= target < len(self.controller.documents):
            with self._reading():
                self.open_document(target)

    def action_uncoded(self, step: int) -> None:
        """``n`` / ``N``: the next or previous segment this coder has not coded."""
        if self.controller.transcript is None:
            return
        with self._reading():
            self._uncoded(step)

    def _uncoded(self, step: int) -> None:
        found = self.controller.next_uncoded(self.transcript.cursor, step)
        if found is None:
            self.message = "every segment is coded"
            self.update_status()
        elif found[0] != self.controller.doc_index:
            self.open_document(found[0], segment=found[1])
        else:
            self.transcript.move_to(found[1])

    @on(JumpTo)
    def jump_to(self, message: JumpTo) -> None:
        """Show a segment in its transcript (from the code view)."""
        for i, doc in enumerate(self.controller.documents):
            if doc.id == message.document_id:
                with self._reading():
                    self.open_document(i, ordinal=message.ordinal)
                self.transcript.focus()
                return

    @on(ProgressLoaded)
    def _progress_loaded(self, message: ProgressLoaded) -> None:
        c = self.controller
        c.merge_progress(dict(message.progress))
        c.merge_attributes(dict(message.attributes))
        self.documents.set_documents(c.documents)
        self.documents.set_open(c.doc_index)
        self.documents.set_progress(c.progress)
        if c.documents:
            line = c.documents[c.doc_index].attribute_line()
            self.query_one("#transcript-pane").border_subtitle = line
            self.transcript.set_about(line)
        self.update_status()
        gc.freeze()  # what the first screen and the count made lives as long as the app

    @work(thread=True, exclusive=True, group="progress")
    def count_progress(self) -> None:
        """Count every document's progress off the UI thread (a scan of the segments index)."""
        try:
            loaded = self.controller.load_progress()
        except StoreError:
            return  # the project would not open: the app says so and quits
        self.post_message(ProgressLoaded(*loaded))
