"""Sentence segmentation beside raw spaCy (blank "en" + sentencizer, `nlp.pipe`), interleaved.

The texts are the shipped transcripts' passages (``transcripts/*.md``), repeated to ``--mb`` MB, in
two shapes (passage-sized texts, ~600 characters; and line-sized pieces of about 12 words, where
per-document costs weigh most) and two corpora, because spaCy's tokenizer caches every word:

* repeated: the text as shipped (few new words: the cache serves most);
* unique: one word in five made unique (a new word for the tokenizer each time).

Each run is a fresh process that loads its pipeline and builds the texts, then times only the
segmentation (so both start with a cold vocabulary): qcode's ``segment_texts`` (sentence offsets)
against ``nlp.pipe`` with ``doc.sents``, same batch size. Printed per side: median, min and max
wall time, CPU time and peak memory, and the ratios. Target: ≤ 1.2× the raw pipeline.

    .venv/bin/python bench/segment.py [--mb 5] [--pairs 5] [--smoke]
"""

from __future__ import annotations

import argparse
import itertools
import sys

from harness import TRANSCRIPTS, add_options, child_report, compare, rounds, run_self, show

TARGET = 1.2
SHAPES = ("passage", "line")
CORPORA = ("repeated", "unique")


def texts(shape: str, corpus: str, mb: float) -> list[str]:
    """The shipped passages in ``shape``, made unique one word in five for ``unique``, to ``mb`` MB."""
    from qcode.ingest.transcript import read_transcript

    passages = [p.text for path in sorted(TRANSCRIPTS.glob("*.md")) for p in read_transcript(path).passages]
    if shape == "line":
        words = " ".join(passages).split()
        passages = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
    counter = itertools.count(1)
    out: list[str] = []
    size = 0
    while size < mb * 1_000_000:
        for text in passages:
            if corpus == "unique":
                words = text.split(" ")
                for i in range(0, len(words), 5):
                    words[i] += f"q{next(counter):x}".translate(str.maketrans("0123456789", "ghijklmnop"))
                text = " ".join(words)
            out.append(text)
            size += len(text)
    return out


def child(side: str, shape: str, corpus: str, mb: float) -> None:
    """(In a fresh process.) Load the pipeline, build the texts, time the segmentation alone."""
    from qcode.ingest.segment import DEFAULT_BATCH_SIZE, load_nlp, segment_texts

    items = texts(shape, corpus, mb)
    if side == "qcode":
        load_nlp()
        child_report(lambda: sum(len(spans) for spans in segment_texts(items, mode="sentence")))
    else:
        import spacy

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        child_report(lambda: sum(len(list(d.sents)) for d in nlp.pipe(items, batch_size=DEFAULT_BATCH_SIZE)))


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n", 1)[1],
    )
    parser.add_argument("--mb", type=float, default=5.0, help="characters of text per run, in MB")
    args = add_options(parser).parse_args()
    mb = 0.05 if args.smoke else args.mb
    for shape, corpus in itertools.product(SHAPES, CORPORA):
        if args.smoke and (shape, corpus) != ("passage", "unique"):
            continue
        case = (shape, corpus, str(mb))
        results = compare(
            {
                "spaCy blank + sentencizer, nlp.pipe": lambda c=case: run_self(
                    __file__, "--child", "raw", *c
                ),
                "qcode segment_texts": lambda c=case: run_self(__file__, "--child", "qcode", *c),
            },
            pairs=rounds(args),
        )
        show(f"segmentation, {mb:g} MB {shape}-sized {corpus}", results,
             baseline="spaCy blank + sentencizer, nlp.pipe", target=TARGET)  # fmt: skip


if __name__ == "__main__":
    main()
