"""CSV of coded segments: long and wide, read back by the csv module and pandas, formula guard."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcode.errors import NotFoundError
from qcode.export.files import neutralise, unneutralise
from qcode.export.service import (
    coded_segment_rows,
    long_sql,
    resolve_filter,
    wide_column,
    wide_segment_rows,
    write_stream,
)
from qcode.export.shape import coding_memo_in, memo_cell
from qcode.export.tables import write_csv
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from tests.export.sample import CODINGS, DOCS, T0, add_segment_memos

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _export(
    store: Store,
    *,
    wide: bool = False,
    raw: bool = False,
    coders: tuple[str, ...] = (),
    codes: tuple[str, ...] = (),
) -> str:
    buf = io.StringIO(newline="")
    with store.sessions() as session, session.begin():
        flt = resolve_filter(session, coders, codes)
        stream = (wide_segment_rows if wide else coded_segment_rows)(session, flt, guard=not raw)
        n = write_stream(buf, stream)
        assert n == stream.total
    return buf.getvalue()


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_long_format_has_one_row_per_coding_with_attributes(seeded: Store) -> None:
    out = _export(seeded)
    rows = _rows(out)
    assert len(rows) == len(CODINGS)
    header = out.split("\r\n", 1)[0].split(",")
    assert header[:4] == ["document", "gender", "country", "occupation"]
    for column in (
        "age",
        "passage",
        "section",
        "segment",
        "start",
        "end",
        "text",
        "code",
        "code_group",
        "coder",
        "memo",
        "coded_at",
    ):
        assert column in header
    first = rows[0]
    assert (first["document"], first["segment"], first["code"], first["code_group"], first["coder"]) == (
        "A",
        "1",
        "bribery",
        "recruitment",
        "alice",
    )
    assert first["gender"] == "Male" and first["country"] == "Arab Emirates" and first["age"] == ""
    assert first["section"] == "Recruitment › Bribery" and first["passage"] == "1"
    assert first["coded_at"] == T0.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_text_reads_back_unchanged_through_csv_module(seeded: Store) -> None:
    """Newlines, quotes and commas survive; guarded cells come back exactly after unneutralise."""
    expected = {
        (doc, i): seg
        for doc, (_a, passages) in DOCS.items()
        for i, seg in enumerate((s for _sec, segs in passages for s in segs), start=1)
    }
    for row in _rows(_export(seeded)):
        seg = expected[(row["document"], int(row["segment"]))]
        assert unneutralise(row["text"]) == seg
        assert row["text"] == neutralise(seg)
        assert not row["text"].startswith(TRIGGERS)
        doc_text = "\n\n".join(" ".join(segs) for _s, segs in DOCS[row["document"]][1])
        assert doc_text[int(row["start"]) : int(row["end"])] == seg
    memos = {unneutralise(r["memo"]) for r in _rows(_export(seeded)) if r["memo"]}
    assert memos == {m for *_x, m in CODINGS if m}


def test_raw_keeps_formulas(seeded: Store) -> None:
    texts = {r["text"] for r in _rows(_export(seeded, raw=True))}
    assert "=SUM(A1) was on the form." in texts and "@night the guards came." in texts
    guarded = {r["text"] for r in _rows(_export(seeded))}
    assert "'=SUM(A1) was on the form." in guarded and "'@night the guards came." in guarded


def test_pandas_reads_the_same_values(seeded_sqlite: Store) -> None:
    pd = pytest.importorskip("pandas")
    out = _export(seeded_sqlite)
    frame = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
    assert frame.to_dict("records") == _rows(out)
    assert frame["segment"].astype(int).min() == 1


def test_filters_by_coder_and_code_with_subcodes(seeded: Store) -> None:
    rows = _rows(_export(seeded, coders=("bob",)))
    assert {r["coder"] for r in rows} == {"bob"} and len(rows) == sum(1 for c in CODINGS if c[3] == "bob")
    rows = _rows(_export(seeded, codes=("Recruitment",)))  # the group brings bribery along
    assert {r["code"] for r in rows} == {"bribery"}
    with seeded.sessions() as session, pytest.raises(NotFoundError, match="nobody"):
        resolve_filter(session, ["nobody"], [])
    with seeded.sessions() as session, pytest.raises(NotFoundError, match="nothing"):
        resolve_filter(session, [], ["nothing"])


def test_wide_has_a_row_per_segment_and_a_flag_per_code_and_coder(seeded: Store) -> None:
    rows = _rows(_export(seeded, wide=True))
    assert len(rows) == sum(len(segs) for _a, ps in DOCS.values() for _s, segs in ps)
    flags = [k for k in rows[0] if "__" in k]
    assert "bribery__alice" in flags and "hours__bob" in flags and "recruitment__bob" in flags
    a4 = next(r for r in rows if (r["document"], r["segment"]) == ("A", "4"))
    assert (a4["remittance__alice"], a4["remittance__bob"], a4["hours__bob"], a4["hours__alice"]) == (
        "1",
        "1",
        "1",
        "0",
    )
    leaves = [f for f in flags if not f.startswith("recruitment__")]
    assert sum(int(r[f]) for r in rows for f in leaves) == len(CODINGS)


def test_a_group_column_is_1_where_any_code_under_it_is_applied(seeded: Store) -> None:
    # Recruitment (a group, not codable) holds Bribery. Before: recruitment__alice/bob were 0 on
    # every row although Bribery was applied four times.
    rows = _rows(_export(seeded, wide=True))
    for coder in ("alice", "bob"):
        assert [r[f"recruitment__{coder}"] for r in rows] == [r[f"bribery__{coder}"] for r in rows]
    assert sum(int(r["recruitment__alice"]) + int(r["recruitment__bob"]) for r in rows) == 4
    only_group = _rows(_export(seeded, wide=True, codes=("recruitment",)))
    assert sum(int(r["recruitment__bob"]) for r in only_group) == 2


def test_wide_column_names_suit_statistics_packages() -> None:
    assert wide_column("long-hours", "Ana María") == "long_hours__Ana_Mar_a"
    assert wide_column("9x", "bob") == "c_9x__bob"


def test_long_sql_is_the_export_query(seeded_sqlite: Store) -> None:
    import sqlite3

    with seeded_sqlite.sessions() as session:
        sql = long_sql(session)
    path = seeded_sqlite.url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        rows = conn.execute(sql).fetchall()
    assert len(rows) == len(CODINGS)


@given(st.text())
def test_neutralise_round_trips_and_disarms(cell: str) -> None:
    guarded = neutralise(cell)
    assert unneutralise(guarded) == cell
    assert not guarded.startswith(TRIGGERS)


def test_write_csv_counts_and_reports_progress(tmp_path: Path) -> None:
    seen: list[int] = []
    buf = io.StringIO(newline="")
    n = write_csv(buf, ["a", "b"], [[(1, "x\ny")], [(2, None), (3, '"q"')]], progress=seen.append)
    assert n == 3 and seen == [1, 2]
    assert buf.getvalue() == 'a,b\r\n1,"x\ny"\r\n2,\r\n3,"""q"""\r\n'


@pytest.mark.parametrize("raw", [False, True])
def test_sqlite_rendering_matches_the_csv_module_byte_for_byte(seeded_sqlite: Store, raw: bool) -> None:
    """SQLite renders records itself; the portable path (Core rows + csv) must give the same bytes."""
    from sqlalchemy import update

    from qcode.store.models import Code, Coder, Document

    with seeded_sqlite.sessions() as session, session.begin():
        session.execute(
            update(Document)
            .where(Document.name == "C")
            .values(
                attributes={"gender": "=Female", "it's": 'a "quoted", value', "n": 40, "neg": -5, "x": None}
            )
        )
        session.execute(update(Coder).where(Coder.name == "bob").values(name="+bob, jr"))
        session.execute(update(Code).where(Code.key == "hours").values(name="'@hours\nlong"))

    def export(render: bool) -> str:
        buf = io.StringIO(newline="")
        with seeded_sqlite.sessions() as session, session.begin():
            stream = coded_segment_rows(session, guard=not raw, render=render, chunk_rows=3)
            assert stream.rendered is render
            write_stream(buf, stream)
        return buf.getvalue()

    fast, portable = export(True), export(False)
    assert fast == portable
    rows = _rows(fast)
    c = next(r for r in rows if r["document"] == "C")
    assert c["it's"] == 'a "quoted", value' and c["n"] == "40"
    assert (c["gender"], c["neg"]) == (("=Female", "-5") if raw else ("'=Female", "'-5"))
    hours = next(r for r in rows if r["code"] == "hours")
    assert hours["code_name"] == ("'@hours\nlong" if raw else "''@hours\nlong")


def _render_export(store: Store, render: bool, guard: bool = True) -> tuple[bool, str]:
    buf = io.StringIO(newline="")
    with store.sessions() as session, session.begin():
        stream = coded_segment_rows(session, guard=guard, render=render, chunk_rows=4)
        write_stream(buf, stream)
    return stream.rendered, buf.getvalue()


@pytest.mark.parametrize(
    ("table", "column", "value", "rendered"),
    [
        ("passages", "section", "'=x, \"y\"\r\nz", True),
        ("passages", "section", "-1\ttab", True),
        ("segments", "text", "'plain", True),
        ("segments", "text", "a\x00, b", False),
        ("passages", "section", "x\x00\n", False),
        ("passages", "speaker", '=Interviewer, "K"', True),
        ("passages", "speaker", "K\x00", False),
        ("codings", "memo", "m\x00, \"n\"", True),
        ("coders", "name", "bo\x00b", False),
        ("documents", "attributes", '{"gender": "F\\u0000, x"}', False),
    ],
)
def test_sqlite_rendering_handles_awkward_cells_and_nul(
    seeded_sqlite: Store, table: str, column: str, value: str, rendered: bool
) -> None:
    """Quoting found by LIKE and records built by printf: NUL in a text they see takes the portable path."""
    from sqlalchemy import text

    with seeded_sqlite.sessions() as session, session.begin():
        session.execute(text(f"UPDATE {table} SET {column} = :v WHERE id = 1"), {"v": value})
    for guard in (True, False):
        used, fast = _render_export(seeded_sqlite, True, guard)
        assert used is rendered
        assert fast == _render_export(seeded_sqlite, False, guard)[1]
    column_out = {"name": "coder", "attributes": None}.get(column, column)
    if column_out is not None:  # (SQLite's JSON functions themselves end an attribute at a NUL)
        assert value in {row[column_out] for row in _rows(fast)}


def test_filters_apply_to_the_rendered_query(seeded_sqlite: Store) -> None:
    out = _rows(_export(seeded_sqlite, coders=("alice",), codes=("remittance",)))
    assert [(r["document"], r["segment"], r["coder"]) for r in out] == [
        ("A", "3", "alice"),
        ("A", "4", "alice"),
    ]


def test_the_memo_column_carries_the_memos_coders_wrote_on_segments(seeded: Store) -> None:
    """``m`` in the coding screen writes a memo on a segment: that coder's codings there carry it."""
    with transaction(seeded.sessions) as session:
        add_segment_memos(session)
    rows = _rows(_export(seeded, raw=True))
    memo = {(r["document"], r["segment"], r["code"], r["coder"]): r["memo"] for r in rows}
    assert len(rows) == len(CODINGS)  # a memo adds no row (bob's on B 2, where he coded nothing)
    assert memo[("A", "1", "bribery", "alice")] == "pay first, then leave"
    assert memo[("A", "1", "bribery", "bob")] == 'said "a lot",\nthen laughed\n\nsame, "twice"'
    assert memo[("A", "2", "bribery", "alice")] == "=1+1"  # the same text once
    assert memo[("A", "4", "remittance", "bob")] == memo[("A", "4", "hours", "bob")] == "both codes"
    assert memo[("A", "4", "remittance", "alice")] == "" and memo[("B", "2", "hours", "alice")] == "-guards"
    guarded = {(r["document"], r["segment"], r["coder"]): r["memo"] for r in _rows(_export(seeded))}
    assert guarded[("A", "2", "alice")] == "'=1+1"


@pytest.mark.parametrize("raw", [False, True])
def test_segment_memos_render_the_same_on_both_sqlite_paths(seeded_sqlite: Store, raw: bool) -> None:
    with transaction(seeded_sqlite.sessions) as session:
        add_segment_memos(session)
    fast = _render_export(seeded_sqlite, True, not raw)
    portable = _render_export(seeded_sqlite, False, not raw)
    assert fast[0] and not portable[0] and fast[1] == portable[1]
    assert "then laughed\n\nsame, " in fast[1]


@given(
    coding=st.none() | st.text(min_size=1, max_size=8),
    segment=st.none() | st.text(min_size=1, max_size=8),
)
def test_a_memo_cell_gives_back_the_codings_own_memo(coding: str | None, segment: str | None) -> None:
    cell = memo_cell(coding, segment)
    if coding != segment:
        assert coding_memo_in(cell, segment) == coding
    assert memo_cell(coding_memo_in(cell, segment), segment) == cell
