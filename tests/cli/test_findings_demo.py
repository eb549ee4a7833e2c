"""The findings commands on the coded demo project: queries, pseudonymised exports and quote books."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from qcode.cli.main import app
from qcode.export.pseudonym import Pseudonymiser, normalise, read_names
from tests.demo_coded import coded_demo

runner = CliRunner()
NAMES = (
    "name,placeholder,kind\n"
    "Kim Il Sung,,person\n"
    "Kim Jong Il,,person\n"
    "Kim Jong-un,,person\n"
    "Pyongyang,[CAPITAL],place\n"
    "Dandong,,place\n"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A coded demo project and a names file (shared: every command here only reads it)."""
    folder = tmp_path_factory.mktemp("demo")
    coded_demo(folder)
    (folder / "names.csv").write_text(NAMES, encoding="utf-8")
    return folder


@pytest.fixture
def work(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copy(demo / "names.csv", tmp_path / "names.csv")
    return tmp_path


def _run(demo: Path, *args: str) -> Result:
    return runner.invoke(app, ["--db", str(demo / "qcode.db"), *args])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _documents(demo: Path) -> dict[str, tuple[str, list[int]]]:
    import sqlite3

    con = sqlite3.connect(f"file:{demo / 'qcode.db'}?mode=ro", uri=True)
    try:
        docs = {n: (t, []) for n, t in con.execute("SELECT name, text FROM documents")}
        for name, start, end in con.execute(
            'SELECT d.name, s.start, s."end" FROM segments s JOIN documents d ON d.id = s.document_id'
        ):
            docs[name][1].extend((start, end))
    finally:
        con.close()
    return docs


def test_pseudonymised_segments_keep_offsets_true_and_leave_the_database_alone(
    demo: Path, work: Path
) -> None:
    before = _digest(demo / "qcode.db")
    result = _run(
        demo, "export", "segments", "--query", "ideology", "--pseudonymize", "names.csv", "-o", "seg.csv"
    )
    assert result.exit_code == 0, result.output
    assert "report: seg.pseudonyms.csv" in result.stderr
    rows = list(csv.DictReader((work / "seg.csv").open(encoding="utf-8", newline="")))
    assert rows and all(r["code"] for r in rows)
    pseudo = Pseudonymiser(read_names(work / "names.csv"))
    for name, (text, cuts) in _documents(demo).items():
        new = pseudo.apply(text, cuts).text
        for r in (r for r in rows if r["document"] == name):
            assert new[int(r["start"]) : int(r["end"])] == r["text"].removeprefix("'")
    joined = normalise(" ".join(r["text"] for r in rows))
    assert "pyongyang" not in joined and "kimilsung" not in joined and "kimjongil" not in joined
    assert any("[PERSON-1]" in r["text"] for r in rows)
    assert "[CAPITAL]" in (work / "seg.csv").read_text(encoding="utf-8")  # in an attribute at least
    report = list(csv.DictReader((work / "seg.pseudonyms.csv").open(encoding="utf-8", newline="")))
    assert {r["action"] for r in report} == {"replaced", "close"}
    song = next(r for r in report if r["found"] == "Kim Il Song")
    assert (song["action"], song["name"], song["placeholder"], song["score"]) == (
        "replaced",
        "Kim Il Sung",
        "[PERSON-1]",
        "88.9",
    )
    assert song["where"].startswith("segment ") and song["document"] == "L"
    close = next(r for r in report if r["action"] == "close")
    assert (close["found"], close["name"], close["score"]) == ("Kim Il Son", "Kim Il Sung", "82.4")
    assert _digest(demo / "qcode.db") == before


def test_the_wide_export_is_pseudonymised_too(demo: Path, work: Path) -> None:
    result = _run(
        demo,
        "export",
        "segments",
        "--wide",
        "--where",
        "document=P",
        "--pseudonymize",
        "names.csv",
        "-o",
        "-",
        "--pseudonym-report",
        "r.csv",
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["document"] for r in rows} == {"P"}
    assert "Kim Jong Un" not in result.stdout and "[PERSON-3]" in result.stdout
    assert "Kim Jong Un" in (work / "r.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_quote_books_are_pseudonymised_in_every_format(demo: Path, work: Path, fmt: str) -> None:
    out = work / f"q.{fmt}"
    result = _run(
        demo,
        "report",
        "quotes",
        "--codes",
        "ideology",
        "--format",
        fmt,
        "-o",
        str(out),
        "--pseudonymize",
        "names.csv",
    )
    assert result.exit_code == 0, result.output
    if fmt == "docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    else:
        text = out.read_text(encoding="utf-8").replace("\\[", "[").replace("\\]", "]")
    assert "[PERSON-1]" in text and "[CAPITAL]" in text
    for name in ("Pyongyang", "Pyoungyang", "Kim Il Sung", "Kim Jong Il", "Kim Il Song"):
        assert name not in text
    assert (work / "q.pseudonyms.csv").exists()


def test_a_bad_names_file_stops_before_anything_is_written(demo: Path, work: Path) -> None:
    (work / "bad.csv").write_text("who\nKim\n", encoding="utf-8")
    result = _run(demo, "export", "segments", "--pseudonymize", "bad.csv", "-o", "x.csv")
    assert result.exit_code == 2
    assert result.stderr == "qcode: error: bad.csv:1: header lacks column(s) name\n"
    assert not (work / "x.csv").exists() and not (work / "x.pseudonyms.csv").exists()


def test_query_on_the_demo(demo: Path, work: Path) -> None:
    result = _run(
        demo, "query", "defection NEAR/passage family-guarantee", "--where", "gender=Male", "--json"
    )
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.stdout)
    assert data["total"] == len(data["segments"]) > 0
    for seg in data["segments"]:
        assert seg["attributes"]["gender"] == "Male"
        assert {c["code"] for c in seg["codes"]} & {"defection", "family-guarantee"}
