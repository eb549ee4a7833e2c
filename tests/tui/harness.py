"""Helpers for driving the coding TUI in tests: the sample project, screen text, database checks."""

from __future__ import annotations

from sqlalchemy import select

from qcode.store.migrate import Store
from qcode.store.models import Code, Coder, Coding, Document, Memo, Segment
from qcode.tui.app import QcodeApp
from qcode.tui.screens.main import MainScreen
from qcode.tui.widgets.transcript import TranscriptView

SIZE = (120, 40)


def screen_text(app: QcodeApp) -> str:
    """The current screen as plain text, one line per row."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


def main_screen(app: QcodeApp) -> MainScreen:
    """The coding screen (wherever it is in the stack)."""
    for screen in app.screen_stack:
        if isinstance(screen, MainScreen):
            return screen
    raise AssertionError(f"no coding screen in {app.screen_stack}")


def transcript(app: QcodeApp) -> TranscriptView:
    """The transcript widget."""
    return main_screen(app).transcript


def stored_codings(store: Store, coder: str = "alice") -> set[tuple[str, int, str]]:
    """(document, ordinal, code key) of every coding of ``coder`` in the database, read afresh."""
    with store.sessions() as s:
        rows = s.execute(
            select(Document.name, Segment.ordinal, Code.key)
            .select_from(Coding)
            .join(Segment, Segment.id == Coding.segment_id)
            .join(Document, Document.id == Segment.document_id)
            .join(Code, Code.id == Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.name == coder)
        )
        return {(r[0], r[1], r[2]) for r in rows}


def stored_memos(store: Store, coder: str = "alice") -> dict[tuple[str, int], str]:
    """(document, ordinal) → memo text of ``coder``."""
    with store.sessions() as s:
        rows = s.execute(
            select(Document.name, Segment.ordinal, Memo.text)
            .join(Segment, Segment.id == Memo.segment_id)
            .join(Document, Document.id == Segment.document_id)
            .join(Coder, Coder.id == Memo.coder_id)
            .where(Coder.name == coder)
        )
        return {(r[0], r[1]): r[2] for r in rows}


def position(app: QcodeApp) -> tuple[str, int]:
    """(document name, segment ordinal) under the cursor."""
    tv = transcript(app)
    assert tv.transcript is not None
    return tv.transcript.document.name, tv.transcript.segments[tv.cursor].ordinal


def status_line(app: QcodeApp) -> str:
    """The coding screen's status line, as shown."""
    from textual.widgets import Static

    return str(main_screen(app).query_one("#status", Static).render())
