"""Another project's work as plain rows, named only by stable identities: what a merge reads.

Documents are named by content hash, segments by (content hash, start, end), codes and coders by
GUID, events by their GUID. Row ids never appear, so the same snapshot can come from another
qcode database, from a coder file (:mod:`qcode.teams.coderfile`) or from another program's
project. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple


class SnapCoder(NamedTuple):
    """A coder: the GUID is who they are, the name what they are called there."""

    guid: str
    name: str
    role: str = "coder"


class SnapCode(NamedTuple):
    """A code with what is needed to create it here (``parent`` is the parent's GUID)."""

    guid: str
    key: str
    name: str
    parent: str | None = None
    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example_text: str = ""
    example_interviewee: str = ""
    keywords: tuple[str, ...] = ()
    colour: str | None = None
    codable: bool = True
    ordinal: int = 0


class SnapDocument(NamedTuple):
    """A document as the other side names it; ``hash`` is what matches it here."""

    hash: str
    name: str


class SnapCoding(NamedTuple):
    """One coding on a segment named by its document's hash and its span.

    ``ordinal`` (the segment's number there) is only for messages; ``narrow`` is the exact
    character span when the coding covers less than the segment. Where ``placed`` is false (a
    selection from another program), ``start``/``end`` is a character range the merge places on
    this project's segments.
    """

    guid: str
    coder: str
    document: str
    start: int
    end: int
    ordinal: int
    code: str
    created_at: datetime
    memo: str | None = None
    narrow: tuple[int, int] | None = None
    selection: str | None = None
    placed: bool = True


class SnapMemo(NamedTuple):
    """A coder's memo on a segment (``document`` + ``span``), a document, or a code.

    With ``placed`` false, ``span`` is a selection: the memo goes on the first segment it covers.
    """

    guid: str
    coder: str
    text: str
    created_at: datetime
    updated_at: datetime
    document: str | None = None
    span: tuple[int, int] | None = None
    ordinal: int | None = None
    code: str | None = None
    placed: bool = True

    @property
    def kind(self) -> str:
        """``segment``, ``document`` or ``code``."""
        if self.code is not None:
            return "code"
        return "segment" if self.span is not None else "document"


class SnapEvent(NamedTuple):
    """One event of the log, kept as it was written."""

    guid: str
    at: datetime
    actor: str
    action: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Snapshot:
    """What a merge brings: coders, codes, documents, codings, memos and events of one source.

    Attributes:
        where: how to name the source in messages (a path or a redacted URL).
        kind: ``"project"``, ``"coder file"`` or ``"qdpx"``.
        project: the source project's GUID (``""`` where it has none).
    """

    where: str
    kind: str
    project: str = ""
    coders: tuple[SnapCoder, ...] = ()
    codes: tuple[SnapCode, ...] = ()
    documents: tuple[SnapDocument, ...] = ()
    codings: tuple[SnapCoding, ...] = ()
    memos: tuple[SnapMemo, ...] = ()
    events: tuple[SnapEvent, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def removals(self, action: str, key: str) -> dict[str, datetime]:
        """GUID → latest time an event ``action`` (``coding.remove``, ``memo.delete``) named it."""
        out: dict[str, datetime] = {}
        for event in self.events:
            if event.action != action:
                continue
            guid = event.payload.get(key)
            if isinstance(guid, str) and (guid not in out or out[guid] < event.at):
                out[guid] = event.at
        return out
