"""Sentences in languages other than English, and a document's language when nobody says it.

English keeps its tuned path (:mod:`qcode.ingest.segment`, :mod:`qcode.ingest.sentence_rules`).
Other languages use spaCy's blank language class for words (no downloaded model: Chinese cut
into characters, Korean with spaCy's rule-based tokenizer instead of MeCab) and a rule-based
boundary: a sentence ends at ``.`` ``!`` ``?`` ``…`` or their full-width forms ``。`` ``！`` ``？``,
with the closing quotes and brackets after them, unless the word is a known abbreviation (Spanish
``Sr.``, ``p. ej.``…) or a ``?``/``!`` is followed by a small letter (``¿sabes? y…``: the question
sits inside the sentence). Spanish ``¿`` and ``¡`` open a sentence of their own only where no end
mark came before, a capital follows and the clause is not embedded (after a comma, colon, dash…).
A sentence never runs across a blank line. spaCy is imported only when a sentence is cut.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer

Span = tuple[int, int]

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Languages qcode segments with rules of their own (English has its own module).
SUPPORTED = ("en", "es", "ko", "zh")
_ENDS = frozenset(".!?…。！？｡")
_CLOSERS = frozenset("\"'”’»)]}）」』】〉》")
_OPENERS = frozenset("¿¡")
#: Marks after which an opening ``¿``/``¡`` continues the sentence (a question or exclamation inside it).
_EMBEDDING = frozenset(",;:—–-([«“\"'")
#: Words ending in a full stop that do not end a sentence (lowercase).
ABBREVIATIONS: dict[str, frozenset[str]] = {
    "es": _words(
        "sr. sra. srta. sres. dr. dra. ud. uds. vd. vds. lic. ing. prof. profa. d. dña. núm. nº. "
        "p. ej. etc. aprox. av. avda. c. cía. dpto. ee. uu. ee.uu. a.m. p.m. pág. págs. vol. tel. "
        "art. cap. fig. ej. min. máx. mín. col. gral. sto. sta. pza. izq. dcha."
    ),
}
_BLANK_LINE = re.compile(r"(?:\r\n|\r(?!\n)|\n)(?:[^\S\r\n]*(?:\r\n|\r(?!\n)|\n))+")
_NON_SPACE = re.compile(r"\S")


@functools.cache
def nlp_for(language: str) -> Language:
    """spaCy's blank pipeline for ``language`` (no model download), with its abbreviations.

    Built on a fresh call stack, as :func:`qcode.ingest.segment.load_nlp` is.
    """
    from qcode.stack import on_fresh_stack

    return on_fresh_stack(lambda: _build(language))


def _build(language: str) -> Language:
    import spacy
    from spacy.symbols import ORTH

    if language == "ko":  # the default Korean tokenizer needs MeCab; the rule-based one does not
        nlp = spacy.blank("ko", config={"nlp": {"tokenizer": {"@tokenizers": "spacy.Tokenizer.v1"}}})
    else:
        nlp = spacy.blank(language)
    tokenizer = cast("Tokenizer", nlp.tokenizer)
    for word in ABBREVIATIONS.get(language, ()):
        for form in {word, word.capitalize(), word.upper()}:
            tokenizer.add_special_case(form, [{ORTH: form}])
    return nlp


def sentence_spans(text: str, language: str) -> list[Span]:
    """Sentences of ``text`` as stripped ``(start, end)`` offsets, in order, covering every
    non-space character once."""
    spans: list[Span] = []
    start = 0
    for gap in _BLANK_LINE.finditer(text):
        spans.extend(_paragraph(text, start, gap.start(), language))
        start = gap.end()
    spans.extend(_paragraph(text, start, len(text), language))
    return spans


def _paragraph(text: str, start: int, end: int, language: str) -> list[Span]:
    piece = text[start:end]
    if not piece.strip():
        return []
    abbreviations = ABBREVIATIONS.get(language, frozenset())
    tokens = [(t.idx, t.idx + len(t.text), t.text) for t in nlp_for(language)(piece)]
    cuts: list[int] = []
    i = 0
    while i < len(tokens):
        a, b, word = tokens[i]
        abbreviation = word.lower() in abbreviations and not (
            word.lower() == "etc." and i + 1 < len(tokens) and tokens[i + 1][2][:1].isupper()
        )
        continued = word[-1] in "?!" and i + 1 < len(tokens) and tokens[i + 1][2][:1].islower()
        if word[-1] in _ENDS and not abbreviation and not continued and not _inside_number(piece, b):
            while i + 1 < len(tokens) and (
                all(ch in _ENDS or ch in _CLOSERS for ch in tokens[i + 1][2]) and tokens[i + 1][0] == b
            ):
                i += 1
                b = tokens[i][1]
            cuts.append(b)
        elif word in _OPENERS and _opens_sentence(piece, a, tokens[i + 1][2] if i + 1 < len(tokens) else ""):
            cuts.append(a)
        i += 1
    spans: list[Span] = []
    prev = 0
    for cut in [*cuts, len(piece)]:
        spans.extend(_strip(piece, prev, cut, start))
        prev = cut
    return spans


def _opens_sentence(text: str, at: int, following: str) -> bool:
    """Whether ``¿``/``¡`` at ``at`` starts a sentence: a capital follows, and no comma, colon, dash or
    bracket comes before it (``Y el dinero, ¿lo enviaban?`` is one sentence)."""
    before = text[:at].rstrip()
    if not before:
        return False
    return before[-1] not in _EMBEDDING and following[:1].isupper()


def _inside_number(text: str, end: int) -> bool:
    """``3.5``: a full stop between digits ends no sentence."""
    return 2 <= end < len(text) and text[end - 1] == "." and text[end - 2].isdigit() and text[end].isdigit()


def _strip(text: str, a: int, b: int, offset: int) -> list[Span]:
    first = _NON_SPACE.search(text, a, b)
    if first is None:
        return []
    body = text[first.start() : b].rstrip()
    return [(offset + first.start(), offset + first.start() + len(body))]


def detect_language(text: str) -> str:
    """A best guess from the writing: Hangul → ``ko``, Han characters → ``zh``, Latin text with
    Spanish words or marks → ``es``, otherwise ``en``.

    Letters are counted per distinct character (:class:`collections.Counter`, in C), and each
    distinct letter's script is looked up once: naming all 20,000 characters one by one cost more
    than a megabyte's import spends in SQLite. ASCII letters can only be Latin: they are counted
    at once (in bytes), and only the other characters one by one; a sample all in ASCII (most
    English testimony) holds no ``¿¡ñ`` either.
    """
    sample = text[:20_000]
    if sample.isascii():
        return _by_words(sample) if _ASCII_LETTER.search(sample) else "en"
    ascii_letters = len(sample.encode("ascii", "ignore").translate(None, _ASCII_NON_LETTERS))
    counts = {"hangul": 0, "han": 0, "kana": 0, "latin": ascii_letters}
    for ch, n in Counter(_ASCII_RUN.sub("", sample)).items():
        script = _script(ch) if ch.isalpha() else None
        if script is not None:
            counts[script] += n
    script = max(counts, key=lambda k: counts[k])
    if counts[script] == 0:
        return "en"
    if script == "hangul":
        return "ko"
    if script == "han" and counts["kana"] == 0:
        return "zh"
    return _by_words(sample)


def _by_words(sample: str) -> str:
    """Latin writing: Spanish if its common words and marks outnumber English's common words."""
    words = Counter(re.findall(r"[a-záéíóúñü]+", sample.lower()))
    spanish = sum(words[w] for w in _SPANISH) + 3 * sum(sample.count(c) for c in "¿¡ñ")
    english = sum(words[w] for w in _ENGLISH)
    return "es" if spanish > english else "en"


_ASCII_LETTER = re.compile(r"[A-Za-z]")
_ASCII_RUN = re.compile(r"[\x00-\x7f]+")
_ASCII_NON_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())


@functools.lru_cache(maxsize=4096)
def _script(ch: str) -> str | None:
    """The script :func:`detect_language` counts a letter under, by its Unicode name."""
    name = unicodedata.name(ch, "")
    if name.startswith("HANGUL"):
        return "hangul"
    if name.startswith("CJK UNIFIED"):
        return "han"
    if name.startswith(("HIRAGANA", "KATAKANA")):
        return "kana"
    return "latin" if "LATIN" in name else None


_SPANISH = _words("el la los las que de y en un una por con para es no se lo nos su al del pero")
_ENGLISH = _words("the and of to in a is that it was for on with as we they he she but not")
