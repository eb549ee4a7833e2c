"""The coder file: one coder's work (codings, memos, events, the codebook they used) as JSON.

Written by ``qcode export coder NAME FILE`` and read by ``qcode merge FILE``. Everything in it is
named by stable identities (content hashes, segment spans, GUIDs), so it merges into any copy of
the project. Reading checks every field and names the first bad one by its path in the file
(``ann.json: codings[12].segment: expected [start, end]``). Standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

from qcode.errors import InputError
from qcode.teams.snapshot import (
    SnapCode,
    SnapCoder,
    SnapCoding,
    SnapDocument,
    SnapEvent,
    SnapMemo,
    Snapshot,
)

FORMAT = "qcode-coder"
VERSION = 1
#: Largest coder file read (a million codings take about 250 MB of JSON).
MAX_BYTES = 1 << 30

T = TypeVar("T")


def to_json(snap: Snapshot) -> dict[str, Any]:
    """The file's content for a one-coder snapshot (documents limited to those its work names)."""
    if len(snap.coders) != 1:
        raise ValueError("a coder file holds exactly one coder")
    used = {c.document for c in snap.codings} | {m.document for m in snap.memos if m.document}
    coder = snap.coders[0]
    return {
        "format": FORMAT,
        "version": VERSION,
        "project": snap.project,
        "exported_at": datetime.now(UTC).isoformat(),
        "coder": {"guid": coder.guid, "name": coder.name, "role": coder.role},
        "codes": [_code_json(c) for c in snap.codes],
        "documents": [{"hash": d.hash, "name": d.name} for d in snap.documents if d.hash in used],
        "codings": [_coding_json(c) for c in snap.codings],
        "memos": [_memo_json(m) for m in snap.memos],
        "events": [
            {
                "guid": e.guid,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "payload": e.payload,
            }
            for e in snap.events
        ],
    }


def _code_json(c: SnapCode) -> dict[str, Any]:
    return {
        "guid": c.guid,
        "key": c.key,
        "name": c.name,
        "parent": c.parent,
        "description": c.description,
        "inclusion": c.inclusion,
        "exclusion": c.exclusion,
        "example_text": c.example_text,
        "example_interviewee": c.example_interviewee,
        "keywords": list(c.keywords),
        "colour": c.colour,
        "codable": c.codable,
        "ordinal": c.ordinal,
    }


def _coding_json(c: SnapCoding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "guid": c.guid,
        "code": c.code,
        "document": c.document,
        "segment": [c.start, c.end],
        "ordinal": c.ordinal,
        "created_at": c.created_at.isoformat(),
    }
    if c.memo is not None:
        out["memo"] = c.memo
    if c.narrow is not None:
        out["span"] = list(c.narrow)
    if c.selection is not None:
        out["selection"] = c.selection
    return out


def _memo_json(m: SnapMemo) -> dict[str, Any]:
    out: dict[str, Any] = {
        "guid": m.guid,
        "text": m.text,
        "created_at": m.created_at.isoformat(),
        "updated_at": m.updated_at.isoformat(),
    }
    if m.code is not None:
        out["code"] = m.code
    else:
        out["document"] = m.document
    if m.span is not None:
        out["segment"] = list(m.span)
        out["ordinal"] = m.ordinal
    return out


def write_coder_file(snap: Snapshot, out: IO[str]) -> None:
    """Write the coder file as UTF-8 JSON, one line per coding so diffs and mail stay readable."""
    data = to_json(snap)
    parts = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            rows = ",\n    ".join(json.dumps(v, ensure_ascii=False, sort_keys=True) for v in value)
            parts.append(f"  {json.dumps(key)}: [\n    {rows}\n  ]")
        else:
            parts.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    out.write("{\n" + ",\n".join(parts) + "\n}\n")


def read_coder_file(path: Path) -> Snapshot:
    """Read and check a coder file.

    Raises:
        InputError: unreadable, too big, not JSON, not a coder file, or a field of the wrong shape
            (named by its path in the file).
    """
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"{size} bytes is more than a coder file may hold ({MAX_BYTES})", path=where)
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=where) from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text: not a coder file", path=where) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", path=where) from None
    return from_json(data, where)


def from_json(data: Any, where: str) -> Snapshot:
    """Check the parsed content of a coder file and turn it into a snapshot."""
    top = _Reader(where)
    doc = top.obj(data, "")
    if doc.get("format") != FORMAT:
        raise InputError(
            f"not a qcode coder file (format is {doc.get('format')!r}, not {FORMAT!r})", path=where
        )
    if doc.get("version") != VERSION:
        raise InputError(f"coder file version {doc.get('version')!r} is not {VERSION}", path=where)
    person = top.obj(doc.get("coder"), "coder")
    coder = SnapCoder(top.guid(person, "guid", "coder"), top.text(person, "name", "coder"), top.role(person))
    return Snapshot(
        where,
        "coder file",
        top.opt_text(doc, "project", "") or "",
        (coder,),
        tuple(top.items(doc, "codes", top.code)),
        tuple(top.items(doc, "documents", top.document)),
        tuple(top.items(doc, "codings", lambda o, at: top.coding(o, at, coder.guid))),
        tuple(top.items(doc, "memos", lambda o, at: top.memo(o, at, coder.guid))),
        tuple(top.items(doc, "events", top.event)),
    )


class _Reader:
    """Field checks that raise an InputError naming the field's path."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, at: str, message: str) -> InputError:
        return InputError(f"{at or 'top level'}: {message}", path=self.where)

    def obj(self, value: Any, at: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(at, f"expected an object, got {type(value).__name__}")
        return value

    def items(self, doc: dict[str, Any], key: str, parse: Callable[[dict[str, Any], str], T]) -> Iterator[T]:
        value = doc.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, "expected a list")
        for i, item in enumerate(value):
            at = f"{key}[{i}]"
            yield parse(self.obj(item, at), at)

    def text(self, o: dict[str, Any], key: str, at: str, *, limit: int = 200) -> str:
        value = o.get(key)
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            raise self.fail(f"{at}.{key}", f"expected a non-empty string of at most {limit} characters")
        return value

    def opt_text(self, o: dict[str, Any], key: str, at: str) -> str | None:
        value = o.get(key)
        if value is not None and not isinstance(value, str):
            raise self.fail(f"{at}.{key}" if at else key, "expected a string")
        return value

    def guid(self, o: dict[str, Any], key: str, at: str) -> str:
        value = self.text(o, key, at, limit=36)
        return value.strip().strip("{}").lower()

    def role(self, o: dict[str, Any]) -> str:
        value = o.get("role", "coder")
        if value not in ("coder", "consensus"):
            raise self.fail("coder.role", f"expected 'coder' or 'consensus', got {value!r}")
        return str(value)

    def integer(self, o: dict[str, Any], key: str, at: str) -> int:
        value = o.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(f"{at}.{key}", "expected a whole number ≥ 0")
        return value

    def span(self, o: dict[str, Any], key: str, at: str) -> tuple[int, int]:
        value = o.get(key)
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or not 0 <= value[0] < value[1]
        ):
            raise self.fail(f"{at}.{key}", "expected [start, end] with 0 ≤ start < end")
        return value[0], value[1]

    def time(self, o: dict[str, Any], key: str, at: str) -> datetime:
        value = o.get(key)
        try:
            stamp = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            stamp = None
        if stamp is None:
            raise self.fail(f"{at}.{key}", f"expected an ISO 8601 time, got {value!r}")
        return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)

    def code(self, o: dict[str, Any], at: str) -> SnapCode:
        keywords = o.get("keywords", [])
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise self.fail(f"{at}.keywords", "expected a list of strings")
        codable = o.get("codable", True)
        ordinal = o.get("ordinal", 0)
        if not isinstance(codable, bool) or not isinstance(ordinal, int):
            raise self.fail(at, "codable must be true or false and ordinal a whole number")
        parent = self.opt_text(o, "parent", at)
        texts = {
            k: self.opt_text(o, k, at) or ""
            for k in ("description", "inclusion", "exclusion", "example_text", "example_interviewee")
        }
        return SnapCode(
            self.guid(o, "guid", at),
            self.text(o, "key", at),
            self.text(o, "name", at),
            None if parent is None else parent.strip("{}").lower(),
            keywords=tuple(keywords),
            colour=self.opt_text(o, "colour", at),
            codable=codable,
            ordinal=ordinal,
            **texts,
        )

    def document(self, o: dict[str, Any], at: str) -> SnapDocument:
        return SnapDocument(self.text(o, "hash", at, limit=64), self.text(o, "name", at))

    def coding(self, o: dict[str, Any], at: str, coder: str) -> SnapCoding:
        start, end = self.span(o, "segment", at)
        return SnapCoding(
            self.guid(o, "guid", at),
            coder,
            self.text(o, "document", at, limit=64),
            start,
            end,
            self.integer(o, "ordinal", at),
            self.guid(o, "code", at),
            self.time(o, "created_at", at),
            self.opt_text(o, "memo", at),
            self.span(o, "span", at) if "span" in o else None,
            None if o.get("selection") is None else self.guid(o, "selection", at),
        )

    def memo(self, o: dict[str, Any], at: str, coder: str) -> SnapMemo:
        body = o.get("text")
        if not isinstance(body, str):
            raise self.fail(f"{at}.text", "expected a string")
        created, updated = self.time(o, "created_at", at), self.time(o, "updated_at", at)
        guid = self.guid(o, "guid", at)
        if "code" in o:
            return SnapMemo(guid, coder, body, created, updated, code=self.guid(o, "code", at))
        document = self.text(o, "document", at, limit=64)
        if "segment" in o:
            span = self.span(o, "segment", at)
            return SnapMemo(
                guid, coder, body, created, updated, document, span, self.integer(o, "ordinal", at)
            )
        return SnapMemo(guid, coder, body, created, updated, document)

    def event(self, o: dict[str, Any], at: str) -> SnapEvent:
        payload = o.get("payload", {})
        if not isinstance(payload, dict):
            raise self.fail(f"{at}.payload", "expected an object")
        return SnapEvent(
            self.guid(o, "guid", at),
            self.time(o, "at", at),
            self.text(o, "actor", at),
            self.text(o, "action", at, limit=60),
            payload,
        )
