"""`qcode merge` of two copies with ``--codings`` codings per side, beside a raw SQLite copy of the same rows.

Two copies of one project (``--codings`` / 2 segments in documents of 100, 20 codes), written with
plain sqlite3 into a schema made by qcode's migrations: on one, ann has ``--codings`` codings; on
the other, bob has as many, each with its ``coding.add`` event (as if coded on screen). Each round
starts from a fresh copy of ann's project (the copy is not timed) and runs, each a fresh process:

* qcode: the installed ``qcode --db ANN merge BOB`` (reads bob's copy read-only, matches documents by
  content hash, segments by span, codes and coders by GUID, checks removals in both logs, writes
  coder, codings and events in one transaction);
* raw: this file's ``--raw ANN BOB`` mode: sqlite3 ATTACHes bob's copy read-only and copies the same
  rows in one transaction with three INSERT … SELECT statements that match by the same identities
  (coder by GUID, segment by content hash and span, code by GUID, events by GUID) — no checks, no
  report: the floor for moving those rows.

Both must leave the same codings and events. A third line times merging again (nothing to add).

    .venv/bin/python bench/merge.py [--codings 100000] [--pairs 5] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import uuid
from pathlib import Path

from harness import BenchError, add_options, compare, qcode_command, rounds, run_process, show

PER_DOC = 100
CODES = 20
NOW = "2026-01-01 00:00:00.000000"


def build(path: Path, segments: int, seed: int) -> None:
    """A project of ``segments`` segments and ``CODES`` codes, the same on every copy (GUIDs too)."""
    from qcode.store.migrate import open_store

    open_store(f"sqlite:///{path}", create=True).close()
    rnd = random.Random(seed)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO settings (key, value) VALUES ('project_guid', ?)", (str(uuid.UUID(int=seed)),)
        )
        conn.executemany(
            "INSERT INTO codes (id, guid, key, name, description, inclusion, exclusion, example_text,"
            " example_interviewee, keywords, ordinal, created_at)"
            " VALUES (?, ?, ?, ?, '', '', '', '', '', '[]', ?, ?)",
            [
                (k + 1, str(uuid.UUID(int=rnd.getrandbits(128))), f"c{k:02d}", f"Code {k:02d}", k, NOW)
                for k in range(CODES)
            ],
        )
        seg = 0
        for d in range(1, segments // PER_DOC + 1):
            text = " ".join(f"Sentence {i} of document {d}." for i in range(PER_DOC))
            conn.execute(
                "INSERT INTO documents (id, guid, name, title, source_path, content_hash, text, attributes,"
                " segmentation, created_at) VALUES (?, ?, ?, '', '', ?, ?, '{}', 'sentence', ?)",
                (d, str(uuid.UUID(int=rnd.getrandbits(128))), f"D{d:05d}", f"{d:064x}", text, NOW),
            )
            conn.execute(
                'INSERT INTO passages (id, document_id, ordinal, section, start, "end")'
                " VALUES (?, ?, 1, '', 0, ?)",
                (d, d, len(text)),
            )
            rows, pos = [], 0
            for i in range(PER_DOC):
                sentence = f"Sentence {i} of document {d}."
                seg += 1
                rows.append((seg, d, d, i + 1, pos, pos + len(sentence), sentence))
                pos += len(sentence) + 1
            conn.executemany(
                'INSERT INTO segments (id, document_id, passage_id, ordinal, start, "end", text)'
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
    conn.close()


def code(path: Path, coder: str, codings: int, segments: int, seed: int) -> None:
    """``coder`` applies two codes to each of ``codings`` / 2 segments, each coding with its event."""
    rnd = random.Random(seed)
    conn = sqlite3.connect(path)
    with conn:
        guid = str(uuid.UUID(int=rnd.getrandbits(128)))
        conn.execute(
            "INSERT INTO coders (id, guid, name, role, created_at) VALUES (1, ?, ?, 'coder', ?)",
            (guid, coder, NOW),
        )
        chosen = rnd.sample(range(1, segments + 1), codings // 2)
        rows, events = [], []
        for s in chosen:
            for k in rnd.sample(range(1, CODES + 1), 2):
                g = str(uuid.UUID(int=rnd.getrandbits(128)))
                rows.append((g, 1, s, k, NOW))
                payload = {
                    "coding": g,
                    "coder": coder,
                    "code": f"c{k - 1:02d}",
                    "document": "D",
                    "segment": s,
                }
                events.append(
                    (str(uuid.UUID(int=rnd.getrandbits(128))), NOW, coder, "coding.add", json.dumps(payload))
                )
        conn.executemany(
            "INSERT INTO codings (guid, coder_id, segment_id, code_id, created_at) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany(
            "INSERT INTO events (guid, at, actor, action, payload) VALUES (?, ?, ?, ?, ?)", events
        )
    conn.close()


RAW = """
INSERT INTO main.coders (guid, name, role, created_at)
  SELECT o.guid, o.name, o.role, o.created_at FROM other.coders o
  WHERE o.guid NOT IN (SELECT guid FROM main.coders);
INSERT INTO main.codings (guid, coder_id, segment_id, code_id, memo, start, "end", selection, created_at)
  SELECT c.guid, mk.id, ms.id, mc.id, c.memo, c.start, c."end", c.selection, c.created_at
  FROM other.codings c
  JOIN other.coders ok ON ok.id = c.coder_id JOIN main.coders mk ON mk.guid = ok.guid
  JOIN other.segments os ON os.id = c.segment_id
  JOIN other.documents od ON od.id = os.document_id
  JOIN main.documents md ON md.content_hash = od.content_hash
  JOIN main.segments ms ON ms.document_id = md.id AND ms.start = os.start AND ms."end" = os."end"
  JOIN other.codes oc ON oc.id = c.code_id JOIN main.codes mc ON mc.guid = oc.guid
  WHERE NOT EXISTS (SELECT 1 FROM main.codings x
                    WHERE x.coder_id = mk.id AND x.segment_id = ms.id AND x.code_id = mc.id);
INSERT INTO main.events (guid, at, actor, action, payload)
  SELECT guid, at, actor, action, payload FROM other.events WHERE guid NOT IN (SELECT guid FROM main.events);
"""


def raw(here: str, other: str) -> None:
    """(The ``--raw`` child.) Copy bob's coder, codings and events with plain SQL, one transaction."""
    conn = sqlite3.connect(here, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("ATTACH DATABASE ? AS other", (Path(other).resolve().as_uri() + "?mode=ro",))
    conn.executescript(f"BEGIN IMMEDIATE;{RAW}COMMIT;")
    conn.close()


def counts(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT (SELECT count(*) FROM codings), (SELECT count(*) FROM events)").fetchone()
    finally:
        conn.close()


def main() -> None:
    parser = add_options(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    parser.add_argument("--codings", type=int, default=100_000, help="codings per side")
    parser.add_argument("--raw", nargs=2, metavar=("HERE", "OTHER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw:
        raw(*args.raw)
        return
    pairs = rounds(args)
    codings = 2_000 if args.smoke else args.codings
    segments = max(PER_DOC, (codings // 2 + PER_DOC - 1) // PER_DOC * PER_DOC * 2)
    qcode = qcode_command()
    with tempfile.TemporaryDirectory(prefix="qcode-bench-merge-") as tmp:
        root = Path(tmp)
        ann, bob, work = root / "ann.db", root / "bob.db", root / "work.db"
        print(f"merge: {codings:,} codings per side on {segments:,} segments; building…", flush=True)
        build(ann, segments, seed=1)
        shutil.copy(ann, bob)
        code(ann, "ann", codings, segments, seed=2)
        code(bob, "bob", codings, segments, seed=3)
        expected: list[tuple[int, int]] = []

        def fresh() -> None:
            work.unlink(missing_ok=True)
            shutil.copy(ann, work)

        def check() -> None:
            expected.append(counts(work))

        def run_qcode():  # type: ignore[no-untyped-def]
            fresh()
            sample = run_process([qcode, "--db", str(work), "merge", str(bob)])
            check()
            return sample

        def run_raw():  # type: ignore[no-untyped-def]
            fresh()
            sample = run_process([sys.executable, __file__, "--raw", str(work), str(bob)])
            check()
            return sample

        def run_again():  # type: ignore[no-untyped-def]
            fresh()
            run_process([qcode, "--db", str(work), "merge", str(bob)])
            return run_process([qcode, "--db", str(work), "merge", str(bob)])

        results = compare({"raw sqlite3 INSERT…SELECT": run_raw, "qcode merge": run_qcode}, pairs=pairs)
        rows = {c for c, _ in expected}
        if len(rows) != 1 or rows.pop() != 2 * codings:
            raise BenchError(f"the contenders left different codings: {sorted(set(expected))}")
        show(f"merge {codings:,} codings per side", results, baseline="raw sqlite3 INSERT…SELECT")
        again = compare(
            {"raw sqlite3 INSERT…SELECT": run_raw, "qcode merge again (no change)": run_again},
            pairs=1 if args.smoke else min(3, pairs),
        )
        show("merging again", again, baseline="raw sqlite3 INSERT…SELECT")


if __name__ == "__main__":
    main()
