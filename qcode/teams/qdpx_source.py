"""A REFI-QDA project (.qdpx from ATLAS.ti, MAXQDA, NVivo… or qcode) as a merge snapshot.

Users are coders (by GUID); sources are documents by the hash of their text; codes keep their
GUIDs (the merge also matches them by name, since other programs make their own GUIDs). A coded
selection is a character range (read in the file's convention for end positions, guessed as
``qcode import`` does) that the merge places on this project's segments; notes on a selection
become the coder's memo on its first segment, notes on a source or a code memos on those.
A .qdpx has no event log: what it lacks is never taken as removed.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

from qcode.exchange.qdpx_model import QNote, QProject, canonical_guid
from qcode.exchange.qdpx_offsets import guess_convention, half_open
from qcode.exchange.qdpx_read import read_qdpx
from qcode.teams.snapshot import SnapCode, SnapCoder, SnapCoding, SnapDocument, SnapMemo, Snapshot

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def snapshot_from_qdpx(path: Path) -> Snapshot:
    """Read ``path`` and turn it into a snapshot (see the module docstring).

    Raises:
        InputError: unsafe, malformed or unreadable file (from the REFI-QDA reader).
    """
    return from_project(read_qdpx(path), str(path))


def _when(value: str | None, fallback: datetime) -> datetime:
    if value:
        try:
            stamp = datetime.fromisoformat(value.strip())
        except ValueError:
            return fallback
        return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
    return fallback


def _key(name: str, layout: dict[str, object]) -> str:
    given = layout.get("key")
    if isinstance(given, str) and given.strip():
        return given.strip()[:190]
    return (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "code")[:180]


def from_project(project: QProject, where: str) -> Snapshot:
    """The snapshot of a project already read."""
    convention = (
        "exclusive"
        if project.origin.startswith("qcode")
        else guess_convention(
            (s.text, sel.start, sel.end, sel.name) for s in project.sources for sel in s.selections
        ).convention
    )
    fallback = canonical_guid(project.user) if project.user else None
    users = {
        canonical_guid(u.guid): u.name.strip() or f"user {canonical_guid(u.guid)[:8]}" for u in project.users
    }
    layouts = (project.layout or {}).get("documents") or {}
    code_layouts = (project.layout or {}).get("codes") or {}
    codes = tuple(
        SnapCode(
            canonical_guid(c.guid),
            _key(c.name, code_layouts.get(c.guid) or code_layouts.get(canonical_guid(c.guid)) or {}),
            c.name.strip()[:190] or "code",
            canonical_guid(parent.guid) if parent else None,
            description=c.description,
            colour=c.colour,
            codable=c.codable,
            ordinal=n,
        )
        for n, (c, parent) in enumerate(project.all_codes())
    )
    codings: list[SnapCoding] = []
    memos: list[SnapMemo] = []
    documents: list[SnapDocument] = []
    now = datetime.now(UTC)
    for source in project.sources:
        lay = layouts.get(source.guid) or layouts.get(canonical_guid(source.guid)) or {}
        digest = str(lay.get("content_hash") or hashlib.sha256(source.text.encode()).hexdigest())
        documents.append(SnapDocument(digest, source.name))
        for sel in source.selections:
            start, end = half_open(sel.start, sel.end, convention)
            for c in sel.codings:
                who = (
                    canonical_guid(c.user) if c.user else (canonical_guid(sel.user) if sel.user else fallback)
                )
                if who is None:
                    continue
                when = _when(c.created or sel.created, now)
                codings.append(
                    SnapCoding(
                        canonical_guid(c.guid),
                        who,
                        digest,
                        start,
                        end,
                        0,
                        canonical_guid(c.code),
                        when,
                        c.note,
                        None,
                        canonical_guid(sel.guid),
                        placed=False,
                    )
                )
            memos.extend(_notes(sel.notes, fallback, now, digest, (start, end)))
        memos.extend(_notes(source.notes, fallback, now, digest, None))
    for code, _parent in project.all_codes():
        memos.extend(_notes(code.notes, fallback, now, None, None, canonical_guid(code.guid)))
    who_codes = {c.coder for c in codings} | {m.coder for m in memos}
    coders = tuple(SnapCoder(g, users.get(g, f"user {g[:8]}"), project.role_of(g)) for g in sorted(who_codes))
    return Snapshot(where, "qdpx", "", coders, codes, tuple(documents), tuple(codings), tuple(memos), ())


def _notes(
    notes: tuple[QNote, ...],
    fallback: str | None,
    now: datetime,
    digest: str | None,
    span: tuple[int, int] | None,
    code: str | None = None,
) -> list[SnapMemo]:
    out = []
    for note in notes:
        who = canonical_guid(note.user) if note.user else fallback
        if who is None or not note.text.strip():
            continue
        when = _when(note.created, now)
        out.append(
            SnapMemo(
                canonical_guid(note.guid),
                who,
                note.text,
                when,
                when,
                digest,
                span,
                0,
                code,
                placed=span is None,
            )
        )
    return out
