"""What a newcomer visits in the first hour, at 80×24 and 120×40: every shipped document, every screen.

Each test drives keys as a coder would, on the demo qcode ships, and fails on any exception (Pilot
raises what the app raised) or on text cut where it carries meaning: the footer's help and quit,
every code's hotkey and name (on screen, or reached by moving through the codebook), headings and
attributes, prompt titles, the agreement table.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Label

from qcode.store.migrate import Store, open_store
from qcode.tui.access import ProjectAccess
from qcode.tui.adjudication import AdjudicateApp, Settings
from qcode.tui.app import QcodeApp
from qcode.tui.screens.agreement import AgreementScreen
from qcode.tui.screens.help import HelpScreen
from qcode.tui.widgets.virtual_list import VirtualList
from tests.tui.harness import main_screen, screen_text, transcript

pytestmark = pytest.mark.anyio

SIZES = [
    pytest.param((80, 24), id="80x24"),
    pytest.param((100, 30), id="100x30"),
    pytest.param((120, 40), id="120x40"),
]


@pytest.fixture(scope="module")
def coded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo coded by alice and bob (so agreement, compare and adjudication have something to show)."""
    from tests.demo_coded import coded_demo

    return Path(coded_demo(tmp_path_factory.mktemp("coded")))


@pytest.fixture
def coded(coded_template: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the coded demo, open."""
    path = tmp_path / "qcode.db"
    shutil.copy(coded_template, path)
    store = open_store(f"sqlite:///{path}")
    try:
        yield store
    finally:
        store.close()


def flat(text: str) -> str:
    """Text with borders, scrollbars and runs of spaces collapsed: wrapped lines read as one."""
    return re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─▌▏▎▊▔▁▂▃▄▅▆▇█]", " ", text))


def lines_of(widget: VirtualList) -> str:
    """The rows a list shows, joined (what its pane holds, without the pane's border)."""
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


def assert_footer(app: QcodeApp) -> None:
    """Help and quit are always in the footer, whatever the width."""
    last = screen_text(app).splitlines()[-1]
    assert "? Help" in last and "q Quit" in last, last


def assert_labels_whole(app: QcodeApp) -> str:
    """Every label of the screen on top (a prompt's title) is shown whole; returns their text."""
    screen = flat(screen_text(app))
    labels = [flat(str(label.render())).strip() for label in app.screen.query(Label)]
    for text in labels:
        assert text in screen, text
    return " ".join(labels)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for workers and the follow-up of the last key, so what is read is what a coder sees."""
    await pilot.app.workers.wait_for_complete()
    for screen in pilot.app.screen_stack:
        if hasattr(screen, "flush_pending"):
            screen.flush_pending()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
async def test_every_shipped_document_by_bracket(demo: Store, size: tuple[int, int]) -> None:
    app = QcodeApp(demo, "newbie")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        names = [d.name for d in main_screen(app).controller.documents]
        assert len(names) == 20
        for name in names:
            tv = transcript(app)
            assert tv.transcript is not None and tv.transcript.document.name == name
            shown = flat(lines_of(tv))
            pane = flat(screen_text(app))
            doc = tv.transcript.document
            assert doc.title in pane
            if not tv.transcript.segments:
                assert f"{doc.title}: no passages" in shown
            else:  # the first heading whole, and the attributes whole (in the border, or above it)
                assert flat(tv.heading(tv.transcript.segments[0])) in shown
                about = doc.attribute_line()
                assert flat(about) in shown or flat(about) in pane
            assert_footer(app)
            await pilot.press("right_square_bracket")
            await settle(pilot)
        assert transcript(app).transcript.document.name == names[-1]  # type: ignore[union-attr]


@pytest.mark.parametrize("size", SIZES)
async def test_every_code_hotkey_is_on_screen_or_scrolls_into_view(
    demo: Store, size: tuple[int, int]
) -> None:
    app = QcodeApp(demo, "newbie", suggestions=True)  # the panel as a newcomer has it, taking its rows
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        codes = screen.controller.codes
        await pilot.press("tab")  # transcript → codebook
        assert app.focused is screen.codebook
        await pilot.press("g")
        for i, code in enumerate(codes):
            assert screen.codebook.cursor == i
            row = f"{code.hotkey}  {'  ' * code.depth}{code.name}" if code.codable else f"  {code.name}"
            assert row in screen_text(app), row
            await pilot.press("j")
        assert_footer(app)


@pytest.mark.parametrize("size", SIZES)
async def test_the_documents_pane_is_always_reachable(demo: Store, size: tuple[int, int]) -> None:
    app = QcodeApp(demo, "newbie")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("ctrl+d")
        assert app.focused is screen.documents
        assert "Documents" in screen_text(app)
        assert "Male · Arab Emirates (Abu Dhabi) · Cement Plasterer" in flat(lines_of(screen.documents))
        await pilot.press("j")  # B, highlighted: its attributes whole
        b = screen.controller.documents[1]
        assert flat(b.attribute_line()) in flat(lines_of(screen.documents))
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is screen.transcript
        assert transcript(app).transcript.document.name == "B"  # type: ignore[union-attr]
        assert "Codebook" in screen_text(app)
        assert_footer(app)


@pytest.mark.parametrize("size", SIZES)
async def test_help_reads_at_full_width(demo: Store, size: tuple[int, int]) -> None:
    app = QcodeApp(demo, "newbie")
    async with app.run_test(size=size) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for line in ("next segment (or item in a list)", "previous document", "next document"):
            assert line in text, line  # on one line: the descriptions get the width
        await pilot.press("end")
        await pilot.pause()
        text = screen_text(app)
        assert "f              family-guarantee" in text  # the last code, after scrolling to the end
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_prompts_show_their_titles_whole(demo: Store, size: tuple[int, int]) -> None:
    app = QcodeApp(demo, None)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert "Who is coding?" in assert_labels_whole(app)
        await pilot.press(*"newbie", "enter")
        await settle(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert "Memo on segment 1" in assert_labels_whole(app)
        await pilot.press("escape", "colon")
        await pilot.pause()
        assert "Code: type a name" in assert_labels_whole(app)
        assert "money (group)" in flat(screen_text(app))
        await pilot.press("escape")
        assert_footer(app)


@pytest.mark.parametrize("size", SIZES)
async def test_agreement_window_is_a_readable_table(coded: Store, size: tuple[int, int]) -> None:
    app = QcodeApp(coded, "alice")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        table: DataTable[object] = screen.query_one("#agreement-table", DataTable)
        assert table.size.height >= 8  # the header row and at least seven codes, whatever the size
        text = screen_text(app)
        assert "Agreement between alice, bob" in text and "Pooled kappa" in text, text
        assert "Cohen κ" in text and "Fleiss κ" in text and "wages" in text
        wages = [str(cell) for cell in table.get_row_at(0)]
        assert wages[0] == "wages" and re.fullmatch(r"0\.\d{3}", wages[3])
        assert wages[4].endswith("almost perfect") == (size[0] >= 120)  # bands in cells only where they fit
        for _ in range(table.row_count):  # every row scrolls into view with the code's name beside it
            await pilot.press("down")
        await pilot.pause()
        assert "overall (mean of" in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, AgreementScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_every_other_screen_opens_and_closes(coded: Store, size: tuple[int, int]) -> None:
    app = QcodeApp(coded, "alice", suggestions=True)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        for keys, expect in (
            (("B",), "Segments per code"),
            (("C",), "codings in"),
            (("A",), "Compare coders"),
            (("ctrl+f", *"wages", "enter"), "segments in"),
            (("ctrl+p",), "Search for commands"),
        ):
            await pilot.press(*keys)
            await settle(pilot)
            assert app.screen is not screen, keys
            assert expect in flat(screen_text(app)), (keys, expect)
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen, keys
            assert_footer(app)
        await pilot.press("slash", *"embassy", "enter")
        await settle(pilot)
        assert "/embassy:" in str(screen.query_one("#status").render())
        await pilot.press("escape", "F", "F", "T", "T", "S", "S", "v", "j", "escape")
        await settle(pilot)
        assert_footer(app)


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")])
async def test_adjudication_on_the_coded_demo(coded: Store, size: tuple[int, int]) -> None:
    app = AdjudicateApp(ProjectAccess(coded), Settings(codes=["wages"], actor="judge"))
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)  # type: ignore[arg-type]
        assert "1 alice" in text and "2 bob" in text and "decided" in text
        await pilot.press("l", "h", "q")
