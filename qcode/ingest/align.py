"""Match old segments to new ones after a transcript changes (rapidfuzz)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence


def align_segments(
    old: Sequence[tuple[int, str]], new: Sequence[tuple[int, str]], *, threshold: float = 85.0
) -> dict[int, int]:
    """Map old segment ids to new segment ids by text.

    Exact text matches are taken first, in document order (so a sentence repeated twice keeps its
    order); the rest go to the best fuzzy match (``fuzz.ratio`` ≥ ``threshold``), nearest position
    first on ties. Old ids with no match are absent from the result.
    """
    from rapidfuzz import fuzz, process

    by_text: dict[str, list[int]] = defaultdict(list)
    for index, (_, text) in enumerate(new):
        by_text[text.strip()].append(index)
    mapping: dict[int, int] = {}
    pending: list[tuple[int, str, int]] = []
    for position, (old_id, text) in enumerate(old):
        candidates = by_text.get(text.strip())
        if candidates:
            mapping[old_id] = new[candidates.pop(0)][0]
        else:
            pending.append((old_id, text, position))
    if not pending or not new:
        return mapping
    choices = [text for _, text in new]
    for old_id, text, _position in pending:
        best = process.extractOne(text, choices, scorer=fuzz.ratio, score_cutoff=threshold)
        if best is not None:
            mapping[old_id] = new[best[2]][0]
    return mapping
