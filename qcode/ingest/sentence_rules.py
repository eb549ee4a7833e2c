"""Sentence-boundary rules for testimony, computed over NumPy arrays of tokens.

The rules are spaCy's ``sentencizer`` (same punctuation set, same rule: a sentence ends
after final punctuation and any punctuation that follows it) plus corrections for
testimony: abbreviations (``T.V.``, ``U.S.``, ``p.m.``, ``etc.``) end a sentence only
before a capitalised word, titles (``Mr.``, ``Dr.``) never do, an ellipsis right after a
word does before a capitalised word, opening quotes and brackets go with the sentence they
open, and a blank line always ends a sentence.

Per document only ``Doc.to_array([ORTH, IDX])`` runs; each distinct word's class (a bit
set) is computed once and cached (up to :data:`CLASS_CACHE_WORDS` words); everything else
is array arithmetic over a batch of documents. spaCy and NumPy are imported by the
functions that need them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

Span = tuple[int, int]

#: Abbreviations spaCy's English tokenizer would split (``etc`` + ``.``); kept whole.
SPECIAL_ABBREVIATIONS = (
    "etc.", "Etc.", "approx.", "Approx.", "No.", "Nos.", "cf.", "Cf.", "viz.", "ca.", "Capt.",
    "Lt.", "Col.", "Sgt.", "Maj.", "Hon.", "Fig.", "fig.", "Vol.", "vol.", "pp.", "Dept.",
)  # fmt: skip
#: Abbreviations that never end a sentence (titles, Latin connectives).
NEVER_FINAL = frozenset(
    {
        "Mr.", "Mrs.", "Ms.", "Mx.", "Dr.", "Prof.", "St.", "Mt.", "Gen.", "Gov.", "Sen.", "Rep.",
        "Rev.", "Adm.", "Capt.", "Lt.", "Col.", "Sgt.", "Maj.", "Hon.", "Messrs.", "e.g.", "E.g.",
        "i.e.", "I.e.", "vs.", "v.", "cf.", "Cf.", "viz.",
    }
)  # fmt: skip
OPENING_CHARS = frozenset("“‘([{«‹„‚¿¡")

# Word classes, as bits.
SPACE, PUNCT, FINAL, ELLIPSIS, ABBREVIATION, UPPER, OPENING, STRAIGHT_QUOTE, PARAGRAPH = (
    1 << i for i in range(9)
)
_LENGTH_SHIFT = 16  # a word's length is kept in the bits above its class
#: Distinct words whose class is cached; past that the cache starts over. Unbounded, it held every
#: word ever seen (about 100 bytes each): 31 MB after 10 MB of testimony with many one-off words
#: (names, places, typos), the most qcode's import held beyond the raw script (bench/import.py).
#: A conversation's everyday words number a few thousand and are learned again in microseconds.
CLASS_CACHE_WORDS = 1 << 15

_ELLIPSIS = re.compile(r"(?:\.{2,}|…)+")
_HAS_LETTER = re.compile(r"[^\W\d_]")


def is_abbreviation(s: str) -> bool:
    """An abbreviation with a final period that may end a sentence (``T.V.``, ``p.m.``, ``etc.``)."""
    if len(s) < 2 or not s.endswith(".") or s in NEVER_FINAL or not _HAS_LETTER.search(s):
        return False
    return not (len(s) == 2 and s[0].isupper())  # an initial, as in "Kim J. Un"


def is_paragraph_break(s: str) -> bool:
    """Whitespace holding a blank line (two or more line breaks)."""
    return s.isspace() and s.count("\n") + s.count("\r") - s.count("\r\n") >= 2


def word_class(s: str, *, is_punct: bool, is_space: bool, final_chars: frozenset[str]) -> int:
    """The class bits of one token string (``is_punct``/``is_space`` as spaCy's lexeme says)."""
    bits = (SPACE if is_space else 0) | (PUNCT if is_punct else 0)
    if s in final_chars:
        bits |= FINAL
    if _ELLIPSIS.fullmatch(s):
        bits |= ELLIPSIS
    if is_abbreviation(s):
        bits |= ABBREVIATION
    if s[:1].isupper():
        bits |= UPPER
    if s and all(c in OPENING_CHARS for c in s):
        bits |= OPENING
    if s in ('"', "'"):
        bits |= STRAIGHT_QUOTE
    if is_paragraph_break(s):
        bits |= PARAGRAPH
    return bits


def add_special_cases(tokenizer: Tokenizer) -> None:
    """Keep :data:`SPECIAL_ABBREVIATIONS` as single tokens."""
    from spacy.symbols import ORTH

    for abbreviation in SPECIAL_ABBREVIATIONS:
        tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])


class SentenceRules:
    """Sentence starts and offsets for batches of tokenized docs; also a spaCy component.

    As the ``qcode_sentences`` pipeline component it replaces the ``sentencizer`` and sets
    ``Token.is_sent_start``, so ``doc.sents`` follows the same rules as :meth:`spans`.
    """

    def __init__(self, vocab: Vocab) -> None:
        from spacy.pipeline import Sentencizer

        self.vocab = vocab
        self._final = frozenset(Sentencizer.default_punct_chars)
        self._classes: dict[int, int] = {}

    def spans(self, docs: Sequence[Doc], *, testimony: bool = True) -> list[list[Span]]:
        """Each doc's sentences as stripped ``(start, end)`` character offsets.

        With ``testimony=False`` the sentences are exactly the ``sentencizer``'s.
        """
        import numpy as np

        out: list[list[Span]] = [[] for _ in docs]
        table = self._table(docs)
        if table is None:
            return out
        info, idx, sizes = table
        bits = info & 0xFFFF
        length = info >> _LENGTH_SHIFT
        start = sentence_starts(bits, idx, length, sizes[sizes > 0], testimony=testimony)
        solid = np.flatnonzero((bits & SPACE) == 0)
        if not len(solid):
            return out
        sid = np.cumsum(start)[solid]
        first = np.concatenate(([True], sid[1:] != sid[:-1]))
        firsts, lasts = solid[first], solid[np.concatenate((first[1:], [True]))]
        begin, end = idx[firsts].tolist(), (idx[lasts] + length[lasts]).tolist()
        owner = np.searchsorted(np.cumsum(sizes), firsts, side="right")
        bounds = np.searchsorted(owner, np.arange(len(docs) + 1)).tolist()
        for i in range(len(docs)):
            a, b = bounds[i], bounds[i + 1]
            if a < b:
                out[i] = list(zip(begin[a:b], end[a:b], strict=True))
        return out

    def set_starts(self, docs: Sequence[Doc]) -> None:
        """Set ``Token.is_sent_start`` on every token of ``docs``."""
        import numpy as np
        from spacy.attrs import SENT_START

        table = self._table(docs)
        if table is None:
            return
        info, idx, sizes = table
        start = sentence_starts(info & 0xFFFF, idx, info >> _LENGTH_SHIFT, sizes[sizes > 0])
        values = np.where(start, np.uint64(1), np.uint64(2**64 - 1))  # -1: not a start
        offset = 0
        for doc in docs:
            if len(doc):
                doc.from_array([SENT_START], cast(Any, values[offset : offset + len(doc)]))
                offset += len(doc)

    def __call__(self, doc: Doc) -> Doc:
        self.set_starts([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        """Process docs a batch at a time (spaCy calls this from ``nlp.pipe``)."""
        import itertools

        it = iter(docs)
        while batch := list(itertools.islice(it, batch_size)):
            self.set_starts(batch)
            yield from batch

    def _table(self, docs: Sequence[Doc]) -> tuple[Any, Any, Any] | None:
        """Per token of all docs: class bits with length, character offset; and doc sizes."""
        import numpy as np
        from spacy.attrs import IDX, ORTH

        sizes = np.fromiter((len(doc) for doc in docs), dtype=np.int64, count=len(docs))
        if not sizes.any():
            return None
        table = np.concatenate([doc.to_array([ORTH, IDX]) for doc in docs if len(doc)])
        orth, inverse = np.unique(table[:, 0], return_inverse=True)
        classes = self._classes  # learn() may start a new cache; this one still answers rightly
        learn = self._learn
        info = np.fromiter(
            (classes[h] if h in classes else learn(h) for h in orth.tolist()), dtype=np.int64, count=len(orth)
        )
        return info[inverse.reshape(-1)], table[:, 1].astype(np.int64), sizes

    def _learn(self, orth: int) -> int:
        if len(self._classes) >= CLASS_CACHE_WORDS:
            self._classes = {}
        text = self.vocab.strings[orth]
        lexeme = self.vocab[orth]
        bits = word_class(text, is_punct=lexeme.is_punct, is_space=lexeme.is_space, final_chars=self._final)
        value = bits | (len(text) << _LENGTH_SHIFT)
        self._classes[orth] = value
        return value

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return b""

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> SentenceRules:
        return self


def sentence_starts(bits: Any, idx: Any, length: Any, sizes: Any, *, testimony: bool = True) -> Any:
    """Which tokens start a sentence, for the tokens of several docs one after another.

    Args:
        bits: each token's class bits.
        idx: each token's character offset in its doc.
        length: each token's length.
        sizes: token count of each doc (all > 0), in order.
        testimony: apply the testimony corrections; without them this is exactly
            spaCy's ``sentencizer``.
    """
    import numpy as np

    n = len(bits)
    index = np.arange(n)
    doc_first = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    doc_id = np.repeat(np.arange(len(sizes)), sizes)
    first_of_doc = doc_first[doc_id]
    space, punct, final = (bits & SPACE) != 0, (bits & PUNCT) != 0, (bits & FINAL) != 0

    # the sentencizer: a non-punctuation token starts a sentence if final punctuation
    # came after the previous non-punctuation token of the doc
    plain = ~punct & ~final
    previous_plain = np.concatenate(([-1], np.maximum.accumulate(np.where(plain, index, -1))[:-1]))
    since = np.maximum(previous_plain, first_of_doc - 1)
    finals = np.concatenate(([0], np.cumsum(final)))
    start = plain & (finals[index] - finals[since + 1] > 0)
    start[doc_first] = True
    if not testimony:
        return start

    word = ~space & ~punct
    ellipsis, upper, paragraph = (bits & ELLIPSIS) != 0, (bits & UPPER) != 0, (bits & PARAGRAPH) != 0
    # which blank-line-separated paragraph of its doc each token is in: no rule looks across one
    block = np.cumsum(paragraph) + doc_id
    # an abbreviation, or an ellipsis right after a word, ends a sentence before a capital
    previous_solid = np.concatenate(([-1], np.maximum.accumulate(np.where(space, -1, index))[:-1]))
    before = np.maximum(previous_solid, 0)
    after_word = (previous_solid >= first_of_doc) & word[before] & (block[before] == block)
    trigger = np.flatnonzero((ellipsis & after_word) | ((bits & ABBREVIATION) != 0))
    words = np.flatnonzero(word)
    after = np.searchsorted(words, trigger, side="right")
    found = after < len(words)
    trigger, following = trigger[found], words[after[found]]
    start[following[(block[following] == block[trigger]) & upper[following]]] = True

    # a blank line ends a sentence
    breaks = np.flatnonzero(paragraph[:-1]) + 1
    start[breaks[doc_id[breaks] == doc_id[breaks - 1]]] = True

    # opening quotes and brackets belong to the sentence they open
    gap = np.ones(n, dtype=bool)
    gap[1:] = (idx[:-1] + length[:-1] < idx[1:]) | space[:-1]
    gap[doc_first] = True
    trailing = np.ones(n, dtype=bool)
    trailing[:-1] = gap[1:]
    trailing[doc_first[1:] - 1] = True
    opener = ((bits & OPENING) != 0) | (((bits & STRAIGHT_QUOTE) != 0) & gap & ~trailing)
    last_closed = np.maximum.accumulate(np.where(opener, -1, index))
    moved = np.flatnonzero(start)
    moved = moved[(moved > first_of_doc[moved]) & ~space[moved] & opener[np.maximum(moved - 1, 0)]]
    target = np.maximum(last_closed[moved - 1] + 1, first_of_doc[moved])
    start[moved] = False
    start[target] = True
    return start
