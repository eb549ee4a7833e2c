"""Reopening puts the coder where they quit (document and segment), kept per project and coder in a
state file of their own, never in the project database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import update

from qcode.store.migrate import Store
from qcode.store.models import Document
from qcode.tui import positions
from qcode.tui.app import QcodeApp
from tests.coding.sample import Sample
from tests.tui.harness import SIZE, position, stored_codings

pytestmark = pytest.mark.anyio


async def test_reopening_puts_the_coder_where_they_quit_not_at_their_last_coding(
    project: tuple[Store, Sample],
) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w", "right_square_bracket", "j", "j", "q")  # coded A1, then read on to B3
    assert stored_codings(store) == {("A", 1, "wages")}
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert position(app) == ("B", 3)
        await pilot.press("right_square_bracket", "right_square_bracket", "j")  # minister 2, then ctrl+q
        await pilot.press("ctrl+q")
    app = QcodeApp(store, "bob")  # each coder has their own place: bob last coded A1
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert position(app) == ("A", 1)
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert position(app) == ("minister", 2)
    saved = json.loads(positions.positions_file().read_text(encoding="utf-8"))
    key = positions.project_key(store.url)
    assert set(saved) == {key} and set(saved[key]) == {"alice", "bob"}
    assert saved[key]["alice"]["segment"] == 2 and len(saved[key]["alice"]["document"]) == 64


async def test_a_document_gone_since_falls_back_to_the_last_coding(project: tuple[Store, Sample]) -> None:
    store, _ = project
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w", "right_square_bracket", "j", "q")
    with store.sessions() as s, s.begin():  # B re-imported with other text: its content hash changes
        s.execute(update(Document).where(Document.name == "B").values(content_hash="0" * 64))
    app = QcodeApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert position(app) == ("A", 1)


def test_the_project_key_is_the_resolved_file_or_the_url_without_its_password(tmp_path: Path) -> None:
    resolved = str((tmp_path / "qcode.db").resolve())
    assert positions.project_key(f"sqlite:///{tmp_path}/x/../qcode.db") == resolved
    key = positions.project_key("postgresql://ann:s3cret@db.example/qcode")
    assert "s3cret" not in key and key == "postgresql://ann:***@db.example/qcode"


def test_an_unreadable_file_is_ignored_and_rewritten_whole() -> None:
    path = positions.positions_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    assert positions.load("sqlite:///p.db", "ann") is None
    positions.save("sqlite:///p.db", "ann", positions.Position("ab" * 32, 7))
    assert positions.load("sqlite:///p.db", "ann") == positions.Position("ab" * 32, 7)
    assert [p.name for p in path.parent.iterdir()] == ["positions.json"]  # no temporary file left
