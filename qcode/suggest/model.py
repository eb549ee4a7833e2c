"""The suggester: each code's codebook entry, moved toward the segments this coder gave that code.

A segment is a TF-IDF vector of its stems and stem pairs, plus its passage neighbours at a lower
weight (a sentence that continues a statement is coded like it). Each code starts as the vector of
its codebook entry — name, description, inclusion criteria, example and keywords — so suggestions
work before anything is coded. Every segment the coder codes moves the code toward the mean of its
segments, by ``n / (n + shrink)`` for ``n`` segments (a Rocchio classifier with the codebook as its
prior). A segment's suggestions are the codes whose vectors lie closest to it (cosine), each with
its reasons: the codebook keywords in the segment, the words it shares with the codebook entry,
or the most similar segment this coder already gave that code.

Pure Python on small dictionaries: building from a few thousand codings takes a fraction of a
second, and taking in one coding or suggesting for one segment well under a millisecond or a few,
so the coding screen can refresh suggestions as the coder codes. Only what the caller passes in is
used: the service passes this coder's own codings, never another coder's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from qcode.suggest.features import Tokens, contains, features, keyword_pattern, tokens
from qcode.suggest.vectors import Packed, Stack, Vector, Weigher, dot, normalised

__all__ = ["CodeCard", "Example", "Reason", "Settings", "Suggester", "Suggestion"]

#: Texts (or stored segments) handled between two calls of the suggester's ``pause``.
STEP = 16


@dataclass(frozen=True, slots=True)
class CodeCard:
    """What the codebook says about one code (exclusion criteria are not evidence for it)."""

    key: str
    name: str
    description: str = ""
    inclusion: str = ""
    example: str = ""
    example_source: str = ""
    keywords: tuple[str, ...] = ()

    def text(self) -> str:
        """The entry as one text: the name and keywords weigh more than the prose."""
        return " ".join(
            [self.name] * 3 + [self.description, self.inclusion, self.example] + list(self.keywords) * 2
        )


@dataclass(frozen=True, slots=True)
class Example:
    """A segment as the suggester sees it; ``context`` is its passage neighbours' text."""

    segment_id: int
    document: str
    ordinal: int
    text: str
    context: str = ""


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a code was suggested.

    ``keyword``: a codebook keyword occurs in the segment (``detail``); ``codebook``: the segment
    (or, with ``in_passage``, its passage) shares the words in ``detail`` with the code's entry;
    ``segment``: this coder gave the code to the similar segment ``document`` ``ordinal``, whose
    text is ``detail``.
    """

    kind: Literal["keyword", "codebook", "segment"]
    detail: str
    document: str | None = None
    ordinal: int | None = None
    similarity: float = 0.0
    in_passage: bool = False

    def describe(self, width: int = 60) -> str:
        """One line for a person: what matched, and where."""
        if self.kind == "keyword":
            return f"keyword “{self.detail}”"
        if self.kind == "codebook":
            return f"{'nearby ' if self.in_passage else ''}{self.detail} as in the codebook"
        quote = self.detail if len(self.detail) <= width else self.detail[: width - 1].rstrip() + "…"
        return f"like your {self.document} {self.ordinal}: “{quote}”"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A code suggested for a segment, with a score in (0, 1] and its reasons, strongest first."""

    code: str
    name: str
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Settings:
    """How the suggester weighs things (the bench's figures are for these defaults)."""

    #: Weight of the passage neighbours' words beside the segment's own.
    context_weight: float = 0.3
    #: Codings of a code at which its own segments weigh half as much as its codebook entry.
    shrink: float = 3.0
    #: Segments kept per code (the most recent): enough to learn from, bounded in memory and time.
    per_code: int = 100
    #: Lowest score shown: below it a segment shares next to nothing with the code.
    min_score: float = 0.02
    #: Suggestions per segment.
    limit: int = 3


@dataclass
class _Code:
    card: CodeCard
    prior: Vector
    keywords: tuple[tuple[str, tuple[str, ...]], ...]
    total: Vector = field(default_factory=dict)
    members: dict[int, None] = field(default_factory=dict)  # segment ids, oldest first
    centroid: Vector | None = None
    stack: tuple[list[int], Stack] | None = None  # members and their vectors, for the nearest

    def weight(self, shrink: float) -> float:
        n = len(self.members)
        return 1.0 / (n + shrink) if n else 0.0  # × total = mean × n / (n + shrink)

    def vector(self, shrink: float) -> Vector:
        if self.centroid is None:
            w = self.weight(shrink)
            merged = dict(self.prior)
            for k, v in self.total.items():
                merged[k] = merged.get(k, 0.0) + w * v
            self.centroid = normalised(merged)
        return self.centroid

    def shift(self, vector: Packed, sign: float) -> None:
        total = self.total
        for k, v in vector.items():
            left = total.get(k, 0.0) + sign * v
            if abs(left) < 1e-12:
                total.pop(k, None)
            else:
                total[k] = left
        self.centroid = None
        self.stack = None


@dataclass
class _Stored:
    example: Example
    vector: Packed
    codes: set[str]


def _no_pause() -> None:
    pass


class Suggester:
    """Suggests codes for segments from a codebook and one coder's codings, with reasons."""

    def __init__(
        self,
        cards: Sequence[CodeCard],
        background: Iterable[str] = (),
        coded: Iterable[tuple[Example, Iterable[str]]] = (),
        settings: Settings | None = None,
        pause: Callable[[], None] | None = None,
    ) -> None:
        """Build from the codebook, texts to learn word rarity from, and the coder's codings.

        Args:
            cards: the codes that may be suggested (leaf codes a coder applies).
            background: segment texts (e.g. the documents being coded) for the word weights.
            coded: this coder's coded segments, each with its codes' keys, oldest first.
            settings: weights and limits (defaults if ``None``).
            pause: called every few dozen texts while building and suggesting (a worker thread
                sleeps a moment there, so the interface thread never waits long for the GIL).
        """
        self.settings = settings or Settings()
        self.pause = pause or _no_pause
        coded = list(coded)
        texts = [card.text() for card in cards] + list(background) + [ex.text for ex, _ in coded]
        self._built: dict[str, Counter[str]] | None = {}  # features of texts seen while building
        self._weigher = Weigher(self._features(t, i) for i, t in enumerate(texts))
        self._codes = {
            card.key: _Code(
                card,
                self._vector(card.text(), grow=True),
                tuple((k, keyword_pattern(k)) for k in card.keywords),
            )
            for card in cards
        }
        self._order = {key: i for i, key in enumerate(self._codes)}
        self._examples: dict[int, _Stored] = {}
        self._by_document: dict[str, set[int]] = {}
        for i, (example, keys) in enumerate(coded):
            self.set_codes(example, keys)
            if i % STEP == STEP - 1:
                self.pause()
        self._built = None

    # -- what it knows ------------------------------------------------------------------------

    @property
    def codes(self) -> tuple[str, ...]:
        """The keys of the codes it may suggest, in codebook order."""
        return tuple(self._codes)

    def coded_count(self) -> int:
        """Segments of this coder it has learned from."""
        return len(self._examples)

    def codes_of(self, segment_id: int) -> frozenset[str]:
        """The codes it holds for a segment (none if it never learned it, or forgot it)."""
        stored = self._examples.get(segment_id)
        return frozenset(stored.codes) if stored is not None else frozenset()

    def coded_in(self, document: str) -> frozenset[int]:
        """Ids of the segments of ``document`` it has learned from."""
        return frozenset(self._by_document.get(document, ()))

    def _features(self, text: str, counter: int = 0) -> Counter[str]:
        if counter % STEP == STEP - 1:
            self.pause()
        if self._built is None:
            return features(text)
        found = self._built.get(text)
        if found is None:
            found = self._built[text] = features(text)
        return found

    def _vector(self, text: str, context: str = "", *, grow: bool = False) -> Vector:
        """Unit-length TF-IDF of the text, with its context's at ``context_weight``."""
        parts = [(self._features(text), 1.0)]
        if context:
            parts.append((self._features(context), self.settings.context_weight))
        return self._weigher.vector(parts, grow=grow)

    # -- learning -----------------------------------------------------------------------------

    def set_codes(self, example: Example, keys: Iterable[str]) -> None:
        """Record the codes this coder now has on a segment (none: forget the segment).

        Called for every change, undo and redo included; unknown code keys are ignored.
        """
        wanted = {k for k in keys if k in self._codes}
        stored = self._examples.get(example.segment_id)
        if stored is None:
            if not wanted:
                return
            vector = Packed.of(self._vector(example.text, example.context, grow=True))
            stored = self._examples[example.segment_id] = _Stored(example, vector, set())
            self._by_document.setdefault(example.document, set()).add(example.segment_id)
        for key in stored.codes - wanted:
            self._leave(stored, key)
        for key in wanted - stored.codes:
            self._join(stored, key)
        self._forget_if_uncoded(stored)

    def _forget_if_uncoded(self, stored: _Stored) -> None:
        if stored.codes:
            return
        ex = stored.example
        del self._examples[ex.segment_id]
        self._by_document[ex.document].discard(ex.segment_id)

    def _join(self, stored: _Stored, key: str) -> None:
        code = self._codes[key]
        code.members[stored.example.segment_id] = None
        code.shift(stored.vector, 1.0)
        stored.codes.add(key)
        if len(code.members) > self.settings.per_code:
            oldest = self._examples[next(iter(code.members))]
            self._leave(oldest, key)
            self._forget_if_uncoded(oldest)

    def _leave(self, stored: _Stored, key: str) -> None:
        code = self._codes[key]
        code.members.pop(stored.example.segment_id, None)
        code.shift(stored.vector, -1.0)
        stored.codes.discard(key)

    # -- suggesting ---------------------------------------------------------------------------

    def scores(self, text: str, context: str = "") -> dict[str, float]:
        """Every code's score for a segment (cosine similarity, 0 where nothing is shared)."""
        x = self._vector(text, context)
        shrink = self.settings.shrink
        return {key: dot(x, code.vector(shrink)) for key, code in self._codes.items()}

    def suggest(
        self,
        text: str,
        context: str = "",
        *,
        exclude: Iterable[str] = (),
        segment_id: int | None = None,
        limit: int | None = None,
    ) -> list[Suggestion]:
        """Up to ``limit`` codes for a segment, best first, each with its reasons.

        Args:
            text: the segment's text; ``context`` its passage neighbours' text.
            exclude: codes not to suggest (those the coder already gave the segment).
            segment_id: the segment itself, never offered as its own similar segment.
            limit: how many at most (the settings' limit if ``None``).
        """
        x = self._vector(text, context)
        if not x:
            return []
        skip = set(exclude)
        shrink = self.settings.shrink
        ranked = sorted(
            ((dot(x, code.vector(shrink)), key) for key, code in self._codes.items() if key not in skip),
            key=lambda pair: (-pair[0], self._order[pair[1]]),
        )
        own = tokens(text)
        out: list[Suggestion] = []
        for score, key in ranked[: self.settings.limit if limit is None else limit]:
            if score < self.settings.min_score:
                break
            self.pause()
            code = self._codes[key]
            reasons = self._reasons(code, x, own, context, segment_id)
            out.append(Suggestion(key, code.card.name, round(score, 4), reasons))
        return out

    def _reasons(
        self, code: _Code, x: Vector, own: Tokens, context: str, segment_id: int | None
    ) -> tuple[Reason, ...]:
        """Two reasons at most: the stronger side of the score (codebook or own codings) first."""
        keyword = next((Reason("keyword", k) for k, p in code.keywords if contains(own.stems, p)), None)
        nearest = self._nearest(code, x, segment_id)
        learned = code.weight(self.settings.shrink) * dot(x, code.total)
        if learned >= dot(x, code.prior):
            ordered = [nearest, keyword]
        else:
            ordered = [keyword or self._shared_words(code, own, context), nearest]
        return tuple(r for r in ordered if r is not None)

    def _nearest(self, code: _Code, x: Vector, segment_id: int | None) -> Reason | None:
        """The most similar segment this coder gave the code (not the segment itself)."""
        if not code.members:
            return None
        if code.stack is None:
            members = list(code.members)
            code.stack = (members, Stack([self._examples[m].vector for m in members]))
        members, stack = code.stack
        sims = stack.dots(x, self._weigher.size)
        if segment_id is not None and segment_id in code.members:
            sims[members.index(segment_id)] = 0.0
        best = int(sims.argmax())
        if sims[best] <= 0:
            return None
        ex = self._examples[members[best]].example
        return Reason("segment", ex.text, ex.document, ex.ordinal, round(float(sims[best]), 4))

    def _shared_words(self, code: _Code, own: Tokens, context: str) -> Reason | None:
        """The segment's (else its passage's) words that weigh most in the code's codebook entry."""
        ids = self._weigher.ids
        for source, in_passage in ((own, False), (tokens(context), True)):
            weights = {s: code.prior.get(ids.get(s, -1), 0.0) for s in set(source.stems)}
            top = sorted((s for s, w in weights.items() if w > 0), key=lambda s: (-weights[s], s))[:3]
            if top:
                words = ", ".join(f"“{source.surface[s]}”" for s in top)
                return Reason("codebook", words, in_passage=in_passage)
        return None
