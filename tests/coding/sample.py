"""A small, fixed project for coding and TUI tests: three interviewees, a codebook tree, two coders."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from qcode.store.models import Code, Coder, Coding, Document, Passage, Segment

#: (name, title, attributes, [(section, [sentences])])
DOCUMENTS: list[tuple[str, str, dict[str, str], list[tuple[str, list[str]]]]] = [
    (
        "A",
        "Interviewee A",
        {"gender": "M", "country": "Russia", "occupation": "logger"},
        [
            (
                "Recruitment",
                [
                    "I applied because the pay abroad was said to be ten times higher.",
                    "The selection took almost a year and needed a clean family record.",
                    "Some people paid bribes to the officials to be chosen.",
                ],
            ),
            (
                "Working conditions",
                [
                    "We worked from six in the morning until late at night, every day.",
                    "Most of the wages went to the state as a loyalty payment.",
                    "What was left barely covered food and the debts we owed.",
                    "Nobody could leave the camp without a supervisor.",
                ],
            ),
        ],
    ),
    (
        "B",
        "Interviewee B",
        {"gender": "F", "country": "China", "occupation": "seamstress"},
        [
            (
                "Working conditions",
                [
                    "The factory dormitory was locked at night.",
                    "Our passports were kept by the manager the whole time.",
                    "We were paid only once, when the contract ended.",
                ],
            ),
            (
                "Return",
                [
                    "When I came home I had almost nothing saved.",
                    "Still, many wanted to go abroad again.",
                ],
            ),
        ],
    ),
    (
        "minister",
        "A church minister",
        {"gender": "M", "country": "Russia", "occupation": "minister"},
        [
            (
                "Contact with workers",
                [
                    "Workers came to the church secretly on Sundays.",
                    "They were afraid of the security officers among them.",
                ],
            ),
        ],
    ),
]

#: (key, name, parent key, hotkey, colour, keywords, description)
CODES: list[tuple[str, str, str | None, str | None, str, list[str], str]] = [
    ("labour", "Labour conditions", None, None, "#4e79a7", ["work"], "How work is organised and lived."),
    (
        "hours",
        "Long hours",
        "labour",
        "h",
        "#f28e2b",
        ["overtime", "shifts"],
        "Working days beyond the contract.",
    ),
    (
        "confine",
        "Confinement",
        "labour",
        "c",
        "#e15759",
        ["locked", "passport"],
        "Movement restricted by others.",
    ),
    ("money", "Money", None, None, "#76b7b2", ["pay"], "Earnings and their fate."),
    (
        "wages",
        "Wages withheld",
        "money",
        "w",
        "#59a14f",
        ["salary", "loyalty payment"],
        "Pay taken by the state.",
    ),
    ("debt", "Debt", "money", "d", "#edc948", ["loan", "owed"], "Debts to officials or lenders."),
    (
        "recruit",
        "Recruitment",
        None,
        "r",
        "#b07aa1",
        ["selection", "bribe"],
        "How workers are chosen and sent.",
    ),
    ("surveil", "Surveillance", None, "s", "#ff9da7", ["security", "informer"], "Being watched or reported."),
]


@dataclass(frozen=True)
class Sample:
    """Row ids of what :func:`fill_sample` created."""

    documents: dict[str, int]
    codes: dict[str, int]
    coders: dict[str, int]
    segments: dict[tuple[str, int], int]  # (document name, ordinal) -> segment id


def fill_sample(session: Session, *, coders: tuple[str, ...] = ("alice", "bob")) -> Sample:
    """Fill an empty project with the fixed sample (codings are left to the test)."""
    docs: dict[str, int] = {}
    segs: dict[tuple[str, int], int] = {}
    for name, title, attrs, sections in DOCUMENTS:
        text = ""
        doc = Document(name=name, title=title, content_hash=name * 8, text="", attributes=attrs)
        session.add(doc)
        session.flush()
        ordinal = 0
        for p_ord, (section, sentences) in enumerate(sections, start=1):
            start = len(text)
            passage = Passage(document_id=doc.id, ordinal=p_ord, section=section, start=start, end=start)
            session.add(passage)
            session.flush()
            for sentence in sentences:
                if text:
                    text += " "
                s_start = len(text)
                text += sentence
                ordinal += 1
                seg = Segment(
                    document_id=doc.id,
                    passage_id=passage.id,
                    ordinal=ordinal,
                    start=s_start,
                    end=len(text),
                    text=sentence,
                )
                session.add(seg)
                session.flush()
                segs[(name, ordinal)] = seg.id
            passage.end = len(text)
        doc.text = text
        docs[name] = doc.id
    codes: dict[str, int] = {}
    for ordinal, (key, cname, parent, hotkey, colour, keywords, desc) in enumerate(CODES):
        code = Code(
            key=key,
            name=cname,
            parent_id=codes[parent] if parent else None,
            hotkey=hotkey,
            colour=colour,
            keywords=keywords,
            description=desc,
            inclusion=f"The speaker describes {cname.lower()} first-hand.",
            exclusion="Hearsay about other countries.",
            ordinal=ordinal,
        )
        session.add(code)
        session.flush()
        codes[key] = code.id
    coder_ids: dict[str, int] = {}
    for cname in coders:
        coder = Coder(name=cname)
        session.add(coder)
        session.flush()
        coder_ids[cname] = coder.id
    return Sample(docs, codes, coder_ids, segs)


def add_coding(session: Session, sample: Sample, coder: str, doc: str, ordinal: int, code: str) -> None:
    """Record a coding directly (as if made in an earlier session)."""
    session.add(
        Coding(
            coder_id=sample.coders[coder],
            segment_id=sample.segments[(doc, ordinal)],
            code_id=sample.codes[code],
        )
    )
    session.flush()


@contextmanager
def tx(session: Session) -> Iterator[None]:
    """Commit what the session read so far, then run one transaction (tests mix reads and writes)."""
    if session.in_transaction():
        session.commit()
    with session.begin():
        yield
