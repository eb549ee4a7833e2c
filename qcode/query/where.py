"""``--where`` conditions on document attributes: read them, and test a document's attributes.

Pure: no database. A condition is ``KEY OP VALUE`` with ``=`` (equals, any case), ``!=``, ``~``
(contains, any case), ``!~``, and ``<``, ``<=``, ``>``, ``>=``. ``|`` separates alternatives for
``=`` and ``~`` (``country~Russia|China``). Values compare as the attribute's declared type (the
``variables`` table: text, integer, float, date, boolean); an attribute with no declared type is
text, ordered as a number when the value typed is a number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeAlias

from qcode.attributes import attribute_text
from qcode.errors import InputError

__all__ = ["Condition", "VarType", "document_matches", "parse_where", "predicate"]

Op: TypeAlias = Literal["=", "!=", "~", "!~", "<", "<=", ">", ">="]
VarType: TypeAlias = Literal["text", "integer", "float", "date", "boolean"]
#: A document's name answers to this key when no attribute has it.
DOCUMENT_KEY = "document"

_FORM = re.compile(r"^\s*(?P<key>[^=~<>!]+?)\s*(?P<op>!=|!~|<=|>=|=|~|<|>)\s*(?P<value>.*?)\s*$", re.S)
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f"}
_ORDERED = ("<", "<=", ">", ">=")


@dataclass(frozen=True)
class Condition:
    """One ``--where``: the attribute key, the operator and the value(s) as typed."""

    key: str
    op: Op
    values: tuple[str, ...]
    text: str


def parse_where(text: str) -> Condition:
    """Read ``KEY=VALUE`` (or ``~ != !~ < <= > >=``).

    Raises:
        InputError: no operator, no key, or an empty value where one is needed.
    """
    m = _FORM.match(text)
    if not m or not m.group("key").strip():
        raise InputError(
            f"--where {text!r}: expected KEY=VALUE, KEY~TEXT, KEY!=VALUE or KEY<VALUE (also <=, >, >=), "
            "e.g. gender=Female or country~Russia"
        )
    op: Op = m.group("op")  # type: ignore[assignment]
    value = m.group("value")
    values = tuple(v.strip() for v in value.split("|")) if op in ("=", "~", "!=", "!~") else (value,)
    if op in _ORDERED and not value:
        raise InputError(f"--where {text!r}: a comparison needs a value after {op}")
    return Condition(m.group("key").strip(), op, values, text.strip())


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", ""))
    except ValueError:
        return None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _boolean(text: str) -> bool | None:
    folded = text.strip().casefold()
    return True if folded in _TRUE else False if folded in _FALSE else None


_PARSERS: dict[str, Callable[[str], object | None]] = {
    "integer": _number,
    "float": _number,
    "date": _date,
    "boolean": _boolean,
}
_EXPECTED = {
    "integer": "a number",
    "float": "a number",
    "date": "a date as YYYY-MM-DD",
    "boolean": "true or false",
}
_COMPARE: dict[str, Callable[[object, object], bool]] = {
    "<": lambda a, b: a < b,  # type: ignore[operator]
    "<=": lambda a, b: a <= b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
    ">=": lambda a, b: a >= b,  # type: ignore[operator]
}


def predicate(cond: Condition, var_type: VarType = "text") -> Callable[[str | None], bool]:
    """A test of one document's value (``None``: the document lacks the attribute).

    Raises:
        InputError: the value typed does not fit the attribute's type, or ``<``-style comparisons
            on a boolean.
    """
    if cond.op in ("~", "!~"):
        wanted = [v.casefold() for v in cond.values]

        def hit(v: str | None) -> bool:
            return v is not None and any(w in v.casefold() for w in wanted)

        return hit if cond.op == "~" else (lambda v: not hit(v))
    parse = _PARSERS.get(var_type)
    if parse is None:  # text
        return _text_predicate(cond)
    if var_type == "boolean" and cond.op in _ORDERED:
        raise InputError(f"--where {cond.text!r}: {cond.key} is true or false; use = or !=")
    typed = []
    for v in cond.values:
        value = parse(v)
        if value is None:
            raise InputError(
                f"--where {cond.text!r}: {cond.key} is {'an' if var_type == 'integer' else 'a'} {var_type} "
                f"attribute; {v!r} is not {_EXPECTED[var_type]}"
            )
        typed.append(value)
    return _typed_predicate(cond.op, typed, parse)


def _typed_predicate(
    op: Op, typed: Sequence[object], parse: Callable[[str], object | None]
) -> Callable[[str | None], bool]:
    def value_of(v: str | None) -> object | None:
        return None if v is None else parse(v)

    if op == "=":
        return lambda v: (x := value_of(v)) is not None and x in typed
    if op == "!=":
        return lambda v: (x := value_of(v)) is None or x not in typed
    compare, bound = _COMPARE[op], typed[0]
    return lambda v: (x := value_of(v)) is not None and compare(x, bound)


def _text_predicate(cond: Condition) -> Callable[[str | None], bool]:
    if cond.op in ("=", "!="):
        folded = {v.casefold() for v in cond.values}

        def equal(v: str | None) -> bool:
            return v is not None and v.strip().casefold() in folded

        return equal if cond.op == "=" else (lambda v: not equal(v))
    compare, raw = _COMPARE[cond.op], cond.values[0]
    bound = _number(raw)
    if bound is not None:  # a number typed: compare the documents' values as numbers
        return lambda v: v is not None and (x := _number(v)) is not None and compare(x, bound)
    low = raw.casefold()
    return lambda v: v is not None and compare(v.strip().casefold(), low)


def document_matches(
    tests: Sequence[tuple[str, Callable[[str | None], bool]]], name: str, attributes: Mapping[str, object]
) -> bool:
    """Whether a document passes every test, each given as (attribute key, test)."""
    for key, test in tests:
        raw = attributes.get(key)
        if raw is None and key == DOCUMENT_KEY:
            raw = name
        if not test(None if raw is None else attribute_text(raw)):
            return False
    return True
