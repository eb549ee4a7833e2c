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
