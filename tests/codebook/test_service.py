"""Loading codebook versions into a project keeps codings: renames, merges, splits, refusals."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from qcode.codebook.model import Codebook, CodeSpec
from qcode.codebook.service import (
    code_tree,
    load_codebook,
    merge_codes,
    project_codebook,
    rename_code,
    split_code,
)
from qcode.errors import ConflictError, NotFoundError
from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Code, Coder, Coding, Document, Event, Passage, Segment


def _spec(id_: str, name: str, hotkey: str | None, parent: str | None = "money") -> CodeSpec:
    return CodeSpec(
        id=id_,
        name=name,
        parent=parent,
        description=f"{name} talk",
        inclusion="",
        exclusion="",
        example_text="",
        example_interviewee="",
        keywords=(name,),
        hotkey=hotkey,
        colour="#aa0000",
    )


BOOK = Codebook(
    name="test",
    version=1,
    codes=(
        _spec("money", "money", None, parent=None),
        _spec("bribery", "bribery", "b"),
        _spec("remittance", "remittance", "r"),
        _spec("wages", "wages", "w"),
    ),
)


def _code_segments(store: Store, codes: list[str], n_segments: int = 3) -> None:
    """Coder ana applies each code to every one of n segments."""
    with transaction(store.sessions) as session:
        text = " ".join(f"S{i}." for i in range(n_segments))
        doc = Document(name="A", content_hash="x" * 64, text=text)
        session.add(doc)
        session.flush()
        passage = Passage(document_id=doc.id, ordinal=1, start=0, end=len(text))
        coder = Coder(name="ana")
        session.add_all([passage, coder])
        session.flush()
        ids = {c.key: c.id for c in session.scalars(select(Code))}
        for i in range(n_segments):
            seg = Segment(
                document_id=doc.id,
                passage_id=passage.id,
                ordinal=i + 1,
                start=4 * i,
                end=4 * i + 3,
                text=text[4 * i : 4 * i + 3],
            )
            session.add(seg)
            session.flush()
            for key in codes:
                session.add(Coding(coder_id=coder.id, segment_id=seg.id, code_id=ids[key]))


def _codings_by_key(store: Store) -> dict[str, int]:
    with store.sessions() as session:
        rows = (
            session.execute(
                select(Code.key, func.count(Coding.id))
                .join(Coding, Coding.code_id == Code.id)
                .group_by(Code.key)
            )
            .all()
        )
    return dict(rows)


def test_load_then_export_round_trips(store: Store) -> None:
    with transaction(store.sessions) as session:
        report = load_codebook(session, BOOK)
    assert report.added == ["money", "bribery", "remittance", "wages"]
    with store.sessions() as session:
        back = project_codebook(session)
    assert [replace(c, guid=None) for c in back.codes] == [
        replace(c, codable=BOOK.is_codable(c)) for c in BOOK.codes
    ]  # groups are stored as not codable
    assert (back.name, back.version) == ("test", 1)


def test_rename_by_stable_id_keeps_codings_and_swapped_hotkeys_work(store: Store) -> None:
    with transaction(store.sessions) as session:
        load_codebook(session, BOOK)
    _code_segments(store, ["bribery"])
    renamed = replace(
        BOOK,
        version=2,
        codes=(
            BOOK.codes[0],
            _spec("bribery", "bribes-and-gifts", "r"),  # renamed, and takes remittance's hotkey
            _spec("remittance", "remittance", "b"),
            BOOK.codes[3],
        ),
    )
    with transaction(store.sessions) as session:
        report = load_codebook(session, renamed)
    assert report.renamed == [("bribery", "bribes-and-gifts")]
    assert _codings_by_key(store) == {"bribery": 3}
    with store.sessions() as session:
        assert session.scalar(select(Code.hotkey).where(Code.key == "bribery")) == "r"


def test_removal_with_codings_is_refused_and_changes_nothing(store: Store) -> None:
    with transaction(store.sessions) as session:
        load_codebook(session, BOOK)
    _code_segments(store, ["wages"])
    smaller = replace(BOOK, codes=BOOK.codes[:3])
    with pytest.raises(ConflictError, match=r"wages \(3 codings\)"), transaction(store.sessions) as session:
        load_codebook(session, smaller)
    assert _codings_by_key(store) == {"wages": 3}
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Code)) == 4
        assert session.scalars(select(Event.action)).all().count("codebook.load") == 1


def test_force_drops_and_reports_the_count(store: Store) -> None:
    with transaction(store.sessions) as session:
        load_codebook(session, BOOK)
    _code_segments(store, ["wages", "bribery"])
    with transaction(store.sessions) as session:
        report = load_codebook(session, replace(BOOK, codes=BOOK.codes[:3]), force=True)
    assert report.dropped_codings == {"wages": 3} and report.removed == ["wages"]
    assert _codings_by_key(store) == {"bribery": 3}


def test_merge_moves_every_coding_and_deduplicates(store: Store) -> None:
    with transaction(store.sessions) as session:
        load_codebook(session, BOOK)
    _code_segments(store, ["wages", "remittance"])
    with transaction(store.sessions) as session:
        moved = merge_codes(session, "wages", "remittance")
    assert moved == 0  # every wages coding sat on a segment already coded remittance
    assert _codings_by_key(store) == {"remittance": 3}
    with store.sessions() as session:
        assert session.scalar(select(Code).where(Code.key == "wages")) is None
        event = session.scalars(select(Event).where(Event.action == "codebook.merge")).one()
        assert event.payload["into"] == "remittance"


def test_merge_into_a_fresh_code_moves_all(store: Store) -> None:
    with transaction(store.sessions) as session:
        load_codebook(session, BOOK)
    _code_segments(store, ["wages"])
    with transaction(store.sessions) as session:
        assert merge_codes(session, "WAGES", "bribery") == 3
    assert _codings_by_key(store) == {"bribery": 3}


def test_rename_and_split_keep_codings(store: Store) -> None:
    with transaction(store.sessions) as session:
        load_codebook(session, BOOK)
    _code_segments(store, ["wages"])
    with transaction(store.sessions) as session:
        rename_code(session, "wages", "pay")
        keys = split_code(session, "pay", ["pay-withheld", "pay-deducted"], to="pay-deducted")
    assert keys == ["pay-withheld", "pay-deducted"]
    assert _codings_by_key(store) == {"pay-deducted": 3}
    with store.sessions() as session:
        tree = {n.name: n for n in code_tree(session)}
    assert tree["pay-deducted"].parent == "wages" and tree["pay-deducted"].codings == 3
    assert tree["pay-deducted"].depth == 2


def test_unknown_code_suggests_close_names(store: Store) -> None:
    with transaction(store.sessions) as session:
        load_codebook(session, BOOK)
    hint = "no code named 'brbery'; did you mean 'bribery'"
    with pytest.raises(NotFoundError, match=hint), transaction(store.sessions) as session:
        rename_code(session, "brbery", "x")
