"""The coding screen's suggester: built once on a worker thread, then kept in step with the coder.

No widgets here: the screen calls :meth:`SuggestionEngine.build` and
:meth:`SuggestionEngine.refresh` from worker threads and shows what they return. The engine learns
from the coder's own codings only: the database's when built, then the open document's as the
coder changes them (every change, undo and redo included, since it compares states rather than
replaying events).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from qcode.coding.types import CodeInfo, Transcript
from qcode.suggest.model import CodeCard, Example, Settings, Suggester, Suggestion
from qcode.suggest.queries import passage_contexts

if TYPE_CHECKING:
    from qcode.coding.queries import Source

__all__ = ["Fetched", "SuggestionEngine"]

#: What a build reads from the database: the codes' cards and the coder's coded segments.
Fetched = tuple[list[CodeCard], list[tuple[Example, frozenset[str]]]]

#: Seconds a worker sleeps at each of the suggester's pause points, so a key pressed meanwhile
#: gets the interpreter at once instead of after the 5 ms switch interval.
PAUSE = 0.0002


def _pause() -> None:
    time.sleep(PAUSE)


class SuggestionEngine:
    """One coder's suggester, safe to use from worker threads (one at a time, behind a lock)."""

    def __init__(self, coder_id: int, codes: Sequence[CodeInfo]) -> None:
        self.coder_id = coder_id
        self._key_of = {c.id: c.key for c in codes}
        self._lock = threading.Lock()
        self._model: Suggester | None = None
        self._contexts: tuple[int, list[str]] | None = None  # (document id, context per segment)

    @property
    def ready(self) -> bool:
        """Whether the suggester is built."""
        return self._model is not None

    def fetch(self, source: Source) -> Fetched:
        """Read the codebook and this coder's codings (keep the read short: then :meth:`build`)."""
        from qcode.suggest.queries import code_cards, coded_examples

        return code_cards(source), coded_examples(source, self.coder_id, Settings().per_code)

    def build(self, fetched: Fetched, background: Sequence[str]) -> None:
        """Build the suggester from what was read (a second or so on a big project: a worker's job)."""
        cards, coded = fetched
        model = Suggester(cards, background, coded, pause=_pause)
        with self._lock:
            self._model = model

    def refresh(
        self, transcript: Transcript, codings: Mapping[int, frozenset[int]], index: int
    ) -> tuple[Suggestion, ...]:
        """Learn the open document's codings as they are now, then suggest for segment ``index``.

        Args:
            transcript: the open document.
            codings: this coder's codes on its segments (segment id → code ids), a snapshot.
            index: the segment to suggest for.
        """
        with self._lock:
            model = self._model
            if model is None or not 0 <= index < len(transcript.segments):
                return ()
            contexts = self._contexts_of(transcript)
            examples = {seg.id: i for i, seg in enumerate(transcript.segments)}
            name = transcript.document.name
            for seg_id in set(model.coded_in(name)) | set(codings):
                i = examples.get(seg_id)
                if i is None:
                    continue
                keys = frozenset(self._key_of[c] for c in codings.get(seg_id, ()) if c in self._key_of)
                if keys != model.codes_of(seg_id):
                    model.set_codes(self._example(transcript, i, contexts), keys)
            seg = transcript.segments[index]
            have = [self._key_of[c] for c in codings.get(seg.id, ()) if c in self._key_of]
            return tuple(model.suggest(seg.text, contexts[index], exclude=have, segment_id=seg.id))

    def _contexts_of(self, transcript: Transcript) -> list[str]:
        doc = transcript.document.id
        if self._contexts is None or self._contexts[0] != doc:
            pairs = [(s.passage_ordinal, s.text) for s in transcript.segments]
            self._contexts = (doc, passage_contexts(pairs))
        return self._contexts[1]

    @staticmethod
    def _example(transcript: Transcript, index: int, contexts: list[str]) -> Example:
        seg = transcript.segments[index]
        return Example(seg.id, transcript.document.name, seg.ordinal, seg.text, contexts[index])
