"""Words in messages (standard library only): counts with the right plural, for the CLI and the TUI."""

from __future__ import annotations

#: Plurals that are not the word with "s" or "es" added.
_IRREGULAR = {"person": "people", "analysis": "analyses", "criterion": "criteria", "was": "were"}


def plural_of(word: str) -> str:
    """The plural of a noun in qcode's messages: ``hit`` → ``hits``, ``match`` → ``matches``."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def plural(count: int, word: str, many: str | None = None, *, thousands: bool = False) -> str:
    """``count`` then ``word``, in the plural unless the count is one: ``1 hit``, ``2 hits``, ``0 hits``.

    Args:
        count: how many.
        word: the singular.
        many: the plural, where :func:`plural_of` would get it wrong.
        thousands: write the count with thousands separators (``12,000 segments``).
    """
    number = f"{count:,}" if thousands else str(count)
    return f"{number} {noun(count, word, many)}"


def noun(count: int, word: str, many: str | None = None) -> str:
    """``word`` alone, in the plural unless ``count`` is one: ``column`` → ``columns a, b``."""
    return word if count == 1 else (many or plural_of(word))
