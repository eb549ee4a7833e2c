"""What the adjudication screen shows of one case: the passage around it, each coder's side."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.store.models import Code, Coder, Coding, Memo, Passage, Segment
from qcode.teams.adjudicate import Adjudication, Case


@dataclass(frozen=True)
class Side:
    """One compared coder on the case's segment: their call on the code, all their codes, their memo."""

    coder: str
    call: bool | None
    codes: tuple[str, ...]
    memo: str | None


@dataclass(frozen=True)
class CaseView:
    """A case with its context: the section, the segments before and after in its passage, the sides."""

    section: str
    speaker: str | None
    before: str
    after: str
    sides: tuple[Side, ...]
    consensus_codes: tuple[str, ...]


def case_view(session: Session, adj: Adjudication, case: Case) -> CaseView:
    """Read the context of ``case`` (a few small queries)."""
    seg = session.execute(
        select(Segment.passage_id, Segment.ordinal, Passage.section, Passage.speaker)
        .join(Passage, Passage.id == Segment.passage_id)
        .where(Segment.id == case.segment_id)
    ).one()
    around = {
        ordinal: text
        for ordinal, text in session.execute(
            select(Segment.ordinal, Segment.text).where(
                Segment.passage_id == seg.passage_id, Segment.ordinal.in_([seg.ordinal - 1, seg.ordinal + 1])
            )
        )
    }
    names = [*adj.coders, adj.consensus.name]
    codes: dict[str, list[str]] = {n: [] for n in names}
    for who, code in session.execute(
        select(Coder.name, Code.name)
        .join(Coding, Coding.coder_id == Coder.id)
        .join(Code, Code.id == Coding.code_id)
        .where(Coding.segment_id == case.segment_id, Coder.name.in_(names))
        .order_by(Code.ordinal, Code.name)
    ):
        codes[who].append(code)
    memos = {
        who: text
        for who, text in session.execute(
            select(Coder.name, Memo.text)
            .join(Memo, Memo.coder_id == Coder.id)
            .where(Memo.segment_id == case.segment_id, Coder.name.in_(list(adj.coders)))
        )
    }
    sides = tuple(Side(name, call, tuple(codes[name]), memos.get(name)) for name, call in case.calls)
    return CaseView(
        seg.section or "",
        seg.speaker,
        around.get(seg.ordinal - 1, ""),
        around.get(seg.ordinal + 1, ""),
        sides,
        tuple(codes[adj.consensus.name]),
    )
