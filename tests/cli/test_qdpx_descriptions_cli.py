"""`qcode import` of a MAXQDA-shaped .qdpx keeps a selection's ``<Description>``, lists what it can't place.

MAXQDA keeps a comment on a coded segment as the selection's ``<Description>``, and a free memo as a
project-level ``<Note>`` that no source, code or selection refers to (and the project's own
``<Description>``). The first becomes the
selection's writer's memo on its segment; the second, which qcode has no place for, is listed as
skipped (as the docs promise), never dropped unsaid. The file: upper-case GUIDs in braces, CRLF in
the source and in ``project.qde``, ``endPosition`` the last character; valid against REFI's XSD.
"""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode.cli.main import app

runner = CliRunner()
XSD = Path(__file__).resolve().parents[1] / "data" / "refi" / "Project.xsd"

TEXT = "Q: Were you paid?\r\nA: Never on time, and half of it.\r\n"
PAY = "Never on time, and half of it."
ANA = "{0B3F4D2A-6C1E-4B7A-9F00-0000000000A1}"
SOURCE = "{0B3F4D2A-6C1E-4B7A-9F00-0000000000B1}"
CODE = "{0B3F4D2A-6C1E-4B7A-9F00-0000000000C1}"
SELECTION = "{0B3F4D2A-6C1E-4B7A-9F00-0000000000D1}"
CODING = "{0B3F4D2A-6C1E-4B7A-9F00-0000000000E1}"
FREE_NOTE = "{0B3F4D2A-6C1E-4B7A-9F00-0000000000F1}"


def _maxqda_project(path: Path) -> Path:
    start = TEXT.index(PAY)
    end = start + len(PAY) - 1  # MAXQDA: the last character
    qde = "\r\n".join(
        [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<Project xmlns="urn:QDA-XML:project:1.0" name="Pay study" origin="MAXQDA 2022"'
            f' creatingUserGUID="{ANA}" creationDateTime="2024-02-01T09:00:00Z">',
            f'<Users><User guid="{ANA}" name="Ana"/></Users>',
            f'<CodeBook><Codes><Code guid="{CODE}" name="Wages" isCodable="true"/></Codes></CodeBook>',
            "<Sources>",
            f'<TextSource guid="{SOURCE}" name="Interview 1" plainTextPath="internal://{SOURCE}.txt"'
            f' creatingUser="{ANA}">',
            f'<PlainTextSelection guid="{SELECTION}" name="{PAY}" startPosition="{start}"'
            f' endPosition="{end}" creatingUser="{ANA}" creationDateTime="2024-02-01T10:00:00Z">',
            "<Description>Key passage on pay</Description>",
            f'<Coding guid="{CODING}" creatingUser="{ANA}"><CodeRef targetGUID="{CODE}"/></Coding>',
            "</PlainTextSelection>",
            "</TextSource>",
            "</Sources>",
            "<Notes>",
            f'<Note guid="{FREE_NOTE}" name="Fieldwork diary" creatingUser="{ANA}">'
            "<PlainTextContent>Recruiters met us at the bus station.</PlainTextContent></Note>",
            "</Notes>",
            "<Description>Pilot interviews, spring 2024</Description>",
            "</Project>",
        ]
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde.encode("utf-8"))
        zf.writestr(f"Sources/{SOURCE}.txt", TEXT.encode("utf-8"))
    return path


def test_the_hand_built_file_is_valid_refi(tmp_path: Path) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    with zipfile.ZipFile(_maxqda_project(tmp_path / "shape.qdpx")) as zf:
        xmlschema.XMLSchema(str(XSD)).validate(zf.read("project.qde").decode("utf-8"))


def _memos(db: Path) -> set[tuple[str, str, str]]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT coders.name, segments.start, segments.\"end\", documents.text, memos.text FROM memos"
            " JOIN coders ON coders.id = memos.coder_id JOIN segments ON segments.id = memos.segment_id"
            " JOIN documents ON documents.id = segments.document_id"
        ).fetchall()
    finally:
        conn.close()
    return {(coder, text[a:b], memo) for coder, a, b, text, memo in rows}


def test_a_selection_description_becomes_a_memo_and_a_free_note_is_listed(tmp_path: Path) -> None:
    project = _maxqda_project(tmp_path / "pay.qdpx")
    db = tmp_path / "qcode.db"
    result = runner.invoke(app, ["--db", str(db), "import", str(project)])
    assert result.exit_code == 0, result.output
    assert _memos(db) == {("Ana", "A: " + PAY, "Key passage on pay")}  # on the segment coded
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert skipped == [
        "skipped Note 'Fieldwork diary': a note on the project, not on a source, code or selection"
        " (qcode keeps memos on documents, codes and segments): 'Recruiters met us at the bus station.'",
        "skipped the project's Description (qcode keeps no memo on a project):"
        " 'Pilot interviews, spring 2024'",
    ]
    again = runner.invoke(app, ["--db", str(db), "import", str(project)])  # nothing added twice
    assert again.exit_code == 0, again.output
    assert _memos(db) == {("Ana", "A: " + PAY, "Key passage on pay")}  # on the segment coded
