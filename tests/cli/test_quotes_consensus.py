"""A quote book after adjudication quotes what the team decided, and every quote names who coded it."""

from __future__ import annotations

import csv
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


def _quotes(db: str, *args: str, codes: str = "bribery") -> tuple[str, str]:
    result = runner.invoke(app, ["--db", db, "report", "quotes", "--out", "-", "--codes", codes, *args])
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


def _decide_only_the_first_case(project: str, tmp_path: Path) -> tuple[int, list[dict[str, str]]]:
    """`qcode adjudicate --write-cases`, then only the first case decided, from a CSV: the cases."""
    cases = tmp_path / "cases.csv"
    wrote = runner.invoke(
        app, ["--db", project, "adjudicate", "--coders", "alice,bob", "--write-cases", str(cases)]
    )
    assert wrote.exit_code == 0, wrote.output
    rows = list(csv.DictReader(cases.open(encoding="utf-8-sig")))
    assert len(rows) >= 2, rows  # adjudication left unfinished below
    one = tmp_path / "one.csv"
    with one.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["document", "segment", "code", "decision"])
        out.writerow([rows[0]["document"], rows[0]["segment"], rows[0]["code"], "bob"])
    decided = runner.invoke(
        app, ["--db", project, "adjudicate", "--coders", "alice,bob", "--decisions", str(one)]
    )
    assert decided.exit_code == 0, decided.output
    return len(rows), rows


def _count(book: str) -> int:
    return book.count("coded by ")


def test_an_unfinished_adjudication_quotes_the_coders_and_says_how_far_it_is(
    project: str, tmp_path: Path
) -> None:
    before, _ = _quotes(project, codes="bribery,hours")
    _all, rows = _decide_only_the_first_case(project, tmp_path)  # bribery's one case
    cases = sum(r["code"] in ("Bribery", "Working hours") for r in rows)  # the book's codes' cases
    book, said = _quotes(project, codes="bribery,hours")
    assert book == before  # nothing left out: every quote the coders made is still there
    assert said.splitlines()[0] == (
        f"quoting the coders alice, bob: adjudication is unfinished, the consensus coder 'consensus'"
        f" covers 1 of {cases} disagreements; --coders consensus quotes it anyway, leaving out"
        f" {cases - 1} undecided case{'s' if cases > 2 else ''}"
    )
    partial, _ = _quotes(project, "--coders", "consensus", codes="bribery,hours")  # asked: decisions so far
    assert "coded by consensus" in partial and _count(partial) < _count(before)


def test_a_code_adjudicated_to_the_end_is_quoted_from_the_consensus(project: str) -> None:
    """Adjudication one code at a time: bribery decided to the end, the other codes not yet."""
    decided = runner.invoke(
        app, ["--db", project, "adjudicate", "--coders", "alice,bob", "--codes", "bribery", "--prefer", "bob"]
    )
    assert decided.exit_code == 0, decided.output
    book, said = _quotes(project)  # --codes bribery
    assert said.startswith(
        "quoting the consensus coder 'consensus': adjudication between alice, bob is finished"
    )
    assert "coded by consensus" in book
    result = runner.invoke(app, ["--db", project, "report", "quotes", "--out", "-", "--codes", "hours"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("quoting the coders alice, bob: adjudication is unfinished")
