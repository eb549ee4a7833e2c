"""Sentence segmentation over ~10 MB of report text, beside raw spaCy (blank "en" + sentencizer).

All run over the same texts with the same batch size, alternately; each figure is the
median of 3 runs, wall and CPU time (CPU is steadier on a shared machine), after one
warm-up pass (which fills spaCy's vocabulary for both pipelines). Two corpora:
paragraph-sized texts (8 report lines, ~600 characters, like a passage) and line-sized
texts (~75 characters), where per-document costs weigh most. Target: ratio <= 1.2.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from qcode.ingest.segment import DEFAULT_BATCH_SIZE, load_nlp, segment_texts

REPORT = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "report-nk-overseas-labor.txt"
TARGET_CHARS = 10_000_000
RUNS = 3


def corpus(lines_per_text: int) -> list[str]:
    """The report's non-blank lines, grouped, repeated to about 10 MB."""
    lines = [line.strip() for line in REPORT.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [" ".join(lines[i : i + lines_per_text]) for i in range(0, len(lines), lines_per_text)]
    out: list[str] = []
    size = 0
    while size < TARGET_CHARS:
        for text in texts:
            out.append(text)
            size += len(text)
    return out


def interleaved_medians(*runs: Callable[[], object]) -> list[tuple[float, float]]:
    """Median (wall, CPU) seconds of functions run alternately (so machine load hits them alike)."""
    times: list[list[tuple[float, float]]] = [[] for _ in runs]
    for _ in range(RUNS):
        for run, out in zip(runs, times, strict=True):
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            out.append((time.perf_counter() - wall, time.process_time() - cpu))
    return [(statistics.median(w for w, _ in t), statistics.median(c for _, c in t)) for t in times]


def bench(texts: list[str], label: str) -> float:
    import spacy

    baseline_nlp = spacy.blank("en")
    baseline_nlp.add_pipe("sentencizer")

    def baseline() -> int:
        return sum(len(list(doc.sents)) for doc in baseline_nlp.pipe(texts, batch_size=DEFAULT_BATCH_SIZE))

    def baseline_docs() -> int:
        return sum(1 for _ in baseline_nlp.pipe(texts, batch_size=DEFAULT_BATCH_SIZE))

    def ours() -> int:
        return sum(len(spans) for spans in segment_texts(texts, mode="sentence"))

    n_base, n_ours = baseline(), ours()  # warm-up: both vocabularies see every word once
    (w_docs, c_docs), (w_base, c_base), (w_ours, c_ours) = interleaved_medians(baseline_docs, baseline, ours)
    mb = sum(map(len, texts)) / 1e6
    print(f"{label}: {len(texts):,} texts, {mb:.1f} M chars; median wall / CPU seconds")
    print(f"  spaCy blank + sentencizer, nlp.pipe only  {w_docs:6.2f} / {c_docs:6.2f}")
    print(f"  spaCy blank + sentencizer, + doc.sents    {w_base:6.2f} / {c_base:6.2f}   {n_base:,} sentences")
    print(f"  qcode segment_texts (sentence offsets)    {w_ours:6.2f} / {c_ours:6.2f}   {n_ours:,} sentences")
    ratio = f"wall {w_ours / w_docs:.2f}x, CPU {c_ours / c_docs:.2f}x"
    print(f"  ratio vs nlp.pipe only: {ratio} (target <= 1.2x)")
    return c_ours / c_docs


def main() -> None:
    if not REPORT.exists():
        sys.exit(f"seed report not found: {REPORT}")
    load_nlp()
    bench(corpus(8), "paragraph-sized texts")
    bench(corpus(1), "line-sized texts")
    texts = corpus(8)
    start = time.perf_counter()
    sum(len(s) for s in segment_texts(texts, mode="paragraph"))
    print(f"paragraph mode (no spaCy) over the same 10 MB: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
