"""A REFI-QDA project (QDA-XML 1.0) as plain dataclasses: what qcode writes and reads.

Offsets: ``start``/``end`` of a :class:`QSelection` are as written in the file. qcode writes
``endPosition`` one past the last character (Unicode code points from 0, like a Python slice)
and reads either convention (see ``qdpx_offsets``). GUIDs are kept as written; compare them
with :func:`canonical_guid`.
"""

from __future__ import annotations

import decimal
import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

NAMESPACE = "urn:QDA-XML:project:1.0"
#: Name of qcode's own member in the zip: passages and segments, so qcode → qcode is exact.
LAYOUT_MEMBER = "qcode-layout.json"
#: uuid5 namespace of the GUIDs qcode derives (selections, cases, variables, notes).
GUID_NS = uuid.UUID("3b0d8f7e-6a51-5c2e-9d47-0e1f5a3c9b21")


def canonical_guid(guid: str) -> str:
    """``{ABC…}`` and ``abc…`` name the same GUID: drop braces, lowercase."""
    return guid.strip().strip("{}").lower()


def derived_guid(*parts: str) -> str:
    """A stable GUID for something qcode has no GUID for (a selection, a case, a variable)."""
    return str(uuid.uuid5(GUID_NS, "/".join(parts)))


@dataclass(frozen=True)
class QUser:
    """A REFI user: a qcode coder."""

    guid: str
    name: str


@dataclass(frozen=True)
class QNote:
    """A note (a memo): its text and who wrote it when."""

    guid: str
    text: str
    user: str | None = None
    created: str | None = None


@dataclass(frozen=True)
class QCode:
    """A code and its sub-codes; ``notes`` are memos on the code."""

    guid: str
    name: str
    codable: bool = True
    colour: str | None = None
    description: str = ""
    children: tuple[QCode, ...] = ()
    notes: tuple[QNote, ...] = ()

    def walk(self, parent: QCode | None = None) -> Iterator[tuple[QCode, QCode | None]]:
        """This code and every descendant, each with its parent, parents first."""
        yield self, parent
        for child in self.children:
            yield from child.walk(self)


@dataclass(frozen=True)
class QCoding:
    """A code applied to a selection (or, rarely, to a whole source)."""

    guid: str
    code: str
    user: str | None = None
    created: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class QSelection:
    """A plain-text selection with its codings and notes; ``start``/``end`` exactly as in the file."""

    guid: str
    start: int
    end: int
    name: str = ""
    user: str | None = None
    created: str | None = None
    codings: tuple[QCoding, ...] = ()
    notes: tuple[QNote, ...] = ()


@dataclass(frozen=True)
class QSource:
    """A text source (or the text representation of a PDF); ``notes`` are memos on the whole source."""

    guid: str
    name: str
    text: str
    description: str = ""
    user: str | None = None
    created: str | None = None
    selections: tuple[QSelection, ...] = ()
    codings: tuple[QCoding, ...] = ()
    variables: dict[str, Value] = field(default_factory=dict)
    notes: tuple[QNote, ...] = ()


#: REFI-QDA ``typeOfVariable`` → qcode's variable type (``DateTime`` values are kept as text).
VARIABLE_TYPES = {
    "Text": "text",
    "Integer": "integer",
    "Float": "float",
    "Boolean": "boolean",
    "Date": "date",
    "DateTime": "text",
}
#: qcode's variable type → REFI-QDA ``typeOfVariable`` and the element of its values.
REFI_TYPES = {
    "text": ("Text", "TextValue"),
    "integer": ("Integer", "IntegerValue"),
    "float": ("Float", "FloatValue"),
    "boolean": ("Boolean", "BooleanValue"),
    "date": ("Date", "DateValue"),
}
#: A variable's value: text, or typed (``int``, ``float``, ``bool``, a date as ``YYYY-MM-DD``).
Value = str | int | float | bool


def fits(value: object, kind: str) -> bool:
    """Whether ``value`` can be written as a value of qcode's variable type ``kind``."""
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "date":
        try:
            return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
        except ValueError:
            return False
    return True


def value_text(value: object) -> str:
    """A value as XML text: ``true``/``false``, plain decimals (no exponent), ISO dates as they are."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(decimal.Decimal(repr(value)), "f")
    return str(value)


@dataclass(frozen=True)
class QVariable:
    """A typed variable (qcode's ``variables`` row); ``type`` is qcode's name for it."""

    guid: str
    name: str
    type: str = "text"
    description: str = ""


@dataclass(frozen=True)
class QCase:
    """A case: variable values shared by the sources it names."""

    guid: str
    name: str
    values: dict[str, Value]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class QProject:
    """What a .qdpx holds that qcode uses.

    Attributes:
        skipped: what was in the file but cannot be used (non-text sources, external files),
            one human-readable line each.
        layout: qcode's own layout member, if the file was written by qcode.
    """

    name: str
    origin: str = ""
    user: str | None = None
    created: str | None = None
    users: tuple[QUser, ...] = ()
    codes: tuple[QCode, ...] = ()
    sources: tuple[QSource, ...] = ()
    cases: tuple[QCase, ...] = ()
    skipped: tuple[str, ...] = ()
    layout: dict[str, Any] | None = None
    variables: tuple[QVariable, ...] = ()

    def role_of(self, guid: str) -> str:
        """A user's role as qcode's layout member records it (``coder`` where it says nothing)."""
        coders = (self.layout or {}).get("coders")
        entry = coders.get(guid, coders.get(canonical_guid(guid))) if isinstance(coders, dict) else None
        role = entry.get("role") if isinstance(entry, dict) else None
        return role if role in ("coder", "consensus") else "coder"

    def all_codes(self) -> Iterator[tuple[QCode, QCode | None]]:
        """Every code with its parent, parents first."""
        for code in self.codes:
            yield from code.walk()
