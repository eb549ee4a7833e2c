"""Make ids, names and hotkeys for codes that arrive without them (imports, splits)."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Collection

from qcode.codebook.rules import FORBIDDEN, ID_RE, MAX_NAME
from qcode.config import RESERVED_HOTKEYS

#: Keys handed out automatically, in order of preference after the code's own letters.
HOTKEY_POOL: tuple[str, ...] = tuple(
    key
    for key in string.ascii_lowercase + string.digits + string.ascii_uppercase
    if key not in RESERVED_HOTKEYS
)
_MAX_SLUG = 48
_NOT_IN_LINE = re.compile(f"{FORBIDDEN.pattern}|[\n\t]")


def slug(name: str) -> str:
    """An id-shaped form of a name: ``"Health care (2)"`` → ``"health-care-2"`` (``"code"`` if empty)."""
    ascii_only = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-")
    return text[:_MAX_SLUG].strip("-") or "code"


def unique_id(name: str, taken: Collection[str]) -> str:
    """A valid id from ``name`` not in ``taken`` (suffix ``-2``, ``-3``… when needed)."""
    base = slug(name)
    candidate, n = base, 1
    while candidate in taken or not ID_RE.fullmatch(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def clean_name(name: str) -> str:
    """A valid name as is; else forbidden characters and whitespace runs become one space, cut to size."""
    if len(name) <= MAX_NAME and name == name.strip() and not _NOT_IN_LINE.search(name):
        return name
    return " ".join(_NOT_IN_LINE.sub(" ", name).split())[:MAX_NAME].strip()


def unique_name(name: str, taken_folded: Collection[str], parent_name: str | None = None) -> str:
    """``name`` if free (case-insensitively), else ``"name (parent)"``, else ``"name 2"``, ``"name 3"``…"""
    candidates = [name]
    if parent_name:
        candidates.append(f"{name} ({parent_name})")
    for candidate in candidates:
        if candidate.casefold() not in taken_folded:
            return candidate
    n = 2
    while f"{name} {n}".casefold() in taken_folded:
        n += 1
    return f"{name} {n}"


def usable_hotkey(key: object) -> bool:
    """Whether ``key`` may be a hotkey: one printable, non-space character the coding screen leaves free."""
    return (
        isinstance(key, str)
        and len(key) == 1
        and key.isprintable()
        and not key.isspace()
        and key not in RESERVED_HOTKEYS
    )


def free_hotkey(name: str, taken: Collection[str]) -> str | None:
    """A hotkey for ``name``: one of its own letters if free, else the first free key, else ``None``."""
    own = [ch for ch in name.lower() if ch in HOTKEY_POOL] + [ch for ch in name.upper() if ch in HOTKEY_POOL]
    for key in (*own, *HOTKEY_POOL):
        if key not in taken:
            return key
    return None
