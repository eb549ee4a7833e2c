"""Where another copy's work lands here: documents by content hash, segments by span, selections
placed on segments; and what to say when it lands nowhere."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.store.models import Document, Segment
from qcode.teams.identity import Conflict
from qcode.teams.snapshot import SnapCoding, SnapMemo, Snapshot

_CHUNK = 5000


class Places:
    """This project's documents (by hash) and segments (by span) that the snapshot names."""

    def __init__(self, session: Session, snap: Snapshot) -> None:
        self._session = session
        self._layout: dict[int, tuple[str, list[tuple[int, int, int]]]] = {}
        wanted = {c.document for c in snap.codings} | {m.document for m in snap.memos if m.document}
        self.documents: dict[str, int] = {}
        self.names: dict[str, str] = {}
        for doc_id, digest, name in session.execute(
            select(Document.id, Document.content_hash, Document.name).order_by(Document.id)
        ):
            self.names.setdefault(name, digest)
            if digest in wanted:
                self.documents.setdefault(digest, doc_id)
        self.segments: dict[tuple[int, int, int], int] = {}
        ids = sorted(set(self.documents.values()))
        for lo in range(0, len(ids), _CHUNK):
            for seg_id, doc_id, start, end in session.execute(
                select(Segment.id, Segment.document_id, Segment.start, Segment.end).where(
                    Segment.document_id.in_(ids[lo : lo + _CHUNK])
                )
            ):
                self.segments[(doc_id, start, end)] = seg_id

    def segment(self, digest: str, start: int, end: int) -> int | None:
        """The segment here with this document and span."""
        doc = self.documents.get(digest)
        return None if doc is None else self.segments.get((doc, start, end))

    def place(self, digest: str, start: int, end: int) -> list[tuple[int, tuple[int, int] | None]]:
        """The segments here a selection ``[start, end)`` covers, each with the part it covers when
        that is less than the whole segment (empty: it covers none, or the document is not here)."""
        from qcode.exchange.qdpx_offsets import place

        doc = self.documents.get(digest)
        if doc is None:
            return []
        if not self._layout:  # once: every matched document's segments in order
            for (d, a, b), i in self.segments.items():
                self._layout.setdefault(d, ("", []))[1].append((a, b, i))
        if not self._layout.get(doc, ("", []))[0]:
            text = self._session.scalar(select(Document.text).where(Document.id == doc)) or ""
            self._layout[doc] = (text, sorted(self._layout.get(doc, ("", []))[1]))
        text, spans = self._layout[doc]
        found = place(text, start, end, [(a, b) for a, b, _ in spans])
        out: list[tuple[int, tuple[int, int] | None]] = []
        for k in found.segments:
            a, b, seg = spans[k]
            part = (max(a, start), min(b, end))
            out.append((seg, None if part == (a, b) else part))
        return out


def report_unplaced(
    snap: Snapshot,
    plan: Any,
    places: Places,
    unplaced: dict[str, list[Any]],
    what: str,
    skip: bool,
) -> None:
    names = {d.hash: d.name for d in snap.documents}
    for digest, items in unplaced.items():
        name = names.get(digest, digest[:12])
        if skip:
            plan.skipped[f"{what}s on {name}"] += len(items)
            continue
        plan.conflicts.append(_place_conflict(name, digest, places, items, what))


def _place_conflict(name: str, digest: str, places: Places, items: Sequence[Any], what: str) -> Conflict:
    n = f"{len(items)} {what}{'s' if len(items) != 1 else ''}"
    skip = f"or add --skip-unmatched to leave its {n} out"
    if digest in places.documents and not items[0].placed:
        first = items[0]
        a, b = (first.start, first.end) if isinstance(first, SnapCoding) else (first.span or (0, 0))
        return Conflict(
            f"document {name!r}",
            f"{n} sit on selections that cover no segment here (first: characters {a}–{b})",
            f"check the file's character positions, {skip}",
        )
    if digest in places.documents:
        first = items[0]
        span = (first.span or (0, 0)) if isinstance(first, SnapMemo) else (first.start, first.end)
        return Conflict(
            f"document {name!r}",
            f"{n} sit on segments this project does not have (first: #{first.ordinal}, "
            f"characters {span[0]}–{span[1]}): it is segmented differently here",
            "re-import it here with the same segmentation "
            f"(`qcode import --replace FILE --segment MODE`), {skip}",
        )
    if name in places.names:
        return Conflict(
            f"document {name!r}",
            f"its text differs here (content hash {places.names[name][:12]}… here, {digest[:12]}… there)",
            f"bring both copies to the same text (`qcode import --replace FILE`), {skip}",
        )
    return Conflict(
        f"document {name!r}", "not in this project", f"import it first (`qcode import FILE`), {skip}"
    )
