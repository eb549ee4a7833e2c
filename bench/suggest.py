"""Code suggestions: quality against the reference coding beside a keyword-match baseline, and speed.

Builds the demo project (``qcode demo``'s corpus and codebook) in a temporary folder, checks that its
segments are the ones ``tests/data/reference/`` was coded on, then:

* quality, leave one document out: for each document, the suggester learns from N coded segments of
  the other documents (their reference codes, taken in reading order from the documents shuffled
  per seed) and suggests for that document's segments the reference gives a code. Printed per N
  (0 = the codebook alone, then the learning curve 25, 50, 100, 200): precision@1, precision@3 and
  recall@3, averaged over segments, beside the keyword baseline computed on the same segments in the
  same run (codes ranked by how many of their codebook keywords occur in the segment, whole words,
  case-insensitive, plural -s/-es allowed; no keyword, no suggestion). Also: the share of those
  segments given any suggestion, and of the segments the reference leaves uncoded.
* refresh: the time to take in one more coding and suggest again for the current segment, beside
  rebuilding the suggester from the database (what a refresh would cost without the incremental
  update), interleaved, with the reference coder's 547 codings loaded.
* at scale, on bench/tui.py's synthetic project (default 500 documents × 2,000 segments, 200,000
  codings, cached by ``tui_data.py``): the coding screen's suggester for coder alice — reading her
  codings, building it, and one refresh after a change (learn the open document's codings, suggest
  for the cursor's segment) — and the keypress path: bench/tui.py's toggles (key → first frame
  showing the change) with suggestions on and with them off, interleaved round by round.

    .venv/bin/python bench/suggest.py [--seeds 5] [--pairs 5] [--toggles 60] [--smoke]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness import REPO, BenchError, Sample, add_options, compare, load, rounds, run_inline, show

from qcode.suggest.model import CodeCard, Example

REFERENCE = REPO / "tests" / "data" / "reference"
CURVE = (0, 25, 50, 100, 200)


@dataclass(frozen=True)
class Corpus:
    """The demo project's segments (with context) and the reference codes, by segment id."""

    url: str
    conn: sqlite3.Connection
    documents: dict[str, list[Example]]  # name -> its segments in order
    codes: dict[int, frozenset[str]]  # segment id -> reference codes (only coded segments)


def build_demo(folder: Path) -> str:
    """A fresh demo project in ``folder`` (as `qcode demo` makes it); returns its URL."""
    from qcode.project.service import create_demo
    from qcode.store.engine import transaction
    from qcode.store.migrate import open_store

    url = f"sqlite:///{folder / 'qcode.db'}"
    store = open_store(url, create=True)
    try:
        with transaction(store.sessions) as session:
            create_demo(session)
    finally:
        store.close()
    return url


def read_corpus(url: str) -> Corpus:
    """Segments of every document and the reference codes, after checking the segmentation."""
    from qcode.coding.queries import list_documents
    from qcode.suggest.queries import document_examples

    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    documents = {d.name: document_examples(conn, d.id) for d in list_documents(conn, attributes=False)}
    by_place = {(ex.document, ex.ordinal): ex for exs in documents.values() for ex in exs}
    with (REFERENCE / "segments.csv").open(encoding="utf-8") as fh:
        reviewed = list(csv.DictReader(fh))
    for row in reviewed:
        ex = by_place.get((row["document"], int(row["segment"])))
        digest = hashlib.sha256(ex.text.encode()).hexdigest()[:16] if ex is not None else None
        if digest != row["sha256"]:
            raise BenchError(f"segment {row['document']} {row['segment']} is not the one the reference coded")
    if len(reviewed) != len(by_place):
        raise BenchError(f"the reference read {len(reviewed)} segments, the demo has {len(by_place)}")
    codes: dict[int, set[str]] = defaultdict(set)
    with (REFERENCE / "codings.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            codes[by_place[(row["document"], int(row["segment"]))].segment_id].add(row["code"])
    return Corpus(url, conn, documents, {k: frozenset(v) for k, v in codes.items()})


# -- quality ------------------------------------------------------------------------------------


class KeywordBaseline:
    """Codes ranked by the number of their codebook keywords found in the text (ties: codebook order)."""

    def __init__(self, cards: Sequence[CodeCard]) -> None:
        self.patterns = [
            (card.key, [re.compile(rf"\b{re.escape(k.lower())}(?:s|es)?\b") for k in card.keywords])
            for card in cards
        ]

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        low = text.lower()
        hits = [
            (sum(1 for p in pats if p.search(low)), i, key) for i, (key, pats) in enumerate(self.patterns)
        ]
        return [key for n, _i, key in sorted(hits, key=lambda h: (-h[0], h[1])) if n > 0][:limit]


@dataclass
class Tally:
    """Precision@1, precision@3 and recall@3 summed over segments, and coverage."""

    p1: float = 0.0
    p3: float = 0.0
    r3: float = 0.0
    segments: int = 0
    answered: int = 0
    uncoded: int = 0
    uncoded_answered: int = 0

    def add(self, top: Sequence[str], gold: frozenset[str] | None) -> None:
        if not gold:
            self.uncoded += 1
            self.uncoded_answered += bool(top)
            return
        hits = len(set(top[:3]) & gold)
        self.segments += 1
        self.answered += bool(top)
        self.p1 += 1.0 if top and top[0] in gold else 0.0
        self.p3 += hits / 3
        self.r3 += hits / len(gold)

    def row(self) -> str:
        n = max(1, self.segments)
        return (
            f"{self.p1 / n:6.3f} {self.p3 / n:6.3f} {self.r3 / n:6.3f}"
            f" {self.answered / n:6.0%} {self.uncoded_answered / max(1, self.uncoded):6.0%}"
        )


def training(corpus: Corpus, held: str, n: int, seed: int) -> list[tuple[Example, frozenset[str]]]:
    """The first ``n`` coded segments of the other documents, read in a shuffled document order."""
    others = sorted(d for d in corpus.documents if d != held)
    random.Random(f"{seed}:{held}").shuffle(others)
    out: list[tuple[Example, frozenset[str]]] = []
    for name in others:
        for ex in corpus.documents[name]:
            codes = corpus.codes.get(ex.segment_id)
            if codes and len(out) < n:
                out.append((ex, codes))
    return out


def quality(corpus: Corpus, curve: Sequence[int], seeds: int, held_out: Sequence[str]) -> None:
    """The learning curve beside the keyword baseline, leave one document out."""
    from qcode.suggest.model import Suggester
    from qcode.suggest.queries import code_cards

    cards = code_cards(corpus.conn)
    baseline = KeywordBaseline(cards)
    print(f"quality: leave one document out over {len(held_out)} documents, {seeds} seed(s), load {load()}")
    print(f"  {'coded':>5}   {'suggester':^34}   {'keyword baseline':^34}")
    print(f"  {'':>5}   {'P@1':>6} {'P@3':>6} {'R@3':>6} {'any':>6} {'uncod':>6}" * 1, end="")
    print(f"   {'P@1':>6} {'P@3':>6} {'R@3':>6} {'any':>6} {'uncod':>6}")
    for n in curve:
        ours, theirs = Tally(), Tally()
        for seed in range(seeds if n else 1):  # with nothing coded every seed is the same
            for held in held_out:
                segs = corpus.documents[held]
                model = Suggester(cards, [ex.text for ex in segs], training(corpus, held, n, seed))
                for ex in segs:
                    gold = corpus.codes.get(ex.segment_id)
                    found = model.suggest(ex.text, ex.context, segment_id=ex.segment_id)
                    ours.add([s.code for s in found], gold)
                    theirs.add(baseline.suggest(ex.text), gold)
        print(f"  {n:>5}   {ours.row()}   {theirs.row()}", flush=True)
    print("  any: share of coded segments given a suggestion; uncod: of segments the reference left uncoded")


# -- speed --------------------------------------------------------------------------------------


def import_reference(url: str) -> None:
    """Load the reference coding into the project as coder ``reference``."""
    from qcode.exchange.codings_csv import import_codings_csv
    from qcode.store.engine import transaction
    from qcode.store.migrate import open_store

    store = open_store(url)
    try:
        with transaction(store.sessions) as session:
            import_codings_csv(session, REFERENCE / "codings.csv")
    finally:
        store.close()


def speed(corpus: Corpus, pairs: int, updates: int) -> None:
    """Incremental refresh (one coding in, suggest again) beside a rebuild from the database."""
    from qcode.suggest.service import build_suggester, coder_named

    import_reference(corpus.url)
    coder = coder_named(corpus.conn, "reference")
    segs = [ex for exs in corpus.documents.values() for ex in exs]
    model = build_suggester(corpus.conn, coder.id, [ex.text for ex in corpus.documents["R"]])
    rng = random.Random(3)
    picks = [(rng.choice(segs), rng.choice(model.codes)) for _ in range(updates)]

    def refresh() -> None:
        for ex, key in picks:
            now = set(corpus.codes.get(ex.segment_id, frozenset()))
            model.set_codes(ex, now ^ {key})
            model.suggest(ex.text, ex.context, segment_id=ex.segment_id)
            model.set_codes(ex, now)

    def rebuild() -> None:
        build_suggester(corpus.conn, coder.id, [ex.text for ex in corpus.documents["R"]])

    base, ours = "rebuild from the database", "refresh"
    cases = {base: lambda: run_inline(rebuild), ours: lambda: run_inline(refresh)}
    results = compare(cases, pairs=pairs, quiet=True)
    one = results[ours]
    one.samples = [Sample(s.wall / (2 * updates), s.cpu / (2 * updates)) for s in one.samples]
    print(f"speed: the suggester holds {model.coded_count()} coded segments ({len(segs)} in the project)")
    show("one refresh (a coding in or out, suggest again) vs a rebuild", results, baseline=base, unit="ms")


# -- at scale: the coding screen's suggester and the keypress path --------------------------------


def at_scale(documents: int, per_doc: int, codings: int, pairs: int, toggles: int) -> None:
    """Build, refresh and keypress figures on bench/tui.py's synthetic project."""
    import asyncio
    import os
    import time

    from tui import measure_app, summary
    from tui_data import bench_db_path, build

    from qcode.coding.queries import codebook, find_coder, list_documents, load_transcript
    from qcode.tui.suggesting import SuggestionEngine

    db = build(bench_db_path(documents, per_doc, codings), documents, per_doc, codings)
    print(f"at scale: {documents:,} documents × {per_doc:,} segments, {codings:,} codings; load {load()}")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        coder = find_coder(conn, "alice")
        assert coder is not None
        codes = codebook(conn)
        transcript = load_transcript(conn, list_documents(conn, attributes=False)[0], coder.id)
        engine = SuggestionEngine(coder.id, codes)
        started = time.perf_counter()
        fetched = engine.fetch(conn)
        read = time.perf_counter() - started
        started = time.perf_counter()
        engine.build(fetched, [seg.text for seg in transcript.segments])
        built = time.perf_counter() - started
        print(f"  suggester for alice: read {len(fetched[1]):,} coded segments in {read * 1000:.0f} ms,")
        print(f"  built in {built * 1000:.0f} ms (on a worker thread, pausing every 16 texts)")
        codings_now = dict(transcript.codings)
        rng = random.Random(5)
        times = []
        for _ in range(max(20, toggles)):
            index = rng.randrange(len(transcript.segments))
            seg_id = transcript.segments[index].id
            code_id = rng.choice(codes).id
            before = codings_now.get(seg_id, frozenset())
            codings_now[seg_id] = before ^ {code_id}
            started = time.perf_counter()
            engine.refresh(transcript, codings_now, index)
            times.append(time.perf_counter() - started)
        print(f"  refresh after a change (learn the open document, suggest): {summary(times)}")
    finally:
        conn.close()
    runs: dict[str, list[float]] = {"suggestions on": [], "suggestions off": []}
    for round_ in range(pairs):
        order = ["suggestions off", "suggestions on"][:: 1 if round_ % 2 == 0 else -1]
        for name in order:
            os.environ["QCODE_SUGGEST"] = "1" if name == "suggestions on" else "0"
            runs[name] += asyncio.run(measure_app(db, 0, toggles))["toggle"]
    os.environ.pop("QCODE_SUGGEST", None)
    print(f"  keypress path: code toggle → frame, {pairs} interleaved rounds, load {load()}")
    for name, values in runs.items():
        print(f"    {name:<18} {summary(values)}")
    print("    target (issue 16): median < 10 ms, p95 < 20 ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n", 1)[1],
    )
    parser.add_argument("--seeds", type=int, default=5, help="document orders per point of the curve")
    parser.add_argument("--toggles", type=int, default=60, help="segments toggled on and off per app run")
    parser.add_argument("--scale", default="500,2000,200000", help="documents,segments each,codings")
    parser.add_argument("--parts", default="quality,speed,scale", help="which parts to run (comma-separated)")
    args = add_options(parser).parse_args()
    parts = set(args.parts.split(","))
    pairs = rounds(args)
    if parts & {"quality", "speed"}:
        with tempfile.TemporaryDirectory(prefix="qcode-bench-suggest-") as tmp:
            corpus = read_corpus(build_demo(Path(tmp)))
            try:
                names = sorted(corpus.documents)
                if "quality" in parts:
                    quality(corpus, (0, 25) if args.smoke else CURVE, 1 if args.smoke else max(1, args.seeds),
                            names[:3] if args.smoke else names)  # fmt: skip
                if "speed" in parts:
                    speed(corpus, pairs, 20 if args.smoke else 200)
            finally:
                corpus.conn.close()
    if "scale" in parts:
        documents, per_doc, codings = (2, 500, 200) if args.smoke else map(int, args.scale.split(","))
        at_scale(documents, per_doc, codings, pairs, 4 if args.smoke else args.toggles)


if __name__ == "__main__":
    main()
