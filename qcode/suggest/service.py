"""Suggestions for one coder: build their suggester, and list suggestions for segments they left uncoded.

Reads through a :data:`~qcode.coding.queries.Source` (a session or a read-only ``sqlite3``
connection) and never writes: accepting a suggestion is an ordinary coding, made by the coding
service with ``via="suggestion"`` in its event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from qcode.coding.queries import Source, find_coder, list_documents, select_rows
from qcode.coding.types import CoderRef, DocumentInfo
from qcode.errors import InputError
from qcode.suggest.model import Settings, Suggester, Suggestion
from qcode.suggest.queries import code_cards, coded_examples, document_examples

__all__ = ["SegmentSuggestions", "build_suggester", "coder_named", "documents_named", "suggest_uncoded"]

#: The value of ``via`` in the event of a coding accepted from a suggestion.
VIA_SUGGESTION = "suggestion"


@dataclass(frozen=True, slots=True)
class SegmentSuggestions:
    """The suggestions for one segment the coder has not coded."""

    document: str
    ordinal: int
    segment_id: int
    text: str
    suggestions: tuple[Suggestion, ...]


def build_suggester(
    source: Source,
    coder_id: int,
    background: Iterable[str] = (),
    settings: Settings | None = None,
    pause: Callable[[], None] | None = None,
) -> Suggester:
    """A suggester from the codebook and this coder's own codings (no one else's).

    Args:
        source: where to read.
        coder_id: whose codings it learns from.
        background: texts of the segments about to be suggested for (for the word weights).
        settings: weights and limits (defaults if ``None``).
        pause: called now and then while building (see :class:`~qcode.suggest.model.Suggester`).
    """
    settings = settings or Settings()
    coded = coded_examples(source, coder_id, settings.per_code)
    return Suggester(code_cards(source), background, coded, settings, pause)


def coder_named(source: Source, name: str) -> CoderRef:
    """The coder called ``name``.

    Raises:
        InputError: no coder has that name.
    """
    coder = find_coder(source, name)
    if coder is None:
        raise InputError(f"no coder named {name!r} in this project (see `qcode status`)")
    return coder


def documents_named(source: Source, names: Sequence[str] | None) -> list[DocumentInfo]:
    """The documents called ``names`` (every document if ``None``), in import order.

    Raises:
        InputError: a name matches no document.
    """
    documents = list_documents(source, attributes=False)
    if names is None:
        return documents
    known = {d.name for d in documents}
    missing = [n for n in names if n not in known]
    if missing:
        raise InputError(f"no document named {missing[0]!r} (see `qcode documents`)")
    wanted = set(names)
    return [d for d in documents if d.name in wanted]


def _coded_segments(source: Source, coder_id: int, document_id: int) -> set[int]:
    rows = select_rows(
        source,
        "SELECT DISTINCT c.segment_id FROM codings c JOIN segments s ON s.id = c.segment_id"
        " WHERE c.coder_id = :coder AND s.document_id = :doc",
        {"coder": coder_id, "doc": document_id},
    )
    return {int(r[0]) for r in rows}


def suggest_uncoded(
    source: Source, coder: CoderRef, documents: Sequence[DocumentInfo], settings: Settings | None = None
) -> list[SegmentSuggestions]:
    """Suggestions for every segment of ``documents`` this coder has not coded, in document order.

    Segments that share nothing with any code get no entry.
    """
    segments = {d.id: document_examples(source, d.id) for d in documents}
    background = [ex.text for exs in segments.values() for ex in exs]
    suggester = build_suggester(source, coder.id, background, settings)
    out: list[SegmentSuggestions] = []
    for doc in documents:
        coded = _coded_segments(source, coder.id, doc.id)
        for ex in segments[doc.id]:
            if ex.segment_id in coded:
                continue
            found = suggester.suggest(ex.text, ex.context, segment_id=ex.segment_id)
            if found:
                out.append(SegmentSuggestions(ex.document, ex.ordinal, ex.segment_id, ex.text, tuple(found)))
    return out
