"""The export, codings-import and report commands through Typer's runner on a small app."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner, Result

from qcode.cli.common import QcodeGroup, state
from qcode.cli.exchange import codings_app, run_qdpx_import
from qcode.cli.export import export_app
from qcode.cli.report_tables import chart, matrix, quotes
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from tests.export.sample import CODINGS, seed
from tests.export.test_chart import parse

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer(cls=QcodeGroup, pretty_exceptions_enable=False)

    @app.callback()
    def root(db: Annotated[str | None, typer.Option("--db")] = None) -> None:
        state().db = db

    app.add_typer(export_app, name="export")
    app.add_typer(codings_app, name="codings")
    report = typer.Typer()
    report.command()(matrix)
    report.command()(quotes)
    report.command()(chart)
    app.add_typer(report, name="report")
    app.command("import")(run_qdpx_import)
    return app


APP = _app()


@pytest.fixture
def project(sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The sample project's database file; the working directory is the test's folder."""
    with transaction(sqlite_store.sessions) as session:
        seed(session)
    monkeypatch.chdir(tmp_path)
    return sqlite_store.url.removeprefix("sqlite:///")


def _run(db: str, *args: str) -> Result:
    return runner.invoke(APP, ["--db", db, *args])


def test_segments_go_to_exports_and_are_never_overwritten_without_force(project: str, tmp_path: Path) -> None:
    result = _run(project, "export", "segments")
    assert result.exit_code == 0, result.output
    out = tmp_path / "exports" / "coded-segments.csv"
    assert f"wrote {len(CODINGS)} codings" in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert len(rows) == len(CODINGS)
    out.write_text("keep me")
    again = _run(project, "export", "segments")
    assert again.exit_code == 4 and "use --force" in again.stderr
    assert out.read_text() == "keep me"
    forced = _run(project, "export", "segments", "--force", "--coders", "alice", "--codes", "hours,bribery")
    assert forced.exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert {r["coder"] for r in rows} == {"alice"} and {r["code"] for r in rows} == {"bribery", "hours"}


def test_segments_to_stdout_and_wide(project: str) -> None:
    result = _run(project, "export", "segments", "--out", "-", "--raw")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert "=SUM(A1) was on the form." in {r["text"] for r in rows}
    wide = _run(project, "export", "segments", "--wide", "--out", "-")
    header = next(csv.reader(io.StringIO(wide.stdout)))
    assert "bribery__alice" in header and "code" not in header


def test_unknown_coder_is_a_one_line_error(project: str) -> None:
    result = _run(project, "export", "segments", "--coders", "zed")
    assert result.exit_code == 5 and result.stderr.strip() == "qcode: error: no coder named 'zed'"
    result = _run(project, "export", "segments", "--coders", "ALICE,bobb,zed")
    assert result.exit_code == 5 and result.stderr.strip() == (
        "qcode: error: no coders named 'bobb', 'zed' (did you mean 'bob' for 'bobb'?)"
    )


def test_codings_import_round_trip_and_bad_rows(project: str, tmp_path: Path) -> None:
    assert _run(project, "export", "segments").exit_code == 0
    result = _run(project, "codings", "import", "exports/coded-segments.csv")
    assert result.exit_code == 0, result.output
    assert f"{len(CODINGS)} rows: 0 codings added, {len(CODINGS)} already present" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("document,segment,code,coder\nA,1,hours,zoe\nNope,1,hours,zoe\nA,1,what,zoe\n")
    result = _run(project, "codings", "import", str(bad))
    assert result.exit_code == 2
    assert (
        f"{bad}:3: unknown document 'Nope'" in result.stderr
        and f"{bad}:4: unknown code 'what'" in result.stderr
    )


def test_matrix_table_and_csv(project: str, tmp_path: Path) -> None:
    table = _run(project, "report", "matrix")
    assert table.exit_code == 0 and "Code × document" in table.output
    result = _run(project, "report", "matrix", "--by", "country", "--csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["code", "Arab Emirates", "China", "Russia"]
    assert ["Bribery", "2", "0", "1"] in rows
    assert ["Recruitment", "2", "0", "1"] in rows  # a group counts the codes under it (read 0 before)
    saved = _run(project, "report", "matrix", "--by", "code", "--out", "exports/cooc.csv")
    assert saved.exit_code == 0 and (tmp_path / "exports" / "cooc.csv").exists()
    assert _run(project, "report", "matrix", "--by", "code", "--out", "exports/cooc.csv").exit_code == 4


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_quote_book_formats(project: str, tmp_path: Path, fmt: str) -> None:
    result = _run(project, "report", "quotes", "--codes", "bribery,remittance", "--format", fmt)
    assert result.exit_code == 0, result.output
    path = tmp_path / "exports" / f"quotes.{fmt}"
    if fmt == "docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    else:
        text = path.read_text(encoding="utf-8")
    assert "— A (Male, Arab Emirates)" in text and "— B" not in text


def test_chart_prints_bars(project: str) -> None:
    result = _run(project, "report", "chart", "--width", "60")
    assert result.exit_code == 0
    rows = {label: count for label, _cells, count in parse(result.output)[0]}
    assert rows["Working hours"] == 4 and max(map(len, result.output.splitlines())) <= 60


def test_qdpx_export_then_import_into_a_new_project(project: str, tmp_path: Path) -> None:
    result = _run(project, "export", "qdpx", "--name", "Overseas labour")
    assert result.exit_code == 0, result.output
    assert "11 codings" in result.output
    assert _run(project, "export", "qdpx").exit_code == 4
    fresh = tmp_path / "fresh.db"
    shutil.copy(project, fresh)
    fresh.unlink()
    result = _run(str(fresh), "import", "exports/project.qdpx")
    assert result.exit_code == 0, result.output
    assert "3 documents new" in result.output and "11 codings added" in result.output


def test_memos_export_one_row_per_memo_on_each_kind_of_target(project: str, tmp_path: Path) -> None:
    """Memos written in the coding screen (segment), on a document and on a code, as a table."""
    from sqlalchemy import select

    from qcode.coding import service
    from qcode.coding.types import SegmentRef
    from qcode.export.files import neutralise
    from qcode.store.migrate import open_store
    from qcode.store.models import Code, Coder, Document, Memo, Segment

    store = open_store(f"sqlite:///{project}")
    try:
        with transaction(store.sessions) as s:
            alice = service.ensure_coder(s, "alice")
            seg = s.execute(
                select(Segment).join(Document).where(Document.name == "A", Segment.ordinal == 2)
            ).scalar_one()
            service.set_segment_memo(s, alice, SegmentRef(seg.id, "A", 2), "=SUM(A1) looks like a formula")
            bob = s.scalar(select(Coder.id).where(Coder.name == "bob"))
            doc = s.scalar(select(Document.id).where(Document.name == "B"))
            code = s.scalar(select(Code.id).where(Code.key == "bribery"))
            s.add_all(
                [
                    Memo(coder_id=bob, document_id=doc, text="B, second interview"),
                    Memo(coder_id=bob, code_id=code, text="gifts count too"),
                ]
            )
            seg_text = seg.text
    finally:
        store.close()
    result = _run(project, "export", "memos", "--out", "-")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["about"], r["coder"], r["document"], r["segment"], r["code"], r["memo"]) for r in rows] == [
        ("segment", "alice", "A", "2", "", "'=SUM(A1) looks like a formula"),
        ("document", "bob", "B", "", "", "B, second interview"),
        ("code", "bob", "", "", "bribery", "gifts count too"),
    ]
    assert rows[0]["segment_text"] == neutralise(seg_text) and rows[0]["written_at"].endswith("Z")
    assert all(len(r["memo_id"]) == 36 for r in rows)
    only_bob = _run(project, "export", "memos", "--coders", "BOB", "--raw", "--out", "-")
    assert [r["about"] for r in csv.DictReader(io.StringIO(only_bob.stdout))] == ["document", "code"]
    raw = _run(project, "export", "memos", "--raw", "--out", "-")
    assert next(csv.DictReader(io.StringIO(raw.stdout)))["memo"] == "=SUM(A1) looks like a formula"
    assert _run(project, "export", "memos").exit_code == 0 and (tmp_path / "exports" / "memos.csv").exists()
    again = _run(project, "export", "memos")
    assert again.exit_code != 0 and "--force" in again.stderr


def test_long_export_on_sqlite_loads_no_sqlalchemy_and_matches_the_portable_path(
    project: str, tmp_path: Path
) -> None:
    """The long format of a SQLite project goes over sqlite3 alone (SQLAlchemy is most of the start-up)."""
    import subprocess
    import sys

    argv = ["qcode", "--db", project, "export", "segments", "--out", "fast.csv", "--codes", "bribery"]
    code = (
        f"import sys\nsys.argv = {argv!r}\n"
        "from qcode.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "heavy = {m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'rich', 'alembic'}\n"
        "print('LOADED', sorted(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert out.stdout.strip().splitlines()[-1] == "LOADED []", out.stdout + out.stderr
    portable = _run(project, "export", "segments", "--out", "-", "--codes", "bribery", "--query", "*")
    assert portable.exit_code == 0, portable.output
    assert (tmp_path / "fast.csv").read_bytes() == portable.stdout_bytes


def test_long_export_of_a_foreign_file_or_folder_is_one_line(tmp_path: Path) -> None:
    import sqlite3

    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    for db, says in ((foreign, "not a qcode database"), (tmp_path, "is a folder")):
        result = _run(str(db), "export", "segments", "--out", str(tmp_path / "x.csv"))
        assert result.exit_code != 0 and says in result.stderr and result.stderr.count("\n") == 1
        assert not (tmp_path / "x.csv").exists()


def test_codings_import_reads_standard_input(project: str) -> None:
    """``-`` is the piped CSV; a header with other names says which it has."""
    rows = "document;segment;code;coder\nC;2;hours;nadia\n"  # ;-separated, as European Excel writes
    piped = runner.invoke(APP, ["--db", project, "codings", "import", "-"], input=rows)
    assert piped.exit_code == 0 and "1 coding added" in piped.stdout, piped.output
    wrong = runner.invoke(APP, ["--db", project, "codings", "import", "-"], input="doc;seg;code;coder\n")
    assert wrong.exit_code == 2
    assert wrong.stderr == "qcode: error: stdin:1: header lacks columns document, segment (it has doc, seg)\n"
