"""Each coder against the consensus: of the decided cases in documents they coded, how often their call
was kept (read only; the cases are those adjudication decided, see :mod:`qcode.teams.adjudicate`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.coding.roles import CONSENSUS
from qcode.store.models import Coder, Coding, Segment
from qcode.teams.adjudicate import read_decisions

_CHUNK = 5000


@dataclass(frozen=True)
class Kept:
    """One coder against one consensus coder: decided cases they had a call on, and calls kept."""

    consensus: str
    coder: str
    cases: int
    kept: int

    @property
    def share(self) -> float | None:
        """``kept / cases`` (``None`` with no case)."""
        return self.kept / self.cases if self.cases else None


def consensus_kept(session: Session, coders: Sequence[str]) -> list[Kept]:
    """For every consensus coder with decisions, each of ``coders``' kept calls."""
    out: list[Kept] = []
    judges = session.execute(
        select(Coder.guid, Coder.name).where(Coder.role == CONSENSUS).order_by(Coder.name)
    ).all()
    coders = [c for c in coders if c not in {name for _, name in judges}]
    for guid, name in judges:
        decisions = read_decisions(session, guid)
        if not decisions:
            continue
        segments = sorted({seg for seg, _ in decisions})
        doc_of = _documents(session, segments)
        for coder in coders:
            applied, coded_docs = _calls(session, coder, segments, set(doc_of.values()))
            cases = kept = 0
            for (seg, code), d in decisions.items():
                if doc_of.get(seg) not in coded_docs:
                    continue
                cases += 1
                kept += int(((seg, code) in applied) == d.present)
            out.append(Kept(name, coder, cases, kept))
    return out


def _documents(session: Session, segments: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for lo in range(0, len(segments), _CHUNK):
        out.update(
            session.execute(
                select(Segment.id, Segment.document_id).where(Segment.id.in_(segments[lo : lo + _CHUNK]))
            ).all()
        )
    return out


def _calls(
    session: Session, coder: str, segments: list[int], documents: set[int]
) -> tuple[set[tuple[int, int]], set[int]]:
    """The coder's (segment, code) codings on ``segments``, and which of ``documents`` they coded."""
    coder_id = session.scalar(select(Coder.id).where(Coder.name == coder))
    applied: set[tuple[int, int]] = set()
    for lo in range(0, len(segments), _CHUNK):
        applied.update(
            (seg, code)
            for seg, code in session.execute(
                select(Coding.segment_id, Coding.code_id).where(
                    Coding.coder_id == coder_id, Coding.segment_id.in_(segments[lo : lo + _CHUNK])
                )
            )
        )
    coded = set(
        session.scalars(
            select(Segment.document_id)
            .distinct()
            .join(Coding, Coding.segment_id == Segment.id)
            .where(Coding.coder_id == coder_id, Segment.document_id.in_(sorted(documents)))
        )
    )
    return applied, coded
