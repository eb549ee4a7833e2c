"""The event every change to one coding appends: the coding by GUID, its code, coder and segment."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from qcode.coding.types import CoderRef, CodingOp, SpanOp
from qcode.store.events import log_event


def log_coding(
    session: Session, coder: CoderRef, action: str, op: CodingOp | SpanOp, via: str | None
) -> None:
    """Append ``action`` (``coding.add``, ``coding.remove``, ``coding.narrow``) naming no row ids."""
    payload: dict[str, Any] = {
        "coding": op.guid,
        "coder": coder.name,
        "code": op.code_key,
        "document": op.segment.document,
        "segment": op.segment.ordinal,
    }
    if isinstance(op, SpanOp):
        payload["start"], payload["end"] = op.after if op.after is not None else (None, None)
    if via:
        payload["via"] = via
    log_event(session, coder.name, action, **payload)
