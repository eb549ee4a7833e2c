"""Pilot tests: ctrl+n narrows a coding to the words that carry the code, as a coder would do it.

The coding keeps its segment; its exact span is stored, shown underlined, undone and redone, and
leaves in every export (``coding_start``/``coding_end`` in CSV, the selection's positions in .qdpx).
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from qcode.exchange.qdpx_export import gather_project
from qcode.export.service import coded_segment_rows
from qcode.export.shape import write_stream
from qcode.store.migrate import Store
from qcode.store.models import Code, Coder, Coding, Document, Event, Segment
from qcode.tui.app import QcodeApp
from qcode.tui.screens.narrow import NarrowPrompt
from tests.coding.sample import DOCUMENTS, Sample
from tests.tui.harness import SIZE, main_screen, screen_text, stored_codings, transcript

pytestmark = pytest.mark.anyio

A1 = DOCUMENTS[0][3][0][1][0]  # "I applied because the pay abroad was said to be ten times higher."
KEPT = "the pay abroad"


def _span(
    store: Store, doc: str = "A", ordinal: int = 1, code: str = "wages"
) -> tuple[int | None, int | None]:
    """alice's coding's stored span (``None, None``: the whole segment)."""
    with store.sessions() as s:
        row = s.execute(
            select(Coding.start, Coding.end)
            .join(Segment, Segment.id == Coding.segment_id)
            .join(Document, Document.id == Segment.document_id)
            .join(Code, Code.id == Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.name == "alice", Document.name == doc, Segment.ordinal == ordinal, Code.key == code)
        ).one()
        return row.start, row.end


def _exported(store: Store) -> dict[tuple[str, str, str], tuple[str, str]]:
    """``export segments``: (document, segment, code) → (coding_start, coding_end) of alice's codings."""
    buf = io.StringIO(newline="")
    with store.sessions() as s, s.begin():
        write_stream(buf, coded_segment_rows(s))
    return {
        (r["document"], r["segment"], r["code"]): (r["coding_start"], r["coding_end"])
        for r in csv.DictReader(io.StringIO(buf.getvalue()))
        if r["coder"] == "alice"
    }


def _qdpx_selections(store: Store) -> set[tuple[str, int, int]]:
    """(source, start, end) of every .qdpx selection holding a coding."""
    with store.sessions() as s, s.begin():
        project = gather_project(s).project
    return {
        (src.name, sel.start, sel.end) for src in project.sources for sel in src.selections if sel.codings
    }


async def test_a_coder_narrows_a_coding_to_the_words_that_carry_it(project: tuple[Store, Sample]) -> None:
    store, _ = project
    start = A1.index(KEPT)
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w", "ctrl+n")  # apply wages to A 1, then narrow it
        assert isinstance(app.screen, NarrowPrompt)
        assert "keeps the whole segment" in screen_text(app)
        await pilot.press(*KEPT)
        assert f"keeps “{KEPT}”" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert _span(store) == (start, start + len(KEPT))  # A's text starts with A 1
        assert stored_codings(store) == {("A", 1, "wages")}  # still on its segment
        main_screen(app).flush_pending()
        assert f"Wages withheld narrowed to “{KEPT}”" in screen_text(app)
        tv = transcript(app)
        assert tv.transcript is not None
        assert tv.narrowed[tv.transcript.segments[0].id] == ((start, start + len(KEPT)),)  # underlined
        assert _exported(store)[("A", "1", "wages")] == (str(start), str(start + len(KEPT)))
        assert ("A", start, start + len(KEPT)) in _qdpx_selections(store)

        await pilot.press("u")
        assert _span(store) == (None, None)
        assert _exported(store)[("A", "1", "wages")] == ("", "")
        await pilot.press("ctrl+r")
        assert _span(store) == (start, start + len(KEPT))
    with store.sessions() as s:
        actions = s.scalars(select(Event.action).where(Event.action == "coding.narrow")).all()
    assert len(actions) == 3  # narrowed, undone, redone: each in the event log


async def test_typed_words_are_found_despite_a_slip_and_an_empty_box_widens(
    project: tuple[Store, Sample],
) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w", "ctrl+n", *"teh pay abraod", "enter")  # two slips: found fuzzily
        await pilot.pause()
        start, end = _span(store)
        assert start is not None and end is not None and KEPT in A1[start - 1 : end + 1]
        await pilot.press("ctrl+n")
        words = app.screen.query_one("#narrow-words")
        assert words.value == A1[start:end]  # type: ignore[attr-defined]  # the kept words, ready to edit
        words.value = ""  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert _span(store) == (None, None)


async def test_words_not_in_the_segment_keep_the_prompt_open_and_escape_changes_nothing(
    project: tuple[Store, Sample],
) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        assert not isinstance(app.screen, NarrowPrompt)
        main_screen(app).flush_pending()
        assert "no code here to narrow" in screen_text(app)
        await pilot.press("w", "ctrl+n", *"xylophone quartet", "enter")
        assert isinstance(app.screen, NarrowPrompt)
        assert "not in this segment" in screen_text(app)
        await pilot.press("escape")
        assert _span(store) == (None, None)


async def test_removing_a_narrowed_coding_and_undoing_brings_its_span_back(
    project: tuple[Store, Sample],
) -> None:
    store, _ = project
    start = A1.index(KEPT)
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w", "ctrl+n", *KEPT, "enter")
        await pilot.pause()
        await pilot.press("w")  # the hotkey again removes the coding
        assert stored_codings(store) == set()
        await pilot.press("u")
        assert _span(store) == (start, start + len(KEPT))


async def test_with_two_codes_up_and_down_choose_which_to_narrow(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w", "c", "ctrl+n")
        prompt = app.screen
        assert isinstance(prompt, NarrowPrompt) and "(1 of 2" in screen_text(app)
        first, second = (c.key for c in prompt.codes)
        await pilot.press("down")
        assert f"Code: {prompt.codes[1].name} (2 of 2" in screen_text(app)
        await pilot.press(*"ten times higher", "enter")
        await pilot.pause()
        assert _span(store, code=first) == (None, None)
        assert _span(store, code=second) == (A1.index("ten times higher"), len(A1) - 1)
