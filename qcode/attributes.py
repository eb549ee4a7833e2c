"""Typed document attributes: what type a column of values has, and how a value reads as text.

A document's attributes live in ``documents.attributes`` as JSON values: text, integers, floats,
booleans, and dates as ISO ``YYYY-MM-DD`` strings; the ``variables`` table says each attribute's
type so crosstabs and filters sort numbers as numbers and dates as dates. Standard library only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

#: An attribute's value.
Value = str | int | float | bool
#: The types an attribute may have (``variables.type``), narrowest first.
TYPES = ("boolean", "integer", "float", "date", "text")

_INTEGER = re.compile(r"^[+-]?\d{1,18}$")
_FLOAT = re.compile(r"^[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d{1,3})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BOOLEANS = {"true": True, "false": False}


def attribute_text(value: object) -> str:
    """A value as people read it: ``true``/``false``, ``34``, ``2.5``, ``2023-04-05``; ``None`` → ``""``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fits(text: str, kind: str) -> bool:
    """Whether ``text`` reads as a value of ``kind``."""
    text = text.strip()
    if kind == "boolean":
        return text.lower() in _BOOLEANS
    if kind == "integer":
        return bool(_INTEGER.match(text))
    if kind == "float":
        return bool(_FLOAT.match(text)) and math.isfinite(float(text))
    if kind == "date":
        if not _DATE.match(text):
            return False
        try:
            date.fromisoformat(text)
        except ValueError:
            return False
        return True
    return True


def infer_type(texts: Iterable[str]) -> str:
    """The narrowest type every non-empty text fits (``text`` when there are none)."""
    values = [t.strip() for t in texts if t.strip()]
    if not values:
        return "text"
    return next(kind for kind in TYPES if all(fits(v, kind) for v in values))


def odd_values(texts: Sequence[str]) -> tuple[str, list[int]] | None:
    """The type most of ``texts`` fit when a few do not, and the indices of those; ``None`` otherwise.

    A column is typed only when every value fits (``12/03/2012`` may be 12 March or 3 December, so it
    is not read as a date), which turns a column of dates with one such value into text: worth telling
    the user, naming that value. Most is more than half of the non-empty values.
    """
    values = [(i, t.strip()) for i, t in enumerate(texts) if t.strip()]
    for kind in TYPES[:-1]:
        misfits = [i for i, v in values if not fits(v, kind)]
        if misfits and len(misfits) * 2 < len(values):
            return kind, misfits
    return None


def described(kind: str) -> str:
    """What a value of ``kind`` is, for a message: ``a date (YYYY-MM-DD)``, ``a whole number``…"""
    return _ARTICLE[kind]


def parse(text: str, kind: str) -> Value:
    """``text`` as a value of ``kind``; raises ``ValueError`` if it does not fit."""
    text = text.strip()
    if not fits(text, kind):
        raise ValueError(f"{text!r} is not {_ARTICLE[kind]}")
    if kind == "boolean":
        return _BOOLEANS[text.lower()]
    if kind == "integer":
        return int(text)
    if kind == "float":
        return float(text)
    return text


def from_cell(value: object) -> str:
    """A spreadsheet cell (openpyxl gives numbers, booleans and datetimes) as text to type."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return attribute_text(value)


_ARTICLE = {
    "boolean": "true or false",
    "integer": "a whole number",
    "float": "a number",
    "date": "a date (YYYY-MM-DD)",
    "text": "text",
}
