"""Damaged or unusual zips (.docx, .odt, .qdpx, .xlsx): one line naming the file, nothing written.

Each file is a good one with one member damaged the way other tools or broken disks damage them:
a compression method Python cannot unpack, encryption, a bad CRC, a flipped byte, a cut-off file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode.cli.main import app
from qcode.errors import InputError
from qcode.exchange.qdpx_read import read_qdpx
from qcode.exchange.sheets import read_sheet
from qcode.ingest.formats import read_file
from tests.ingest.files import DAMAGES, damaged, docx_with_table, odt, odt_paragraph, xlsx

runner = CliRunner()
ALL_DAMAGES = [*DAMAGES, "truncated"]


def _good_docx() -> bytes:
    return docx_with_table(
        "Interview", "Recorded in Seoul.", [["Q", "Where did you work?"], ["A", "Abroad."]]
    )


def _good_odt() -> bytes:
    return odt(odt_paragraph("Q: Where did you work?") + odt_paragraph("A: Abroad."))


def _good_xlsx() -> bytes:
    return xlsx([["document", "gender"], ["A", "Female"]])


def _good_qdpx(tmp_path: Path) -> bytes:
    db, path = tmp_path / "src.db", tmp_path / "src.qdpx"
    for args in (
        ["init"],
        ["import", str(_write(tmp_path / "A.odt", _good_odt()))],
        ["export", "qdpx", str(path)],
    ):
        result = runner.invoke(app, ["--db", str(db), *args])
        assert result.exit_code == 0, result.output
    return path.read_bytes()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _one_line(error: InputError, path: Path) -> str:
    message = str(error)
    assert "\n" not in message and message.startswith(f"{path}: "), message
    return message


@pytest.mark.parametrize("damage", ALL_DAMAGES)
@pytest.mark.parametrize(
    ("suffix", "good", "member"),
    [(".docx", _good_docx, "word/document.xml"), (".odt", _good_odt, "content.xml")],
)
def test_a_damaged_transcript_is_refused_in_one_line(
    tmp_path: Path, suffix: str, good: Callable[[], bytes], member: str, damage: str
) -> None:
    path = _write(tmp_path / f"interview{suffix}", damaged(good(), member, damage))
    with pytest.raises(InputError) as caught:
        read_file(path)
    message = _one_line(caught.value, path)
    if damage in ("encrypted", "aes", "strong-encryption"):
        assert f"member {member!r} is encrypted" in message
    elif damage in ("deflate64", "ppmd", "unknown-method", "patched"):
        assert "which qcode cannot unpack" in message


@pytest.mark.parametrize("damage", ALL_DAMAGES)
def test_a_damaged_qdpx_is_refused_in_one_line(tmp_path: Path, damage: str) -> None:
    good = _good_qdpx(tmp_path)
    path = _write(tmp_path / "project.qdpx", damaged(good, "project.qde", damage))
    with pytest.raises(InputError) as caught:
        read_qdpx(path)
    _one_line(caught.value, path)


@pytest.mark.parametrize("damage", ["deflate64", "aes", "encrypted", "crc", "lzma-garbage", "truncated"])
def test_a_damaged_source_inside_a_qdpx_is_refused_in_one_line(tmp_path: Path, damage: str) -> None:
    import zipfile

    good = _good_qdpx(tmp_path)
    with zipfile.ZipFile(tmp_path / "src.qdpx") as zf:
        source = next(n for n in zf.namelist() if n.lower().startswith("sources/"))
    path = _write(tmp_path / "project.qdpx", damaged(good, source, damage))
    with pytest.raises(InputError) as caught:
        read_qdpx(path)
    message = _one_line(caught.value, path)
    assert damage == "truncated" or repr(source) in message


@pytest.mark.parametrize("damage", ["deflate64", "aes", "encrypted", "crc", "flipped-byte", "truncated"])
def test_a_damaged_attributes_workbook_is_refused_in_one_line(tmp_path: Path, damage: str) -> None:
    path = _write(tmp_path / "people.xlsx", damaged(_good_xlsx(), "xl/worksheets/sheet1.xml", damage))
    with pytest.raises(InputError) as caught:
        read_sheet(path)
    _one_line(caught.value, path)


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return list(connection.iterdump())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    db = tmp_path / "p.db"
    for args in (["init"], ["import", str(_write(tmp_path / "A.odt", _good_odt()))]):
        assert runner.invoke(app, ["--db", str(db), *args]).exit_code == 0
    return db


@pytest.mark.parametrize("damage", ["deflate64", "aes", "encrypted", "crc", "lzma-garbage", "truncated"])
def test_the_cli_refuses_damaged_files_in_one_line_and_leaves_the_project_unchanged(
    project: Path, tmp_path: Path, damage: str
) -> None:
    qdpx = _good_qdpx(tmp_path)
    files = [
        (["import"], _write(tmp_path / "B.docx", damaged(_good_docx(), "word/document.xml", damage))),
        (["import"], _write(tmp_path / "C.odt", damaged(_good_odt(), "content.xml", damage))),
        (["import"], _write(tmp_path / "D.qdpx", damaged(qdpx, "project.qde", damage))),
        (
            ["attributes", "import"],
            _write(tmp_path / "E.xlsx", damaged(_good_xlsx(), "xl/styles.xml", damage)),
        ),
    ]
    before = _dump(project)
    for command, path in files:
        result = runner.invoke(app, ["--db", str(project), *command, str(path)])
        assert result.exit_code == 2, (command, path, result.output, result.exception)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and str(path) in lines[0] and "Traceback" not in result.output, result.stderr
    assert _dump(project) == before
