"""What people type for a code, a coder or a key: matched in any case, with close names suggested.

The one place that turns a typed name into a thing or into a "did you mean" hint, for the CLI, the
codebook checks and the services alike. Pure: no database, no I/O.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

from qcode.errors import NotFoundError

T = TypeVar("T")

__all__ = ["Names", "close_names", "did_you_mean"]


def close_names(typed: str, choices: Iterable[str], *, limit: int = 3) -> list[str]:
    """The choices nearest to ``typed`` (a slip of the keyboard), best first."""
    return difflib.get_close_matches(typed, list(dict.fromkeys(choices)), n=limit, cutoff=0.6)


def did_you_mean(typed: str, choices: Iterable[str], *, limit: int = 3) -> str:
    """``"; did you mean 'a', 'b'?"`` for the closest choices, or ``""`` where none is close."""
    return _hint(close_names(typed, choices, limit=limit))


def _hint(close: Sequence[str]) -> str:
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


class Names(Generic[T]):
    """Labels (names and keys) of one kind of thing, each leading to its value.

    A typed label matches exactly first, then ignoring case and surrounding blanks.
    """

    def __init__(self, what: str, labels: Iterable[tuple[str, T]]) -> None:
        """``what`` names the kind in errors (``"code"``); ``labels`` are (label, value) pairs."""
        self.what = what
        self._exact: dict[str, T] = {}
        self._folded: dict[str, T] = {}
        self._shown: dict[str, str] = {}  # folded label -> the label as written, for hints
        for label, value in labels:
            folded = label.strip().casefold()
            self._exact.setdefault(label, value)
            self._folded.setdefault(folded, value)
            self._shown.setdefault(folded, label)

    def get(self, typed: str) -> T | None:
        """The value ``typed`` names, or ``None``."""
        if typed in self._exact:
            return self._exact[typed]
        return self._folded.get(typed.strip().casefold())

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

    def _close(self, typed: str) -> list[str]:
        return [self._shown[f] for f in close_names(typed.strip().casefold(), self._shown)]
