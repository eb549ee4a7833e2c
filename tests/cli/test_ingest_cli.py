"""`qcode import`, `qcode documents` and `qcode duplicates` through typer's runner.

Every bad input must give one line on stderr naming the file, a non-zero exit status, and a
database whose bytes and table contents are exactly what they were before.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from qcode.cli.main import app
from qcode.store.migrate import Store, open_store
from qcode.store.models import Code, Coder, Coding, Document, Memo, Segment
from qcode.text import plural

REPO = Path(__file__).resolve().parents[2]
TRANSCRIPTS = REPO / "transcripts"
TABLES = ("documents", "passages", "segments", "codings", "memos", "codes", "coders", "events", "settings")
INTERVIEWEES = [chr(c) for c in range(ord("A"), ord("R") + 1)]

runner = CliRunner()

PLAIN = (
    "We worked from 7 a.m. to 10 p.m. every day. Nobody could refuse.\n\n"
    "They paid the manager. Then we left.\n"
)


def qcode(db: Path | str, *args: str) -> Result:
    return runner.invoke(app, ["--db", str(db), *args])


def snapshot(db: Path) -> tuple[str, dict[str, int], str]:
    """The database file's sha256, the row count of every table and a sha256 of all their rows."""
    file_digest = hashlib.sha256(db.read_bytes()).hexdigest()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        counts: dict[str, int] = {}
        rows = hashlib.sha256()
        for table in TABLES:
            data = conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            counts[table] = len(data)
            rows.update(repr(data).encode())
    finally:
        conn.close()
    return file_digest, counts, rows.hexdigest()


def one_error_line(result: Result, path: Path) -> str:
    assert result.exit_code != 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("qcode: error: "), lines[0]
    assert str(path) in lines[0]
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project that already holds one valid transcript."""
    db = tmp_path / "project.db"
    valid = tmp_path / "valid.txt"
    valid.write_text(PLAIN, encoding="utf-8")
    result = qcode(db, "import", str(valid))
    assert result.exit_code == 0, result.output
    assert "imported 1" in result.stdout
    return db


def _assert_refused(db: Path, path: Path, *args: str) -> str:
    before = snapshot(db)
    line = one_error_line(qcode(db, "import", *args, str(path)), path)
    assert snapshot(db) == before
    return line


def test_empty_file(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    assert "is empty" in _assert_refused(project, path)


def test_whitespace_only_file(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("  \n\n\t\n", encoding="utf-8")
    assert "only whitespace" in _assert_refused(project, path)


def test_binary_file(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert "binary" in _assert_refused(project, path)


def test_non_utf8_text_is_read_in_the_encoding_found_and_says_which(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Café owners paid us nothing.\n\nWe left in 1998.\n".encode("cp1252"))
    result = qcode(project, "import", str(path))
    assert result.exit_code == 0, result.output
    assert f"{path}: not UTF-8; read as cp1252 (detected; pass --encoding to choose)" in result.stderr
    docs = json.loads(qcode(project, "documents", "--json").stdout)
    assert [d["name"] for d in docs] == ["latin", "valid"]


def test_unknown_encoding_is_an_input_error(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "other.txt"
    path.write_text(PLAIN.replace("manager", "boss"), encoding="utf-8")
    assert "unknown encoding" in _assert_refused(project, path, "--encoding", "klingon")


def test_malformed_front_matter_names_line_and_key(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.md"
    path.write_text(
        "---\nname: X\nattributes:\n  gender: [Male\n---\n\n## Passage 1\n\n- section: S\n\nText.\n",
        encoding="utf-8",
    )
    line = _assert_refused(project, path)
    assert f"{path}:4:" in line and "'gender'" in line and "front matter" in line


def test_unknown_front_matter_key_names_line_and_key(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "colour.md"
    path.write_text("---\nname: X\ncolour: red\n---\n", encoding="utf-8")
    line = _assert_refused(project, path)
    assert f"{path}:3:" in line and "'colour'" in line


def test_unknown_extension(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "interview.rtf"
    path.write_bytes(b"{\\rtf1 not a transcript}")
    line = _assert_refused(project, path)
    assert "unknown file type .rtf" in line


def test_100_mb_file_is_refused_without_reading_it(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse: 100 MiB on paper, no disk used
        fh.truncate(100 * 1024 * 1024)
    before = snapshot(project)
    tracemalloc.start()
    try:
        result = qcode(project, "import", str(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    line = one_error_line(result, path)
    assert "100.0 MiB" in line and "--max-mb" in line
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while refusing a 100 MiB file"
    assert snapshot(project) == before


def test_folder_without_transcripts(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "notes.csv").write_text("a,b\n", encoding="utf-8")
    (folder / ".hidden.md").write_text(PLAIN, encoding="utf-8")
    line = _assert_refused(project, folder)
    assert "no transcript files" in line


def test_missing_path(project: Path, tmp_path: Path) -> None:
    assert "no such file" in _assert_refused(project, tmp_path / "nowhere.md")


def test_mixed_run_imports_nothing(project: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A different testimony entirely.\n\nWith two paragraphs.\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Caf\x00 owners paid nothing.")  # a NUL byte: not text
    before = snapshot(project)
    one_error_line(qcode(project, "import", str(good), str(bad)), bad)
    assert snapshot(project) == before
    docs = json.loads(qcode(project, "documents", "--json").stdout)
    assert [d["name"] for d in docs] == ["valid"]


def test_bad_import_into_a_new_project_creates_no_database(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    one_error_line(qcode(tmp_path / "new.db", "import", str(bad)), bad)
    assert not (tmp_path / "new.db").exists()


def test_changed_file_is_refused_then_replaced_with_codings_carried(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    path = tmp_path / "A.md"
    shutil.copy(TRANSCRIPTS / "A.md", path)
    assert qcode(db, "import", str(path)).exit_code == 0
    kept, dropped = _code_two_segments(db)
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace(dropped, "An entirely new sentence replaces it here."), encoding="utf-8")

    line = _assert_refused(db, path)
    assert "'A'" in line and "--replace" in line

    result = qcode(db, "import", "--replace", str(path))
    assert result.exit_code == 0, result.output
    assert "replaced 1" in result.stdout and "1 not placed" in result.stdout
    assert "could not place coding 'hours'" in result.stderr and dropped[:30] in result.stderr
    store = open_store(f"sqlite:///{db}")
    try:
        with store.sessions() as session:
            coded = session.scalars(select(Segment.text).join(Coding, Coding.segment_id == Segment.id)).all()
            memo = session.scalar(select(Segment.text).join(Memo, Memo.segment_id == Segment.id))
    finally:
        store.close()
    assert coded == [kept] and memo == kept


def _code_two_segments(db: Path) -> tuple[str, str]:
    """Code A's 3rd and 10th segments (and memo the 3rd); return their texts."""
    store: Store = open_store(f"sqlite:///{db}")
    try:
        with store.sessions() as session, session.begin():
            coder, code = Coder(name="ana"), Code(key="hours", name="hours")
            session.add_all([coder, code])
            session.flush()
            segs = session.scalars(select(Segment).order_by(Segment.ordinal)).all()
            kept, dropped = segs[2], segs[9]
            for seg in (kept, dropped):
                session.add(Coding(coder_id=coder.id, segment_id=seg.id, code_id=code.id))
            session.add(Memo(coder_id=coder.id, segment_id=kept.id, text="key quote"))
            return kept.text, dropped.text
    finally:
        store.close()


def test_segment_modes(tmp_path: Path) -> None:
    path = tmp_path / "two.txt"
    path.write_text(PLAIN, encoding="utf-8")
    counts = {}
    for mode in ("sentence", "paragraph", "passage"):
        db = tmp_path / f"{mode}.db"
        result = qcode(db, "import", "--segment", mode, str(path))
        assert result.exit_code == 0, result.output
        (doc,) = json.loads(qcode(db, "documents", "--json").stdout)
        counts[mode] = (doc["passages"], doc["segments"])
    assert counts == {"sentence": (2, 4), "paragraph": (2, 2), "passage": (2, 2)}
    bad = qcode(tmp_path / "x.db", "import", "--segment", "word", str(path))
    assert bad.exit_code == 2 and "word" in bad.stderr


def test_bundled_corpus_import_documents_and_reimport(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    first = qcode(db, "import", str(TRANSCRIPTS))
    assert first.exit_code == 0, first.output
    assert "imported 20, replaced 0, skipped 0" in first.stdout
    before = snapshot(db)

    again = qcode(db, "import", str(TRANSCRIPTS))
    assert again.exit_code == 0, again.output
    assert "imported 0, replaced 0, skipped 20" in again.stdout
    assert snapshot(db)[1:] == before[1:]

    docs = json.loads(qcode(db, "documents", "--json").stdout)
    assert sorted(d["name"] for d in docs) == sorted([*INTERVIEWEES, "minister", "unattributed"])
    for d in docs:
        assert {"name", "attributes", "passages", "segments", "words"} <= set(d)
        assert isinstance(d["attributes"], dict)
        assert all(isinstance(d[k], int) for k in ("passages", "segments", "words"))
    by_name = {d["name"]: d for d in docs}
    for name in INTERVIEWEES:
        assert {"gender", "country", "occupation", "note"} <= set(by_name[name]["attributes"]), name
    assert by_name["P"]["attributes"]["occupation"] == "Shoe factory manager"
    assert by_name["R"]["attributes"]["gender"] == "Female"
    assert {d["language"] for d in docs} == {"en"}  # detected, and shown: sentences were cut as English
    assert sum(d["passages"] for d in docs) == before[1]["passages"]
    assert sum(d["segments"] for d in docs) == before[1]["segments"]

    table = qcode(db, "documents")
    assert table.exit_code == 0 and "unattributed" in table.stdout and "Female" in table.stdout
    assert " lang " not in table.stdout  # all in English: no column to read


def test_duplicates_finds_the_repeated_testimony_of_p(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    assert qcode(db, "import", str(TRANSCRIPTS)).exit_code == 0
    result = qcode(db, "duplicates", "--json")
    assert result.exit_code == 0, result.output
    pairs = json.loads(result.stdout)
    assert pairs and all(set(p) == {"score", "kind", "a", "b"} for p in pairs)
    for p in pairs:
        assert p["kind"] in ("whole", "contained", "partial") and 80 <= p["score"] <= 100
        for side in (p["a"], p["b"]):
            assert {"document", "passage", "section", "lines"} <= set(side)
    places = [{(p["a"]["document"], p["a"]["lines"]), (p["b"]["document"], p["b"]["lines"])} for p in pairs]
    assert {("P", "1786-1842"), ("P", "1897-1920")} in places

    text = qcode(db, "duplicates")
    assert "P passage 3, lines 1786-1842" in text.stdout and "P passage 4, lines 1897-1920" in text.stdout
    assert f"{plural(len(pairs), 'pair')} at threshold 80" in text.stdout
    strict = json.loads(qcode(db, "duplicates", "--threshold", "100", "--json").stdout)
    assert len(strict) <= len(pairs)
    assert qcode(db, "duplicates", "--threshold", "101").exit_code == 2


def test_commands_without_a_project_say_so(tmp_path: Path) -> None:
    for command in ("documents", "duplicates"):
        result = qcode(tmp_path / "none.db", command)
        assert result.exit_code == 3 and "no qcode project here" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_import_and_documents_on_each_backend(store: Store) -> None:
    """The same bulk import path on SQLite and PostgreSQL (the latter where QCODE_TEST_PG_URL is set)."""
    url = store.engine.url.render_as_string(hide_password=False)
    result = qcode(url, "import", str(TRANSCRIPTS / "P.md"), str(TRANSCRIPTS / "R.md"))
    assert result.exit_code == 0, result.output
    docs = json.loads(qcode(url, "documents", "--json").stdout)
    assert [(d["name"], d["passages"]) for d in docs] == [("P", 5), ("R", 5)]
    with store.sessions() as session:
        rows = session.execute(select(Segment.start, Segment.end, Segment.text, Segment.document_id)).all()
        texts = dict(session.execute(select(Document.id, Document.text)).all())
    assert rows and all(texts[doc][a:b] == text for a, b, text, doc in rows)
    again = qcode(url, "import", str(TRANSCRIPTS / "P.md"))
    assert "skipped 1" in again.stdout


def test_a_first_import_where_there_is_no_project_makes_one_and_says_so(tmp_path: Path) -> None:
    """Like `qcode init`: the project has its GUID and creation event, and the user is told where."""
    transcript = tmp_path / "Ana.txt"
    transcript.write_text(PLAIN, encoding="utf-8")
    db = tmp_path / "qcode.db"
    first = qcode(db, "import", str(transcript))
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[0] == f"created a new project at {db}"
    status = json.loads(qcode(db, "status", "--json").stdout)
    assert len(status["project_guid"]) == 36 and status["documents"] == 1
    assert "created the project" in qcode(db, "log").stdout
    other = tmp_path / "Ben.txt"
    other.write_text(PLAIN.replace("manager", "boss"), encoding="utf-8")
    again = qcode(db, "import", str(other))
    assert again.exit_code == 0 and "created a new project" not in again.output
    assert json.loads(qcode(db, "status", "--json").stdout)["project_guid"] == status["project_guid"]


def test_a_copy_under_another_name_is_imported_and_said(project: Path, tmp_path: Path) -> None:
    """The same file twice under two names would be coded twice and counted twice in every figure."""
    copies = [tmp_path / "copy1.txt", tmp_path / "copy2.txt"]
    for path in copies:
        shutil.copy(tmp_path / "valid.txt", path)
    result = qcode(project, "import", *map(str, copies))
    assert result.exit_code == 0, result.output
    assert "imported 2" in result.stdout
    assert result.stderr.splitlines() == [
        "copy1: the same file as document 'valid' (imported too; see `qcode duplicates`)",
        "copy2: the same file as document 'valid' (imported too; see `qcode duplicates`)",
    ]
    other = tmp_path / "other.txt"
    other.write_text("A different interview. Nothing alike.\n", encoding="utf-8")
    twice = tmp_path / "twice.txt"
    shutil.copy(other, twice)
    result = qcode(project, "import", str(other), str(twice))
    assert result.stderr.splitlines() == [
        "twice: the same file as document 'other' (imported too; see `qcode duplicates`)"
    ]


def test_documents_show_a_language_other_than_english(project: Path, tmp_path: Path) -> None:
    spanish = tmp_path / "entrevista.txt"
    spanish.write_text("Nos quitaron los pasaportes. ¿Quién podía negarse? Nada más.\n", "utf-8")
    assert qcode(project, "import", str(spanish)).exit_code == 0
    table = qcode(project, "documents").stdout
    assert " lang " in table
    rows = {line.split("│")[1].strip(): line for line in table.splitlines() if line.startswith("│")}
    assert " es " in rows["entrevista"] and " en " in rows["valid"]
