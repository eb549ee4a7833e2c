"""The codebook rules for each field (type and form), and the checker that applies them to mappings.

The checker reports every problem it meets and carries on; ``crosscheck`` adds the rules across codes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from qcode.codebook.model import Problem, canonical_guid, derive_guid
from qcode.codebook.source import Bad, Located, Map, Scalar, Seq
from qcode.config import RESERVED_HOTKEYS
from qcode.names import did_you_mean

ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
COLOUR_RE = re.compile(r"#[0-9a-fA-F]{6}")
_HEX = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
GUID_RE = re.compile(rf"{_HEX}|\{{{_HEX}\}}")
#: Characters no codebook text may hold (control characters, lone surrogates, non-characters, the
#: YAML and Unicode line separators): they do not survive YAML, XML or a terminal intact.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
MAX_NAME = 100


class _Invalid(Exception):
    """A value breaks a field rule; the message says which."""


Check = Callable[[object], object]


def kind(value: object) -> str:
    """How a wrong value is named in messages."""
    if isinstance(value, Map):
        return "a mapping"
    if isinstance(value, Seq):
        return "a list"
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, dt.date):
        return f"a date ({value})"
    return f"a {type(value).__name__}"


def text(*, empty_ok: bool = True, one_line: bool = False, max_len: int | None = None) -> Check:
    """A string field: type, emptiness, forbidden characters, single line, length."""

    def check(value: object) -> object:
        if not isinstance(value, str):
            hint = " (put it in quotes)" if isinstance(value, bool | int | float | dt.date) else ""
            raise _Invalid(f"must be a string, not {kind(value)}{hint}")
        if not empty_ok and not value.strip():
            raise _Invalid("must not be empty")
        bad = FORBIDDEN.search(value)
        if bad:
            char = bad.group()
            label = unicodedata.name(char, "control character")
            raise _Invalid(f"contains U+{ord(char):04X} ({label}), which a codebook may not hold")
        if one_line and ("\n" in value or "\t" in value):
            raise _Invalid("must be a single line")
        if one_line and value != value.strip():
            raise _Invalid("must not start or end with spaces")
        if max_len is not None and len(value) > max_len:
            raise _Invalid(f"is {len(value)} characters long; at most {max_len} allowed")
        return value

    return check


def _pattern(regex: re.Pattern[str], hint: str, normalise: Callable[[str], str] = str) -> Check:
    base = text(empty_ok=False, one_line=True)

    def check(value: object) -> object:
        string = str(base(value))
        if not regex.fullmatch(string):
            raise _Invalid(f"{string!r} is not {hint}")
        return normalise(string)

    return check


def _version(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(f"must be a whole number, not {kind(value)}")
    if value < 1:
        raise _Invalid(f"must be 1 or more, not {value}")
    return value


def reserved_list() -> str:
    """The reserved hotkeys as a reader sees them."""
    return " ".join("space" if key == " " else key for key in sorted(RESERVED_HOTKEYS))


def _hotkey(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9:
        raise _Invalid(f"must be a string; write '{value}' in quotes")
    key = str(text()(value))
    if len(key) != 1 or not key.isprintable():
        raise _Invalid(f"{key!r} is not a single printable character")
    if key in RESERVED_HOTKEYS:
        shown = "space" if key == " " else repr(key)
        raise _Invalid(f"{shown} is reserved by the coding screen (reserved: {reserved_list()})")
    return key


def _boolean(value: object) -> object:
    if not isinstance(value, bool):
        raise _Invalid("must be true or false")
    return value


@dataclass(frozen=True)
class Field:
    """One key of a mapping: how to check its value, whether it must be there."""

    check: Check | None = None
    required: bool = False
    nullable: bool = False
    items: Check | None = None
    sub: Mapping[str, Field] | None = None


_ONE_LINE = text(one_line=True, empty_ok=False)
_ID = _pattern(ID_RE, "an id: lowercase letters, digits, '-' or '_', at most 64, e.g. 'side-work'")
EXAMPLE: dict[str, Field] = {
    "text": Field(text(empty_ok=False), required=True),
    "interviewee": Field(_ONE_LINE, required=True),
}
CODE: dict[str, Field] = {
    "id": Field(_ID, required=True),
    "name": Field(text(empty_ok=False, one_line=True, max_len=MAX_NAME), required=True),
    "parent": Field(_ID, nullable=True),
    "description": Field(text(), required=True),
    "inclusion": Field(text()),
    "exclusion": Field(text()),
    "example": Field(sub=EXAMPLE),
    "keywords": Field(items=_ONE_LINE),
    "hotkey": Field(_hotkey, nullable=True),
    "colour": Field(_pattern(COLOUR_RE, "a colour like '#1f77b4'", str.lower)),
    "guid": Field(_pattern(GUID_RE, "a GUID like 'e3b0c442-98fc-4c14-9afb-f4c8996fb924'", canonical_guid)),
    "codable": Field(_boolean),
}
TOP: dict[str, Field] = {
    "name": Field(text(empty_ok=False, one_line=True, max_len=MAX_NAME), required=True),
    "version": Field(_version, required=True),
    "codes": Field(lambda value: value, required=True),  # each code is checked by schema.check_document
}


@dataclass
class Draft:
    """What was read of one entry of ``codes``: its valid values with lines, and which keys it had."""

    index: int
    line: int | None
    values: dict[str, tuple[object, int | None]] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """The key path of this code in problems: ``codes[3]``."""
        return f"codes[{self.index}]"

    def get(self, name: str) -> object:
        """A field's valid value, or ``None`` if absent or invalid."""
        return self.values[name][0] if name in self.values else None

    def line_of(self, name: str) -> int | None:
        """The line of a field's value, else of the code itself."""
        return self.values[name][1] if name in self.values else self.line

    def where(self) -> str:
        """How another problem refers to this code."""
        return f"{self.key} (line {self.line})" if self.line is not None else self.key


class Checker:
    """Collects problems for one document."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, line: int | None, key: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, key, message))

    def mapping(self, node: Located, schema: Mapping[str, Field], prefix: str) -> Draft | None:
        """Check a mapping against ``schema``; ``None`` if it is no mapping at all."""
        if isinstance(node, Bad):
            self.add(node.line, prefix or "(root)", node.message)
            return None
        if not isinstance(node, Map):
            message = f"must be a mapping of keys to values, not {kind(raw(node))}"
            self.add(node.line, prefix or "(root)", message)
            return None
        draft = Draft(-1, node.line)
        seen: dict[str, int | None] = {}
        for entry in node.entries:
            if not isinstance(entry.key, str):
                self.add(entry.key_line, prefix or "(root)", f"key {_raw_key(entry.key)} must be a string")
                continue
            name = entry.key
            key = f"{prefix}.{name}" if prefix else name
            if name in seen:
                first = f" (first at line {seen[name]})" if seen[name] is not None else ""
                self.add(entry.key_line, key, f"duplicate key{first}")
                continue
            seen[name] = entry.key_line
            if name not in schema:
                self.add(entry.key_line, key, f"unknown key{_suggest(name, schema)}")
                continue
            draft.present.add(name)
            value = self.value(entry.value, schema[name], key)
            if value is not INVALID:
                draft.values[name] = (value, entry.value.line)
        for name, spec in schema.items():
            if spec.required and name not in seen:
                self.add(node.line, f"{prefix}.{name}" if prefix else name, "missing required key")
        return draft

    def value(self, node: Located, spec: Field, key: str) -> object:
        """A field's checked value, or ``INVALID`` after reporting why not."""
        if isinstance(node, Bad):
            self.add(node.line, key, node.message)
            return INVALID
        if isinstance(node, Scalar) and node.value is None and spec.nullable:
            return None
        if spec.sub is not None:
            draft = self.mapping(node, spec.sub, key)
            if draft is None or any(name not in draft.values for name in spec.sub if spec.sub[name].required):
                return INVALID
            return {name: value for name, (value, _line) in draft.values.items()}
        if spec.items is not None:
            return self.items(node, spec.items, key)
        assert spec.check is not None
        try:
            return spec.check(raw(node))
        except _Invalid as exc:
            self.add(node.line, key, str(exc))
            return INVALID

    def items(self, node: Located, check: Check, key: str) -> object:
        if not isinstance(node, Seq):
            self.add(node.line, key, f"must be a list, not {kind(raw(node))}")
            return INVALID
        values: list[str] = []
        folded: set[str] = set()
        ok = True
        for index, item in enumerate(node.items):
            try:
                value = str(check(raw(item)))
            except _Invalid as exc:
                self.add(item.line, f"{key}[{index}]", str(exc))
                ok = False
                continue
            if value.casefold() in folded:
                self.add(item.line, f"{key}[{index}]", f"duplicate entry {value!r}")
                ok = False
            folded.add(value.casefold())
            values.append(value)
        return tuple(values) if ok else INVALID


INVALID = object()


def raw(node: Located) -> object:
    return node.value if isinstance(node, Scalar) else node


def _raw_key(key: object) -> str:
    return repr(key) if not isinstance(key, Map | Seq | Bad) else kind(key)


def _suggest(name: str, choices: Mapping[str, object]) -> str:
    return did_you_mean(name, choices, limit=1) or f" (known keys: {', '.join(choices)})"


def effective_guid(draft: Draft) -> str | None:
    """The GUID a draft will export with, if its id (or guid) is valid."""
    guid = draft.get("guid")
    if isinstance(guid, str):
        return guid
    code_id = draft.get("id")
    return derive_guid(code_id) if isinstance(code_id, str) else None
