"""CSV export of 1,000,000 codings beside the `sqlite3 -csv` shell on the same join, in the same run.

Builds a project of 100 documents × 2,500 segments, 20 codes and 4 coders who each code every
segment once (raw ``executemany``, a few seconds), then times, interleaved, the median of:

- ``sqlite3 -csv -header`` running qcode's own export query (``long_sql``: the same join, the
  same attribute columns and the same spreadsheet-formula guard, computed by SQLite);
- the same shell on the plain join without the guard (for reference);
- qcode's export in-process (``coded_segment_rows`` + ``write_csv``), and
- the whole ``qcode export segments`` command in a fresh interpreter (start-up and imports included).

Target: qcode at most 1.5× the shell on the same query. Usage: ``python bench/export.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

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
LAUNCH = """
import sys
from qcode.cli.common import state
from qcode.cli.export import export_app
state().db = sys.argv[1]
export_app(sys.argv[2:], prog_name="qcode export")
"""


def _sentence(rng: random.Random, i: int) -> str:
    if i % 97 == 0:
        return ODD[i % len(ODD)]
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + "."


def build(path: Path) -> int:
    """A migrated project with exactly DOCS × SEGMENTS_PER_DOC × CODERS codings."""
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
        for d in range(1, DOCS + 1):
            sentences = [_sentence(rng, d * SEGMENTS_PER_DOC + s) for s in range(SEGMENTS_PER_DOC)]
            per = SEGMENTS_PER_DOC // PASSAGES_PER_DOC
            passages = [" ".join(sentences[p * per : (p + 1) * per]) for p in range(PASSAGES_PER_DOC)]
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


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    shell = shutil.which("sqlite3")
    if shell is None:
        sys.exit("bench/export: the sqlite3 shell is missing (apt-get install sqlite3)")
    from qcode.export.service import ExportFilter, coded_segment_rows, long_sql
    from qcode.export.tables import write_csv
    from qcode.store.migrate import open_store

    with tempfile.TemporaryDirectory() as tmp:
        db, out = Path(tmp) / "bench.db", Path(tmp) / "out.csv"
        t0 = time.perf_counter()
        total = build(db)
        print(f"built {total:,} codings in {time.perf_counter() - t0:.1f} s")
        store = open_store(f"sqlite:///{db}")
        with store.sessions() as session:
            sql, plain = long_sql(session), long_sql(session, ExportFilter(), guard=False)

        def run_shell(query: str) -> None:
            with out.open("wb") as fh:
                subprocess.run([shell, "-csv", "-header", str(db), query], stdout=fh, check=True)

        def run_qcode() -> None:
            with (
                store.sessions() as session,
                session.begin(),
                out.open("w", encoding="utf-8", newline="") as fh,
            ):
                stream = coded_segment_rows(session)
                assert write_csv(fh, stream.header, stream.chunks, rendered=stream.rendered) == total

        def run_command() -> None:
            subprocess.run(
                [sys.executable, "-c", LAUNCH, str(db), "segments", "--out", str(out), "--force"],
                check=True,
                capture_output=True,
                env={**os.environ, "COLUMNS": "80"},
            )

        cases: dict[str, Callable[[], object]] = {
            "sqlite3 -csv, qcode's export query": lambda: run_shell(sql),
            "sqlite3 -csv, plain join (no guard)": lambda: run_shell(plain),
            "qcode export (in-process)": run_qcode,
            "qcode export segments (command)": run_command,
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, fn in cases.items():
                times[name].append(_timed(fn))
        store.close()
        size = out.stat().st_size
    med = {name: statistics.median(ts) for name, ts in times.items()}
    base = med["sqlite3 -csv, qcode's export query"]
    print(f"{total:,} codings, {size / 1e6:.0f} MB of CSV, median of {args.runs} runs each:")
    for name, m in med.items():
        print(f"  {name:<38} {m:6.2f} s   {m / base:4.2f}x")
    worst = max(med["qcode export (in-process)"], med["qcode export segments (command)"]) / base
    print(
        f"target: qcode ≤ 1.5x the sqlite3 shell on the same query: {'met' if worst <= 1.5 else 'NOT met'}"
        f" ({worst:.2f}x)"
    )


if __name__ == "__main__":
    main()
