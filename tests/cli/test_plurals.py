"""Counts in command output read as English: `1 coding`, never `1 codings`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from tests.coding.tiny import build

runner = CliRunner()
NOUNS = "codings|documents|segments|codes|coders|memos|rows|quotes|hits|units"
ONE_PLURAL = re.compile(rf"(?<![\d.,])1 ({NOUNS})\b")


@pytest.fixture
def project(sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    with transaction(sqlite_store.sessions) as session:
        build(
            session,
            {"D1": [["one.", "two."]]},
            [("debt", "Debt", None)],
            ["alice", "bob"],
            [("alice", "D1", 1, "debt")],
        )
    return sqlite_store.url.removeprefix("sqlite:///")


def _run(db: str, *args: str) -> str:
    result = runner.invoke(app, ["--db", db, *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_counts_of_one_are_singular(project: str, tmp_path: Path) -> None:
    rows = tmp_path / "one.csv"
    rows.write_text("document,segment,code,coder\nD1,2,debt,bob\n", encoding="utf-8")
    out = [
        _run(project, "codings", "import", str(rows)),
        _run(project, "export", "segments", "--coders", "bob", "--out", str(tmp_path / "b.csv")),
        _run(project, "disagreements"),
        _run(project, "report", "quotes", "--codes", "debt", "--coders", "bob", "-o", str(tmp_path / "q.md")),
    ]
    assert out[0].strip() == "1 row: 1 coding added, 0 already present, 0 memos updated"
    assert f"wrote 1 coding to {tmp_path / 'b.csv'}" in out[1]
    assert "2 segments where alice, bob differ" in out[2]
    assert "wrote 1 quote under 1 code" in out[3]
    target = tmp_path / "w.csv"
    wide = _run(project, "export", "segments", "--wide", "--query", "debt@bob", "--out", str(target))
    assert f"wrote 1 segment to {target}" in wide, wide
    out.append(wide)
    for text in out:
        assert not ONE_PLURAL.search(text), text
