"""Adjudication: every (segment, code) where the compared coders differ, decided into a consensus coder.

A *case* is a segment and a code that some compared coders (of those who coded the document) applied
and others did not. A *decision* says whether the code belongs on the segment in the consensus, and
on whose word (a coder's name, ``both``, ``none`` or ``edit``), with an optional note. Each decision
is one ``adjudication.decide`` event naming the segment by content hash and span and the code by
GUID, so decisions travel with merges; the latest decision of a case wins, so decisions can be
revised. The consensus coder's codings follow the decisions and, where every compared coder who
coded the document agrees, the coders; a segment's notes are the consensus coder's memo on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.coding.disagreements import Disagreement, disagreements
from qcode.coding.matrices import agreement_data
from qcode.coding.selection import resolve_coders
from qcode.errors import InputError
from qcode.store.models import Code, Coding, Document, Event, Segment
from qcode.teams.consensus import ConsensusCoder, consensus_coder, reconcile

DECIDE = "adjudication.decide"
#: What a decision may rest on besides a coder's name.
BOTH, NONE, EDIT = "both", "none", "edit"
_CHUNK = 5000

#: (segment id, code id)
CaseKey = tuple[int, int]


@dataclass(frozen=True)
class Decision:
    """A case decided: the code is in the consensus (``present``) or not, on whose word, and why."""

    present: bool
    by: str
    note: str | None
    at: datetime
    adjudicator: str


@dataclass(frozen=True)
class Case:
    """One segment and one code on which the compared coders differ.

    Attributes:
        calls: each compared coder's call: applied (True), not applied (False), or ``None`` for a
            coder who did not code the document.
        decision: the latest decision, or ``None`` while undecided.
    """

    document: str
    segment: int
    segment_id: int
    passage: int
    text: str
    code: str
    code_key: str
    code_id: int
    calls: tuple[tuple[str, bool | None], ...]
    decision: Decision | None = None

    @property
    def key(self) -> CaseKey:
        """(segment id, code id)."""
        return self.segment_id, self.code_id

    def call_of(self, coder: str) -> bool | None:
        """What ``coder`` decided on this case (``None``: they did not code the document)."""
        return dict(self.calls).get(coder)


@dataclass(frozen=True)
class Adjudication:
    """The cases between some coders, the consensus coder their decisions go to, every decision made.

    ``decisions`` holds every case ever decided for this consensus coder (also cases no longer in
    dispute), so a segment's notes are never lost when one of its cases is revised.
    """

    consensus: ConsensusCoder
    coders: tuple[str, ...]
    cases: tuple[Case, ...]
    decisions: Mapping[CaseKey, Decision]

    @property
    def decided(self) -> int:
        """How many cases have a decision."""
        return sum(1 for c in self.cases if c.decision is not None)

    @property
    def progress(self) -> str:
        """``17 of 52 decided``."""
        return f"{self.decided} of {len(self.cases)} decided"


def open_adjudication(
    session: Session,
    *,
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    consensus: str = "consensus",
    actor: str = "system",
    write: bool = True,
) -> Adjudication:
    """The cases between ``coders`` (default: every coder) on ``codes``, with their decisions.

    Creates the consensus coder if needed and brings its codings in line with what is settled:
    the decided cases, and the codes every compared coder who coded a document agrees on. With
    ``write`` false nothing is written (a consensus coder not yet created has decided nothing).

    Raises:
        InputError: fewer than two coders, or the consensus coder among them.
        RoleError: ``consensus`` names a coder.
    """
    target = consensus_coder(session, consensus, actor=actor, create=write)
    names = tuple(name for _, name in resolve_coders(session, coders))
    if target.name in names:
        raise InputError(f"{target.name!r} is the consensus coder: compare coders, not the consensus")
    decisions = read_decisions(session, target.guid) if target.guid else {}
    cases = [
        replace(c, decision=decisions.get(c.key))
        for c in _cases(session, disagreements(session, coders=names, codes=codes))
    ]
    if write:
        want = _agreed(session, target, names, codes)
        want.update({key: d.present for key, d in decisions.items()})
        reconcile(session, target, want, actor=actor)
    return Adjudication(target, names, tuple(cases), decisions)


def _cases(session: Session, found: Sequence[Disagreement]) -> list[Case]:
    """One case per disputed (segment, code), in corpus and codebook order."""
    if not found:
        return []
    codes = {name: (cid, key) for cid, key, name in session.execute(select(Code.id, Code.key, Code.name))}
    wanted = sorted({d.document for d in found})
    seg_ids = {
        (doc, ordinal): sid
        for sid, doc, ordinal in session.execute(
            select(Segment.id, Document.name, Segment.ordinal)
            .join(Document, Document.id == Segment.document_id)
            .where(Document.name.in_(wanted))
        )
    }
    out = []
    for d in found:
        for code in d.codes:
            calls = tuple((name, None if applied is None else code in applied) for name, applied in d.coders)
            cid, key = codes[code]
            seg = seg_ids[(d.document, d.segment)]
            out.append(Case(d.document, d.segment, seg, d.passage, d.text, code, key, cid, calls))
    return out


def _agreed(
    session: Session, target: ConsensusCoder, coders: Sequence[str], codes: Sequence[str] | None
) -> dict[CaseKey, bool]:
    """Where two or more compared coders coded the document and all agree: (segment, code) → present.

    Agreed absences are listed only where the consensus coder has the code (what must go).
    """
    data = agreement_data(session, coders=list(coders), codes=codes, unit="segment")
    present = data.coded.sum(axis=0)
    n_units = len(data.unit_ids)
    counts = np.zeros((len(data.codes), n_units), dtype=np.int64)
    np.add.at(counts, (data.applied[:, 0], data.applied[:, 2]), 1)
    code_ids = {name: cid for cid, name in session.execute(select(Code.id, Code.name))}
    code_index = {code_ids[name]: k for k, name in enumerate(data.codes)}
    out: dict[CaseKey, bool] = {}
    compared = present >= 2
    for k, name in enumerate(data.codes):
        agreed = np.flatnonzero(compared & (counts[k] == present))
        out.update({(int(data.unit_ids[u]), code_ids[name]): True for u in agreed.tolist()})
    unit_of = {int(seg): u for u, seg in enumerate(data.unit_ids.tolist())}
    for seg, code in session.execute(
        select(Coding.segment_id, Coding.code_id).where(
            Coding.coder_id == target.id, Coding.code_id.in_(sorted(code_index))
        )
    ):
        u = unit_of.get(seg)
        if u is not None and compared[u] and counts[code_index[code], u] == 0:
            out[(seg, code)] = False
    return out


def read_decisions(session: Session, consensus_guid: str) -> dict[CaseKey, Decision]:
    """Every case decided for a consensus coder here: the latest decision of each, by event time."""
    rows = []
    for at, actor, payload in session.execute(
        select(Event.at, Event.actor, Event.payload)
        .where(Event.action == DECIDE)
        .order_by(Event.at, Event.id)
    ):
        if (payload or {}).get("consensus") == consensus_guid:
            rows.append((at, actor, payload))
    if not rows:
        return {}
    segments = _segments_by_span(session, {p["hash"] for _, _, p in rows})
    codes = {a: b for a, b in session.execute(select(Code.guid, Code.id))}
    out: dict[CaseKey, Decision] = {}
    for at, actor, p in rows:
        seg = segments.get((p["hash"], *p["span"]))
        code = codes.get(p["code_guid"])
        if seg is not None and code is not None:
            out[(seg, code)] = Decision(p["decision"] == "apply", p["by"], p.get("note"), at, actor)
    return out


def _segments_by_span(session: Session, hashes: set[str]) -> dict[tuple[str, int, int], int]:
    out: dict[tuple[str, int, int], int] = {}
    for sid, digest, start, end in session.execute(
        select(Segment.id, Document.content_hash, Segment.start, Segment.end)
        .join(Document, Document.id == Segment.document_id)
        .where(Document.content_hash.in_(sorted(hashes)))
    ):
        out.setdefault((digest, start, end), sid)
    return out


def case_identities(session: Session, cases: Sequence[Case]) -> dict[CaseKey, dict[str, Any]]:
    """Each case's segment by content hash and span and its code by GUID (for decision events)."""
    segs = sorted({c.segment_id for c in cases})
    where: dict[int, tuple[str, int, int]] = {}
    for lo in range(0, len(segs), _CHUNK):
        for sid, digest, start, end in session.execute(
            select(Segment.id, Document.content_hash, Segment.start, Segment.end)
            .join(Document, Document.id == Segment.document_id)
            .where(Segment.id.in_(segs[lo : lo + _CHUNK]))
        ):
            where[sid] = (digest, start, end)
    guids = {a: b for a, b in session.execute(select(Code.id, Code.guid))}
    return {
        c.key: {
            "hash": where[c.segment_id][0],
            "span": list(where[c.segment_id][1:]),
            "code_guid": guids[c.code_id],
        }
        for c in cases
    }
