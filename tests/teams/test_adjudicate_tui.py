"""The adjudication screen driven by keys (Textual Pilot) at 80×24 and 120×40, on a real SQLite project."""

from __future__ import annotations

import pytest

from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.tui.access import ProjectAccess
from qcode.tui.adjudication import AdjudicateApp, Settings
from qcode.tui.screens.adjudicate import AdjudicateScreen
from tests.coding.sample import fill_sample
from tests.teams.projects import keys, memo, memos, toggle
from tests.teams.test_adjudicate import CODINGS

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """Pilot tests run on asyncio (Textual's loop)."""
    return "asyncio"


@pytest.fixture
def project(sqlite_store: Store) -> Store:
    with transaction(sqlite_store.sessions) as s:
        fill_sample(s)
    for who, doc, ordinal, key in CODINGS:
        toggle(sqlite_store, who, doc, ordinal, key)
    memo(sqlite_store, "bob", "A", 3, "he works nights")
    return sqlite_store


def text_of(app: AdjudicateApp) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


async def _started(app: AdjudicateApp, pilot: object) -> AdjudicateScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, AdjudicateScreen)
    return app.screen


def consensus(store: Store) -> set[tuple[str, int, str]]:
    return {k[1:] for k in keys(store) if k[0] == "consensus"}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_deciding_every_case_by_keys(project: Store, size: tuple[int, int]) -> None:
    app = AdjudicateApp(ProjectAccess(project), Settings(actor="judge"))
    async with app.run_test(size=size) as pilot:
        screen = await _started(app, pilot)
        shown = text_of(app)
        assert "0 of 3 decided" in shown and "case 1 of 3 · A #2" in shown
        assert "1 alice" in shown and "2 bob" in shown and "applies it" in shown
        await pilot.press("1")  # alice's call on A#2 wages: applies
        assert ("A", 2, "wages") in consensus(project)
        assert "case 2 of 3 · A #3" in text_of(app) and "memo: he works nights" in text_of(app)
        await pilot.press("x")  # A#3 hours: none
        await pilot.press("b")  # A#4 surveil: bob applied it, alice did not: 'both' contradicts itself
        assert "'both' contradicts itself" in text_of(app) and "2 of 3 decided" in text_of(app)
        await pilot.press("e")  # the adjudicator's own call: it applies
        assert "every case is decided" in text_of(app) and "3 of 3 decided" in text_of(app)
        await pilot.press("h", "n")  # back to A#3
        await pilot.press(*"night shifts are not hours", "enter")
        await pilot.pause()
        assert "night shifts are not hours" in text_of(app) and screen.index == 1
        await pilot.press("e")  # the adjudicator's own call: hours does apply after all
        await pilot.press("q")
    assert consensus(project) == {("A", 1, "wages"), ("A", 4, "hours"), ("A", 2, "wages"), ("A", 3, "hours"),
                                  ("A", 4, "surveil")}  # fmt: skip
    assert memos(project)[("consensus", "A", 3)] == "Long hours: night shifts are not hours"


async def test_it_resumes_where_it_was_left(project: Store) -> None:
    app = AdjudicateApp(ProjectAccess(project), Settings(actor="judge"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _started(app, pilot)
        await pilot.press("2", "q")
    again = AdjudicateApp(ProjectAccess(project), Settings(actor="judge"))
    async with again.run_test(size=(80, 24)) as pilot:
        await _started(again, pilot)
        assert "1 of 3 decided" in text_of(again) and "case 2 of 3" in text_of(again)
        await pilot.press("1")  # alice's call on A#3: no hours
        await pilot.press("q")


async def test_a_coder_named_as_the_consensus_ends_with_one_line(project: Store) -> None:
    app = AdjudicateApp(ProjectAccess(project), Settings(consensus="bob", actor="judge"))
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):  # the worker's message ends the app; wait for it, not for the worker
            if app.return_code is not None:
                break
            await pilot.pause(0.05)
    assert app.return_code == 1


async def test_a_note_written_before_deciding_goes_with_the_decision(project: Store) -> None:
    app = AdjudicateApp(ProjectAccess(project), Settings(actor="judge"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _started(app, pilot)
        await pilot.press("n", *"pay named outright", "enter")
        await pilot.pause()
        assert "note to save with it: pay named outright" in text_of(app)
        assert memos(project).get(("consensus", "A", 2)) is None  # nothing saved before the decision
        await pilot.press("1", "q")
    assert memos(project)[("consensus", "A", 2)] == "Wages withheld: pay named outright"


async def test_the_decision_names_who_decided_and_both_never_contradicts(project: Store) -> None:
    """No adjudicator named: the decisions are the consensus coder's, never "system"."""
    app = AdjudicateApp(ProjectAccess(project), Settings())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _started(app, pilot)
        await pilot.press("b")  # A#2 wages: alice applied it, bob did not
        shown = text_of(app)
        assert "'both' contradicts itself here (one applied it, one did not)" in shown
        assert "0 of 3 decided" in shown and consensus(project) == {("A", 1, "wages"), ("A", 4, "hours")}
        await pilot.press("1")
        await pilot.press("h")
        assert screen.index == 0 and "Decision: applies (alice, by consensus)" in text_of(app)
        await pilot.press("q")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_three_coders_keys_header_and_saying_which_case_was_saved(
    project: Store, size: tuple[int, int]
) -> None:
    toggle(project, "carol", "A", 2, "wages")
    toggle(project, "carol", "A", 1, "wages")
    app = AdjudicateApp(ProjectAccess(project), Settings(actor="judge"))
    async with app.run_test(size=size) as pilot:
        await _started(app, pilot)
        lines = text_of(app).splitlines()
        footer = lines[-1]
        essential = ("1 alice", "2 bob", "3 carol", "b both", "x none", "e edit", "q quit", "h prev")
        essential += ("u undecided",)
        for key in essential:
            assert key in footer, footer  # every essential key, the third coder's too, at 80 columns
        assert "n note" in footer or size[0] < 120
        header = lines[0].strip()
        assert header.startswith("Adjudication · case 1 of") and "A #2" in header and "decided" in header
        assert all(len(line.rstrip()) <= size[0] for line in lines) and "…case" not in text_of(app)
        assert "3 carol" in text_of(app) and "applies it" in text_of(app)
        await pilot.press("3")  # carol's call on A#2 wages: applies
        await pilot.pause()
        shown = text_of(app)
        assert "saved case 1: Wages withheld applies on A #2 (carol); now case 2" in shown, shown
        assert "case 2 of" in shown.splitlines()[0]
        await pilot.press("q")
    assert ("A", 2, "wages") in consensus(project)
