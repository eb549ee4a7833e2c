"""The one writer of a consensus coder: its codings follow decisions, its memos hold their notes.

Nothing else in qcode writes a coder whose role is ``consensus`` (the coding services refuse to,
see :mod:`qcode.coding.roles`); adjudication calls these functions, each in the caller's
transaction, each change with its event (``via: adjudicate``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from qcode.coding.roles import CONSENSUS
from qcode.errors import InputError, RoleError
from qcode.store.base import new_guid, utcnow
from qcode.store.events import log_event, log_events
from qcode.store.models import Code, Coder, Coding, Document, Memo, Segment

_CHUNK = 5000
_CODINGS = cast(Table, Coding.__table__)
VIA = "adjudicate"


@dataclass(frozen=True)
class ConsensusCoder:
    """The coder adjudication writes."""

    id: int
    guid: str
    name: str


def consensus_coder(session: Session, name: str, *, actor: str, create: bool = True) -> ConsensusCoder:
    """The consensus coder called ``name``, created (role ``consensus``, with its event) if new; without
    ``create`` a missing one comes back unsaved (id 0, no GUID).

    Raises:
        RoleError: a coder (not a consensus coder) already has that name.
        InputError: an empty or over-long name.
    """
    name = name.strip()
    if not name or len(name) > 200:
        raise InputError(f"consensus coder name must be 1–200 characters, got {name!r}")
    row = session.execute(select(Coder.id, Coder.guid, Coder.role).where(Coder.name == name)).first()
    if row is not None:
        if row.role != CONSENSUS:
            raise RoleError(
                f"{name!r} is a coder, not a consensus coder: choose another name with --consensus"
            )
        return ConsensusCoder(row.id, row.guid, name)
    if not create:
        return ConsensusCoder(0, "", name)
    guid = new_guid()
    coder_id = session.execute(
        insert(Coder).values(guid=guid, name=name, role=CONSENSUS, created_at=utcnow()).returning(Coder.id)
    ).scalar_one()
    log_event(session, actor, "coder.add", coder=guid, name=name, role=CONSENSUS)
    return ConsensusCoder(coder_id, guid, name)


def reconcile(
    session: Session, target: ConsensusCoder, want: Mapping[tuple[int, int], bool], *, actor: str
) -> tuple[int, int]:
    """Make the consensus coder's codings match ``want`` ((segment id, code id) → present).

    Returns:
        How many codings were added and removed.
    """
    if not want:
        return 0, 0
    have: dict[tuple[int, int], tuple[int, str]] = {}
    segments = sorted({seg for seg, _ in want})
    for lo in range(0, len(segments), _CHUNK):
        for cid, seg, code, guid in session.execute(
            select(Coding.id, Coding.segment_id, Coding.code_id, Coding.guid).where(
                Coding.coder_id == target.id, Coding.segment_id.in_(segments[lo : lo + _CHUNK])
            )
        ):
            have[(seg, code)] = (cid, guid)
    add = [key for key, present in want.items() if present and key not in have]
    drop = [(key, have[key]) for key, present in want.items() if not present and key in have]
    if not add and not drop:
        return 0, 0
    names = _names(session, [k for k in add] + [k for k, _ in drop])
    guids = [new_guid() for _ in add]
    if add:
        now = utcnow()
        session.execute(
            insert(_CODINGS),
            [
                {"guid": g, "coder_id": target.id, "segment_id": s, "code_id": c, "created_at": now}
                for g, (s, c) in zip(guids, add, strict=True)
            ],
        )
    ids = [cid for _, (cid, _g) in drop]
    for lo in range(0, len(ids), _CHUNK):
        session.execute(delete(Coding).where(Coding.id.in_(ids[lo : lo + _CHUNK])))
    events = [("coding.add", _payload(target, g, names, key)) for g, key in zip(guids, add, strict=True)]
    events += [("coding.remove", _payload(target, guid, names, key)) for key, (_c, guid) in drop]
    log_events(session, actor, events)
    return len(add), len(drop)


def _names(session: Session, keys: list[tuple[int, int]]) -> dict[str, dict[int, Any]]:
    """Document name and ordinal of each segment and key of each code, for the events."""
    segs = sorted({s for s, _ in keys})
    where: dict[int, Any] = {}
    for lo in range(0, len(segs), _CHUNK):
        for sid, doc, ordinal in session.execute(
            select(Segment.id, Document.name, Segment.ordinal)
            .join(Document, Document.id == Segment.document_id)
            .where(Segment.id.in_(segs[lo : lo + _CHUNK]))
        ):
            where[sid] = (doc, ordinal)
    codes = {a: b for a, b in session.execute(select(Code.id, Code.key))}
    return {"segments": where, "codes": codes}


def _payload(
    target: ConsensusCoder, guid: str, names: dict[str, dict[int, Any]], key: tuple[int, int]
) -> dict[str, Any]:
    doc, ordinal = names["segments"][key[0]]
    return {
        "coding": guid,
        "coder": target.name,
        "code": names["codes"][key[1]],
        "document": doc,
        "segment": ordinal,
        "via": VIA,
    }


def set_note(
    session: Session, target: ConsensusCoder, segment_id: int, text: str | None, *, actor: str
) -> bool:
    """Set (``None`` or blank: delete) the consensus coder's memo on a segment; whether it changed."""
    after = (text or "").strip() or None
    row = session.execute(
        select(Memo.id, Memo.guid, Memo.text).where(Memo.coder_id == target.id, Memo.segment_id == segment_id)
    ).first()
    if (None if row is None else row.text) == after:
        return False
    now = utcnow()
    if after is None and row is not None:
        session.execute(delete(Memo).where(Memo.id == row.id))
    elif row is not None:
        session.execute(update(Memo).where(Memo.id == row.id).values(text=after, updated_at=now))
    else:
        session.execute(
            insert(Memo).values(
                guid=new_guid(),
                coder_id=target.id,
                segment_id=segment_id,
                text=after,
                created_at=now,
                updated_at=now,
            )
        )
    guid = (
        row.guid
        if row is not None
        else session.scalar(
            select(Memo.guid).where(Memo.coder_id == target.id, Memo.segment_id == segment_id)
        )
    )
    doc, ordinal = _names(session, [(segment_id, 0)])["segments"][segment_id]
    payload: dict[str, Any] = {
        "memo": guid,
        "coder": target.name,
        "document": doc,
        "segment": ordinal,
        "via": VIA,
    }
    if after is not None:
        payload["text"] = after
    log_event(session, actor, "memo.delete" if after is None else "memo.set", **payload)
    return True
