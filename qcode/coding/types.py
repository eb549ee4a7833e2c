"""Plain frozen dataclasses passed between the coding services and the front ends.

Standard library only, so widgets can hold them without importing SQLAlchemy. Row ids appear here
because the front end hands them back to the services; anything written to the event log names
entities by GUID, name, or document name and segment ordinal instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

#: The row id of a coder not in the database yet (row ids start at 1, so reads find nothing of theirs).
UNSAVED = 0


@dataclass(frozen=True, slots=True)
class CoderRef:
    """A coder as the services need them: row id for queries, name for the event log.

    ``role`` is ``"coder"`` (codes in their own right) or ``"consensus"`` (written only by
    adjudication); the coding services refuse to write a consensus coder. A coder not in the
    database yet has ``id`` 0 (:data:`UNSAVED`): the coding screen creates them at their first write.
    """

    id: int
    guid: str
    name: str
    role: str = "coder"


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """One codebook code, with what the coder needs to apply it well."""

    id: int
    guid: str
    key: str
    name: str
    parent_id: int | None = None
    depth: int = 0
    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    keywords: tuple[str, ...] = ()
    colour: str = "#888888"
    hotkey: str | None = None
    example_text: str = ""
    example_interviewee: str = ""
    #: Whether coders apply it (a group, or a code marked ``codable: false``, only gathers others).
    codable: bool = True


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """An interviewee's transcript, without its text."""

    id: int
    guid: str
    name: str
    title: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    content_hash: str = ""

    def attribute_line(self, keys: tuple[str, ...] = ("gender", "country", "occupation")) -> str:
        """The attributes coders care about most, in a fixed order, joined by `` · ``."""
        return " · ".join(str(self.attributes[k]) for k in keys if self.attributes.get(k))


@dataclass(frozen=True, slots=True)
class Progress:
    """How many segments of a document this coder has coded (at least one code)."""

    coded: int
    total: int


@dataclass(frozen=True, slots=True)
class SegmentRef:
    """Enough to write a change and name it in the event log."""

    id: int
    document: str
    ordinal: int


class SegmentInfo(NamedTuple):
    """One segment of a transcript, with its passage.

    A named tuple rather than a dataclass: a transcript holds thousands, and building tuples
    straight from database rows is several times faster (it is just as immutable).
    """

    id: int
    ordinal: int
    passage_ordinal: int
    section: str
    speaker: str | None
    text: str
    start: int = 0  # where the text starts in the document's text


#: A coding's own span in the document's text, when it covers less than its segment.
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Transcript:
    """A document's segments and this coder's codings and memos on them."""

    document: DocumentInfo
    segments: tuple[SegmentInfo, ...]
    codings: Mapping[int, frozenset[int]]  # segment id -> code ids
    memos: Mapping[int, str]  # segment id -> memo text
    spans: Mapping[tuple[int, int], Span] = field(default_factory=dict)  # (segment id, code id) -> span

    def ref(self, index: int) -> SegmentRef:
        """The write reference of the segment at ``index``."""
        seg = self.segments[index]
        return SegmentRef(seg.id, self.document.name, seg.ordinal)


@dataclass(frozen=True, slots=True)
class CodingOp:
    """One coding added or removed; ``guid``, ``memo`` and ``span`` let undo restore it exactly."""

    segment: SegmentRef
    code_id: int
    code_key: str
    added: bool
    guid: str
    memo: str | None = None
    span: Span | None = None

    def inverse(self) -> CodingOp:
        """The op that takes this one back."""
        return CodingOp(
            self.segment, self.code_id, self.code_key, not self.added, self.guid, self.memo, self.span
        )


@dataclass(frozen=True, slots=True)
class SpanOp:
    """A coding narrowed to a span of its segment's text, or widened back to it (``None``).

    Spans are offsets in the document's text; the segment stays the unit for agreement.
    """

    segment: SegmentRef
    code_id: int
    code_key: str
    guid: str
    before: Span | None
    after: Span | None

    def inverse(self) -> SpanOp:
        """The op that takes this one back."""
        return SpanOp(self.segment, self.code_id, self.code_key, self.guid, self.after, self.before)


@dataclass(frozen=True, slots=True)
class MemoOp:
    """A segment memo changed from ``before`` to ``after`` (``None`` = no memo)."""

    segment: SegmentRef
    before: str | None
    after: str | None
    guid: str

    def inverse(self) -> MemoOp:
        """The op that takes this one back."""
        return MemoOp(self.segment, self.after, self.before, self.guid)


Op = CodingOp | MemoOp | SpanOp


@dataclass(frozen=True, slots=True)
class CodeViewRow:
    """One segment coded with the chosen code, with its interviewee and context."""

    document_id: int
    document: str
    attributes: Mapping[str, str]
    segment_id: int
    ordinal: int
    passage_ordinal: int
    section: str
    text: str
    coder: str
    memo: str | None


@dataclass(frozen=True, slots=True)
class CodingRow:
    """One coding, flat, for agreement and export."""

    document: str
    segment_ordinal: int
    segment_id: int
    passage_ordinal: int
    code_key: str
    code_name: str
    coder: str
    memo: str | None
    created_at: datetime
