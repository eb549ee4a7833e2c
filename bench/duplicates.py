"""Near-duplicate search over 100,000 synthetic passages beside MinHash LSH, with precision and recall.

The passages are built from the shipped transcripts' sentences (``transcripts/*.md``), spliced
and mutated, with planted duplicates: whole (light edits), contained (a copy inside a passage
about twice as long) and partial (sentences reordered, light edits). Timed in alternating
rounds, each a fresh process that builds the same corpus and then times the search alone:

* qcode: ``find_duplicates`` (its own blocking on rare word bigrams, then rapidfuzz);
* baseline: MinHash LSH from ``datasketch`` over the same word bigrams (``--perm`` permutations,
  Jaccard threshold ``--lsh-threshold``) for the candidates, then the same rapidfuzz scoring and
  threshold as qcode, so the two differ only in how they find candidates.

Printed per side: median, min and max wall time, CPU time and peak memory; then, per side,
precision (reported pairs that were planted; pairs not planted are shown with how many of them
truly score over the threshold) and recall of the planted pairs, by kind.

    .venv/bin/python bench/duplicates.py [--passages 100000] [--pairs 5] [--smoke]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tempfile
from pathlib import Path

from harness import TRANSCRIPTS, add_options, child_report, compare, rounds, run_self, show

PLANTED = {"whole": 600, "contained": 600, "partial": 300}


def transcript_sentences() -> list[str]:
    """Every sentence of six words or more in the shipped transcripts."""
    from qcode.ingest.segment import segment_texts
    from qcode.ingest.transcript import read_transcript

    passages = [p.text for path in sorted(TRANSCRIPTS.glob("*.md")) for p in read_transcript(path).passages]
    return [
        text[a:b]
        for text, spans in zip(passages, segment_texts(passages), strict=True)
        for a, b in spans
        if len(text[a:b].split()) >= 6
    ]


class Corpus:
    """Synthetic passages with planted duplicate pairs."""

    def __init__(self, sentences: list[str], planted: dict[str, int], seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.sentences = [s.split() for s in sentences]
        self.vocabulary = sorted({w for s in self.sentences for w in s})
        self.planted = planted

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
        for kind, count in self.planted.items():
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
        moved = [(min(where[a], where[b]), max(where[a], where[b]), k) for a, b, k in planted]
        return [texts[old] for old in order], moved


def corpus(n: int) -> tuple[list[str], list[tuple[int, int, str]]]:
    planted = PLANTED if n >= 10_000 else {kind: count // 30 for kind, count in PLANTED.items()}
    return Corpus(transcript_sentences(), planted).build(n)


def minhash_lsh(texts: list[str], perm: int, threshold: float) -> list[tuple[int, int]]:
    """Candidates from MinHash LSH over word bigrams, scored like qcode; the pairs reported."""
    from datasketch import MinHash, MinHashLSH
    from rapidfuzz.utils import default_process

    from qcode.ingest.duplicates import DEFAULT_MIN_WORDS, DEFAULT_THRESHOLD, _score

    processed = [default_process(t) for t in texts]
    shingles = [{f"{a} {b}".encode() for a, b in itertools.pairwise(w)} for w in map(str.split, processed)]
    usable = [i for i, t in enumerate(processed) if len(t.split()) >= DEFAULT_MIN_WORDS]
    hashes = MinHash.bulk((shingles[i] for i in usable), num_perm=perm)
    lsh = MinHashLSH(threshold=threshold, num_perm=perm)
    with lsh.insertion_session() as session:
        for i, h in zip(usable, hashes, strict=True):
            session.insert(i, h)
    a, b = [], []
    for i, h in zip(usable, hashes, strict=True):
        for j in lsh.query(h):
            if j > i:
                a.append(i)
                b.append(j)
    return [(x, y) for x, y, _, _ in _score(processed, a, b, DEFAULT_THRESHOLD, -1)]


def child(side: str, n: int, out: str, perm: int, threshold: float) -> None:
    """(In a fresh process.) Build the corpus, time the search alone, write the pairs found."""
    from qcode.ingest.duplicates import find_duplicates

    texts, _ = corpus(n)
    found: list[tuple[int, int]] = []

    def qcode() -> None:
        found.extend((p.a_key, p.b_key) for p in find_duplicates(list(enumerate(texts))))

    def baseline() -> None:
        found.extend(minhash_lsh(texts, perm, threshold))

    child_report(qcode if side == "qcode" else baseline)
    Path(out).write_text(json.dumps(sorted((min(a, b), max(a, b)) for a, b in found)))


def quality(
    name: str, found: set[tuple[int, int]], planted: list[tuple[int, int, str]], texts: list[str]
) -> None:
    """Print precision and recall on the planted pairs."""
    from rapidfuzz.utils import default_process

    from qcode.ingest.duplicates import DEFAULT_THRESHOLD, _score

    truth = {(a, b) for a, b, _ in planted}
    extra = sorted(found - truth)
    processed = [default_process(t) for t in texts]
    scoring = len(_score(processed, [a for a, _ in extra], [b for _, b in extra], DEFAULT_THRESHOLD, -1))
    precision = len(found & truth) / max(len(found), 1)
    recall = len(found & truth) / max(len(truth), 1)
    kinds = ", ".join(
        f"{kind} {sum((a, b) in found for a, b, k in planted if k == kind) / count:.1%}"
        for kind, count in {k: sum(1 for *_, x in planted if x == k) for k in PLANTED}.items()
        if count
    )
    print(f"    {name:<44} precision {precision:6.1%}  recall {recall:6.1%} ({kinds})")
    print(
        f"    {'':<44} {len(found):,} pairs; {len(extra):,} not planted,"
        f" {scoring:,} of which score ≥ threshold"
    )


def main() -> None:
    if len(sys.argv) == 7 and sys.argv[1] == "--child":
        _, _, side, n, out, perm, threshold = sys.argv
        child(side, int(n), out, int(perm), float(threshold))
        return
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n", 1)[1],
    )
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--perm", type=int, default=64, help="MinHash permutations (baseline)")
    parser.add_argument("--lsh-threshold", type=float, default=0.3, help="LSH Jaccard threshold (baseline)")
    args = add_options(parser).parse_args()
    n = 1_000 if args.smoke else args.passages
    texts, planted = corpus(n)
    chars = sum(map(len, texts))
    print(f"{len(texts):,} passages, {chars / 1e6:.1f} M chars, {len(planted):,} planted pairs")
    with tempfile.TemporaryDirectory(prefix="qcode-bench-") as tmp:
        outs = {side: str(Path(tmp) / f"{side}.json") for side in ("lsh", "qcode")}
        common = (str(n),)
        tail = (str(args.perm), str(args.lsh_threshold))
        names = {"lsh": "MinHash LSH (datasketch) + same scoring", "qcode": "qcode find_duplicates"}
        results = compare(
            {names[s]: lambda s=s: run_self(__file__, "--child", s, *common, outs[s], *tail) for s in outs},
            pairs=rounds(args),
        )
        show(f"near-duplicates, {n:,} passages", results, baseline=names["lsh"])
        for side, path in outs.items():
            found = {(a, b) for a, b in json.loads(Path(path).read_text())}
            quality(names[side], found, planted, texts)


if __name__ == "__main__":
    main()
