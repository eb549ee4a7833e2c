"""`qcode report matrix` in an 80-column terminal: every count readable beside its code and its column.

Wider than the terminal, the matrix comes in blocks that each fit, long column headers numbered
(``#19``) with a legend; where it fits, the table is what it always was, and ``--csv`` never changes.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from typer.testing import CliRunner

from qcode.cli.main import app

runner = CliRunner()
BY = ["document", "country", "code", "gender"]


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo coded by two coders (codes that meet, vary by document and attribute)."""
    from tests.demo_coded import coded_demo

    return coded_demo(tmp_path_factory.mktemp("matrix"))


def _run(db: str, columns: int, *args: str) -> str:
    result = runner.invoke(app, ["--db", db, "report", "matrix", *args], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in re.split(r"[┃│]", line)[1:-1]]


def read_blocks(text: str) -> dict[tuple[str, str], str]:
    """(code, column) → count as printed: each block's header row, its rows, and the legend's names."""
    legend = dict(re.findall(r"(#\d+) (.+?)(?=\s{2,}#\d+ |\s*$)", "\n".join(
        line for line in text.splitlines() if line.startswith("#")
    ), flags=re.M))  # fmt: skip
    found: dict[tuple[str, str], str] = {}
    header: list[str] = []
    for line in text.splitlines():
        if line.startswith("┃"):
            header = [legend.get(cell, cell) for cell in _cells(line)]
        elif line.startswith("│"):
            row = _cells(line)
            for column, value in zip(header[1:], row[1:], strict=True):
                assert (row[0], column) not in found, (row[0], column)
                found[row[0], column] = value
    return found


@pytest.mark.parametrize("by", BY)
def test_at_80_columns_every_count_sits_beside_its_code_and_column(coded: str, by: str) -> None:
    text = _run(coded, 80, "--by", by)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text  # nothing cut: no code name, header or count
    table = list(csv.reader(io.StringIO(_run(coded, 80, "--by", by, "--csv"))))
    columns = table[0][1:]
    expected = {(row[0], c): value for row in table[1:] for c, value in zip(columns, row[1:], strict=True)}
    assert read_blocks(text) == expected


def test_the_wide_document_matrix_comes_in_blocks_with_a_legend(coded: str) -> None:
    text = _run(coded, 80, "--by", "document")
    assert "columns 1–10 of 20" in text and "columns 11–20 of 20" in text
    assert "#19 minister" in text and "#20 unattributed" in text
    assert text.count("Code × document (segments)") == 1


@pytest.mark.parametrize("by", BY)
def test_where_it_fits_the_table_is_as_it_was(coded: str, by: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = list(csv.reader(io.StringIO(_run(coded, 80, "--by", by, "--csv"))))
    text = _run(coded, 400, "--by", by)
    title = text.splitlines()[0].strip()
    before = Table(*table[0], title=title)  # the matrix as qcode always printed it
    for column in before.columns[1:]:
        column.justify = "right"
    for row in table[1:]:
        before.add_row(*(c if c != "0" else "[dim]0[/dim]" for c in row))
    console = Console(width=400, file=io.StringIO(), color_system=None)
    console.print(before)
    assert text == console.file.getvalue()  # type: ignore[attr-defined]


def test_csv_is_the_same_at_any_width(coded: str) -> None:
    for by in BY:
        assert _run(coded, 80, "--by", by, "--csv") == _run(coded, 400, "--by", by, "--csv")
