"""A coding's exact span (narrowed, or from another program) leaves in ``export segments`` and comes back.

``coding_start``/``coding_end`` carry it, empty for a coding of the whole segment, the same bytes
whichever path writes the CSV (SQLAlchemy rows, SQLite-rendered records, plain ``sqlite3``), and
``codings import`` of that file puts it back.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from qcode.errors import InputError
from qcode.exchange.codings_csv import import_codings_csv
from qcode.export.direct import long_rows
from qcode.export.service import coded_segment_rows
from qcode.export.shape import write_stream
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Coder, Coding, Document, Segment
from qcode.store.probe import connect_read_only, sqlite_file


def _narrow(store: Store) -> dict[tuple[str, int, str], tuple[int, int]]:
    """Narrow A 1 (bob's coding has a memo) and B 2 to a word or two; returns (doc, segment, coder) → span."""
    spans: dict[tuple[str, int, str], tuple[int, int]] = {}
    with transaction(store.sessions) as session:
        rows = session.execute(
            select(Coding, Document.name, Segment.ordinal, Segment.start, Segment.end, Coder.name)
            .join(Segment, Segment.id == Coding.segment_id)
            .join(Document, Document.id == Segment.document_id)
            .join(Coder, Coder.id == Coding.coder_id)
        ).all()
        for coding, doc, ordinal, start, end, coder in rows:
            if (doc, ordinal, coder) in (("A", 1, "bob"), ("B", 2, "alice")):
                coding.start, coding.end = start + 1, min(end, start + 5)
                spans[(doc, ordinal, coder)] = (coding.start, coding.end)
    assert len(spans) == 2
    return spans


def _csv(store: Store, *, render: bool) -> str:
    buf = io.StringIO(newline="")
    with store.sessions() as session, session.begin():
        stream = coded_segment_rows(session, render=render, chunk_rows=3)
        assert stream.rendered is (render and store.url.startswith("sqlite"))
        write_stream(buf, stream)
    return buf.getvalue()


def _spans(text: str) -> dict[tuple[str, int, str], tuple[str, str]]:
    return {
        (r["document"], int(r["segment"]), r["coder"]): (r["coding_start"], r["coding_end"])
        for r in csv.DictReader(io.StringIO(text))
    }


def test_every_export_path_writes_the_exact_span(seeded: Store) -> None:
    spans = _narrow(seeded)
    portable = _csv(seeded, render=False)
    header = portable.split("\r\n", 1)[0].split(",")
    assert header[-2:] == ["coding_start", "coding_end"]
    got = _spans(portable)
    for key, value in got.items():
        assert value == (tuple(str(n) for n in spans[key]) if key in spans else ("", "")), key
    if seeded.url.startswith("sqlite"):
        assert _csv(seeded, render=True) == portable  # SQLite renders the records itself
        path = sqlite_file(seeded.url)
        assert path is not None
        conn = connect_read_only(path)
        try:
            stream = long_rows(conn, chunk_rows=2)
            assert stream is not None and stream.rendered
            buf = io.StringIO(newline="")
            write_stream(buf, stream)
        finally:
            conn.close()
        assert buf.getvalue() == portable  # the sqlite3-only path of `qcode export segments`


_IDENTITY = select(Coding.coder_id, Coding.segment_id, Coding.code_id, Coding.start, Coding.end)


def test_codings_import_of_the_export_puts_the_spans_back(seeded: Store, tmp_path: Path) -> None:
    spans = _narrow(seeded)
    path = tmp_path / "segments.csv"
    path.write_text(_csv(seeded, render=False), encoding="utf-8", newline="")
    with transaction(seeded.sessions) as session:
        before = {tuple(r) for r in session.execute(_IDENTITY)}
        session.execute(delete(Coding))
    with transaction(seeded.sessions) as session:
        import_codings_csv(session, path)
    with seeded.sessions() as session:
        after = {tuple(r) for r in session.execute(_IDENTITY)}
    assert after == before and sum(1 for *_k, a, _b in after if a is not None) == len(spans)


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (("x", "3"), "not both whole numbers"),
        (("0", "99999"), "not inside the segment"),
        (("4", "2"), "not inside"),
    ],
)
def test_codings_import_refuses_a_span_outside_its_segment(
    seeded_sqlite: Store, tmp_path: Path, cells: tuple[str, str], problem: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        f"document,segment,code,coder,coding_start,coding_end\r\nC,1,hours,carol,{cells[0]},{cells[1]}\r\n"
    )
    with pytest.raises(InputError, match=problem), transaction(seeded_sqlite.sessions) as session:
        import_codings_csv(session, path)


def test_a_pseudonymised_export_moves_the_span_with_the_text(seeded_sqlite: Store, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from qcode.cli.main import app

    with transaction(seeded_sqlite.sessions) as session:
        coding, start, text = session.execute(
            select(Coding, Segment.start, Segment.text)
            .join(Segment, Segment.id == Coding.segment_id)
            .where(Segment.text.startswith("Many people"))
        ).first()  # type: ignore[misc]
        at = start + text.index("bribery")
        coding.start, coding.end = at, at + len("bribery")
    names, out = tmp_path / "names.csv", tmp_path / "out.csv"
    names.write_text("name\nMany People\n", encoding="utf-8")
    db = seeded_sqlite.url.removeprefix("sqlite:///")
    result = CliRunner().invoke(
        app, ["--db", db, "export", "segments", "--pseudonymize", str(names), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [r for r in csv.DictReader(out.open(encoding="utf-8", newline="")) if r["coding_start"]]
    assert rows and all(r["text"].startswith("[PERSON-1]") for r in rows)  # the text before the span changed
    for r in rows:
        a, b = int(r["coding_start"]) - int(r["start"]), int(r["coding_end"]) - int(r["start"])
        assert r["text"][a:b] == "bribery"
