"""Where coders differ: the segments on which, for some compared code, one coder applied it and another
(who coded the same document) did not — the material for sharpening codebook definitions.

Same units and the same "absent on the uncoded segments of a coded document" rule as
:mod:`qcode.coding.matrices`; the disagreeing segments are found in NumPy, then their text and every
compared coder's codes are read in a few chunked queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.coding.matrices import AgreementData, agreement_data
from qcode.store.models import Code, Coder, Coding, Document, Passage, Segment

_CHUNK = 5000


@dataclass(frozen=True)
class Disagreement:
    """One segment where compared coders differ.

    Attributes:
        document: document name.
        segment: segment ordinal in the document.
        passage: passage ordinal in the document.
        text: the segment's text.
        codes: the compared codes some coders applied here and others did not (codebook order).
        coders: each compared coder's codes on the segment (every code, by name), or ``None`` for a
            coder who did not code the document.
    """

    document: str
    segment: int
    passage: int
    text: str
    codes: tuple[str, ...]
    coders: tuple[tuple[str, tuple[str, ...] | None], ...]


def disagreements(
    session: Session, *, coders: Sequence[str] | None = None, codes: Sequence[str] | None = None
) -> list[Disagreement]:
    """Every segment where the compared coders differ on a compared code, in corpus order.

    Args:
        session: an open session (read only).
        coders: coder names; by default every coder with codings.
        codes: code names or keys; by default every leaf code.

    Raises:
        NotFoundError: an unknown coder or code.
        InputError: fewer than two coders or no codes.
    """
    data = agreement_data(session, coders=coders, codes=codes, unit="segment")
    disputed = _disputed(data)
    if not disputed:
        return []
    units = np.array(sorted(disputed), dtype=np.int64)
    segment_ids = data.unit_ids[units].tolist()
    details: dict[int, tuple[str, int, int, str]] = {}
    applied: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for lo in range(0, len(segment_ids), _CHUNK):
        chunk = segment_ids[lo : lo + _CHUNK]
        for r in session.execute(
            select(Segment.id, Document.name, Segment.ordinal, Passage.ordinal.label("passage"), Segment.text)
            .join(Document, Document.id == Segment.document_id)
            .join(Passage, Passage.id == Segment.passage_id)
            .where(Segment.id.in_(chunk))
        ):
            details[r.id] = (r.name, r.ordinal, r.passage, r.text)
        for seg, coder, code in session.execute(
            select(Coding.segment_id, Coder.name, Code.name)
            .join(Coder, Coder.id == Coding.coder_id)
            .join(Code, Code.id == Coding.code_id)
            .where(Coding.segment_id.in_(chunk), Coder.name.in_(data.coders))
        ):
            applied[seg][coder].append(code)
    out = []
    for unit, seg in zip(units.tolist(), segment_ids, strict=True):
        document, ordinal, passage, text = details[seg]
        who = tuple(
            (name, tuple(sorted(applied[seg][name])) if data.coded[g, unit] else None)
            for g, name in enumerate(data.coders)
        )
        out.append(Disagreement(document, ordinal, passage, text, disputed[unit], who))
    return out


def _disputed(data: AgreementData) -> dict[int, tuple[str, ...]]:
    """Unit index → the codes applied there by some, not all, of the coders who coded its document."""
    n_units = len(data.unit_ids)
    if not n_units or not len(data.applied):
        return {}
    present = data.coded.sum(axis=0)
    keys, counts = np.unique(data.applied[:, 0] * n_units + data.applied[:, 2], return_counts=True)
    code_index, unit_index = np.divmod(keys, n_units)
    differ = (present[unit_index] >= 2) & (counts < present[unit_index])
    out: dict[int, list[str]] = defaultdict(list)
    for k, u in sorted(zip(code_index[differ].tolist(), unit_index[differ].tolist(), strict=True)):
        out[u].append(data.codes[k])
    return {u: tuple(c) for u, c in out.items()}
