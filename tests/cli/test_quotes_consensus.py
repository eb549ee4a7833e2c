"""A quote book after adjudication quotes what the team decided, and every quote names who coded it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from tests.export.sample import seed

runner = CliRunner()


@pytest.fixture
def project(sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    with transaction(sqlite_store.sessions) as session:
        seed(session)
    monkeypatch.chdir(tmp_path)
    return sqlite_store.url.removeprefix("sqlite:///")


def _quotes(db: str, *args: str) -> tuple[str, str]:
    result = runner.invoke(app, ["--db", db, "report", "quotes", "--out", "-", "--codes", "bribery", *args])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_before_adjudication_each_quote_names_its_coders(project: str) -> None:
    book, said = _quotes(project)
    assert "> — A (Male, Arab Emirates) · coded by alice, bob" in book
    assert "consensus" not in said


def test_after_adjudication_the_consensus_is_quoted_and_said(project: str) -> None:
    decided = runner.invoke(app, ["--db", project, "adjudicate", "--coders", "alice,bob", "--prefer", "bob"])
    assert decided.exit_code == 0, decided.output
    book, said = _quotes(project)
    assert "quoting the consensus coder 'consensus'" in said
    assert "coded by consensus" in book and "coded by alice" not in book
    everyone, _ = _quotes(project, "--coders", "alice,bob")
    assert "coded by alice, bob" in everyone
