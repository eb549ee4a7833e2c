"""A paragraph that starts with ``Word:`` is text unless the file is a dialogue (issue: note6.txt).

`qcode import` then `qcode export segments --wide --out -`, as a researcher runs them: a lone
``Important: ...`` line, or a Word paragraph after a table (``Footnote-like aside: ...``), keeps its
first word in the text and gets no speaker; a real interview (``Q:``/``A:``) still gets its turns.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode.cli.main import app

runner = CliRunner()


def _segments(tmp_path: Path, name: str, data: bytes) -> list[dict[str, str]]:
    source = tmp_path / name
    source.write_bytes(data)
    db = tmp_path / "qcode.db"
    imported = runner.invoke(app, ["--db", str(db), "import", str(source)])
    assert imported.exit_code == 0, imported.output
    exported = runner.invoke(app, ["--db", str(db), "export", "segments", "--wide", "--out", "-"])
    assert exported.exit_code == 0, exported.output
    return list(csv.DictReader(io.StringIO(exported.stdout)))


def test_a_lone_labelled_line_stays_text(tmp_path: Path) -> None:
    rows = _segments(tmp_path, "note6.txt", b"Important: they took our passports at the airport.\n")
    assert [(r["speaker"], r["text"]) for r in rows] == [
        ("", "Important: they took our passports at the airport.")
    ]


def test_one_labelled_paragraph_among_prose_stays_text(tmp_path: Path) -> None:
    text = "Note: recorded in Seoul.\n\nThe workers spoke of wages.\n"
    rows = _segments(tmp_path, "note7.txt", text.encode())
    assert all(r["speaker"] == "" for r in rows), rows
    assert rows[0]["text"] == "Note: recorded in Seoul."


@pytest.mark.parametrize(
    ("text", "turns"),
    [
        ("Q: Were you paid?\nA: Never on time.\n", [("Q", "Were you paid?"), ("A", "Never on time.")]),
        (
            "Interviewer: When did you arrive?\n\nMinister: In May.\n",
            [("Interviewer", "When did you arrive?"), ("Minister", "In May.")],
        ),
    ],
)
def test_two_turns_are_still_a_dialogue(tmp_path: Path, text: str, turns: list[tuple[str, str]]) -> None:
    rows = _segments(tmp_path, "interview.txt", text.encode())
    assert [(r["speaker"], r["text"]) for r in rows] == turns


def _docx_table_then_aside() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("The interview was held in a shelter.")
    table = document.add_table(rows=0, cols=2)
    for speaker, said in (("Interviewer", "Were you paid?"), ("Worker", "Never on time.")):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = speaker, said
    document.add_paragraph("Footnote-like aside: the shelter asked us not to name the farm.")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_a_word_paragraph_after_a_table_stays_text(tmp_path: Path) -> None:
    rows = _segments(tmp_path, "shelter.docx", _docx_table_then_aside())
    assert [(r["speaker"], r["text"]) for r in rows] == [
        ("", "The interview was held in a shelter."),
        ("Interviewer", "Were you paid?"),
        ("Worker", "Never on time."),
        ("", "Footnote-like aside: the shelter asked us not to name the farm."),
    ]
