"""Projects shaped like ATLAS.ti, MAXQDA, NVivo and QualCoder exports: read right, and
import → export → import gives the same codes, users, variables, spans and notes."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from qcode.exchange.qdpx_export import gather_project
from qcode.exchange.qdpx_import import import_qdpx
from qcode.exchange.qdpx_model import canonical_guid
from qcode.exchange.qdpx_read import read_qdpx
from qcode.exchange.qdpx_write import write_qdpx
from qcode.store.engine import transaction
from qcode.store.migrate import Store, open_store
from qcode.store.models import Code, Coder, Coding, Document, Memo, Passage, Segment, Variable
from tests.exchange.corpus import SELECTIONS, SHAPES, USERS, Shape, build, selection_span, source_text

XSD = Path(__file__).resolve().parent.parent / "data" / "refi" / "Project.xsd"


@pytest.fixture
def fresh(sqlite_template: Path, tmp_path: Path) -> Iterator[Any]:
    """Empty projects on demand (SQLite files from the migrated template)."""
    opened: list[Store] = []

    def make(name: str) -> Store:
        shutil.copy(sqlite_template, tmp_path / name)
        opened.append(open_store(f"sqlite:///{tmp_path / name}"))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


def _import(store: Store, path: Path) -> Any:
    with transaction(store.sessions) as session:
        return import_qdpx(session, path)


def _export(store: Store, path: Path) -> Path:
    with store.sessions() as session:
        data = gather_project(session, name="round trip")
    with path.open("wb") as fh:
        write_qdpx(data.project, fh, layout=data.layout)
    return path


def _codings(session: Session) -> set[tuple[str, int, int, str, str, str | None]]:
    """(document, start, end, code, coder, selection) of every coding; whole segments as their span."""
    rows = session.execute(
        select(Document.name, Segment.start, Segment.end, Coding.start, Coding.end, Code.name, Coder.name,
               Coding.selection)
        .join(Segment, Segment.document_id == Document.id)
        .join(Coding, Coding.segment_id == Segment.id)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
    )  # fmt: skip
    return {
        (doc, a if start is None else start, b if end is None else end, code, coder, sel)
        for doc, a, b, start, end, code, coder, sel in rows
    }


def _snapshot(store: Store) -> dict[str, Any]:
    """Everything a round trip must keep, in a comparable form."""
    parent = aliased(Code)
    with store.sessions() as s:
        return {
            "codes": sorted(
                s.execute(
                    select(Code.guid, Code.name, parent.name, Code.codable, Code.colour, Code.description)
                    .outerjoin(parent, parent.id == Code.parent_id)
                ).all()
            ),
            "coders": sorted(s.execute(select(Coder.guid, Coder.name)).all()),
            "variables": sorted(s.execute(select(Variable.name, Variable.type)).all()),
            "documents": sorted((d.guid, d.name, d.text, d.attributes) for d in s.scalars(select(Document))),
            "codings": sorted(_codings(s), key=repr),
            "coding guids": sorted(s.scalars(select(Coding.guid))),
            "passages": sorted(
                s.execute(select(Document.name, Passage.start, Passage.end).join(Passage)).all()
            ),
            "memos": sorted(
                (coder, text, seg, doc, code)
                for coder, text, seg, doc, code in s.execute(
                    select(Coder.name, Memo.text, Segment.ordinal, Document.name, Code.name)
                    .join(Coder, Coder.id == Memo.coder_id)
                    .outerjoin(Segment, Segment.id == Memo.segment_id)
                    .outerjoin(Document, Document.id == Memo.document_id)
                    .outerjoin(Code, Code.id == Memo.code_id)
                )
            ),
        }


@pytest.mark.parametrize("shape", SHAPES, ids=[s.program for s in SHAPES])
def test_a_project_from_each_program_is_read_right(shape: Shape, fresh: Any, tmp_path: Path) -> None:
    store = fresh("first.db")
    report = _import(store, build(shape, tmp_path / "in.qdpx"))
    assert report.end_convention == ("inclusive" if shape.inclusive else "exclusive")
    assert sorted(report.coders_created) == sorted(USERS)  # Dee coded nothing and is kept
    with store.sessions() as s:
        codes = {c.name: c for c in s.scalars(select(Code))}
        assert (codes["Work"].codable, codes["Control"].codable, codes["Surveillance"].codable) == (
            False, True, True,
        )  # fmt: skip
        assert codes["Work"].hotkey is None
        assert (codes["Duration"].colour, codes["Passports"].colour, codes["Remittances"].colour) == (
            "#ff0000", None, None,
        )  # fmt: skip
        assert codes["Bribery"].description == "Paying officials.\n\nSecond paragraph of the description."
        docs = {d.name: d for d in s.scalars(select(Document))}
        for name, doc in docs.items():
            assert doc.text == source_text(shape, name)  # kept exactly: CRLF, emoji, trailing newline
        passages = dict(
            s.execute(select(Document.name, Passage.id).join(Passage)).all()  # any one per document
        )
        assert "Interview 2" not in passages  # an empty source stays empty
        counts = {
            name: len(s.scalars(select(Passage.id).where(Passage.document_id == docs[name].id)).all())
            for name in docs
        }
        assert counts == {"Interview 1": 2, "Interview 2": 0, "Interview 3": 1}  # blank lines, any line end
        by_pair: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for _doc, a, b, code, coder, _sel in _codings(s):
            by_pair.setdefault((code, coder), []).append((a, b))
        for source, selected, occurrence, code, user, _note in SELECTIONS:
            pieces = by_pair[(code, user)]
            assert (min(a for a, _ in pieces), max(b for _, b in pieces)) == selection_span(
                shape, source, selected, occurrence
            ), (code, user)
        variables = dict(s.execute(select(Variable.name, Variable.type)).all())
        if shape.typed:
            assert variables == {
                "gender": "text", "age": "integer", "married": "boolean", "interviewed": "date",
                "score": "float",
            }  # fmt: skip
            assert docs["Interview 1"].attributes == {
                "gender": "Female", "age": 34, "married": True, "interviewed": "2023-04-05", "score": 2.5,
            }  # fmt: skip
            assert docs["Interview 3"].attributes["age"] == 35  # the source's own value wins
        else:
            assert set(variables.values()) == {"text"} and docs["Interview 1"].attributes["age"] == "34"
    memos = {(c, t) for c, t, *_ in _snapshot(store)["memos"]}  # in a session of its own
    assert memos == {
        ("Ana", "Crosses two."),
        ("Ben", "Interview held in a café."),
        ("Cem", "Check with the second coder."),
    }


@pytest.mark.parametrize("shape", SHAPES, ids=[s.program for s in SHAPES])
def test_import_export_import_keeps_everything(shape: Shape, fresh: Any, tmp_path: Path) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    original = build(shape, tmp_path / "in.qdpx")
    first = fresh("first.db")
    _import(first, original)
    exported = _export(first, tmp_path / "out.qdpx")
    with zipfile.ZipFile(exported) as zf:
        xmlschema.XMLSchema(str(XSD)).validate(zf.read("project.qde"))
    second = fresh("second.db")
    report = _import(second, exported)
    assert not report.resegmented
    assert _snapshot(second) == _snapshot(first)
    # the file qcode writes keeps the selections of the original: same GUIDs, same spans
    before, after = read_qdpx(original), read_qdpx(exported)

    def spans(project: Any, inclusive: bool) -> set[tuple[str, int, int]]:
        return {
            (canonical_guid(sel.guid), sel.start, sel.end + (1 if inclusive else 0))
            for src in project.sources
            for sel in src.selections
            if sel.codings
        }

    assert spans(after, False) == spans(before, shape.inclusive)
    # and a second import of the same file adds nothing
    again = _import(second, exported)
    assert again.codings_added == 0 and again.memos_added == 0 and not again.coders_created
