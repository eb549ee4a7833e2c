"""The whole `qcode import` command beside a whole raw script, on 1 MB and 10 MB of transcripts, interleaved.

The corpus is made from the shipped transcripts (``transcripts/*.md``): each derived file is one
interviewee's transcript under a new name, its passages repeated to about ``--file-kb`` KiB
(a long interview), written as qcode Markdown until the passage text reaches the size. Two
corpora per size, because spaCy's tokenizer caches every word it has seen:

* repeated: the shipped text as it is, repeated (few new words: the cache serves most);
* unique: the same with one word in five made unique (a new word for the tokenizer each time).

Timed in alternating rounds, each a fresh process into a new database file:

* qcode: the installed ``qcode --db NEW.db import CORPUS`` (start-up, project creation, reading,
  spaCy loading, segmentation, inserts, events, commit);
* baseline: this file's ``--raw`` mode, a whole script that imports spaCy (blank "en" with the
  sentencizer), reads every file's passages, segments them with ``nlp.pipe``, and writes documents
  and sentence rows with ``sqlite3`` ``executemany`` into a new file, then commits.

Printed per side: median, min and max wall time, CPU time and peak memory, and the ratios.
Targets: ≤ 1.25× the raw script at 1 MB and 10 MB; peak memory at 10 MB ≤ 1.1× the script's.

    .venv/bin/python bench/import.py [--mb 1,10] [--corpus repeated,unique] [--pairs 5] [--smoke]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
import tempfile
from pathlib import Path

from harness import TRANSCRIPTS, add_options, compare, qcode_command, rounds, run_process, show

TARGET, MEMORY_TARGET = 1.25, 1.1
BATCH_SIZE = 256  # qcode's DEFAULT_BATCH_SIZE, so both sides batch alike


def unique_words(text: str, counter: itertools.count[int]) -> str:
    """Every fifth word gets a unique suffix (letters only, so it stays one token)."""
    words = text.split(" ")
    for i in range(0, len(words), 5):
        n = next(counter)
        suffix = ""
        while True:
            n, r = divmod(n, 26)
            suffix += chr(97 + r)
            if not n:
                break
        words[i] = words[i] + "q" + suffix
    return " ".join(words)


def make_corpus(folder: Path, target_chars: int, file_chars: int, unique: bool) -> int:
    """Write derived transcript files into ``folder``; return the passage characters written."""
    from qcode.ingest.transcript import read_transcript, write_transcript
    from qcode.ingest.types import ParsedPassage

    sources = [t for t in map(read_transcript, sorted(TRANSCRIPTS.glob("*.md"))) if t.passages]
    counter = itertools.count(1)
    size = index = 0
    while size < target_chars:
        source = sources[index % len(sources)]
        passages: list[ParsedPassage] = []
        chars = 0
        while chars < file_chars:
            for p in source.passages:
                text = unique_words(p.text, counter) if unique else p.text
                passages.append(dataclasses.replace(p, text=text))
                chars += len(text)
        name = f"{source.name}-{index:05d}"
        derived = dataclasses.replace(
            source, name=name, title=f"{source.title} ({index})", passages=tuple(passages)
        )
        (folder / f"{name}.md").write_text(write_transcript(derived), encoding="utf-8")
        size += chars
        index += 1
    return size


# -- the baseline: a whole raw script (run as `python bench/import.py --raw CORPUS DB`) ----------


def raw_passages(path: Path) -> list[str]:
    """The passage texts of one qcode Markdown transcript, read plainly (no validation)."""
    passages: list[str] = []
    current: list[str] = []
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    for line in body.splitlines():
        if line.startswith("## "):
            if current:
                passages.append("\n".join(current).strip())
            current = []
        elif not line.startswith(("# ", "- section:", "- lines:", "- speaker:")):
            current.append(line)
    if current:
        passages.append("\n".join(current).strip())
    return [p for p in passages if p]


def raw_import(corpus: Path, db: Path) -> None:
    """Read, segment and store every transcript with spaCy and sqlite3, nothing else."""
    import sqlite3

    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    files = sorted(corpus.glob("*.md"))
    texts = [(doc, text) for doc, path in enumerate(files, 1) for text in raw_passages(path)]
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, name TEXT, text TEXT)")
    conn.execute(
        "CREATE TABLE segments (id INTEGER PRIMARY KEY, document INTEGER, ordinal INTEGER,"
        ' start INTEGER, "end" INTEGER, text TEXT)'
    )
    conn.executemany(
        "INSERT INTO documents VALUES (?, ?, ?)",
        [(doc, path.stem, path.read_text(encoding="utf-8")) for doc, path in enumerate(files, 1)],
    )
    rows = []
    ordinal = 0
    for (doc, _), parsed in zip(texts, nlp.pipe((t for _, t in texts), batch_size=BATCH_SIZE), strict=True):
        for sent in parsed.sents:
            ordinal += 1
            rows.append((doc, ordinal, sent.start_char, sent.end_char, sent.text))
    conn.executemany(
        'INSERT INTO segments (document, ordinal, start, "end", text) VALUES (?, ?, ?, ?, ?)', rows
    )
    conn.commit()
    conn.close()


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--raw":
        raw_import(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(__doc__ or "").split("\n", 1)[1],
    )
    parser.add_argument("--mb", default="1,10", help="corpus sizes in MB of passage text (default 1,10)")
    parser.add_argument("--corpus", default="repeated,unique", help="corpora: repeated, unique or both")
    parser.add_argument("--file-kb", type=int, default=48, help="approximate size of one file, in KiB")
    args = add_options(parser).parse_args()
    sizes = [0.05] if args.smoke else [float(mb) for mb in args.mb.split(",")]
    corpora = ["unique"] if args.smoke else args.corpus.split(",")
    file_kb = 8 if args.smoke else args.file_kb
    qcode = qcode_command()
    with tempfile.TemporaryDirectory(prefix="qcode-bench-") as tmp:
        root = Path(tmp)
        for mb, kind in itertools.product(sizes, corpora):
            corpus = root / f"corpus-{mb}-{kind}"
            corpus.mkdir()
            chars = make_corpus(corpus, int(mb * 1_000_000), file_kb * 1024, unique=kind == "unique")
            files = len(list(corpus.iterdir()))
            print(f"corpus {kind}: {files:,} files, {chars / 1e6:.1f} M chars of passages")
            dbs = itertools.count()

            def fresh(side: str, corpus: Path = corpus, dbs: itertools.count[int] = dbs) -> Path:
                return corpus.parent / f"{corpus.name}-{side}-{next(dbs)}.db"

            results = compare(
                {
                    "raw script (spaCy sentencizer + sqlite3)": lambda c=corpus: run_process(
                        [sys.executable, __file__, "--raw", str(c), str(fresh("raw", c))]
                    ),
                    "qcode import (whole command)": lambda c=corpus: run_process(
                        [qcode, "--db", str(fresh("qcode", c)), "import", str(c)]
                    ),
                },
                pairs=rounds(args),
            )
            show(
                f"import, {mb:g} MB {kind}",
                results,
                baseline="raw script (spaCy sentencizer + sqlite3)",
                target=TARGET,
                memory_target=MEMORY_TARGET if mb >= 10 else None,
            )
            for stale in root.glob(f"{corpus.name}-*"):
                stale.unlink()


if __name__ == "__main__":
    main()
