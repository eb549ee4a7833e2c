"""Roles through every writing path: a coder changes only their own work; only adjudication writes
the consensus coder (coding service, undo/redo replay, codings CSV import, the coding TUI)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from qcode.coding import queries, service
from qcode.coding.types import CodeInfo, CoderRef, CodingOp, MemoOp, SegmentRef
from qcode.errors import RoleError
from qcode.exchange.codings_csv import CodingsImportError, import_codings_csv
from qcode.store.models import Coder, Coding, Event, Memo
from tests.coding.sample import Sample, add_coding, tx


def _code(session: Session, key: str) -> CodeInfo:
    return next(c for c in queries.codebook(session) if c.key == key)


def _seg(sample: Sample, doc: str, ordinal: int) -> SegmentRef:
    return SegmentRef(sample.segments[(doc, ordinal)], doc, ordinal)


def _consensus(session: Session) -> CoderRef:
    with tx(session):
        session.execute(update(Coder).where(Coder.name == "bob").values(role="consensus"))
    bob = queries.find_coder(session, "bob")
    assert bob is not None and bob.role == "consensus"
    return bob


def _state(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count()).select_from(Coding)) or 0,
        session.scalar(select(func.count()).select_from(Memo)) or 0,
        session.scalar(select(func.count()).select_from(Event)) or 0,
    )


def test_every_coding_service_refuses_the_consensus_coder(session: Session, sample: Sample) -> None:
    bob, wages, seg = _consensus(session), _code(session, "wages"), _seg(sample, "A", 2)
    before = _state(session)
    attempts = [
        lambda: service.toggle_coding(session, bob, seg, wages),
        lambda: service.set_codings(session, bob, [seg], wages, True),
        lambda: service.set_segment_memo(session, bob, seg, "a note"),
        lambda: service.apply_ops(session, bob, [CodingOp(seg, wages.id, "wages", True, "g")], "redo"),
        lambda: service.apply_ops(session, bob, [MemoOp(seg, None, "x", "m")], "undo"),
    ]
    for attempt in attempts:
        with pytest.raises(RoleError, match="consensus coder"), tx(session):
            attempt()
    assert _state(session) == before


def test_a_coders_changes_never_reach_another_coders_codings(session: Session, sample: Sample) -> None:
    with tx(session):
        add_coding(session, sample, "bob", "A", 2, "wages")
        bob_memo = service.set_segment_memo(
            session, CoderRef(sample.coders["bob"], "", "bob"), _seg(sample, "A", 2), "mine"
        )
    alice = queries.find_coder(session, "alice")
    assert alice is not None and bob_memo is not None
    wages, seg = _code(session, "wages"), _seg(sample, "A", 2)
    with tx(session):
        service.toggle_coding(session, alice, seg, wages)  # alice applies it (bob's stays)
        service.set_codings(session, alice, [seg], wages, False)  # alice removes hers only
        service.set_segment_memo(session, alice, seg, "")  # alice has no memo to clear
        # replaying bob's own history as alice (a wrong undo stack) cannot touch bob's rows
        service.apply_ops(
            session, alice, [CodingOp(seg, wages.id, "wages", False, "x"), bob_memo.inverse()], "undo"
        )
    rows = session.execute(select(Coder.name, Coding.code_id).join(Coder, Coder.id == Coding.coder_id)).all()
    assert rows == [("bob", sample.codes["wages"])]
    memos = session.execute(select(Coder.name, Memo.text).join(Coder, Coder.id == Memo.coder_id)).all()
    assert memos == [("bob", "mine")]


def _csv(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["document", "segment", "code", "coder"])
        writer.writerows(rows)
    return path


def test_codings_import_refuses_rows_of_the_consensus_coder(
    session: Session, sample: Sample, tmp_path: Path
) -> None:
    _consensus(session)
    path = _csv(tmp_path / "c.csv", [("A", "1", "wages", "alice"), ("A", "2", "wages", "bob")])
    before = _state(session)
    with pytest.raises(CodingsImportError) as caught, tx(session):
        import_codings_csv(session, path)
    assert [(p.line, "consensus coder" in p.message) for p in caught.value.problems] == [(3, True)]
    assert _state(session) == before


def test_a_coder_imports_only_their_own_codings(session: Session, sample: Sample, tmp_path: Path) -> None:
    path = _csv(tmp_path / "c.csv", [("A", "1", "wages", "alice"), ("A", "2", "wages", "bob")])
    before = _state(session)
    with pytest.raises(CodingsImportError) as caught, tx(session):
        import_codings_csv(session, path, actor="alice")
    assert [p.line for p in caught.value.problems] == [3]
    assert "'alice' cannot change bob's codings" in caught.value.problems[0].message
    assert _state(session) == before
    own = _csv(tmp_path / "own.csv", [("A", "1", "wages", "alice")])
    with tx(session):
        report = import_codings_csv(session, own, actor="alice")
    assert report.added == 1
    with tx(session):  # an actor who is no coder (an administrator's script) brings in anyone's
        assert import_codings_csv(session, path, actor="system").added == 1


def test_a_qdpx_import_cannot_write_the_consensus_coder(
    session: Session, sample: Sample, tmp_path: Path
) -> None:
    from qcode.exchange.qdpx_export import gather_project
    from qcode.exchange.qdpx_import import import_qdpx
    from qcode.exchange.qdpx_write import write_qdpx

    with tx(session):
        add_coding(session, sample, "bob", "A", 2, "wages")
        add_coding(session, sample, "alice", "A", 3, "wages")
    _consensus(session)
    with tx(session):
        data = gather_project(session, name="roles")
    path = tmp_path / "roles.qdpx"
    with path.open("wb") as fh:
        write_qdpx(data.project, fh, layout=data.layout)
    with tx(session):  # the project changes after the export: alice's coding is gone, bob is still consensus
        session.execute(Coding.__table__.delete())
    before = _state(session)
    with pytest.raises(RoleError, match="'bob' is this project's consensus coder"), tx(session):
        import_qdpx(session, path)
    assert _state(session) == before
