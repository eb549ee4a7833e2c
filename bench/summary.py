"""The targets table (Markdown) from the JSON lines the benches append under ``QCODE_BENCH_JSON``.

One row per compared measure: qcode's median beside the same run's baseline median, the ratio of
medians (wall; and CPU), the target and whether it is met, with the load average when the measure
ended. Targets in time (the TUI's) show the figure against the bound and the raw floor beside it.

    QCODE_BENCH_JSON=figures.jsonl .venv/bin/python bench/export.py
    .venv/bin/python bench/summary.py figures.jsonl [--all]   # --all: every contender, not only targets
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def _seconds(value: float, unit: str = "s") -> str:
    return f"{value * 1000:.1f} ms" if unit == "ms" or value < 1 else f"{value:.2f} s"


def _load(row: dict[str, Any]) -> str:
    one, five, _fifteen = row["load"]
    return f"{one:.2f} / {five:.2f}"


def ratio_row(row: dict[str, Any]) -> str:
    """A measure against its same-run baseline."""
    target = row.get("target")
    ratio, cpu = float(row["ratio"]), float(row["cpu"]) / float(row["baseline_cpu"] or 1)
    met = "—" if target is None else ("met" if ratio <= float(target) else "**no**")
    bound = f"≤ {float(target):.2f}×" if target is not None else "—"
    memory = ""
    if row.get("peak_mb") and row.get("baseline_peak_mb"):
        memory = f"; {row['peak_mb']:.0f} / {row['baseline_peak_mb']:.0f} MB"
    qcode = f"{_seconds(float(row['wall']))} (cpu {_seconds(float(row['cpu']))}{memory})"
    base_cpu = _seconds(float(row["baseline_cpu"]))
    base = f"{row['baseline']}: {_seconds(float(row['baseline_wall']))} (cpu {base_cpu})"
    ratios = f"{ratio:.2f}× (pair {float(row['pair_ratio']):.2f}×, cpu {cpu:.2f}×)"
    return f"| {row['measure']} | {qcode} | {base} | {ratios} | {bound} | {met} | {_load(row)} |"


def absolute_row(row: dict[str, Any]) -> str:
    """A measure against a bound in time."""
    unit = str(row["unit"])
    value, bound = float(row["value"]), float(row["absolute_target"])
    base = row.get("baseline_value")
    floor = f"{row['baseline']}: {_seconds(float(base), unit)}" if base is not None else "—"
    ratio = f"{value / float(base):.2f}×" if base else "—"
    return (
        f"| {row['measure']} ({row['kind']}) | {_seconds(value, unit)} | {floor} | {ratio}"
        f" | < {_seconds(bound, unit)} | {'met' if row['met'] else '**no**'} | {_load(row)} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("figures", type=Path, help="the JSON lines file")
    parser.add_argument("--all", action="store_true", help="also measures without a target")
    args = parser.parse_args()
    print("| measure | qcode | baseline (same run) | ratio | target | met? | load 1 / 5 min |")
    print("|---|---|---|---|---|---|---|")
    for line in args.figures.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "absolute_target" in row:
            print(absolute_row(row))
        elif row.get("target") is not None or args.all:
            print(ratio_row(row))


if __name__ == "__main__":
    main()
