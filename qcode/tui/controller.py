"""One coder's session: what is loaded, every change (its own transaction), and undo/redo.

The controller has no widgets; the coding screen asks it to change things and then shows the
result. Each change commits (with its event) before the method returns, so a change on screen is
always a change on disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qcode.coding import queries
from qcode.coding.history import Action, History
from qcode.coding.types import (
    UNSAVED,
    CodeInfo,
    CoderRef,
    CodingOp,
    DocumentInfo,
    MemoOp,
    Op,
    Progress,
    Span,
    SpanOp,
    Transcript,
)
from qcode.config import RESERVED_HOTKEYS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from qcode.tui.access import ProjectAccess

#: Documents whose attributes are read at start (about a screenful); the rest come with progress.
FIRST_ATTRIBUTES = 40


@dataclass(frozen=True)
class Replayed:
    """What undo or redo did: its label, the segment indices changed in the open document, the ops done."""

    label: str
    document_changed: bool
    indices: tuple[int, ...]
    ops: tuple[Op, ...] = ()


class CodingController:
    """Loaded documents, codebook and transcript for one coder, and the session history."""

    def __init__(self, access: ProjectAccess, coder: CoderRef) -> None:
        self.read = access.read  # queries: at once, before the store is open
        self.unit = access.unit  # changes: one transaction each, once the store is open
        self.reading = access.reading  # long reads: once the store is open, never holding the write lock
        self.access = access
        self.coder = coder
        self.documents: list[DocumentInfo] = []
        self.codes: list[CodeInfo] = []
        self.code_by_id: dict[int, CodeInfo] = {}
        self.code_by_hotkey: dict[str, CodeInfo] = {}
        self.progress: dict[int, Progress] = {}
        self.transcript: Transcript | None = None
        self.doc_index = -1
        self.cursor = 0  # the segment index under the screen's cursor (kept by the screen)
        self.codings: dict[int, frozenset[int]] = {}
        self.memos: dict[int, str] = {}
        self.spans: dict[tuple[int, int], Span] = {}  # (segment id, code id) -> narrowed span
        self._seg_index: dict[int, int] = {}
        self.history = History()

    # -- loading ------------------------------------------------------------------------------

    def load(self, left_at: tuple[str, int] | None = None) -> tuple[int, int]:
        """Load documents and codebook; returns where to start (document index, segment ordinal).

        ``left_at`` is where the coder quit (a document's content hash, a segment ordinal); while
        that document is in the project it wins, else the screen opens at their latest coding.
        """
        with self.read() as s:
            self.documents = queries.list_documents(s, attributes=False)
            self.codes = queries.codebook(s)
            hashes = {d.content_hash: i for i, d in enumerate(self.documents)}
            quit_at = (hashes[left_at[0]], left_at[1]) if left_at and left_at[0] in hashes else None
            resume = None if quit_at is not None else queries.resume_point(s, self.coder.id)
            first = self.documents[quit_at[0]].id if quit_at is not None else resume[0] if resume else None
            shown = [d.id for d in self.documents[:FIRST_ATTRIBUTES]] + ([first] if first is not None else [])
            self.merge_attributes(queries.document_attributes(s, shown))
        self.code_by_id = {c.id: c for c in self.codes}
        self.code_by_hotkey = {
            c.hotkey: c for c in self.codes if c.hotkey and c.hotkey not in RESERVED_HOTKEYS
        }
        if quit_at is not None:
            return quit_at
        if resume is not None:
            for i, doc in enumerate(self.documents):
                if doc.id == resume[0]:
                    return i, resume[1]
        return 0, 0

    def left_at(self) -> tuple[str, int] | None:
        """Where the coder is: the open document's content hash, the ordinal of the segment at the cursor."""
        tr = self.transcript
        if tr is None:
            return None
        on_segment = 0 <= self.cursor < len(tr.segments)
        return tr.document.content_hash, tr.segments[self.cursor].ordinal if on_segment else 0

    def load_progress(self) -> tuple[dict[int, Progress], dict[int, dict[str, str]]]:
        """Progress and attributes of every document (slow on big projects: call from a worker thread).

        A read of its own (:meth:`ProjectAccess.scanning`): it never holds up the screen's reads
        nor makes a change wait.
        """
        with self.access.scanning() as s:
            return queries.document_progress(s, self.coder.id), queries.document_attributes(s)

    def merge_attributes(self, attributes: dict[int, dict[str, str]]) -> None:
        """Fill in document attributes fetched later than the documents."""
        self.documents = [
            replace(d, attributes=attributes[d.id]) if d.id in attributes and not d.attributes else d
            for d in self.documents
        ]
        if self.transcript is not None and self.transcript.document.id in attributes:
            self.transcript = replace(self.transcript, document=self.documents[self.doc_index])

    def merge_progress(self, progress: dict[int, Progress]) -> None:
        """Take the worker's counts, but trust what is loaded for the open document.

        A document the scan found no segments in has none: 0 of 0, as when it is opened.
        """
        self.progress.update({d.id: Progress(0, 0) for d in self.documents if d.id not in progress})
        self.progress.update(progress)
        self._count_open()

    def open(self, index: int) -> Transcript:
        """Load document ``index`` with this coder's codings and memos."""
        doc = self.documents[index]
        with self.read() as s:
            transcript = queries.load_transcript(s, doc, self.coder.id)
        self.transcript, self.doc_index = transcript, index
        self.codings = dict(transcript.codings)
        self.memos = dict(transcript.memos)
        self.spans = dict(transcript.spans)
        self._seg_index = {seg.id: i for i, seg in enumerate(transcript.segments)}
        self._count_open()
        return transcript

    def index_of_ordinal(self, ordinal: int) -> int:
        """The index of the segment with ``ordinal`` in the open transcript (0 if absent)."""
        assert self.transcript is not None
        for i, seg in enumerate(self.transcript.segments):
            if seg.ordinal == ordinal:
                return i
        return 0

    def _count_open(self) -> None:
        if self.transcript is not None:
            doc_id = self.transcript.document.id
            self.progress[doc_id] = Progress(len(self.codings), len(self.transcript.segments))

    def codes_at(self, index: int) -> frozenset[int]:
        """This coder's codes on segment ``index`` of the open document (none on a document without text)."""
        assert self.transcript is not None
        segments = self.transcript.segments
        if not 0 <= index < len(segments):
            return frozenset()
        return self.codings.get(segments[index].id, frozenset())

    def spans_at(self, index: int) -> dict[int, Span]:
        """This coder's narrowed codings on segment ``index``: code id → span in the segment's text."""
        assert self.transcript is not None
        seg = self.transcript.segments[index]
        return {
            code_id: (
                self.spans[(seg.id, code_id)][0] - seg.start,
                self.spans[(seg.id, code_id)][1] - seg.start,
            )
            for code_id in self.codes_at(index)
            if (seg.id, code_id) in self.spans
        }

    # -- changes ------------------------------------------------------------------------------

    def _writer(self, session: Session) -> CoderRef:
        """The coder for a write, created in that write's transaction if new (opening creates no one)."""
        if self.coder.id != UNSAVED:
            return self.coder
        from qcode.coding.service import ensure_coder  # SQLAlchemy: loaded by the store, not at start

        return ensure_coder(session, self.coder.name)

    def toggle(self, index: int, code: CodeInfo, via: str | None = None) -> CodingOp:
        """Toggle ``code`` on one segment: one transaction, then remembered for undo.

        ``via`` (e.g. ``"suggestion"``) is written in the event and said in the undo label.
        """
        assert self.transcript is not None
        segment = self.transcript.ref(index)
        if self.access.writes_sqlite and self.coder.id != UNSAVED:  # sqlite3: never waits for the store
            from qcode.coding import sqlite_toggle

            with self.access.sqlite_unit() as conn:
                op = sqlite_toggle.toggle_coding(conn, self.coder, segment, code, via)
        else:  # through the store (and a new coder's first write, which creates them in it)
            from qcode.coding.service import toggle_coding  # SQLAlchemy: loaded by the store, not at start

            with self.unit() as s:
                coder = self._writer(s)
                op = toggle_coding(s, coder, segment, code, via)
            self.coder = coder
        self._absorb([op])
        verb = "applied" if op.added else "removed"
        self.history.record(Action(f"{code.name} {verb}" + (f" ({via})" if via else ""), (op,)))
        return op

    def apply_range(self, indices: Sequence[int], code: CodeInfo) -> list[CodingOp]:
        """Apply ``code`` to every segment in ``indices``, or remove it if all have it already."""
        assert self.transcript is not None
        present = not all(code.id in self.codes_at(i) for i in indices)
        refs = [self.transcript.ref(i) for i in indices]
        from qcode.coding.service import set_codings  # SQLAlchemy: loaded by the store, not at start

        with self.unit() as s:
            coder = self._writer(s)
            ops = set_codings(s, coder, refs, code, present)
        self.coder = coder
        self._absorb(ops)
        verb = "applied to" if present else "removed from"
        self.history.record(Action(f"{code.name} {verb} {len(indices)} segments", tuple(ops)))
        return ops

    def narrow(self, index: int, code: CodeInfo, span: Span | None) -> SpanOp | None:
        """Narrow ``code`` on segment ``index`` to ``span`` of the segment's text (``None``: widen it).

        One transaction, remembered for undo; ``None`` when nothing changed.
        """
        assert self.transcript is not None
        from qcode.coding.spans import narrow_coding  # SQLAlchemy: loaded by the store, not at start

        seg = self.transcript.segments[index]
        at = None if span is None else (seg.start + span[0], seg.start + span[1])
        with self.unit() as s:
            op = narrow_coding(s, self.coder, self.transcript.ref(index), code, at)
        if op is not None:
            self._absorb([op])
            verb = "narrowed" if op.after is not None else "widened to the whole segment"
            self.history.record(Action(f"{code.name} {verb}", (op,)))
        return op

    def set_memo(self, index: int, text: str) -> MemoOp | None:
        """Set (or with blank text, delete) the memo on a segment."""
        assert self.transcript is not None
        from qcode.coding.service import set_segment_memo  # SQLAlchemy: loaded by the store, not at start

        with self.unit() as s:
            coder = self._writer(s)
            op = set_segment_memo(s, coder, self.transcript.ref(index), text)
        self.coder = coder
        if op is not None:
            self._absorb([op])
            self.history.record(Action("memo", (op,)))
        return op

    def undo(self) -> Replayed | None:
        """Undo the latest change of this session (opening its document if needed).

        If the database refuses it, the history and the open document stay as they were.
        """
        try:
            return self._replay(self.history.undo(), "undo")
        except Exception:
            self.history.undo_failed()
            raise

    def redo(self) -> Replayed | None:
        """Redo the latest undone change (on refusal, as :meth:`undo`)."""
        try:
            return self._replay(self.history.redo(), "redo")
        except Exception:
            self.history.redo_failed()
            raise

    def _replay(self, action: Action | None, via: str) -> Replayed | None:
        if action is None or not action.ops:
            return None
        name = action.ops[0].segment.document
        changed = self.transcript is None or self.transcript.document.name != name
        previous = self.doc_index
        if changed:
            target = next((i for i, d in enumerate(self.documents) if d.name == name), None)
            if target is None:
                return Replayed(f"{via}: document {name} is gone", False, ())
            self.open(target)
        from qcode.coding.service import apply_ops  # SQLAlchemy: loaded by the store, not at start

        try:
            with self.unit() as s:
                done = apply_ops(s, self.coder, action.ops, via)
        except Exception:
            if changed and previous >= 0:
                self.open(previous)  # the screen still shows it
            raise
        self._absorb(done)
        indices = tuple(
            sorted({self._seg_index[op.segment.id] for op in action.ops if op.segment.id in self._seg_index})
        )
        return Replayed(f"{via}: {action.label}", changed, indices, tuple(done))

    def _absorb(self, ops: Sequence[Op]) -> None:
        """Mirror committed ops in what is loaded."""
        for op in ops:
            seg_id = op.segment.id
            if seg_id not in self._seg_index:
                continue
            if isinstance(op, MemoOp):
                if op.after is None:
                    self.memos.pop(seg_id, None)
                else:
                    self.memos[seg_id] = op.after
                continue
            span = op.after if isinstance(op, SpanOp) else op.span if op.added else None
            if span is None:
                self.spans.pop((seg_id, op.code_id), None)
            else:
                self.spans[(seg_id, op.code_id)] = span
            if isinstance(op, SpanOp):
                continue
            codes = set(self.codings.get(seg_id, frozenset()))
            if op.added:
                codes.add(op.code_id)
            else:
                codes.discard(op.code_id)
            if codes:
                self.codings[seg_id] = frozenset(codes)
            else:
                self.codings.pop(seg_id, None)
        self._count_open()

    # -- finding ------------------------------------------------------------------------------

    def next_uncoded(self, index: int, step: int) -> tuple[int, int] | None:
        """The next (``step`` 1) or previous (-1) segment without codes: (document index, segment index).

        Looks through the open document first, then the other documents in that direction.
        """
        assert self.transcript is not None
        segs = self.transcript.segments
        i = index + step
        while 0 <= i < len(segs):
            if segs[i].id not in self.codings:
                return self.doc_index, i
            i += step
        count = len(self.documents)
        for k in range(1, count):
            d = (self.doc_index + step * k) % count
            p = self.progress.get(self.documents[d].id)
            if p is not None and p.coded >= p.total:
                continue
            with self.read() as s:
                tr = queries.load_transcript(s, self.documents[d], self.coder.id)
            order = range(len(tr.segments)) if step > 0 else range(len(tr.segments) - 1, -1, -1)
            for j in order:
                if tr.segments[j].id not in tr.codings:
                    return d, j
        return None
