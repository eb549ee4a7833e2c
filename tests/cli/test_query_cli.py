"""`qcode query` and the --query/--where options of the exports, through the real command group."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

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


def _run(db: str, *args: str) -> Result:
    return runner.invoke(app, ["--db", db, *args])


def test_query_lists_segments_with_document_attributes_and_codes(project: str) -> None:
    result = _run(project, "query", "bribery AND NOT remittance", "--where", "country~emirates")
    assert result.exit_code == 0, result.output
    blocks = result.stdout.strip().split("\n\n")
    assert len(blocks) == 2
    assert blocks[0].splitlines()[0] == "A · segment 1 · passage 1 · Male, Arab Emirates, construction"
    assert blocks[0].splitlines()[1].strip() == "bribery (alice, bob)"
    assert "=SUM(A1) was on the form." in blocks[1]
    assert result.stderr.strip() == "2 segments match 'bribery AND NOT remittance' where country~emirates"


def test_query_json_and_coders(project: str) -> None:
    result = _run(project, "query", "hours", "--coders", "bob", "--json")
    data = json.loads(result.stdout)
    assert data["total"] == 2 and data["shown"] == 2
    assert [(s["document"], s["segment"]) for s in data["segments"]] == [("A", 4), ("B", 3)]
    assert data["segments"][0]["codes"] == [
        {"code": "remittance", "coder": "bob"},
        {"code": "hours", "coder": "bob"},
    ]


def test_query_errors_are_one_line_with_a_non_zero_status(project: str) -> None:
    bad = _run(project, "query", "bribery AND")
    assert bad.exit_code == 2
    assert bad.stderr == (
        "qcode: error: query 'bribery AND': at position 12: expected a code, ( or NOT, found the end\n"
    )
    unknown = _run(project, "query", "bribery", "--where", "religion=x")
    assert unknown.exit_code == 5 and "no document has the attribute 'religion'" in unknown.stderr
    assert _run(project, "query").exit_code == 2


def test_export_segments_keeps_only_the_selected_segments(project: str) -> None:
    result = _run(project, "export", "segments", "--query", "bribery", "--where", "gender=Male", "-o", "-")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # segment 1 of A carries bribery by two coders; segment 2 by one: every coding on them is kept
    assert [(r["document"], r["segment"], r["code"], r["coder"]) for r in rows] == [
        ("A", "1", "bribery", "alice"),
        ("A", "1", "bribery", "bob"),
        ("A", "2", "bribery", "alice"),
    ]
    wide = _run(project, "export", "segments", "--wide", "--where", "document=C", "-o", "-")
    assert [r["segment"] for r in csv.DictReader(io.StringIO(wide.stdout))] == ["1", "2"]


def test_the_portable_export_path_filters_the_same_way(project: str) -> None:
    from qcode.export.service import coded_segment_rows, resolve_filter
    from qcode.store.migrate import open_store

    store = open_store(f"sqlite:///{project}")
    try:
        with store.sessions() as session:
            flt = resolve_filter(session, query="hours NEAR/1 remittance")
            fast = [r[0] for chunk in coded_segment_rows(session, flt).chunks for r in chunk]
            stream = coded_segment_rows(session, flt, render=False)
            slow = [r for chunk in stream.chunks for r in chunk]
    finally:
        store.close()
    assert len(fast) == len(slow) == 4
    at = {name: i for i, name in enumerate(stream.header)}  # columns by name: the format may grow
    assert {(r[at["document"]], r[at["segment"]], r[at["code"]]) for r in slow} == {
        ("A", 3, "remittance"),
        ("A", 4, "remittance"),
        ("A", 4, "hours"),
    }


def test_report_matrix_and_quotes_take_the_query(project: str) -> None:
    m = _run(
        project, "report", "matrix", "--by", "document", "--query", "hours", "--where", "gender=Male", "--csv"
    )
    assert m.exit_code == 0, m.output
    rows = list(csv.reader(io.StringIO(m.stdout)))
    assert rows[0] == ["code", "A", "B"]  # C is not Male: its column goes
    assert dict((r[0], r[1:]) for r in rows[1:])["Working hours"] == ["1", "3"]
    q = _run(
        project,
        "report",
        "quotes",
        "--query",
        "bribery AND NOT remittance",
        "--where",
        "document=C",
        "-o",
        "-",
    )
    assert q.exit_code == 0, q.output
    assert "Nobody could refuse." in q.stdout and "Many people" not in q.stdout


def test_memos_export_is_pseudonymised(project: str, tmp_path: Path) -> None:
    from sqlalchemy import select

    from qcode.store.migrate import open_store
    from qcode.store.models import Coder, Document, Memo, Segment

    store = open_store(f"sqlite:///{project}")
    try:
        with transaction(store.sessions) as session:
            seg = session.scalars(select(Segment).join(Document).where(Document.name == "A")).first()
            alice = session.scalars(select(Coder).where(Coder.name == "alice")).one()
            assert seg is not None
            session.add(Memo(coder_id=alice.id, segment_id=seg.id, text="=Kim Il Song told him so"))
    finally:
        store.close()
    (tmp_path / "names.csv").write_text("name\nKim Il Sung\n", encoding="utf-8")
    result = _run(project, "export", "memos", "-o", "-", "--pseudonymize", "names.csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["memo"] == "'=[PERSON-1] told him so"  # replaced, then guarded as a formula
    report = list(csv.DictReader((tmp_path / "exports" / "pseudonyms.csv").open(encoding="utf-8")))
    assert [(r["action"], r["where"], r["found"]) for r in report] == [
        ("replaced", "memo by alice on the segment 1", "Kim Il Song")
    ]
