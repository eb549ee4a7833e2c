"""Pilot tests of the suggestions panel: explained suggestions, Y accepts (undoably), S hides, blind."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from sqlalchemy import func, select
from textual.pilot import Pilot

from qcode.store.migrate import Store
from qcode.store.models import Event
from qcode.tui.app import QcodeApp
from qcode.tui.screens import suggesting
from qcode.tui.widgets.suggestions import SuggestionPanel
from tests.coding.sample import Sample, add_coding, fill_sample
from tests.tui.harness import SIZE, main_screen, position, screen_text, stored_codings

pytestmark = pytest.mark.anyio
SIZES = [(80, 24), SIZE]


@pytest.fixture(autouse=True)
def _quick_and_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build at once and suggest after a short pause (a real worker, a real timer); no network at all."""
    monkeypatch.setattr(suggesting, "BUILD_DELAY", 0.01)
    monkeypatch.setattr(suggesting, "QUIET", 0.01)

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network use refused by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def panel(app: QcodeApp) -> SuggestionPanel:
    return main_screen(app).suggestions


async def shown(pilot: Pilot[Any], timeout: float = 20.0) -> SuggestionPanel:
    """Wait until the panel shows suggestions for the segment under the cursor."""
    app = pilot.app
    assert isinstance(app, QcodeApp)
    screen = main_screen(app)
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        await app.workers.wait_for_complete()
        await pilot.pause(0.02)
        c = screen.controller
        assert c.transcript is not None
        if panel(app).segment_id == c.transcript.segments[screen.transcript.cursor].id:
            return panel(app)
    raise AssertionError(f"no suggestions shown: {panel(app).render()}")


def last_event(store: Store) -> Event:
    with store.sessions() as s:
        return s.scalars(select(Event).order_by(Event.id.desc()).limit(1)).one()


@pytest.mark.parametrize("size", SIZES)
async def test_codebook_alone_suggests_with_reasons_and_y_accepts_undoably(
    project: tuple[Store, Sample], size: tuple[int, int]
) -> None:
    store, _ = project
    app = QcodeApp(store, "alice", suggestions=True)
    async with app.run_test(size=size) as pilot:
        await pilot.press("j", "j", "j", "j")  # A 5: "Most of the wages went to the state as a loyalty…"
        got = await shown(pilot)
        first = got.suggestions[0]
        assert first.code == "wages"
        assert first.reasons[0].describe() == "keyword “loyalty payment”"
        text = screen_text(app)
        assert "Suggested · Y accepts" in text and "w Wages withheld" in text
        assert "keyword “loyalty paym" in text
        await pilot.press("Y")
        assert stored_codings(store) == {("A", 5, "wages")}
        event = last_event(store)
        assert event.action == "coding.add" and event.payload["via"] == "suggestion"
        assert event.payload["code"] == "wages" and event.payload["segment"] == 5
        await shown(pilot)
        assert "wages" not in [s.code for s in panel(app).suggestions]  # it is on the segment now
        await pilot.press("u")
        assert stored_codings(store) == set()
        assert "undo: Wages withheld applied" in screen_text(app)  # label "… applied (suggestion)"


async def test_suggestions_learn_from_the_coders_own_codings(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice", suggestions=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket", "j")  # B 2: "Our passports were kept by the manager…"
        await pilot.press("c")  # confinement, by its key
        await pilot.press("k")  # B 1: "The factory dormitory was locked at night."
        got = await shown(pilot)
        confine = next(s for s in got.suggestions if s.code == "confine")
        assert position(app) == ("B", 1)
        assert any(r.kind == "segment" and (r.document, r.ordinal) == ("B", 2) for r in confine.reasons)
        assert stored_codings(store) == {("B", 2, "confine")}


async def test_another_coders_codings_are_never_learned(project: tuple[Store, Sample]) -> None:
    store, sample = project
    with store.sessions() as s, s.begin():
        for ordinal in (2, 3):
            add_coding(s, sample, "bob", "A", ordinal, "surveil")
    app = QcodeApp(store, "alice", suggestions=True)
    async with app.run_test(size=SIZE) as pilot:
        got = await shown(pilot)
        engine = main_screen(app)._engine
        assert engine is not None and engine._model is not None
        assert engine._model.coded_count() == 0  # bob's three codings are not alice's
        assert all(r.kind != "segment" for s in got.suggestions for r in s.reasons)


async def test_s_hides_and_the_setting_turns_them_off(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice", suggestions=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not panel(app).display
        assert "Suggested" not in screen_text(app)
        await pilot.press("Y")
        assert stored_codings(store) == set()
        assert "suggestions are hidden (S)" in screen_text(app)
        await pilot.press("S")  # shown: built now
        assert panel(app).display
        await shown(pilot)
        assert "Suggested" in screen_text(app)
        await pilot.press("S")
        assert not panel(app).display and "suggestions hidden" in screen_text(app)


async def test_on_postgresql_too(store: Store, backend: str) -> None:
    with store.sessions() as s, s.begin():
        fill_sample(s)
    app = QcodeApp(store, "alice", suggestions=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket", "j")  # B 2: "Our passports were kept by the manager…"
        got = await shown(pilot)
        assert got.suggestions[0].code == "confine"
        assert got.suggestions[0].reasons[0].describe() == "keyword “passport”"
        await pilot.press("Y")
        assert stored_codings(store) == {("B", 2, "confine")}


async def test_an_empty_document_shows_no_suggestions_left_from_the_last_one(demo: Store) -> None:
    app = QcodeApp(demo, "alice", suggestions=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot)  # A 1 has its suggestions
        screen = main_screen(app)
        for _ in range(30):
            assert screen.controller.transcript is not None
            if screen.controller.transcript.document.name == "K":  # the demo's document without passages
                break
            await pilot.press("right_square_bracket")
        loop = asyncio.get_running_loop()
        end = loop.time() + 20
        while loop.time() < end and panel(app).suggestions:
            await app.workers.wait_for_complete()
            await pilot.pause(0.02)
        assert panel(app).suggestions == () and panel(app).segment_id is None
        assert "nothing to suggest" in str(panel(app).render())
        await pilot.press("Y")  # nothing to accept
        await pilot.pause()
    with demo.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Event).where(Event.actor == "alice")) == 0
