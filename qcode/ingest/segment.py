"""Cutting passage text into segments: sentences (spaCy, rule-based), paragraphs or whole passages.

Sentences come from ``spacy.blank("en")``'s tokenizer (with special cases for a few
abbreviations) and :mod:`qcode.ingest.sentence_rules`: spaCy's ``sentencizer`` rule,
computed over arrays, plus corrections for testimony (abbreviations such as ``T.V.`` and
``p.m.``, titles, ellipses, opening quotes, blank lines). The same rules are available
as the ``qcode_sentences`` pipeline component of :func:`load_nlp` for code that wants
``doc.sents``; :func:`segment_texts` skips setting them on the docs and reads the offsets
straight from the arrays, and tokenizes short texts a few to a doc (joined by a blank line,
which changes none of their tokens or sentences), which keeps it no slower than the bare
sentencizer (``bench/segment.py``).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Literal, cast

from qcode.ingest import sentence_rules
from qcode.stack import on_fresh_stack

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer

Mode = Literal["sentence", "passage", "paragraph"]
Span = tuple[int, int]
#: Documents handed to spaCy per batch.
DEFAULT_BATCH_SIZE = 256
#: Longer texts are cut (at a blank line, else at a space) into pieces of at most this size.
MAX_PIECE_CHARS = 200_000
#: Short texts are tokenized several to a doc, up to this many characters. Kept small: spaCy's
#: tokenizer stops caching a doc's words after its first special case (spaCy issue #1250),
#: so big packed docs would be tokenized slower, not faster.
PACK_CHARS = 1_000
_SEPARATOR = "\n\n"
#: Name of the correcting pipeline component.
COMPONENT = "qcode_sentences"

_EOL = r"(?:\r\n|\r(?!\n)|\n)"
_BLANK_LINE = re.compile(rf"{_EOL}(?:[^\S\r\n]*{_EOL})+")
_NON_SPACE = re.compile(r"\S")


@functools.cache
def load_nlp() -> Language:
    """The sentence pipeline: blank English with special cases, then ``qcode_sentences``.

    Loaded once per process (spaCy is imported here, not at module import), on a fresh call
    stack (:func:`qcode.stack.on_fresh_stack`: imported under a command's frames, spaCy's
    thousands of nested calls kept mapping and unmapping the interpreter's frame memory).
    """
    return on_fresh_stack(_build_nlp)


def _build_nlp() -> Language:
    import spacy
    from spacy.language import Language

    if not Language.has_factory(COMPONENT):
        Language.factory(COMPONENT, func=_make_component)
    nlp = spacy.blank("en")
    nlp.max_length = MAX_PIECE_CHARS + 1
    sentence_rules.add_special_cases(nlp.tokenizer)
    nlp.add_pipe(COMPONENT)
    return nlp


def _make_component(nlp: Language, name: str) -> sentence_rules.SentenceRules:
    return sentence_rules.SentenceRules(nlp.vocab)


def segment_texts(
    texts: Iterable[str],
    mode: Mode = "sentence",
    batch_size: int = DEFAULT_BATCH_SIZE,
    language: str = "en",
) -> Iterator[list[Span]]:
    """Yield, for each text, its segments as ``(start, end)`` character offsets.

    Segments are stripped of surrounding whitespace, never overlap, come in order, and
    together hold every non-whitespace character of the text exactly once;
    ``text[start:end]`` is the segment. A sentence never runs across a blank line.

    Args:
        texts: the passage texts.
        mode: ``"sentence"``, ``"paragraph"`` (split at blank lines) or ``"passage"``
            (the whole stripped text).
        batch_size: texts handed to spaCy at a time (sentence mode).
        language: BCP 47 tag; sentences of languages other than English follow
            :mod:`qcode.ingest.languages`.
    """
    if mode == "passage":
        return (_strip_span(text, 0, len(text)) for text in texts)
    if mode == "paragraph":
        return (paragraph_spans(text) for text in texts)
    if mode == "sentence" and language.split("-")[0].lower() not in ("en", ""):
        from qcode.ingest.languages import sentence_spans

        lang = language.split("-")[0].lower()
        return (sentence_spans(text, lang) for text in texts)
    if mode == "sentence":
        return _sentence_spans(texts, batch_size)
    raise ValueError(f"unknown segmentation mode {mode!r}")


def paragraph_spans(text: str) -> list[Span]:
    """Paragraphs (split at blank lines), stripped, as offsets into ``text``."""
    spans: list[Span] = []
    start = 0
    for gap in _BLANK_LINE.finditer(text):
        spans.extend(_strip_span(text, start, gap.start()))
        start = gap.end()
    spans.extend(_strip_span(text, start, len(text)))
    return spans


def _strip_span(text: str, start: int, end: int) -> list[Span]:
    first = _NON_SPACE.search(text, start, end)
    if first is None:
        return []
    piece = text[first.start() : end]
    return [(first.start(), first.start() + len(piece.rstrip()))]


def _sentence_spans(texts: Iterable[str], batch_size: int) -> Iterator[list[Span]]:
    nlp = load_nlp()
    rules = cast(sentence_rules.SentenceRules, nlp.get_pipe(COMPONENT))
    tokenizer = cast("Tokenizer", nlp.tokenizer)
    it = iter(texts)
    while batch := list(itertools.islice(it, batch_size)):
        if max(map(len, batch)) <= MAX_PIECE_CHARS:  # the usual case
            yield from _packed_spans(batch, tokenizer, rules)
            continue
        for text in batch:
            pieces = _pieces(text)
            docs = list(tokenizer.pipe([piece for _, piece in pieces], batch_size=batch_size))
            yield [
                (offset + a, offset + b)
                for (offset, _), spans in zip(pieces, rules.spans(docs), strict=True)
                for a, b in spans
            ]


def _packed_spans(
    texts: list[str], tokenizer: Tokenizer, rules: sentence_rules.SentenceRules
) -> list[list[Span]]:
    """Sentences of short texts, tokenized several to a doc to save spaCy's per-doc costs.

    Texts are joined with a blank line, which always ends a sentence and is whitespace,
    so each text gets exactly the tokens and sentences it would get on its own.
    """
    groups: list[list[str]] = [[]]
    size = 0
    for text in texts:
        if size + len(text) > PACK_CHARS and groups[-1]:
            groups.append([])
            size = 0
        groups[-1].append(text)
        size += len(text) + len(_SEPARATOR)
    docs = list(tokenizer.pipe([_SEPARATOR.join(group) for group in groups]))
    out: list[list[Span]] = []
    for group, spans in zip(groups, rules.spans(docs), strict=True):
        k = 0
        offset = 0
        for text in group:
            end = offset + len(text)
            mine: list[Span] = []
            while k < len(spans) and spans[k][0] < end:
                mine.append((spans[k][0] - offset, spans[k][1] - offset))
                k += 1
            out.append(mine)
            offset = end + len(_SEPARATOR)
    return out


def _pieces(text: str) -> list[tuple[int, str]]:
    """A very long text as ``(offset, piece)`` pieces of at most :data:`MAX_PIECE_CHARS`."""
    pieces = []
    start = 0
    while len(text) - start > MAX_PIECE_CHARS:
        cut = _cut_point(text, start, start + MAX_PIECE_CHARS)
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


def _cut_point(text: str, start: int, limit: int) -> int:
    """Where to cut ``text[start:limit]``: after its last blank line, else its last space."""
    window = text[start:limit]
    gaps = [m.end() for m in _BLANK_LINE.finditer(window)]
    if gaps and gaps[-1] > len(window) // 2:
        return start + gaps[-1]
    space = max(window.rfind(" "), window.rfind("\n"))
    return start + space + 1 if space > 0 else limit
