"""A large synthetic project for bench/tui.py: documents × segments, a codebook, coders and codings.

Written with plain sqlite3 executemany into a schema made by qcode's own migrations, and cached
by size in the temp folder (``QCODE_BENCH_DIR`` to move it), because 1,000,000 segments take a
while to write.
"""

from __future__ import annotations

import os
import random
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

from qcode.config import RESERVED_HOTKEYS

WORDS = [
    "we",
    "worked",
    "from",
    "six",
    "in",
    "the",
    "morning",
    "until",
    "late",
    "at",
    "night",
    "and",
    "the",
    "wages",
    "went",
    "to",
    "the",
    "state",
    "as",
    "a",
    "loyalty",
    "payment",
    "nobody",
    "could",
    "leave",
    "the",
    "camp",
    "without",
    "a",
    "supervisor",
    "our",
    "passports",
    "were",
    "kept",
    "by",
    "the",
    "manager",
    "when",
    "I",
    "came",
    "home",
    "I",
    "had",
    "almost",
    "nothing",
    "saved",
    "the",
    "selection",
    "took",
    "almost",
    "a",
    "year",
    "and",
    "needed",
    "a",
    "clean",
    "family",
    "record",
    "some",
    "people",
    "paid",
    "bribes",
    "to",
    "officials",
    "to",
    "be",
    "chosen",
    "the",
    "dormitory",
    "was",
    "locked",
]
COUNTRIES = ("Russia", "China", "Qatar", "Kuwait", "Poland", "Mongolia")
OCCUPATIONS = ("logger", "builder", "seamstress", "miner", "cook", "driver")
CODERS = ("alice", "bob", "carol")


def bench_db_path(documents: int, per_doc: int, codings: int) -> Path:
    """Where the project of this size is cached."""
    folder = Path(os.environ.get("QCODE_BENCH_DIR") or tempfile.gettempdir())
    return folder / f"qcode-bench-{documents}x{per_doc}-{codings}.db"


def hotkeys(count: int) -> list[str]:
    """The first ``count`` keys a codebook may use."""
    pool = [c for c in "abcdefhilopqrstwxyz0123456789BDEHIJKLMOPQRSUVWXYZ" if c not in RESERVED_HOTKEYS]
    return pool[:count]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 30))
    return " ".join(words).capitalize() + "."


def build(
    path: Path, documents: int, per_doc: int, codings: int, *, per_passage: int = 10, codes: int = 40
) -> Path:
    """Create the project at ``path`` unless it is already there; returns ``path``."""
    if path.exists():
        return path
    from qcode.store.migrate import open_store

    tmp = path.with_suffix(".part")
    for stale in tmp.parent.glob(tmp.name + "*"):
        stale.unlink()
    open_store(f"sqlite:///{tmp}", create=True).close()
    started = time.perf_counter()
    rng = random.Random(42)
    now = "2026-01-01 00:00:00.000000"
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    with conn:
        conn.executemany(
            "INSERT INTO coders (id, guid, name, created_at) VALUES (?, ?, ?, ?)",
            [(i + 1, str(uuid.uuid4()), name, now) for i, name in enumerate(CODERS)],
        )
        keys = hotkeys(codes)
        conn.executemany(
            "INSERT INTO codes (id, guid, key, name, parent_id, description, inclusion, exclusion,"
            " example_text, example_interviewee, keywords, colour, hotkey, ordinal, created_at)"
            " VALUES (?, ?, ?, ?, NULL, ?, '', '', '', '', '[]', ?, ?, ?, ?)",
            [
                (i + 1, str(uuid.uuid4()), f"code{i:02d}", f"Code {i:02d}", f"Synthetic code {i}.",
                 f"#{rng.randrange(0x1000000):06x}", keys[i] if i < len(keys) else None, i, now)
                for i in range(codes)
            ],
        )  # fmt: skip
        seg_id = passage_id = 0
        for d in range(documents):
            sentences = [_sentence(rng) for _ in range(per_doc)]
            text = " ".join(sentences)
            attrs = (
                f'{{"gender": "{rng.choice("MF")}", "country": "{rng.choice(COUNTRIES)}",'
                f' "occupation": "{rng.choice(OCCUPATIONS)}"}}'
            )
            conn.execute(
                "INSERT INTO documents (id, guid, name, title, source_path, content_hash, text, attributes,"
                " segmentation, created_at) VALUES (?, ?, ?, ?, '', ?, ?, ?, 'sentence', ?)",
                (d + 1, str(uuid.uuid4()), f"D{d:04d}", f"Interviewee {d}", f"{d:064d}", text, attrs, now),
            )
            passages, segments, pos = [], [], 0
            for i, sentence in enumerate(sentences):
                if i % per_passage == 0:
                    passage_id += 1
                    end = sum(len(s) + 1 for s in sentences[i : i + per_passage]) - 1
                    number = i // per_passage + 1
                    passages.append((passage_id, d + 1, number, f"Section {number}", pos, pos + end))
                seg_id += 1
                segments.append((seg_id, d + 1, passage_id, i + 1, pos, pos + len(sentence), sentence))
                pos += len(sentence) + 1
            conn.executemany(
                "INSERT INTO passages (id, document_id, ordinal, section, speaker, source_lines, start,"
                ' "end") VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)',
                passages,
            )
            conn.executemany(
                'INSERT INTO segments (id, document_id, passage_id, ordinal, start, "end", text)'
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                segments,
            )
        rows = set()
        while len(rows) < codings:
            rows.add((rng.randint(1, len(CODERS)), rng.randint(1, seg_id), rng.randint(1, codes)))
        ordered = sorted(rows)
        rng.shuffle(ordered)
        conn.executemany(
            "INSERT INTO codings (guid, coder_id, segment_id, code_id, memo, created_at)"
            " VALUES (?, ?, ?, ?, NULL, ?)",
            [(str(uuid.uuid4()), c, s, k, now) for c, s, k in ordered],
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    tmp.rename(path)
    for extra in ("-wal", "-shm"):
        Path(str(tmp) + extra).unlink(missing_ok=True)
    print(f"built {path} in {time.perf_counter() - started:.1f} s")
    return path
