"""Near-duplicate search over 100,000 synthetic passages, beside brute-force rapidfuzz cdist.

The passages are built from the report's sentences, spliced and mutated, with planted
duplicates: whole (light edits), contained (a copy inside a passage about twice as long)
and partial (sentences reordered, light edits). Printed: the time of ``find_duplicates``,
its candidate and pair counts, and the recall of the planted pairs (of all of them, and of
those that score over the threshold when scored directly). Baseline from the same run:
``rapidfuzz.process.cdist`` (``fuzz.ratio`` only, all cores) over a 5,000-passage sample,
extrapolated quadratically to 100,000.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from qcode.ingest.duplicates import DEFAULT_THRESHOLD, _score, candidate_pairs, find_duplicates
from qcode.ingest.segment import segment_texts

REPORT = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "report-nk-overseas-labor.txt"
N = 100_000
SAMPLE = 5_000
PLANTED = {"whole": 600, "contained": 600, "partial": 300}


def report_sentences() -> list[str]:
    lines = [line.strip() for line in REPORT.read_text(encoding="utf-8").splitlines() if line.strip()]
    text = " ".join(lines)
    (spans,) = segment_texts([text])
    return [text[a:b] for a, b in spans if len(text[a:b].split()) >= 6]


class Corpus:
    """Synthetic passages with planted duplicate pairs."""

    def __init__(self, sentences: list[str], seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.sentences = [s.split() for s in sentences]
        self.vocabulary = sorted({w for s in self.sentences for w in s})

    def sentence(self) -> list[str]:
        first = self.rng.choice(self.sentences)
        if self.rng.random() < 0.5:
            second = self.rng.choice(self.sentences)
            first = first[: len(first) // 2] + second[len(second) // 2 :]
        return self.mutate(first, 0.15)

    def mutate(self, words: list[str], rate: float) -> list[str]:
        return [self.rng.choice(self.vocabulary) if self.rng.random() < rate else w for w in words]

    def passage(self, lo: int = 2, hi: int = 6) -> list[list[str]]:
        return [self.sentence() for _ in range(self.rng.randint(lo, hi))]

    def build(self, n: int) -> tuple[list[str], list[tuple[int, int, str]]]:
        texts: list[str] = []
        planted: list[tuple[int, int, str]] = []
        join = " ".join
        for kind, count in PLANTED.items():
            for _ in range(count):
                original = self.passage()
                flat = join(join(s) for s in original)
                if kind == "whole":
                    copy = join(self.mutate(flat.split(), 0.03))
                elif kind == "contained":
                    around = self.passage(2, 4)
                    cut = self.rng.randint(0, len(around))
                    copy = join(join(s) for s in [*around[:cut], *original, *around[cut:]])
                else:
                    shuffled = original[:]
                    self.rng.shuffle(shuffled)
                    copy = join(self.mutate(join(join(s) for s in shuffled).split(), 0.05))
                planted.append((len(texts), len(texts) + 1, kind))
                texts += [flat, copy]
        while len(texts) < n:
            texts.append(join(join(s) for s in self.passage()))
        order = list(range(len(texts)))
        self.rng.shuffle(order)
        where = {old: new for new, old in enumerate(order)}
        shuffled_texts = [texts[old] for old in order]
        moved = [(min(where[a], where[b]), max(where[a], where[b]), k) for a, b, k in planted]
        return shuffled_texts, moved


def baseline_seconds(texts: list[str]) -> float:
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist
    from rapidfuzz.utils import default_process

    sample = [default_process(t) for t in texts[:SAMPLE]]
    start = time.perf_counter()
    cdist(sample, sample, scorer=fuzz.ratio, score_cutoff=DEFAULT_THRESHOLD, dtype="uint8", workers=-1)
    return time.perf_counter() - start


def main() -> None:
    if not REPORT.exists():
        sys.exit(f"seed report not found: {REPORT}")
    texts, planted = Corpus(report_sentences()).build(N)
    chars = sum(map(len, texts))
    print(f"{len(texts):,} passages, {chars / 1e6:.1f} M chars, {len(planted):,} planted pairs {PLANTED}")

    passages = [((i,), t) for i, t in enumerate(texts)]
    start = time.perf_counter()
    pairs = find_duplicates(passages)
    elapsed = time.perf_counter() - start
    from rapidfuzz.utils import default_process

    started = time.perf_counter()
    cand_a, _ = candidate_pairs([default_process(t).split() for t in texts])
    blocking = time.perf_counter() - started
    found = {(min(p.a_key[0], p.b_key[0]), max(p.a_key[0], p.b_key[0])) for p in pairs}
    processed = [default_process(t) for t in texts]
    direct = _score(processed, [a for a, _, _ in planted], [b for _, b, _ in planted], DEFAULT_THRESHOLD, -1)
    scorable = {(a, b) for a, b, _, _ in direct}
    print(f"find_duplicates: {elapsed:.2f} s (blocking alone {blocking:.2f} s), "
          f"{len(cand_a):,} candidate pairs scored, {len(pairs):,} pairs >= {DEFAULT_THRESHOLD:g}")
    for kind in PLANTED:
        mine = [(a, b) for a, b, k in planted if k == kind]
        hit = sum((a, b) in found for a, b in mine)
        ok = [p for p in mine if p in scorable]
        print(f"  planted {kind:9s}: recall {hit / len(mine):6.1%} of {len(mine)}; "
              f"{sum(p in found for p in ok) / max(len(ok), 1):6.1%} of the {len(ok)} scoring >= threshold")
    base = baseline_seconds(texts)
    scale = (len(texts) / SAMPLE) ** 2
    print(f"baseline cdist(fuzz.ratio) over {SAMPLE:,} passages: {base:.2f} s; "
          f"extrapolated to {len(texts):,}: {base * scale:,.0f} s ({base * scale / 3600:.1f} h)")
    print(f"speed-up over the extrapolated baseline: {base * scale / elapsed:,.0f}x")


if __name__ == "__main__":
    main()
