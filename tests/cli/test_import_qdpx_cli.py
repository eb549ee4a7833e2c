"""`qcode import FILE.qdpx` knows a REFI-QDA project by its content and brings its codings over."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from typer.testing import CliRunner

from qcode.cli.main import app

runner = CliRunner()


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def _codings(db: Path, out: Path) -> set[tuple[str, str, str, str]]:
    _ok("--db", str(db), "export", "segments", "--out", str(out))
    with out.open(newline="", encoding="utf-8") as fh:
        return {(r["document"], r["segment"], r["code"], r["coder"]) for r in csv.DictReader(fh)}


def test_qdpx_round_trip_through_import(tmp_path: Path) -> None:
    src, dst = tmp_path / "src.db", tmp_path / "dst.db"
    _ok("--db", str(src), "demo")
    sheet = tmp_path / "codings.csv"
    sheet.write_text("document,segment,code,coder\nA,1,selection,ana\nA,6,bribery,ana\nB,2,wages,ben\n")
    _ok("--db", str(src), "codings", "import", str(sheet))
    project = tmp_path / "nk.qdpx"
    _ok("--db", str(src), "export", "qdpx", str(project))
    renamed = tmp_path / "project-copy.zip"  # known by content, not only by extension
    shutil.copy(project, renamed)
    out = _ok("--db", str(dst), "import", str(renamed))
    assert "3 codings added" in out
    assert _codings(dst, tmp_path / "b.csv") == _codings(src, tmp_path / "a.csv")
    again = _ok("--db", str(dst), "import", str(project))
    assert "0 codings added" in again


def test_qdpx_must_be_imported_alone(tmp_path: Path) -> None:
    src = tmp_path / "src.db"
    _ok("--db", str(src), "demo")
    project = tmp_path / "p.qdpx"
    _ok("--db", str(src), "export", "qdpx", str(project))
    result = runner.invoke(app, ["--db", str(tmp_path / "x.db"), "import", str(project), str(project)])
    assert result.exit_code != 0 and "on its own" in result.stderr


def _refused(db: Path, *args: str) -> str:
    """The command fails with one line naming the file, and leaves no project behind or unchanged."""
    result = runner.invoke(app, ["--db", str(db), *args])
    assert result.exit_code != 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_hostile_projects_are_one_line_errors(tmp_path: Path) -> None:
    import zipfile

    db = tmp_path / "p.db"
    _ok("--db", str(db), "init")
    qde = (
        '<?xml version="1.0" encoding="UTF-9"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>'
    )
    utf9 = tmp_path / "utf9.qdpx"
    with zipfile.ZipFile(utf9, "w") as zf:
        zf.writestr("project.qde", qde)
    assert "unknown encoding 'UTF-9'" in _refused(db, "import", str(utf9))
    bomb = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "project.qde",
            qde.replace("UTF-9", "UTF-8").replace(
                "/>",
                '><Sources><TextSource guid="5ec00009-0000-4000-8000-000000000009" name="S" '
                'plainTextPath="internal://s.txt"/></Sources></Project>',
            ),
        )
        zf.writestr("sources/s.txt", b"a" * (60 * 1024 * 1024))
    assert "expands" in _refused(db, "import", str(bomb))
    qdc = tmp_path / "utf9.qdc"
    qdc.write_text('<?xml version="1.0" encoding="UTF-9"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')
    assert "unknown encoding" in _refused(db, "codebook", "load", str(qdc))
    from sqlalchemy import func, select

    from qcode.store.migrate import open_store
    from qcode.store.models import Code, Document

    store = open_store(f"sqlite:///{db}")
    with store.sessions() as session:
        for model in (Document, Code):
            assert session.scalar(select(func.count()).select_from(model)) == 0
    store.close()
