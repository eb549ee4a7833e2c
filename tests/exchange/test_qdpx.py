"""REFI-QDA .qdpx: valid against Project.xsd, exact offsets, round trip, another program's file."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qcode.exchange.qdpx_export import gather_project
from qcode.exchange.qdpx_import import import_qdpx
from qcode.exchange.qdpx_read import read_qdpx
from qcode.exchange.qdpx_write import write_qdpx
from qcode.ingest.types import ParsedPassage, ParsedTranscript
from qcode.store.engine import transaction
from qcode.store.migrate import Store, open_store
from qcode.store.models import Code, Coder, Coding, Document, Segment
from tests.export.sample import DATA, add_codings, codings_of, seed

XSD = DATA / "refi" / "Project.xsd"


def _write(store: Store, path: Path) -> Path:
    with store.sessions() as session:
        data = gather_project(session, name="Test project")
    with path.open("wb") as fh:
        write_qdpx(data.project, fh, layout=data.layout)
    return path


def _qde(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde")


def _selections(path: Path) -> set[tuple[str, str, int, int, str, str]]:
    """(source name, selected text, start, end, code name, user name) for every coding in the file."""
    project = read_qdpx(path)
    codes = {c.guid: c.name for c, _ in project.all_codes()}
    users = {u.guid: u.name for u in project.users}
    return {
        (s.name, s.text[sel.start : sel.end], sel.start, sel.end, codes[c.code], users[c.user or ""])
        for s in project.sources
        for sel in s.selections
        for c in sel.codings
    }


def test_export_is_valid_against_the_project_xsd(seeded: Store, tmp_path: Path) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    path = _write(seeded, tmp_path / "p.qdpx")
    xmlschema.XMLSchema(str(XSD)).validate(_qde(path))
    with seeded.sessions() as session:
        docs = {d.guid: d.text for d in session.scalars(select(Document))}
        segs = {
            (d, s.start, s.end): s.text
            for d, s in session.execute(select(Document.name, Segment).join(Segment))
        }
    with zipfile.ZipFile(path) as zf:
        for guid, text in docs.items():
            assert zf.read(f"sources/{guid}.txt").decode("utf-8") == text
    for doc, text, start, end, _code, _user in _selections(path):
        assert segs[(doc, start, end)] == text  # endPosition is one past the last character
    assert len(_selections(path)) == 11


def test_export_keeps_hierarchy_colours_users_memos_and_attributes(seeded: Store, tmp_path: Path) -> None:
    project = read_qdpx(_write(seeded, tmp_path / "p.qdpx"))
    (group, *others) = project.codes
    assert (group.name, group.colour, group.codable) == ("Recruitment", "#336699", False)
    assert [(c.name, c.colour, c.codable) for c in group.children] == [("Bribery", "#aa0000", True)]
    assert [c.name for c in others] == ["Remittance", "Working hours"]
    assert sorted(u.name for u in project.users) == ["alice", "bob"]
    notes = {c.note for s in project.sources for sel in s.selections for c in sel.codings if c.note}
    assert notes == {'said "a lot",\nthen laughed', "=1+1", "-guards"}
    values = {case.name: case.values for case in project.cases}
    assert values["B"] == {"age": "40", "gender": "Male", "country": "China"}
    assert project.origin.startswith("qcode ")


def _coded_project(store: Store) -> None:
    """A project imported the normal way (real segmenter), then coded."""
    from qcode.ingest.service import import_transcripts

    passages = (
        "I worked in Russia for three years. The manager took our passports.",
        "We sent money home once a year.\n\nIt was never enough, “never”.",
    )
    t = ParsedTranscript(
        "R",
        "Interviewee R",
        "R.md",
        hashlib.sha256(b"R").hexdigest(),
        {"gender": "Male", "country": "Russia"},
        tuple(ParsedPassage(p, section="Money", speaker="R") for p in passages),
    )
    with transaction(store.sessions) as session:
        seed(session, with_codings=False, with_documents=False)
        import_transcripts(session, [t])
        add_codings(
            session,
            [
                ("R", 1, "hours", "alice", None),
                ("R", 2, "bribery", "bob", "memo\r\nline"),
                ("R", 2, "remittance", "alice", None),
                ("R", 4, "remittance", "bob", None),
            ],
        )


def _empty(sqlite_template: Path, tmp_path: Path, name: str) -> Store:
    shutil.copy(sqlite_template, tmp_path / name)
    return open_store(f"sqlite:///{tmp_path / name}")


def test_round_trip_through_an_empty_project(
    sqlite_store: Store, sqlite_template: Path, tmp_path: Path
) -> None:
    _coded_project(sqlite_store)
    first = _write(sqlite_store, tmp_path / "first.qdpx")
    other = _empty(sqlite_template, tmp_path, "other.db")
    try:
        with transaction(other.sessions) as session:
            report = import_qdpx(session, first)
        assert report.end_convention == "exclusive" and not report.resegmented
        assert report.selections == report.selections_exact and not report.inexact
        second = _write(other, tmp_path / "second.qdpx")
        with sqlite_store.sessions() as a, other.sessions() as b:
            assert {c[:4] for c in codings_of(a)} == {c[:4] for c in codings_of(b)}
            assert {c[4] for c in codings_of(a)} == {c[4] for c in codings_of(b)}
            assert set(a.scalars(select(Code.key))) == set(b.scalars(select(Code.key)))
            assert {d.guid: (d.text, d.attributes) for d in a.scalars(select(Document))} == {
                d.guid: (d.text, d.attributes) for d in b.scalars(select(Document))
            }
        assert _selections(first) == _selections(second)
        with transaction(other.sessions) as session:
            again = import_qdpx(session, first)
        assert again.codings_added == 0 and again.documents_imported == []
    finally:
        other.close()


def _foreign(tmp_path: Path, *, exclusive: bool = False) -> Path:
    """The hand-written project in another program's style, zipped; optionally with endPosition + 1."""
    src = DATA / "qdpx-foreign"
    qde = (src / "Project.qde").read_text(encoding="utf-8")
    if exclusive:
        qde = re.sub(r'endPosition="(\d+)"', lambda m: f'endPosition="{int(m.group(1)) + 1}"', qde)
    path = tmp_path / ("foreign-ex.qdpx" if exclusive else "foreign.qdpx")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Project.qde", qde)
        for f in (src / "Sources").iterdir():
            zf.write(f, f"Sources/{f.name}")
    return path


@pytest.mark.parametrize("exclusive", [False, True])
def test_another_programs_project(sqlite_store: Store, tmp_path: Path, exclusive: bool) -> None:
    with transaction(sqlite_store.sessions) as session:
        report = import_qdpx(session, _foreign(tmp_path, exclusive=exclusive))
    assert report.end_convention == ("exclusive" if exclusive else "inclusive")
    assert sorted(report.documents_imported) == ["Interview 1", "Interview 2"]
    assert sorted(report.coders_created) == ["Ana", "Ben"]
    assert report.codes_created == ["Work", "Duration", "Passports", "Remittances", "Bribery"]
    assert any("Dormitory.jpg" in s for s in report.skipped)
    assert any("whole source" in s for s in report.skipped)
    assert (report.selections, report.selections_exact) == (4, 2)
    kinds = {(n.document, n.kind, n.segments) for n in report.inexact}
    assert kinds == {("Interview 1", "spans", (3, 4)), ("Interview 1", "partial", (1,))}
    with sqlite_store.sessions() as session:
        got = {c[:5] for c in codings_of(session)}
        assert got == {
            ("Interview 1", 2, "passports", "Ana", None),
            ("Interview 1", 3, "remittances", "Ben", None),
            ("Interview 1", 4, "remittances", "Ben", None),
            ("Interview 1", 1, "duration", "Ana", None),
            ("Interview 2", 1, "bribery", "Ben", "Asked twice."),
        }
        doc = session.scalars(select(Document).where(Document.name == "Interview 1")).one()
        assert doc.guid == "5ec00001-0000-4000-8000-000000000001"
        assert doc.attributes == {"gender": "Female", "age": 34}  # typed as the file types it
        duration = session.scalars(select(Code).where(Code.key == "duration")).one()
        assert duration.guid == "c0de0002-0000-4000-8000-000000000002" and duration.colour == "#ff0000"
        assert duration.parent is not None and duration.parent.name == "Work"
        assert session.scalar(select(Coding.guid).join(Code).where(Code.key == "passports")) == (
            "c0d10001-0000-4000-8000-000000000001"
        )


def test_the_same_file_twice_adds_nothing(sqlite_store: Store, tmp_path: Path) -> None:
    path = _foreign(tmp_path)
    for _ in range(2):
        with transaction(sqlite_store.sessions) as session:
            report = import_qdpx(session, path)
    assert report.codings_added == 0 and report.codings_present == 5
    assert sorted(report.documents_present) == ["Interview 1", "Interview 2"] and not report.codes_created


def _count(store: Store) -> tuple[int, int]:
    with store.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Document)) or 0,
            session.scalar(select(func.count()).select_from(Code)) or 0,
        )


def test_a_coding_of_an_undefined_code_is_refused(sqlite_store: Store, tmp_path: Path) -> None:
    from qcode.errors import InputError

    qde = (DATA / "qdpx-foreign" / "Project.qde").read_text(encoding="utf-8")
    bad = qde.replace(
        'targetGUID="{C0DE0005-0000-4000-8000-000000000005}"',
        'targetGUID="deadbeef-0000-4000-8000-000000000000"',
    )
    path = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", bad)
        zf.write(
            DATA / "qdpx-foreign" / "Sources" / "6F1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D.TXT",
            "sources/6F1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D.txt",
        )
    with pytest.raises(InputError, match="deadbeef"), transaction(sqlite_store.sessions) as session:
        import_qdpx(session, path)
    assert _count(sqlite_store) == (0, 0)


def test_qde_bytes_round_trip_in_memory(seeded_sqlite: Store) -> None:
    with seeded_sqlite.sessions() as session:
        data = gather_project(session)
    buf = io.BytesIO()
    write_qdpx(data.project, buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        names = sorted(zf.namelist())
    assert names[0] == "project.qde" and all(n.startswith("sources/") for n in names[1:])
    assert len(names) == 4  # no layout member when none is given


def test_segments_of_the_exporting_project_are_restored(
    seeded_sqlite: Store, sqlite_template: Path, tmp_path: Path
) -> None:
    """Segments cut another way (another qcode, another mode) come back as they were."""
    path = _write(seeded_sqlite, tmp_path / "p.qdpx")
    other = _empty(sqlite_template, tmp_path, "other.db")
    try:
        with transaction(other.sessions) as session:
            report = import_qdpx(session, path)
        assert report.segments_restored and not report.resegmented
        with seeded_sqlite.sessions() as a, other.sessions() as b:
            assert codings_of(a) == codings_of(b)
            seg = select(Document.name, Segment.ordinal, Segment.start, Segment.end, Segment.text).join(
                Segment
            )
            assert set(a.execute(seg)) == set(b.execute(seg))
    finally:
        other.close()


def test_a_document_with_other_content_is_not_replaced(sqlite_store: Store, tmp_path: Path) -> None:
    from qcode.errors import ConflictError

    with transaction(sqlite_store.sessions) as session:
        import_qdpx(session, _foreign(tmp_path))
    changed = tmp_path / "changed.qdpx"
    with zipfile.ZipFile(_foreign(tmp_path, exclusive=True)) as src, zipfile.ZipFile(changed, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, data.replace(b"three years", b"four years") if name.endswith(".TXT") else data)
    with pytest.raises(ConflictError, match="Interview 1"), transaction(sqlite_store.sessions) as session:
        import_qdpx(session, changed)
    with sqlite_store.sessions() as session:
        assert len(codings_of(session)) == 5


TAKEN = "passports taken\r\nby the manager"  # a carriage return must survive the XML


def _add_memos(store: Store) -> None:
    """A memo of each kind: on a segment with codings, on one without, on a document, on a code."""
    from qcode.store.models import Coder, Memo

    with transaction(store.sessions) as session:
        coder = {c.name: c.id for c in session.scalars(select(Coder))}
        seg = {
            (name, s.ordinal): s.id
            for name, s in session.execute(select(Document.name, Segment).join(Segment))
        }
        doc = {d.name: d.id for d in session.scalars(select(Document))}
        code = {c.key: c.id for c in session.scalars(select(Code))}
        session.add_all(
            [
                Memo(coder_id=coder["alice"], segment_id=seg[("R", 2)], text=TAKEN),
                Memo(coder_id=coder["bob"], segment_id=seg[("R", 3)], text="uncoded, but worth a note"),
                Memo(coder_id=coder["alice"], document_id=doc["R"], text="interview in two sittings"),
                Memo(coder_id=coder["bob"], code_id=code["remittance"], text="include money sent in kind"),
            ]
        )


def _memos(store: Store) -> set[tuple[str, str, str]]:
    """(coder, what the memo is about, text) for every memo."""
    from qcode.store.models import Coder, Memo

    with store.sessions() as session:
        out = set()
        for memo, coder in session.execute(select(Memo, Coder.name).join(Coder, Coder.id == Memo.coder_id)):
            if memo.segment_id is not None:
                s = session.get(Segment, memo.segment_id)
                assert s is not None
                target = f"segment {session.get(Document, s.document_id).name}:{s.ordinal}"  # type: ignore[union-attr]
            elif memo.document_id is not None:
                target = f"document {session.get(Document, memo.document_id).name}"  # type: ignore[union-attr]
            else:
                target = f"code {session.get(Code, memo.code_id).key}"  # type: ignore[union-attr]
            out.add((coder, target, memo.text))
        return out


def test_memos_of_every_kind_travel_as_notes_and_come_back_once(
    sqlite_store: Store, sqlite_template: Path, tmp_path: Path
) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    _coded_project(sqlite_store)
    _add_memos(sqlite_store)
    path = _write(sqlite_store, tmp_path / "memos.qdpx")
    xmlschema.XMLSchema(str(XSD)).validate(_qde(path))
    project = read_qdpx(path)
    (source,) = project.sources
    assert [n.text for n in source.notes] == ["interview in two sittings"]
    on_segments = {sel.name[:20]: [n.text for n in sel.notes] for sel in source.selections if sel.notes}
    assert sorted(on_segments.values()) == [[TAKEN], ["uncoded, but worth a note"]]
    assert [n.text for c, _ in project.all_codes() for n in c.notes] == ["include money sent in kind"]
    other = _empty(sqlite_template, tmp_path, "other.db")
    try:
        with transaction(other.sessions) as session:
            report = import_qdpx(session, path)
        assert report.memos_added == 4
        assert _memos(other) == _memos(sqlite_store) and len(_memos(other)) == 4
        with transaction(other.sessions) as session:
            again = import_qdpx(session, path)
        assert again.memos_added == 0 and again.memos_present == 4 and len(_memos(other)) == 4
    finally:
        other.close()


def test_coders_whose_names_differ_only_in_case_stay_two_people(
    sqlite_store: Store, sqlite_template: Path, tmp_path: Path
) -> None:
    """``alice`` and ``Alice`` have their own GUIDs: an import keeps each one's codings as theirs."""
    _coded_project(sqlite_store)
    with transaction(sqlite_store.sessions) as session:
        session.add(Coder(name="Alice"))
        session.flush()
        add_codings(session, [("R", 3, "hours", "Alice", None)])
    path = _write(sqlite_store, tmp_path / "case.qdpx")
    for target in ("empty.db", "again.db"):
        other = _empty(sqlite_template, tmp_path, target)
        try:
            if target == "again.db":  # alice already there (same GUID): Alice still is someone else
                with sqlite_store.sessions() as a, transaction(other.sessions) as b:
                    alice = a.scalars(select(Coder).where(Coder.name == "alice")).one()
                    b.add(Coder(name="alice", guid=alice.guid))
            with transaction(other.sessions) as session:
                report = import_qdpx(session, path)
            assert "Alice" in report.coders_created
            with sqlite_store.sessions() as a, other.sessions() as b:
                assert {c[:4] for c in codings_of(a)} == {c[:4] for c in codings_of(b)}
                assert sorted(b.scalars(select(Coder.name))) == ["Alice", "alice", "bob"]
        finally:
            other.close()
