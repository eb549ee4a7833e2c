"""Importing ~10 MB of transcripts into a fresh SQLite project, beside a raw baseline.

The corpus is made from the bundled transcripts (``transcripts/*.md``): each derived file is one
interviewee's transcript under a new name, its passages repeated to about ``--file-kb`` KiB
(a long interview), written as qcode Markdown into a temporary folder until the passage text
reaches ``--mb`` MB.

* qcode: the whole ``qcode import`` path — read and parse every file, segment into sentences,
  insert documents, passages, segments and events through :func:`import_transcripts` in one
  transaction, commit — on a fresh project (``open_store(create=True)``, made before the clock
  starts, as ``qcode init`` would).
* baseline: ``spacy.blank("en")`` with the ``sentencizer`` through ``nlp.pipe`` over the same
  passage texts, then plain ``sqlite3`` ``executemany`` of ``(doc, ordinal, start, end, text)``
  rows into one table of a fresh file, and a commit.

Each figure is the median of ``--repeat`` runs after one warm-up pass of each (which fills
spaCy's vocabulary). Target: qcode at most 1.5x the baseline.
Run: ``.venv/bin/python bench/import.py [--mb 10] [--file-kb 48] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qcode.ingest.formats import collect_paths, read_file
from qcode.ingest.segment import DEFAULT_BATCH_SIZE, load_nlp
from qcode.ingest.service import import_transcripts
from qcode.ingest.transcript import read_transcript, write_transcript
from qcode.ingest.types import ParsedPassage, ParsedTranscript
from qcode.store.engine import transaction
from qcode.store.migrate import open_store

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "transcripts"
TARGET = 1.5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0, help="passage text to import, in MB")
    parser.add_argument("--file-kb", type=int, default=48, help="approximate size of one file, in KiB")
    parser.add_argument("--repeat", type=int, default=3)
    return parser.parse_args()


def make_corpus(folder: Path, target_chars: int, file_chars: int) -> list[str]:
    """Write derived transcript files into ``folder``; return every passage text in file order."""
    sources = [t for t in map(read_transcript, sorted(TRANSCRIPTS.glob("*.md"))) if t.passages]
    texts: list[str] = []
    size = 0
    index = 0
    while size < target_chars:
        source = sources[index % len(sources)]
        passages: list[ParsedPassage] = []
        chars = 0
        while chars < file_chars:
            for p in source.passages:
                passages.append(p)
                chars += len(p.text)
        name = f"{source.name}-{index:05d}"
        derived = dataclasses.replace(source, name=name, title=f"{source.title} ({index})",
                                      passages=tuple(passages))
        (folder / f"{name}.md").write_text(write_transcript(derived), encoding="utf-8")
        texts.extend(p.text for p in passages)
        size += chars
        index += 1
    return texts


@dataclass
class Timings:
    """Wall-clock and CPU seconds of each run of one contender."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def measure(self, run: Callable[[], object]) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        self.cpu.append(time.process_time() - cpu)
        self.wall.append(time.perf_counter() - wall)

    def median(self, cpu: bool = False) -> float:
        return statistics.median(self.cpu if cpu else self.wall)


class Baseline:
    """Raw spaCy sentencizer plus raw sqlite3 executemany, each timed on its own."""

    def __init__(self, texts: list[str], workdir: Path) -> None:
        import spacy

        self.texts = texts
        self.workdir = workdir
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        self.runs = 0
        self.rows: list[tuple[int, int, int, int, str]] = []

    def segment(self) -> int:
        rows: list[tuple[int, int, int, int, str]] = []
        for doc_index, doc in enumerate(self.nlp.pipe(self.texts, batch_size=DEFAULT_BATCH_SIZE)):
            for ordinal, sent in enumerate(doc.sents, start=1):
                rows.append((doc_index, ordinal, sent.start_char, sent.end_char, sent.text))
        self.rows = rows
        return len(rows)

    def insert(self) -> None:
        self.runs += 1
        conn = sqlite3.connect(self.workdir / f"baseline-{self.runs}.db")
        conn.execute('CREATE TABLE segments (doc INTEGER, ordinal INTEGER, start INTEGER, "end" INTEGER, '
                     "text TEXT)")
        conn.commit()
        conn.executemany("INSERT INTO segments VALUES (?, ?, ?, ?, ?)", self.rows)
        conn.commit()
        conn.close()


class Qcode:
    """The import path, each run into a fresh project made before the clock starts."""

    def __init__(self, corpus: Path, workdir: Path) -> None:
        self.corpus = corpus
        self.workdir = workdir
        self.runs = 0
        self.segments = 0
        self.url = ""

    def fresh(self) -> None:
        self.runs += 1
        self.url = f"sqlite:///{self.workdir / f'qcode-{self.runs}.db'}"
        open_store(self.url, create=True).close()

    def run(self) -> int:
        store = open_store(self.url)
        try:
            parsed: list[ParsedTranscript] = [read_file(p) for p in collect_paths([self.corpus])]
            with transaction(store.sessions) as session:
                report = import_transcripts(session, parsed, mode="sentence")
        finally:
            store.close()
        self.segments = report.segments
        return report.segments


def main() -> None:
    args = parse_args()
    load_nlp()
    with tempfile.TemporaryDirectory(prefix="qcode-bench-") as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        corpus.mkdir()
        texts = make_corpus(corpus, int(args.mb * 1_000_000), args.file_kb * 1024)
        files = len(list(corpus.iterdir()))
        print(f"corpus: {files:,} files, {len(texts):,} passages, {sum(map(len, texts)) / 1e6:.1f} M chars")

        base = Baseline(texts, root)
        ours = Qcode(corpus, root)
        base.segment()  # warm-up: both vocabularies see every word once
        base.insert()
        ours.fresh()
        ours.run()
        seg, ins, imp = Timings(), Timings(), Timings()
        for _ in range(args.repeat):  # interleaved, so a busy machine slows both alike
            seg.measure(base.segment)
            ins.measure(base.insert)
            ours.fresh()
            imp.measure(ours.run)
        report(seg, ins, imp, len(base.rows), ours.segments)


def report(seg: Timings, ins: Timings, imp: Timings, sentences: int, segments: int) -> None:
    """Medians side by side, wall clock first, CPU time (what a busy machine cannot inflate) second."""
    print(f"medians of {len(imp.wall)} runs           wall s    cpu s")
    for label, t in (("baseline spaCy sentencizer (nlp.pipe)", seg), ("baseline sqlite3 executemany", ins)):
        print(f"  {label:<38}{t.median():7.2f}  {t.median(cpu=True):7.2f}")
    base_wall = seg.median() + ins.median()
    base_cpu = seg.median(cpu=True) + ins.median(cpu=True)
    print(f"  {'baseline total':<38}{base_wall:7.2f}  {base_cpu:7.2f}   {sentences:,} sentences")
    print(f"  {'qcode import (read..commit)':<38}{imp.median():7.2f}  {imp.median(cpu=True):7.2f}   "
          f"{segments:,} segments")
    print(f"  qcode runs (wall): {', '.join(f'{t:.2f}' for t in imp.wall)}")
    ratio, ratio_cpu = imp.median() / base_wall, imp.median(cpu=True) / base_cpu
    verdict = "ok" if ratio <= TARGET else "OVER TARGET"
    print(f"  ratio {ratio:.2f}x wall, {ratio_cpu:.2f}x cpu (target <= {TARGET}x): {verdict}")


if __name__ == "__main__":
    main()
