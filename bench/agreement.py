"""Benchmark: the whole per-code agreement report beside Krippendorff's alpha alone.

Builds ``codes`` binary present/absent matrices of ``coders`` × ``units`` with
a share of missing decisions (default 10 coders × 1,000,000 units × 20 codes,
20% missing), then times, in the same run and in alternating order:

* baseline: the ``krippendorff`` package (PyPI), nominal alpha only, one call
  per code matrix, given the float64/NaN matrix it needs (conversion untimed);
* qcode: ``build_report`` on the int8 matrices (1 / 0 / -1 missing) — every
  coefficient (percent agreement, pairwise Cohen and Scott, Fleiss, Conger,
  Krippendorff's alpha, AC1, Brennan–Prediger) plus a 1,000-replicate
  bootstrap interval per code;
* qcode again, given the same float64/NaN matrices as the baseline.

Prints each repeat and the medians, and checks that both alphas agree.
Run: ``.venv/bin/python bench/agreement.py [--units N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import krippendorff
import numpy as np
from numpy.typing import NDArray

from qcode.agreement import build_report


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coders", type=int, default=10)
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--codes", type=int, default=20)
    parser.add_argument("--missing", type=float, default=0.2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


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


def time_baseline(matrices: dict[str, NDArray[np.int8]]) -> tuple[float, list[float]]:
    """Time ``krippendorff.alpha`` per matrix; only the calls are timed."""
    elapsed, alphas = 0.0, []
    for matrix in matrices.values():
        values = as_float(matrix)
        start = time.perf_counter()
        alphas.append(float(krippendorff.alpha(values, level_of_measurement="nominal")))
        elapsed += time.perf_counter() - start
    return elapsed, alphas


def time_report(
    matrices: dict[str, Any], coders: list[str], units: range, n_boot: int
) -> tuple[float, list[float]]:
    """Time the whole qcode report over every code."""
    start = time.perf_counter()
    report = build_report(coders, units, matrices, n_boot=n_boot)
    elapsed = time.perf_counter() - start
    alphas = [
        row.krippendorff_alpha if row.krippendorff_alpha is not None else np.nan for row in report.codes
    ]
    return elapsed, alphas


def main() -> None:
    args = parse_args()
    print(
        f"agreement report: {args.coders} coders × {args.units:,} units × {args.codes} codes, "
        f"{args.missing:.0%} missing, {args.n_boot} bootstrap replicates, {args.repeat} repeats"
    )
    matrices = make_matrices(args.coders, args.units, args.codes, args.missing, args.seed)
    floats = {code: as_float(matrix) for code, matrix in matrices.items()}
    coders, units = [f"coder{g}" for g in range(args.coders)], range(args.units)
    runs: dict[str, Callable[[], tuple[float, list[float]]]] = {
        "krippendorff package, alpha only": lambda: time_baseline(matrices),
        "qcode report, int8 input": lambda: time_report(matrices, coders, units, args.n_boot),
        "qcode report, float64/NaN input": lambda: time_report(floats, coders, units, args.n_boot),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    alphas: dict[str, list[float]] = {}
    for repeat in range(args.repeat):
        order = list(runs) if repeat % 2 == 0 else list(reversed(runs))
        for name in order:
            elapsed, alphas[name] = runs[name]()
            times[name].append(elapsed)
            print(f"  run {repeat + 1}: {name:<34} {elapsed:7.2f} s")
    report_results(times, alphas, args.codes)


def report_results(times: dict[str, list[float]], alphas: dict[str, list[float]], codes: int) -> None:
    names = list(times)
    baseline = statistics.median(times[names[0]])
    print(f"\nmedian of {len(times[names[0]])} runs (whole run over {codes} codes, per code):")
    for name in names:
        median = statistics.median(times[name])
        print(
            f"  {name:<34} {median:7.2f} s  {1000 * median / codes:7.1f} ms/code"
            f"  {baseline / median:6.1f}× baseline speed"
        )
    difference = np.nanmax(np.abs(np.array(alphas[names[0]]) - np.array(alphas[names[1]])))
    print(f"  largest |alpha difference| qcode vs package: {difference:.2e}")
    target = statistics.median(times[names[1]]) <= baseline
    print(f"  target (whole report ≤ package's alpha alone): {'met' if target else 'NOT met'}")


if __name__ == "__main__":
    main()
