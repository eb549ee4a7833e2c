"""`qcode agreement` end to end beside a raw sqlite3 + NumPy script, and the statistics beside `krippendorff`.

Two parts, each interleaved (alternating order every round):

1. End to end (the target). A project of ``--coders`` coders × ``--segments`` segments (100 per
   document) × ``--codes`` leaf codes, written with plain sqlite3 into qcode's schema: each coder
   codes four documents in five, applying each code with its own prevalence (from 0.2% to 40%),
   sensitivity and false-positive rate. Timed, each a fresh process:

   * qcode: the installed ``qcode --db FILE agreement`` (every coefficient per code, 1,000
     bootstrap replicates for alpha's interval, the table);
   * floor: this file's ``--floor FILE`` mode: sqlite3 reads who coded which document, the
     segments and the codings; NumPy builds each code's coder × segment matrix with qcode's rules
     (a coder who coded a document decided "absent" on its other segments; else missing) and
     computes Krippendorff's alpha with a 1,000-replicate bootstrap interval (a multinomial over
     the (coders, yes) patterns of units), printing one line per code.

   Checked: both give the same alpha for every code. Target: qcode ≤ 1.5× the floor.

2. Statistics only (``--units`` in memory, no database): ``build_report`` on int8 matrices
   beside the ``krippendorff`` package's nominal alpha alone, in this process (wall and CPU).

    .venv/bin/python bench/agreement.py [--segments 100000] [--units 1000000] [--pairs 5] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
from harness import add_options, compare, qcode_command, rounds, run_inline, run_process, show
from numpy.typing import NDArray

TARGET = 1.5
N_BOOT = 1000
SEGMENTS_PER_DOC = 100


def make_matrices(
    coders: int, units: int, codes: int, missing: float, seed: int
) -> dict[str, NDArray[np.int8]]:
    """Simulate coders with their own sensitivity and false-positive rate per code."""
    rng = np.random.default_rng(seed)
    matrices = {}
    for k, prevalence in enumerate(np.geomspace(0.002, 0.4, codes)):
        truth = rng.random(units) < prevalence
        sensitivity = rng.uniform(0.7, 0.95, size=(coders, 1))
        false_positive = rng.uniform(0.002, 0.03, size=(coders, 1))
        draw = rng.random((coders, units))
        matrix = np.where(truth, draw < sensitivity, draw < false_positive).astype(np.int8)
        matrix[rng.random((coders, units)) < missing] = -1
        matrices[f"code{k:02d}"] = matrix
    return matrices


def as_float(matrix: NDArray[np.int8]) -> NDArray[np.float64]:
    """Return the float64 matrix with NaN for missing, as the krippendorff package wants."""
    values = matrix.astype(np.float64)
    values[matrix < 0] = np.nan
    return values


# -- part 1: the project, the floor script, the whole command -------------------------------------


def build_project(path: Path, coders: int, segments: int, codes: int, seed: int = 7) -> int:
    """Write the project with plain sqlite3 into a schema made by qcode's migrations; codings count."""
    from qcode.store.migrate import open_store

    open_store(f"sqlite:///{path}", create=True).close()
    rng = np.random.default_rng(seed)
    now = "2026-01-01 00:00:00.000000"
    docs = max(1, segments // SEGMENTS_PER_DOC)
    per_doc = segments // docs
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    with conn:
        conn.executemany(
            "INSERT INTO coders (id, guid, name, created_at) VALUES (?, ?, ?, ?)",
            [(g + 1, str(uuid.uuid4()), f"coder{g:02d}", now) for g in range(coders)],
        )
        conn.executemany(
            "INSERT INTO codes (id, guid, key, name, description, inclusion, exclusion, example_text,"
            " example_interviewee, keywords, ordinal, created_at)"
            " VALUES (?, ?, ?, ?, '', '', '', '', '', '[]', ?, ?)",
            [(k + 1, str(uuid.uuid4()), f"code{k:02d}", f"Code {k:02d}", k, now) for k in range(codes)],
        )
        words = random.Random(seed)
        seg_id = 0
        for d in range(1, docs + 1):
            sentences = [" ".join(words.choices(("we", "worked", "wages", "camp", "home"), k=8)) + "."
                         for _ in range(per_doc)]  # fmt: skip
            text = " ".join(sentences)
            conn.execute(
                "INSERT INTO documents (id, guid, name, title, source_path, content_hash, text, attributes,"
                " segmentation, created_at) VALUES (?, ?, ?, '', '', ?, ?, '{}', 'sentence', ?)",
                (d, str(uuid.uuid4()), f"D{d:04d}", f"{d:064d}", text, now),
            )
            conn.execute(
                'INSERT INTO passages (id, document_id, ordinal, section, start, "end")'
                " VALUES (?, ?, 1, '', 0, ?)",
                (d, d, len(text)),
            )
            rows, pos = [], 0
            for i, sentence in enumerate(sentences, 1):
                seg_id += 1
                rows.append((seg_id, d, d, i, pos, pos + len(sentence), sentence))
                pos += len(sentence) + 1
            conn.executemany(
                'INSERT INTO segments (id, document_id, passage_id, ordinal, start, "end", text)'
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        coded_docs = rng.random((coders, docs)) < 0.8
        unit_doc = np.repeat(np.arange(docs), per_doc)
        codings = []
        for k, prevalence in enumerate(np.geomspace(0.002, 0.4, codes)):
            truth = rng.random(seg_id) < prevalence
            sensitivity = rng.uniform(0.7, 0.95, size=(coders, 1))
            false_positive = rng.uniform(0.002, 0.03, size=(coders, 1))
            draw = rng.random((coders, seg_id))
            present = np.where(truth, draw < sensitivity, draw < false_positive) & coded_docs[:, unit_doc]
            for g, s in zip(*np.nonzero(present), strict=True):
                codings.append(
                    (str(uuid.UUID(int=words.getrandbits(128))), int(g) + 1, int(s) + 1, k + 1, now)
                )
        conn.executemany(
            "INSERT INTO codings (guid, coder_id, segment_id, code_id, created_at) VALUES (?, ?, ?, ?, ?)",
            codings,
        )
    conn.close()
    return len(codings)


def floor(db: str, n_boot: int = N_BOOT) -> None:
    """(The ``--floor`` child.) Read with sqlite3, alpha and its bootstrap interval with NumPy."""
    conn = sqlite3.connect(db)
    pairs = np.array(
        conn.execute(
            "SELECT DISTINCT c.coder_id, s.document_id FROM codings c JOIN segments s ON s.id = c.segment_id"
        ).fetchall(),
        dtype=np.int64,
    )
    coder_ids = np.unique(pairs[:, 0])
    segs = np.array(
        conn.execute(
            "SELECT id, document_id FROM segments WHERE document_id IN"
            " (SELECT DISTINCT s.document_id FROM codings c JOIN segments s ON s.id = c.segment_id)"
            " ORDER BY document_id, ordinal"
        ).fetchall(),
        dtype=np.int64,
    )
    codes = conn.execute(
        "SELECT id, name FROM codes c WHERE NOT EXISTS (SELECT 1 FROM codes k WHERE k.parent_id = c.id)"
        " ORDER BY ordinal"
    ).fetchall()
    codings = np.array(
        conn.execute("SELECT code_id, coder_id, segment_id FROM codings").fetchall(), dtype=np.int64
    )
    conn.close()
    coded = np.zeros((len(coder_ids), len(segs)), dtype=bool)
    for g, coder in enumerate(coder_ids):
        coded[g] = np.isin(segs[:, 1], pairs[pairs[:, 0] == coder, 1])
    column = np.searchsorted(segs[:, 0], codings[:, 2], sorter=np.argsort(segs[:, 0]))
    column = np.argsort(segs[:, 0])[column]
    row = np.searchsorted(coder_ids, codings[:, 1])
    m = coded.sum(axis=0)  # coders deciding each unit
    rng = np.random.default_rng(1)
    for code_id, name in codes:
        mine = codings[:, 0] == code_id
        yes = np.zeros(coded.shape, dtype=bool)
        yes[row[mine], column[mine]] = True
        ones = yes.sum(axis=0)
        keep = m >= 2
        patterns, weight = np.unique(np.stack([m[keep], ones[keep]]), axis=1, return_counts=True)
        alpha = _alpha(patterns, weight[None, :])[0]
        draws = rng.multinomial(int(weight.sum()), weight / weight.sum(), size=n_boot)
        lo, hi = np.nanpercentile(_alpha(patterns, draws), [2.5, 97.5])
        print(json.dumps({"code": name, "alpha": None if np.isnan(alpha) else float(alpha), "ci": [lo, hi]}))


def _alpha(patterns: NDArray[np.int64], weights: NDArray[np.int64]) -> NDArray[np.float64]:
    """Nominal binary alpha for each row of pattern weights: 1 − (n−1)·o₀₁ / (n₀·n₁)."""
    m, ones = patterns.astype(np.float64)
    zeros = m - ones
    n = weights @ m
    n1 = weights @ ones
    o01 = weights @ (ones * zeros / (m - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(1 - (n - 1) * o01 / (n1 * (n - n1)), dtype=np.float64)


def end_to_end(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="qcode-bench-") as tmp:
        db = Path(tmp) / "agreement.db"
        started = time.perf_counter()
        codings = build_project(db, args.coders, args.segments, args.codes)
        print(f"project: {args.coders} coders × {args.segments:,} segments × {args.codes} codes,"
              f" {codings:,} codings (built in {time.perf_counter() - started:.1f} s)")  # fmt: skip
        qcode = qcode_command()
        check_same_alphas(qcode, db)
        results = compare(
            {
                "floor: sqlite3 + NumPy alpha with interval": lambda: run_process(
                    [sys.executable, __file__, "--floor", str(db)]
                ),
                "qcode agreement (whole command)": lambda: run_process(
                    [qcode, "--db", str(db), "agreement"], env={"COLUMNS": "120", "PATH": ""}
                ),
            },
            pairs=rounds(args),
            warmup=not args.smoke,
        )
        show(f"agreement end to end, {args.segments:,} segments", results,
             baseline="floor: sqlite3 + NumPy alpha with interval", target=TARGET)  # fmt: skip


def check_same_alphas(qcode: str, db: Path) -> None:
    """Run both sides once, untimed, and compare alpha code by code."""
    import subprocess

    ours = json.loads(subprocess.run([qcode, "--db", str(db), "agreement", "--json", "--boot", "0"],
                                     capture_output=True, text=True, check=True).stdout)  # fmt: skip
    floor_out = subprocess.run([sys.executable, __file__, "--floor", str(db)], capture_output=True, text=True,
                               check=True).stdout  # fmt: skip
    theirs = {row["code"]: row["alpha"] for row in map(json.loads, floor_out.splitlines())}
    mine = {row["code"]: row["krippendorff_alpha"] for row in ours["codes"]}
    worst = max(abs((mine[c] or 0.0) - (theirs[c] or 0.0)) for c in theirs)
    if set(mine) != set(theirs) or worst > 1e-9:
        raise SystemExit(f"agreement: qcode and the floor disagree (largest |alpha difference| {worst:.2e})")
    print(
        f"  alpha per code: qcode and the floor agree on all {len(mine)} codes"
        f" (largest difference {worst:.1e})"
    )


# -- part 2: the statistics in memory -----------------------------------------------------------


def statistics_only(args: argparse.Namespace) -> None:
    import krippendorff

    from qcode.agreement import build_report

    matrices = make_matrices(args.coders, args.units, args.codes, 0.2, 7)
    floats = {code: as_float(matrix) for code, matrix in matrices.items()}
    coders, units = [f"coder{g}" for g in range(args.coders)], range(args.units)
    out: dict[str, list[float]] = {}

    def package() -> None:
        out["package"] = [
            float(krippendorff.alpha(v, level_of_measurement="nominal")) for v in floats.values()
        ]

    def report() -> None:
        rows = build_report(coders, units, matrices, n_boot=N_BOOT).codes
        out["qcode"] = [r.krippendorff_alpha if r.krippendorff_alpha is not None else np.nan for r in rows]

    print(
        f"statistics in memory: {args.coders} coders × {args.units:,} units × {args.codes} codes, 20% missing"
    )
    results = compare(
        {
            "krippendorff package, alpha only": lambda: run_inline(package),
            "qcode build_report, every coefficient + CI": lambda: run_inline(report),
        },
        pairs=rounds(args),
    )
    show("agreement statistics in memory", results, baseline="krippendorff package, alpha only")
    difference = np.nanmax(np.abs(np.array(out["package"]) - np.array(out["qcode"])))
    print(f"    largest |alpha difference| qcode vs package: {difference:.2e}")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--floor":
        floor(sys.argv[2])
        return
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n", 1)[1],
    )  # fmt: skip
    parser.add_argument("--coders", type=int, default=10)
    parser.add_argument("--segments", type=int, default=100_000, help="project size for part 1")
    parser.add_argument("--codes", type=int, default=20)
    parser.add_argument("--units", type=int, default=1_000_000, help="matrix width for part 2 (0: skip it)")
    args = add_options(parser).parse_args()
    if args.smoke:
        args.segments, args.units, args.coders, args.codes = 2_000, 5_000, 4, 5
    end_to_end(args)
    if args.units:
        statistics_only(args)


if __name__ == "__main__":
    main()
