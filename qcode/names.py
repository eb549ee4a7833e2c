"""What people type for a code, a coder or a key: matched in any case, with close names suggested.

The one place that turns a typed name into a thing or into a "did you mean" hint, for the CLI, the
codebook checks and the services alike. Pure: no database, no I/O.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

from qcode.errors import InputError, NotFoundError

T = TypeVar("T")

__all__ = ["Names", "case_forms", "close_names", "did_you_mean"]


def close_names(typed: str, choices: Iterable[str], *, limit: int = 3) -> list[str]:
    """The choices nearest to ``typed`` (a slip of the keyboard), best first."""
    return difflib.get_close_matches(typed, list(dict.fromkeys(choices)), n=limit, cutoff=0.6)


def did_you_mean(typed: str, choices: Iterable[str], *, limit: int = 3) -> str:
    """``"; did you mean 'a', 'b'?"`` for the closest choices, or ``""`` where none is close."""
    return _hint(close_names(typed, choices, limit=limit))


def _hint(close: Sequence[str]) -> str:
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def case_forms(label: str) -> set[str]:
    """Every case-free form of a label (``casefold`` alone misses, say, 'ı' typed as 'I')."""
    bare = label.strip()
    return {bare.casefold(), bare.upper().casefold(), bare.lower().casefold()}


class Names(Generic[T]):
    """Labels (names and keys) of one kind of thing, each leading to its value.

    A typed label matches exactly first, then without surrounding blanks, then in any case; where
    several things share a label but for case, only the exact label will do.
    """

    def __init__(self, what: str, labels: Iterable[tuple[str, T]]) -> None:
        """``what`` names the kind in errors (``"code"``); ``labels`` are (label, value) pairs."""
        self.what = what
        self._exact: dict[str, T] = {}
        self._stripped: dict[str, T] = {}
        self._folded: dict[str, list[tuple[str, T]]] = {}  # form -> its distinct (label, value)s
        self._shown: dict[str, str] = {}  # folded label -> the label as written, for hints
        for label, value in labels:
            self._exact.setdefault(label, value)
            self._stripped.setdefault(label.strip(), value)
            for form in case_forms(label):
                entries = self._folded.setdefault(form, [])
                if all(other != value for _, other in entries):
                    entries.append((label, value))
            self._shown.setdefault(label.strip().casefold(), label)

    def get(self, typed: str) -> T | None:
        """The value ``typed`` names, or ``None``.

        Raises:
            InputError: ``typed`` matches several things that differ only in case.
        """
        if typed in self._exact:
            return self._exact[typed]
        if typed.strip() in self._stripped:
            return self._stripped[typed.strip()]
        entries = self._folded.get(typed.strip().casefold(), [])
        if len(entries) > 1:
            choices = " or ".join(repr(label) for label, _ in entries)
            raise InputError(f"{typed!r} could be the {self.what} {choices}: type it exactly")
        return entries[0][1] if entries else None

    def find(self, typed: str) -> T:
        """The value ``typed`` names.

        Raises:
            NotFoundError: ``no code named 'x'; did you mean 'y'?``.
        """
        return self.find_all([typed])[0]

    def find_all(self, typed: Sequence[str]) -> list[T]:
        """The value of each typed label, in order.

        Raises:
            NotFoundError: naming every unknown label, with the closest labels for each.
            InputError: a label matches several things that differ only in case.
        """
        found, unknown = [], []
        for label in typed:
            value = self.get(label)
            if value is None:
                unknown.append(label)
            else:
                found.append(value)
        if not unknown:
            return found
        if len(unknown) == 1:
            raise NotFoundError(f"no {self.what} named {unknown[0]!r}{_hint(self._close(unknown[0]))}")
        hints = [f"{c!r} for {u!r}" for u in unknown for c in self._close(u)[:1]]
        tail = f" (did you mean {', '.join(hints)}?)" if hints else ""
        raise NotFoundError(f"no {self.what}s named {', '.join(repr(u) for u in unknown)}{tail}")

    def hint(self, typed: str) -> str:
        """``"; did you mean 'x'?"`` for the labels closest to ``typed``, or ``""`` where none is close."""
        return _hint(self._close(typed))

    def _close(self, typed: str) -> list[str]:
        return [self._shown[f] for f in close_names(typed.strip().casefold(), self._shown)]
