"""Word counts of a selection and of the rest of the corpus, read from the project.

The selection is the segments a query and ``--where`` conditions select (``qcode.query``); the
reference is every other segment. Stop words come from spaCy's language data for each document's
language (``spacy.util.get_lang_class``; no model is loaded).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.query.service import Scope
from qcode.store.models import Document, Segment
from qcode.words.keyness import words

#: Segments read per round trip.
PAGE = 5_000


@dataclass(frozen=True)
class WordCounts:
    """Words of the selection and of the rest, with how many segments each has."""

    target: Counter[str]
    reference: Counter[str]
    target_segments: int
    reference_segments: int


@cache
def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop words for a BCP 47 tag's language (``en-GB`` → ``en``); none if spaCy has none."""
    from spacy.util import get_lang_class

    base = language.split("-")[0].split("_")[0].lower() or "en"
    try:
        return frozenset(w.casefold() for w in get_lang_class(base).Defaults.stop_words)
    except (ImportError, KeyError):
        return frozenset()


def _rows(session: Session, scope: Scope | None) -> Iterator[tuple[str, str, bool]]:
    flag = Segment.id.in_(scope.segments) if scope is not None else Segment.id.isnot(None)
    stmt = select(Segment.text, Document.language, flag).join(Document, Document.id == Segment.document_id)
    result = session.connection().execution_options(stream_results=True, yield_per=PAGE).execute(stmt)
    try:
        for text, language, selected in result:
            yield text, language or "en", bool(selected)
    finally:
        result.close()


def word_counts(session: Session, scope: Scope | None) -> WordCounts:
    """Counts of the selected segments (every segment when ``scope`` is ``None``) and of the rest."""
    target: Counter[str] = Counter()
    reference: Counter[str] = Counter()
    n_t = n_r = 0
    for text, language, selected in _rows(session, scope):
        found = words(text, stop_words(language))
        if selected:
            target.update(found)
            n_t += 1
        else:
            reference.update(found)
            n_r += 1
    return WordCounts(target, reference, n_t, n_r)


def segment_texts(session: Session, scope: Scope | None) -> Iterator[tuple[str, int, str]]:
    """(document, segment ordinal, text) of the selected segments, in order."""
    stmt = (
        select(Document.name, Segment.ordinal, Segment.text)
        .join(Document, Document.id == Segment.document_id)
        .order_by(Document.name, Segment.ordinal)
    )
    if scope is not None:
        stmt = stmt.where(Segment.id.in_(scope.segments))
    result = session.connection().execution_options(stream_results=True, yield_per=PAGE).execute(stmt)
    try:
        yield from ((name, ordinal, text) for name, ordinal, text in result)
    finally:
        result.close()
