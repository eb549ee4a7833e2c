"""Pilot test: turn-based transcripts show each turn's speaker in the coding screen at 80×24.

Subtitles with ``Name:`` labels and a Word interview laid out as a ``speaker | text`` table are
imported as a user would (``qcode import``); every turn's heading names its speaker.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode.cli.main import app as cli
from qcode.store.migrate import Store
from qcode.tui.app import QcodeApp
from tests.ingest.files import docx_with_table
from tests.tui.harness import position, screen_text

pytestmark = pytest.mark.anyio

SRT = """1
00:00:01,000 --> 00:00:04,000
Ana: Where did you work?

2
00:00:04,500 --> 00:00:09,000
Ben: In a sawmill near Tynda.

3
00:00:09,500 --> 00:00:12,000
Ana: And the pay?
"""
TABLE = [["Interviewer", "Did they pay you?"], ["K", "+50% was taken by the state."]]


def _import(store: Store, *paths: Path) -> None:
    db = store.url.removeprefix("sqlite:///")
    result = CliRunner().invoke(cli, ["--db", db, "import", *map(str, paths)])
    assert result.exit_code == 0, result.output


async def test_each_turn_shows_its_speaker_at_80x24(sqlite_store: Store, tmp_path: Path) -> None:
    subtitles = tmp_path / "a-hearing.srt"
    subtitles.write_text(SRT, encoding="utf-8")
    word = tmp_path / "b-interview.docx"
    word.write_bytes(docx_with_table("Interview", "Recorded in Seoul.", TABLE))
    _import(sqlite_store, subtitles, word)
    app = QcodeApp(sqlite_store, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert position(app) == ("a-hearing", 1)
        text = screen_text(app)
        assert "¶1 — Ana" in text and "¶2 — Ben" in text and "¶3 — Ana" in text
        assert "Where did you work?" in text and "Ana: Where" not in text  # the label became the speaker
        await pilot.press("j", "j")
        assert position(app) == ("a-hearing", 3)
        assert "¶3 — Ana" in screen_text(app)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert position(app)[0] == "b-interview"
        text = screen_text(app)
        assert "— Interviewer" in text and "— K" in text
        assert "+50% was taken by the state." in text
