"""Read a REFI-QDA .qdpx safely into a :class:`QProject`. Pure: no database.

Safety: the zip is never extracted; a file with an absolute or ``..`` member name, too many
members, a member that expands more than :attr:`ZipLimits.max_ratio` times its packed size, or
more unpacked bytes in all than one plain transcript may hold (checked on the headers and again
while reading) is refused before any of it is parsed. XML is parsed with defusedxml (no DTDs,
entities or external references).
Only ``internal://`` sources are read; external (``relative://``, ``absolute://``) ones are
listed as skipped.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree.ElementTree import Element

from qcode.errors import InputError
from qcode.exchange.qdpx_model import (
    LAYOUT_MEMBER,
    VARIABLE_TYPES,
    QCase,
    QCode,
    QCoding,
    QNote,
    QProject,
    QSelection,
    QSource,
    QUser,
    QVariable,
    Value,
    canonical_guid,
    derived_guid,
)
from qcode.exchange.xmlsafe import declared_encoding_problem
from qcode.ingest.archive import DAMAGED, open_zip, read_member
from qcode.ingest.textfile import DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on what a .qdpx may make qcode read.

    A whole project may unpack to no more than one plain transcript may hold
    (``qcode.ingest.textfile.DEFAULT_MAX_BYTES``), and a member bigger than ``ratio_floor``
    may not unpack to more than ``max_ratio`` times its packed size: text and XML deflate
    about 3 to 15 times, a zip bomb hundreds or thousands of times.
    """

    max_members: int = 20_000
    max_member_bytes: int = DEFAULT_MAX_BYTES
    max_total_bytes: int = DEFAULT_MAX_BYTES
    max_ratio: int = 100
    ratio_floor: int = 1024 * 1024


DEFAULT_LIMITS = ZipLimits()


def is_qdpx(path: Path) -> bool:
    """A ``.qdpx`` name, or a zip with a ``.qde`` member at its root (for ``qcode import`` dispatch)."""
    if path.suffix.lower() == ".qdpx":
        return True
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.lower().endswith(".qde") and "/" not in n for n in zf.namelist())
    except DAMAGED:
        return False


def _check_names(zf: zipfile.ZipFile, where: str, limits: ZipLimits) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise InputError(f"refused: {len(infos)} members in the zip (limit {limits.max_members})", path=where)
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        pure = PurePosixPath(name.replace("\\", "/"))
        if name.startswith(("/", "\\")) or pure.is_absolute() or ".." in pure.parts or ":" in pure.parts[0]:
            raise InputError(f"refused: unsafe member name {name!r} in the zip", path=where)
        members[pure.as_posix().lower()] = info
    return members


class _Zip:
    """Bounded reads from an open zip, keeping a running total."""

    def __init__(self, zf: zipfile.ZipFile, where: str, limits: ZipLimits) -> None:
        self.zf, self.where, self.limits = zf, where, limits
        self.members = _check_names(zf, where, limits)
        self.total = 0

    def read(self, info: zipfile.ZipInfo) -> bytes:
        limits = self.limits
        limit = min(limits.max_member_bytes, limits.max_total_bytes - self.total)
        limit = min(limit, max(limits.ratio_floor, info.compress_size * limits.max_ratio))
        if info.file_size > limit:
            ratio = info.file_size / max(info.compress_size, 1)
            why = (
                f"expands {ratio:,.0f} times (at most {limits.max_ratio})"
                if ratio > limits.max_ratio
                else f"is too large ({info.file_size:,} bytes; a project may unpack to "
                f"{limits.max_total_bytes:,} in all)"
            )
            raise InputError(f"refused: member {info.filename!r} {why}", path=self.where)
        data = read_member(self.zf, info, self.where, limit)
        if len(data) > limit:  # the header lied about the size
            raise InputError(
                f"refused: member {info.filename!r} unpacks beyond the size limit", path=self.where
            )
        self.total += len(data)
        return data

    def source_text(self, name: str) -> str:
        info = self.members.get(f"sources/{name}".lower())
        if info is None:
            raise InputError(f"source file sources/{name} is missing from the zip", path=self.where)
        return decode_text(self.read(info), f"{self.where}:sources/{name}")


def decode_text(data: bytes, where: str) -> str:
    """UTF-8 (a BOM is dropped, not counted in offsets); UTF-16 only with its BOM."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", path=where) from None


def read_qdpx(path: Path, limits: ZipLimits = DEFAULT_LIMITS) -> QProject:
    """Open a .qdpx and read its project.

    Raises:
        InputError: not a zip, unsafe, too big, no ``.qde``, malformed XML, or missing sources.
    """
    where = str(path)
    with open_zip(path, where, "a .qdpx project (REFI-QDA projects are zip archives)") as zf:
        z = _Zip(zf, where, limits)
        qde = [info for name, info in z.members.items() if name.endswith(".qde") and "/" not in name]
        if len(qde) != 1:
            raise InputError("a .qdpx holds exactly one .qde project file at its root", path=where)
        layout = None
        if LAYOUT_MEMBER in z.members:
            try:
                layout = json.loads(z.read(z.members[LAYOUT_MEMBER]))
            except ValueError:
                layout = None
        return parse_project(z.read(qde[0]), z.source_text, where=where, layout=layout)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _kids(el: Element, name: str) -> list[Element]:
    return [c for c in el if _local(c.tag) == name]


def _under(el: Element, container: str, name: str) -> list[Element]:
    """Children called ``name`` of the first child called ``container`` (none if it is absent)."""
    box = _kid(el, container)
    return [] if box is None else _kids(box, name)


def _kid(el: Element, name: str) -> Element | None:
    found = _kids(el, name)
    return found[0] if found else None


def _text(el: Element | None) -> str:
    return "" if el is None or el.text is None else el.text


def _int(el: Element, attr: str, where: str) -> int:
    raw = el.get(attr)
    try:
        return int(str(raw).strip())
    except ValueError:
        raise InputError(
            f"{_local(el.tag)} {el.get('guid')}: {attr}={raw!r} is not a whole number", path=where
        ) from None


def parse_project(
    xml: bytes,
    read_source: Callable[[str], str],
    *,
    where: str = "project.qde",
    layout: dict[str, Any] | None = None,
) -> QProject:
    """Parse ``project.qde``; ``read_source(name)`` returns the text of ``internal://name``."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    problem = declared_encoding_problem(xml)
    if problem:
        raise InputError(problem, path=where)
    try:
        root = fromstring(xml, forbid_dtd=True)
    except (ParseError, DefusedXmlException, LookupError, UnicodeError) as exc:
        raise InputError(f"project file is not safe, well-formed XML ({exc})", path=where) from None
    if _local(root.tag) != "Project":
        raise InputError(f"root element is {_local(root.tag)}, not Project", path=where)
    users = tuple(QUser(u.get("guid", ""), u.get("name") or "") for u in _under(root, "Users", "User"))
    book = _kid(root, "CodeBook")
    notes = _Notes(
        (
            canonical_guid(n.get("guid", "")),
            QNote(
                n.get("guid", ""),
                _text(_kid(n, "PlainTextContent")),
                n.get("creatingUser"),
                n.get("creationDateTime"),
            ),
        )
        for n in _under(root, "Notes", "Note")
    )
    codes = tuple(_code(c, notes) for c in _under(book, "Codes", "Code")) if book is not None else ()
    declared = tuple(
        QVariable(
            v.get("guid", ""),
            (v.get("name") or "").strip(),
            VARIABLE_TYPES.get((v.get("typeOfVariable") or "").strip(), "text"),
            _text(_kid(v, "Description")).strip(),
        )
        for v in _under(root, "Variables", "Variable")
    )
    variables = {canonical_guid(v.guid): v for v in declared if v.name}
    sources: list[QSource] = []
    skipped: list[str] = []
    box = _kid(root, "Sources")
    for el in [] if box is None else list(box):
        kind = _local(el.tag)
        text_el = el if kind == "TextSource" else _kid(el, "Representation") if kind == "PDFSource" else None
        label = f"{kind} {el.get('name') or el.get('guid')!r}"
        if text_el is None:
            skipped.append(f"{label}: not a text source")
            continue
        text, why = _source_text(text_el, read_source)
        if text is None:
            skipped.append(f"{label}: {why}")
            continue
        sources.append(_source(el, text_el, text, notes, variables, where))
    cases = tuple(
        QCase(
            c.get("guid", ""),
            c.get("name") or "",
            _values(c, variables),
            tuple(canonical_guid(r.get("targetGUID", "")) for r in _kids(c, "SourceRef")),
        )
        for c in _under(root, "Cases", "Case")
    )
    skipped += _unplaced_notes(root, notes)
    if about := " ".join(_text(_kid(root, "Description")).split()):
        skipped.append(f"the project's Description (qcode keeps no memo on a project): {_preview(about)!r}")
    return QProject(
        root.get("name") or "",
        root.get("origin") or "",
        root.get("creatingUserGUID"),
        root.get("creationDateTime"),
        users,
        codes,
        tuple(sources),
        cases,
        tuple(skipped),
        layout,
        declared,
    )


class _Notes(dict[str, QNote]):
    """The file's notes by canonical GUID, remembering which ones something qcode reads refers to."""

    def __init__(self, items: Iterable[tuple[str, QNote]]) -> None:
        super().__init__(items)
        self.used: set[str] = set()


#: How much of an unplaced note's text its line in the import report quotes.
NOTE_PREVIEW = 60


def _unplaced_notes(root: Element, notes: _Notes) -> list[str]:
    """A line for each note with text that nothing qcode imports refers to, so none is lost unsaid.

    A project-level note (MAXQDA's and NVivo's free memos, a note on a case or a set) has no place
    in qcode, which keeps memos on documents, codes and segments.
    """
    names = {canonical_guid(n.get("guid", "")): n.get("name") for n in _under(root, "Notes", "Note")}
    holders = {
        canonical_guid(ref.get("targetGUID", "")): f"{_local(el.tag)} {el.get('name') or el.get('guid')!r}"
        for el in root.iter()
        for ref in _kids(el, "NoteRef")
    }
    out = []
    for guid, note in notes.items():
        text = " ".join(note.text.split())
        if guid in notes.used or not text:
            continue
        on = f"on {holders[guid]}" if guid in holders else "on the project"
        preview = _preview(text)
        out.append(
            f"Note {names.get(guid) or note.guid!r}: a note {on}, not on a source, code or selection"
            f" (qcode keeps memos on documents, codes and segments): {preview!r}"
        )
    return out


def _preview(text: str) -> str:
    return text if len(text) <= NOTE_PREVIEW else text[: NOTE_PREVIEW - 1] + "…"


def _code(el: Element, notes: _Notes) -> QCode:
    return QCode(
        el.get("guid", ""),
        el.get("name", ""),
        (el.get("isCodable") or "true").strip().lower() in ("true", "1"),
        el.get("color"),
        _text(_kid(el, "Description")),
        tuple(_code(c, notes) for c in _kids(el, "Code")),
        _notes(el, notes),
    )


def _notes(el: Element, notes: _Notes) -> tuple[QNote, ...]:
    """The notes ``el`` refers to (references to notes the file does not hold are dropped)."""
    refs = [g for g in (canonical_guid(r.get("targetGUID", "")) for r in _kids(el, "NoteRef")) if g in notes]
    notes.used.update(refs)
    return tuple(notes[g] for g in refs)


def _selection_notes(el: Element, notes: _Notes, user: str | None) -> tuple[QNote, ...]:
    """A selection's notes, its ``<Description>`` first (MAXQDA keeps a selection's comment there).

    The description becomes a note of the selection's creating user, with a GUID derived from the
    selection's, so importing the file again finds it already there.
    """
    description = _text(_kid(el, "Description")).strip()
    if not description:
        return _notes(el, notes)
    guid = derived_guid("description", el.get("guid", ""))
    return (QNote(guid, description, user, el.get("creationDateTime")), *_notes(el, notes))


def _source_text(el: Element, read_source: Callable[[str], str]) -> tuple[str | None, str]:
    path = el.get("plainTextPath")
    if path:
        if path.startswith("internal://"):
            return read_source(path[len("internal://") :]), ""
        return None, f"external text file {path!r} is not read"
    content = _kid(el, "PlainTextContent")
    if content is not None:
        return _text(content), ""
    return None, "no plain text (plainTextPath or PlainTextContent)"


def _codings(parent: Element, notes: _Notes, fallback_user: str | None) -> tuple[QCoding, ...]:
    out = []
    for c in _kids(parent, "Coding"):
        ref = _kid(c, "CodeRef")
        note_texts = [n.text for n in _notes(c, notes)]
        out.append(
            QCoding(
                c.get("guid", ""),
                ref.get("targetGUID", "") if ref is not None else "",
                c.get("creatingUser") or fallback_user,
                c.get("creationDateTime"),
                "\n\n".join(note_texts) or None,
            )
        )
    return tuple(out)


def _values(el: Element, variables: dict[str, QVariable]) -> dict[str, Value]:
    """Values by variable name, typed as their variable says (a value that does not parse stays text)."""
    values: dict[str, Value] = {}
    for vv in _kids(el, "VariableValue"):
        ref = _kid(vv, "VariableRef")
        variable = variables.get(canonical_guid(ref.get("targetGUID", ""))) if ref is not None else None
        value = next((c for c in vv if _local(c.tag) != "VariableRef"), None)
        if variable is not None and value is not None and value.text is not None:
            values[variable.name] = typed_value(value.text.strip(), variable.type)
    return values


def typed_value(text: str, kind: str) -> Value:
    """``text`` as a value of qcode's variable type ``kind`` (text where it does not parse)."""
    try:
        if kind == "integer":
            return int(text) if len(text) <= 40 else text
        if kind == "float":
            number = float(text)
            return number if math.isfinite(number) else text
        if kind == "boolean" and text.lower() in ("true", "false", "1", "0"):
            return text.lower() in ("true", "1")
        if kind == "date":
            return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return text
    return text


def _source(
    el: Element,
    text_el: Element,
    text: str,
    notes: _Notes,
    variables: dict[str, QVariable],
    where: str,
) -> QSource:
    user = el.get("creatingUser")
    selections = tuple(
        QSelection(
            s.get("guid", ""),
            _int(s, "startPosition", where),
            _int(s, "endPosition", where),
            s.get("name") or "",
            s.get("creatingUser") or user,
            s.get("creationDateTime"),
            _codings(s, notes, s.get("creatingUser") or user),
            _selection_notes(s, notes, s.get("creatingUser") or user),
        )
        for s in _kids(text_el, "PlainTextSelection")
    )
    return QSource(
        el.get("guid", ""),
        el.get("name") or "",
        text,
        _text(_kid(el, "Description")),
        user,
        el.get("creationDateTime"),
        selections,
        _codings(el, notes, user),
        _values(el, variables),
        _notes(el, notes),
    )
