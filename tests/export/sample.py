"""A small coded project with awkward text, built without the segmenter (exact, known segments)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from qcode.store.engine import transaction
from qcode.store.migrate import Store
from qcode.store.models import Code, Coder, Coding, Document, Passage, Segment

DATA = Path(__file__).resolve().parent.parent / "data"
T0 = datetime(2024, 5, 1, 9, 30, 0, 123456, tzinfo=UTC)

#: name -> (attributes, [(section, [segment texts])])
DOCS: dict[str, tuple[dict[str, str], list[tuple[str, list[str]]]]] = {
    "A": (
        {"gender": "Male", "country": "Arab Emirates", "occupation": "construction"},
        [
            (
                "Recruitment › Bribery",
                ["Many people also recur to using bribery, “a lot”.", "=SUM(A1) was on the form."],
            ),
            ("Wages", ['He said "pay, then go".', "We sent money home\nonce a year."]),
        ],
    ),
    "B": (
        {"age": "40", "gender": "Male", "country": "China"},
        [
            (
                "Hours",
                ["-5 degrees, and we still worked.", "@night the guards came.", "+1 shift every Sunday."],
            )
        ],
    ),
    "C": (
        {"gender": "Female", "country": "Russia"},
        [("", ["Nobody could refuse.", "\tTabbed line, oddly."])],
    ),
}
#: (document, segment ordinal, code key, coder, memo)
CODINGS: list[tuple[str, int, str, str, str | None]] = [
    ("A", 1, "bribery", "alice", None),
    ("A", 1, "bribery", "bob", 'said "a lot",\nthen laughed'),
    ("A", 2, "bribery", "alice", "=1+1"),
    ("A", 3, "remittance", "alice", None),
    ("A", 4, "remittance", "alice", None),
    ("A", 4, "remittance", "bob", None),
    ("A", 4, "hours", "bob", None),
    ("B", 1, "hours", "alice", None),
    ("B", 2, "hours", "alice", "-guards"),
    ("B", 3, "hours", "bob", None),
    ("C", 1, "bribery", "bob", None),
]


@dataclass(frozen=True)
class Seeded:
    """The seeded store and what is in it."""

    store: Store
    codings: int = len(CODINGS)


def seed(session: Session, *, with_codings: bool = True, with_documents: bool = True) -> None:
    """Documents, passages, segments, codes (with a group), coders and codings."""
    for name, (attrs, passages) in DOCS.items() if with_documents else ():
        texts = [" ".join(segs) for _, segs in passages]
        doc = Document(
            name=name,
            title=f"Interviewee {name}",
            content_hash=name * 64,
            text="\n\n".join(texts),
            attributes=attrs,
        )
        session.add(doc)
        session.flush()
        pos, ordinal = 0, 0
        for p_ord, ((section, segs), text) in enumerate(zip(passages, texts, strict=True), start=1):
            passage = Passage(
                document_id=doc.id, ordinal=p_ord, section=section, start=pos, end=pos + len(text)
            )
            session.add(passage)
            session.flush()
            seg_pos = pos
            for seg in segs:
                ordinal += 1
                session.add(
                    Segment(
                        document_id=doc.id,
                        passage_id=passage.id,
                        ordinal=ordinal,
                        start=seg_pos,
                        end=seg_pos + len(seg),
                        text=seg,
                    )
                )
                seg_pos += len(seg) + 1
            pos += len(text) + 2
    group = Code(
        key="recruitment",
        name="Recruitment",
        ordinal=1,
        colour="#336699",
        description="How workers are picked",
        codable=False,
    )
    session.add(group)
    session.flush()
    session.add_all(
        [
            Code(
                key="bribery",
                name="Bribery",
                parent_id=group.id,
                ordinal=2,
                hotkey="b",
                colour="#aa0000",
                description="Money paid to be selected",
            ),
            Code(key="remittance", name="Remittance", ordinal=3, hotkey="r"),
            Code(key="hours", name="Working hours", ordinal=4, hotkey="h"),
            Coder(name="alice"),
            Coder(name="bob"),
        ]
    )
    session.flush()
    if with_codings:
        add_codings(session, CODINGS)


def add_codings(session: Session, rows: list[tuple[str, int, str, str, str | None]]) -> None:
    """Insert codings named by document, segment ordinal, code key and coder name."""
    for i, (doc, ordinal, key, coder, memo) in enumerate(rows):
        seg_id = session.scalar(
            select(Segment.id).join(Document).where(Document.name == doc, Segment.ordinal == ordinal)
        )
        code_id = session.scalar(select(Code.id).where(Code.key == key))
        coder_id = session.scalar(select(Coder.id).where(Coder.name == coder))
        session.add(
            Coding(
                coder_id=coder_id,
                segment_id=seg_id,
                code_id=code_id,
                memo=memo,
                created_at=T0 + timedelta(minutes=i),
            )
        )
    session.flush()


def codings_of(session: Session) -> set[tuple[str, int, str, str, str | None, datetime]]:
    """Every coding as (document, segment ordinal, code key, coder, memo, created_at)."""
    return set(
        session.execute(
            select(Document.name, Segment.ordinal, Code.key, Coder.name, Coding.memo, Coding.created_at)
            .join(Segment, Segment.id == Coding.segment_id)
            .join(Document, Document.id == Segment.document_id)
            .join(Code, Code.id == Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id)
        )
    )


def clear_codings(store: Store) -> None:
    """A fresh copy of the project: same documents and codes, no codings, no coders."""
    with transaction(store.sessions) as session:
        session.execute(delete(Coding))
        session.execute(delete(Coder))


#: Memos coders wrote on segments with ``m`` in the coding screen: (document, segment ordinal, coder, text).
SEGMENT_MEMOS: list[tuple[str, int, str, str]] = [
    ("A", 1, "alice", "pay first, then leave"),  # her coding there has no memo of its own
    ("A", 1, "bob", "same, \"twice\""),  # his coding's own memo comes first, then this
    ("A", 2, "alice", "=1+1"),  # the same text as her coding's memo: said once
    ("A", 4, "bob", "both codes"),  # on each of his two codings of the segment
    ("B", 2, "bob", "bob coded nothing here"),  # no coding of bob's: no row to carry it
]


def add_segment_memos(session: Session, rows: list[tuple[str, int, str, str]] = SEGMENT_MEMOS) -> None:
    """Write segment memos through the coding service, as the coding screen's ``m`` does."""
    from qcode.coding.service import ensure_coder, set_segment_memo
    from qcode.coding.types import SegmentRef

    for doc, ordinal, coder, text in rows:
        seg_id = session.scalar(
            select(Segment.id).join(Document).where(Document.name == doc, Segment.ordinal == ordinal)
        )
        assert seg_id is not None
        set_segment_memo(session, ensure_coder(session, coder), SegmentRef(seg_id, doc, ordinal), text)
    session.flush()
