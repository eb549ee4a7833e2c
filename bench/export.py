"""The whole `qcode export segments` command beside the `sqlite3 -csv` shell on the same join, interleaved.

For each size (default 1,000,000 and 100,000 codings) builds a project of documents × 2,500
segments, 20 codes and 4 coders who each code every segment once (raw ``executemany``), then
times, in alternating rounds, two fresh processes writing the same CSV file:

- baseline: ``sqlite3 -csv -header`` running qcode's own export query (``long_sql``: the same
  join, the same attribute columns and the same spreadsheet-formula guard, computed by SQLite);
- qcode: the installed ``qcode --db FILE export segments --out FILE --force`` (start-up, imports,
  schema check and writing included).

Printed per side: median, min and max wall time, CPU time and peak memory, and the ratios.
Targets: ≤ 1.25× the shell at 1,000,000 codings, ≤ 1.5× at 100,000.

    .venv/bin/python bench/export.py [--codings 1000000,100000] [--pairs 5] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

from harness import add_options, compare, qcode_command, rounds, run_process, show

DOCS, SEGMENTS_PER_DOC, PASSAGES_PER_DOC, CODES, CODERS = 100, 2_500, 50, 20, 4
WORDS = (
    "we",
    "worked",
    "sixteen",
    "hours",
    "the",
    "manager",
    "took",
    "passports",
    "money",
    "sent",
    "home",
    "bribery",
    "dormitory",
    "Russia",
    "quota",
    "paid",
    "dollars",
    "guard",
    "never",
    "enough",
)
ODD = (
    'He said "pay, then go".',
    "=SUM(A1) on the form.",
    "-5 degrees, we still worked.",
    "Line one\nline two.",
)


def _sentence(rng: random.Random, i: int) -> str:
    if i % 97 == 0:
        return ODD[i % len(ODD)]
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + "."


def build(path: Path, docs: int, per_doc: int) -> int:
    """A migrated project with exactly ``docs`` × ``per_doc`` × CODERS codings."""
    from qcode.store.migrate import open_store

    open_store(f"sqlite:///{path}", create=True).close()
    rng = random.Random(8)
    now = "2024-05-01 09:30:00.000000"
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO coders (id, guid, name, created_at) VALUES (?, ?, ?, ?)",
            [(i, str(uuid.uuid4()), f"coder{i}", now) for i in range(1, CODERS + 1)],
        )
        conn.executemany(
            "INSERT INTO codes (id, guid, key, name, parent_id, description, inclusion, exclusion,"
            " example_text, example_interviewee, keywords, colour, ordinal, created_at)"
            " VALUES (?, ?, ?, ?, ?, '', '', '', '', '', '[]', '#888888', ?, ?)",
            [
                (i, str(uuid.uuid4()), f"code-{i}", f"Code {i}", None if i <= 4 else 1 + i % 4, i, now)
                for i in range(1, CODES + 1)
            ],
        )
        seg_id = pas_id = 0
        for d in range(1, docs + 1):
            sentences = [_sentence(rng, d * per_doc + s) for s in range(per_doc)]
            per = max(1, per_doc // PASSAGES_PER_DOC)
            passages = [" ".join(sentences[p * per : (p + 1) * per]) for p in range(per_doc // per)]
            text = "\n\n".join(passages)
            attrs = {
                "gender": rng.choice(["Male", "Female"]),
                "country": rng.choice(["Russia", "China", "Kuwait"]),
                "occupation": "construction",
            }
            conn.execute(
                "INSERT INTO documents (id, guid, name, title, source_path, content_hash, text, attributes,"
                " segmentation, created_at) VALUES (?, ?, ?, '', '', ?, ?, ?, 'sentence', ?)",
                (d, str(uuid.uuid4()), f"D{d:03d}", f"{d:064d}", text, json.dumps(attrs), now),
            )
            pos = 0
            p_rows: list[tuple[object, ...]] = []
            s_rows: list[tuple[object, ...]] = []
            for p_ord, passage in enumerate(passages, start=1):
                pas_id += 1
                p_rows.append((pas_id, d, p_ord, "Section › Sub", pos, pos + len(passage)))
                for s in sentences[(p_ord - 1) * per : p_ord * per]:
                    seg_id += 1
                    s_rows.append((seg_id, d, pas_id, len(s_rows) + 1, pos, pos + len(s), s))
                    pos += len(s) + 1
                pos += 1
            conn.executemany(
                'INSERT INTO passages (id, document_id, ordinal, section, start, "end")'
                " VALUES (?, ?, ?, ?, ?, ?)",
                p_rows,
            )
            conn.executemany(
                'INSERT INTO segments (id, document_id, passage_id, ordinal, start, "end", text)'
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                s_rows,
            )
        conn.executemany(
            "INSERT INTO codings (guid, coder_id, segment_id, code_id, memo, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    c,
                    s,
                    1 + (s * 7 + c) % CODES,
                    "=check" if s % 1000 == 0 else None,
                    now,
                )
                for s in range(1, seg_id + 1)
                for c in range(1, CODERS + 1)
            ),
        )
    total = conn.execute("SELECT count(*) FROM codings").fetchone()[0]
    conn.close()
    return int(total)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n", 1)[1],
    )
    parser.add_argument(
        "--codings",
        default="1000000,100000",
        help="project sizes in codings, comma-separated (multiples of 10,000; default 1000000,100000)",
    )
    args = add_options(parser).parse_args()
    shell = shutil.which("sqlite3")
    if shell is None:
        sys.exit("bench/export: the sqlite3 shell is missing (apt-get install sqlite3)")
    sizes = [4_000] if args.smoke else [int(n) for n in args.codings.split(",")]
    for size in sizes:
        bench_size(shell, size, rounds(args))


def bench_size(shell: str, codings: int, pairs: int) -> None:
    """Build a project of ``codings`` codings and time the command beside the shell."""
    from qcode.export.service import long_sql
    from qcode.store.migrate import open_store

    per_doc = min(SEGMENTS_PER_DOC, codings // CODERS)
    docs = max(1, codings // (CODERS * per_doc))
    with tempfile.TemporaryDirectory(prefix="qcode-bench-") as tmp:
        db, out = Path(tmp) / "bench.db", Path(tmp) / "out.csv"
        t0 = time.perf_counter()
        total = build(db, docs, per_doc)
        took = time.perf_counter() - t0
        print(f"built {total:,} codings ({docs} documents × {per_doc:,} segments) in {took:.1f} s")
        store = open_store(f"sqlite:///{db}")
        with store.sessions() as session:
            sql = long_sql(session)
        store.close()
        qcode = qcode_command()
        env = {**os.environ, "COLUMNS": "80"}
        results = compare(
            {
                "sqlite3 -csv, qcode's export query": lambda: run_process(
                    [shell, "-csv", "-header", str(db), sql], stdout=out
                ),
                "qcode export segments (whole command)": lambda: run_process(
                    [qcode, "--db", str(db), "export", "segments", "--out", str(out), "--force"], env=env
                ),
            },
            pairs=pairs,
            warmup=True,
        )
        lines = sum(1 for _ in out.open("rb"))
        size = out.stat().st_size
    print(f"  {total:,} codings, {size / 1e6:.1f} MB of CSV ({lines:,} lines)")
    target = 1.25 if codings >= 1_000_000 else 1.5
    show(
        f"export segments, {total:,} codings",
        results,
        baseline="sqlite3 -csv, qcode's export query",
        target=target,
    )


if __name__ == "__main__":
    main()
