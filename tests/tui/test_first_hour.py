"""The demo as a newcomer meets it: an empty document, group codes, a project without a codebook."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from qcode.store.migrate import Store
from qcode.store.models import Code
from qcode.tui.app import QcodeApp
from tests.tui.harness import main_screen, screen_text, stored_codings, transcript

pytestmark = pytest.mark.anyio

SIZES = [(80, 24), (120, 40)]


def status(app: QcodeApp) -> str:
    """The status line as shown."""
    return str(main_screen(app).query_one("#status").render())


async def _open_k(app: QcodeApp, pilot: object) -> None:
    """``]`` from A until K (the demo's document without passages), as a coder gets there."""
    for _ in range(30):
        tr = transcript(app).transcript
        assert tr is not None
        if tr.document.name == "K":
            return
        await pilot.press("right_square_bracket")  # type: ignore[attr-defined]
    raise AssertionError("K never opened")


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_an_empty_document_opens_empty_and_says_why(demo: Store, size: tuple[int, int]) -> None:
    app = QcodeApp(demo, "newbie")
    async with app.run_test(size=size) as pilot:
        await _open_k(app, pilot)
        await pilot.pause()
        text = screen_text(app)
        assert "Interviewee K: no passages" in text
        assert "no text to code" in text
        assert "no passages" in status(app)


async def test_the_documents_list_says_an_empty_document_is_empty_before_and_after_opening_it(
    demo: Store,
) -> None:
    """K read 0/0 when open and nothing at all after the progress scan (it has no segments)."""
    from qcode.tui.widgets.documents import DocumentList

    app = QcodeApp(demo, "newbie")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()  # the progress scan
        await pilot.pause()
        docs = main_screen(app).query_one(DocumentList)

        def k_row() -> str:
            rows = [docs.render_line(y).text for y in range(docs.size.height)]
            return next(r for r in rows if r.strip().startswith(("K", "▸ K")))

        assert k_row().rstrip().endswith("empty"), k_row()
        await _open_k(app, pilot)
        await pilot.pause()
        assert k_row().rstrip().endswith("empty"), k_row()


async def test_every_key_on_an_empty_document_changes_nothing_and_says_so(demo: Store) -> None:
    app = QcodeApp(demo, "newbie")
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_k(app, pilot)
        await pilot.press("space")
        assert "nothing to code" in status(app)
        await pilot.press("w")
        assert "nothing to code" in status(app)
        await pilot.press("m")
        await pilot.pause()
        assert app.screen is main_screen(app)  # no memo prompt for a segment that is not there
        assert "nothing to code" in status(app)
        await pilot.press("v")
        assert transcript(app).visual_anchor is None
        await pilot.press("Y", "j", "k", "G", "g", "pagedown", "pageup", "u", "ctrl+r", "escape")
        await pilot.press("slash", *"embassy", "enter", "greater_than_sign", "less_than_sign")
        assert "/embassy: no hits" in status(app)
        await pilot.press("escape", "S", "S", "F", "F", "tab", "tab", "tab")
        await pilot.pause()
        assert stored_codings(demo, "newbie") == set()
        await pilot.press("right_curly_bracket")  # the next segment to code is in the next document with text
        tr = transcript(app).transcript
        assert tr is not None and tr.document.name == "L" and tr.segments


async def test_highlighting_an_empty_document_in_the_list_opens_it(demo: Store) -> None:
    app = QcodeApp(demo, "newbie")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("shift+tab")  # transcript → documents
        assert app.focused is main_screen(app).documents
        names = [d.name for d in main_screen(app).controller.documents]
        await pilot.press(*["j"] * names.index("K"))
        await pilot.pause()
        assert "Interviewee K: no passages" in screen_text(app)


async def test_a_fresh_screen_highlights_a_code_coders_apply(demo: Store) -> None:
    app = QcodeApp(demo, "newbie")
    async with app.run_test(size=(120, 40)) as pilot:
        book = main_screen(app).codebook
        assert book.highlighted is not None and book.highlighted.codable
        assert book.highlighted.key == "wages"  # the first leaf under the group "money"
        await pilot.press("space")
        assert stored_codings(demo, "newbie") == {("A", 1, "wages")}


async def test_a_group_is_never_applied_and_says_why(demo: Store) -> None:
    app = QcodeApp(demo, "newbie")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        screen.codebook.move_to(0)
        assert screen.codebook.highlighted is not None and screen.codebook.highlighted.key == "money"
        await pilot.press("space")
        assert "money is a group: apply a code under it" in status(app)
        await pilot.press("v", "j", "space")  # a range neither
        assert "money is a group" in status(app)
        await pilot.press("colon", *"money", "enter")  # nor found by name
        await pilot.pause()
        assert "money is a group" in status(app)
        assert stored_codings(demo, "newbie") == set()
        assert "apply one of its codes" in screen_text(app)  # the definition pane says it too


async def test_a_code_marked_not_codable_shows_no_hotkey_and_refuses_it(demo: Store) -> None:
    with demo.sessions() as s, s.begin():
        s.execute(update(Code).where(Code.key == "wages").values(codable=False))
    app = QcodeApp(demo, "newbie")
    async with app.run_test(size=(120, 40)) as pilot:
        lines = screen_text(app).splitlines()
        row = next(line for line in lines if " wages " in line)
        assert "w    wages" not in row and "■      wages" in row
        await pilot.press("w")
        assert "wages is not for coding" in status(app)
        assert main_screen(app).codebook.highlighted.key == "remittance"  # type: ignore[union-attr]
        assert stored_codings(demo, "newbie") == set()


async def test_no_codebook_says_how_to_load_one(sqlite_store: Store, tmp_path: Path) -> None:
    from qcode.config import bundled_transcripts
    from qcode.ingest.formats import read_file
    from qcode.ingest.service import import_transcripts
    from qcode.project.service import ensure_project

    with sqlite_store.sessions() as s, s.begin():
        ensure_project(s)
        import_transcripts(s, [read_file(bundled_transcripts() / "A.md")])
    app = QcodeApp(sqlite_store, "newbie")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "qcode codebook load" in screen_text(app)
        await pilot.press("w")
        assert "no codebook" in status(app) and "qcode codebook load" in status(app)
        await pilot.press("space")
        assert "no codebook" in status(app)
        assert stored_codings(sqlite_store, "newbie") == set()


def test_the_status_line_drops_its_least_needed_parts_to_fit() -> None:
    from qcode.tui.status import fit_status

    parts = [("unattributed", 0), ("segment 14/19", 0), ("coded 5/19", 2), ("coder alice", 3)]
    parts += [("/embassy: hit 1/1 (n N)", 0), ("search wrapped to the top", 0)]
    wide = fit_status(parts, 120)
    assert wide == " " + " · ".join(text for text, _ in parts)
    narrow = fit_status(parts, 80)
    assert narrow == " unattributed · 14/19 · /embassy: hit 1/1 (n N) · search wrapped to the top"
    tight = fit_status(parts, 70)
    assert tight == " unattributed · 14/19 · /embassy: hit 1/1 · search wrapped to the top"
