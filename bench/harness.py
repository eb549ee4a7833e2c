"""Shared timing for the benches: interleaved pairs, wall and CPU time, peak memory, one table.

Every bench compares qcode with a baseline measured in the same run. On a shared machine the
load changes from second to second, so contenders run in alternating order (A B, B A, A B…)
and each figure is a median with its minimum and maximum. A contender that runs as its own
process is timed with :func:`run_process`, which reads that process's own CPU time and peak
resident memory from ``wait4`` (so one side's memory never hides the other's); a contender
that runs inside the bench is timed with :func:`run_inline` (wall and CPU, no memory figure),
or run in a fresh interpreter with :func:`run_self` to get its memory too.

Use from a bench (run as ``python bench/NAME.py``, so this folder is on ``sys.path``)::

    from harness import Case, add_options, compare, run_process

    args = add_options(parser).parse_args()
    results = compare({"sqlite3": lambda: run_process([...]), "qcode": lambda: run_process([...])},
                      pairs=args.pairs)
    show("export, 1M codings", results, baseline="sqlite3", target=1.25)

Set ``QCODE_BENCH_JSON=FILE`` to append one JSON line per compared measure (for collecting tables).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
#: The shipped corpus (interviewees' transcripts), present in any clone.
TRANSCRIPTS = REPO / "transcripts"
JSON_ENV = "QCODE_BENCH_JSON"
#: Set by :func:`rounds` under ``--smoke``: tiny sizes, so targets are not judged.
_smoke = False


@dataclass(frozen=True)
class Sample:
    """One run of one contender: wall and CPU seconds, and peak resident memory where known."""

    wall: float
    cpu: float
    peak_mb: float | None = None
    extra: Mapping[str, float] = field(default_factory=dict)


@dataclass
class Series:
    """Every run of one contender, in the order they ran."""

    samples: list[Sample] = field(default_factory=list)

    @property
    def wall(self) -> list[float]:
        return [s.wall for s in self.samples]

    @property
    def cpu(self) -> list[float]:
        return [s.cpu for s in self.samples]

    @property
    def peak_mb(self) -> list[float]:
        return [s.peak_mb for s in self.samples if s.peak_mb is not None]


class BenchError(RuntimeError):
    """A contender failed: the bench must stop rather than print a figure for work not done."""


#: Runs ``argv`` as its child and writes the child's own wall time and rusage to a file. A process
#: started straight from the bench would report the bench's peak RSS as its own (Linux keeps the
#: high-water mark of the image it replaced at exec), so runs start from this small launcher
#: instead; its own few MB are the floor of every peak figure.
LAUNCHER = """
import os, sys, time
start = time.perf_counter()
os.environ["QCODE_BENCH_SPAWNED"] = repr(time.time())
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
import json
with open(sys.argv[1], "w") as fh:
    json.dump({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_kb": usage.ru_maxrss}, fh)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_process(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | str | None = None,
    stdout: Path | None = None,
    stdin: Path | None = None,
) -> Sample:
    """Run ``argv`` to completion: its own wall time, CPU time and peak RSS (``wait4``).

    Standard output goes to ``stdout`` (else is discarded); standard error is kept for the
    message if the run fails, which raises :class:`BenchError`.
    """
    with ExitStack() as stack:
        err = stack.enter_context(tempfile.TemporaryFile())
        figures = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qcode-bench-"))) / "run.json"
        out = stack.enter_context(stdout.open("wb")) if stdout is not None else subprocess.DEVNULL
        inp = stack.enter_context(stdin.open("rb")) if stdin is not None else subprocess.DEVNULL
        code = subprocess.call(
            [sys.executable, "-S", "-c", LAUNCHER, str(figures), *argv],
            stdout=out, stderr=err, stdin=inp, env=dict(env) if env is not None else None, cwd=cwd,
        )  # fmt: skip
        if code != 0:
            err.seek(0)
            message = err.read().decode("utf-8", "replace")[-800:]
            raise BenchError(f"{' '.join(argv[:4])}… exited {code}:\n{message}")
        run = json.loads(figures.read_text())
    return Sample(run["wall"], run["cpu"], run["peak_kb"] / 1024)


def run_inline(fn: Callable[[], object]) -> Sample:
    """Call ``fn`` in this process: wall and CPU seconds (no memory figure: the process is shared)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return Sample(time.perf_counter() - wall, time.process_time() - cpu)


def run_self(script: str, *args: str, env: Mapping[str, str] | None = None) -> Sample:
    """Run ``python SCRIPT ARGS`` in a fresh interpreter (typically the bench's own ``--child`` mode).

    The child prints one JSON line ``{"wall": s, "cpu": s, ...}`` for the part it timed itself (after
    its imports and set-up; other keys go to ``Sample.extra``); the sample is those figures with the
    child's whole peak RSS.
    """
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    try:
        whole = run_process([sys.executable, script, *args], env=env, stdout=out)
        timed = json.loads(out.read_text().strip().splitlines()[-1])
    finally:
        out.unlink(missing_ok=True)
    extra = {k: float(v) for k, v in timed.items() if k not in ("wall", "cpu")}
    return Sample(float(timed["wall"]), float(timed["cpu"]), whole.peak_mb, extra)


def child_report(fn: Callable[[], object]) -> None:
    """(In a ``run_self`` child.) Time ``fn`` and print the JSON line the parent reads."""
    sample = run_inline(fn)
    print(json.dumps({"wall": sample.wall, "cpu": sample.cpu}), flush=True)


def since_spawn() -> float:
    """(In a child started by :func:`run_process`.) Seconds since the launcher forked it."""
    return time.time() - float(os.environ["QCODE_BENCH_SPAWNED"])


def byte_compile_qcode() -> None:
    """Byte-compile qcode's modules, as they are in any copy a user runs, before timing it.

    pip compiles a package as it installs it, and an editable install writes its ``.pyc`` files at
    its first run. Where ``PYTHONDONTWRITEBYTECODE`` is set (this machine sets it), an editable
    qcode would compile every module again in every timed process (40-50 ms for the coding screen,
    more for a command), which neither a user's qcode nor the baselines (compiled libraries) do.
    """
    import compileall

    compileall.compile_dir(REPO / "qcode", quiet=1)


def compare(
    cases: Mapping[str, Callable[[], Sample]],
    *,
    pairs: int,
    warmup: bool = False,
    quiet: bool = False,
) -> dict[str, Series]:
    """Run every case ``pairs`` times, alternating the order each round (A B, B A, …).

    With ``warmup`` each case runs once first, untimed (file caches, spaCy's vocabulary).
    """
    byte_compile_qcode()
    names = list(cases)
    if warmup:
        for name in names:
            cases[name]()
    results = {name: Series() for name in names}
    for round_ in range(pairs):
        order = names if round_ % 2 == 0 else names[::-1]
        for name in order:
            sample = cases[name]()
            results[name].samples.append(sample)
            if not quiet:
                memory = f"  {sample.peak_mb:7.1f} MB" if sample.peak_mb is not None else ""
                print(
                    f"    run {round_ + 1}: {name:<44} {sample.wall:8.3f} s wall"
                    f" {sample.cpu:8.3f} s cpu{memory}",
                    flush=True,
                )
    return results


def load() -> str:
    """The 1, 5 and 15 minute load averages, as printed beside every table."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _ms_or_s(seconds: float, unit: str) -> str:
    return f"{seconds * 1000:8.1f}" if unit == "ms" else f"{seconds:8.3f}"


def show(
    title: str,
    results: Mapping[str, Series],
    *,
    baseline: str,
    target: float | None = None,
    unit: str = "s",
    memory_target: float | None = None,
) -> dict[str, float]:
    """Print the table: median, min, max wall; median CPU; median peak MB; ratios to the baseline.

    The ratio is of medians; the pair ratio is the median of each round's own ratio (the two runs
    of a round saw the same load). Returns the ratios of every contender (wall, by name).
    """
    base = results[baseline]
    base_wall, base_cpu = statistics.median(base.wall), statistics.median(base.cpu)
    rounds = len(base.samples)
    print(f"  {title}: {rounds} interleaved rounds, load average {load()}")
    print(
        f"    {'':<44} {'wall ' + unit:>8} {'min':>8} {'max':>8} {'cpu ' + unit:>8} {'peak MB':>8}"
        f" {'ratio':>6} {'pair':>6} {'cpu×':>6}"
    )
    ratios: dict[str, float] = {}
    for name, series in results.items():
        wall, cpu = statistics.median(series.wall), statistics.median(series.cpu)
        peak = f"{statistics.median(series.peak_mb):8.1f}" if series.peak_mb else f"{'—':>8}"
        pair = statistics.median(a / b for a, b in zip(series.wall, base.wall, strict=True) if b > 0)
        ratio = wall / base_wall if base_wall else float("nan")
        ratios[name] = ratio
        cpu_ratio = f"{cpu / base_cpu:5.2f}×" if base_cpu > 0 else f"{'—':>6}"
        cpu_text = _ms_or_s(cpu, unit) if cpu > 0 else f"{'—':>8}"  # not measured (a terminal's program)
        print(
            f"    {name:<44} {_ms_or_s(wall, unit)} {_ms_or_s(min(series.wall), unit)}"
            f" {_ms_or_s(max(series.wall), unit)} {cpu_text} {peak}"
            f" {ratio:5.2f}× {pair:5.2f}× {cpu_ratio}"
        )
        if name != baseline:
            _record(title, name, baseline, series, base, ratio, pair, target)
    if _smoke:
        print("    (smoke run: a tiny size, targets not judged)")
    elif target is not None:
        worst_name = max((n for n in results if n != baseline), key=lambda n: ratios[n])
        worst = ratios[worst_name]
        print(
            f"    target ≤ {target:.2f}× the baseline: {'met' if worst <= target else 'NOT met'}"
            f" ({worst_name}: {worst:.2f}×)"
        )
    if memory_target is not None and base.peak_mb and not _smoke:
        base_mb = statistics.median(base.peak_mb)
        for name, series in results.items():
            if name != baseline and series.peak_mb:
                mem = statistics.median(series.peak_mb) / base_mb
                print(
                    f"    peak memory {name}: {mem:.2f}× the baseline's"
                    f" (target ≤ {memory_target:.2f}×): {'met' if mem <= memory_target else 'NOT met'}"
                )
    return ratios


def _record(
    title: str,
    name: str,
    baseline: str,
    series: Series,
    base: Series,
    ratio: float,
    pair: float,
    target: float | None,
) -> None:
    path = os.environ.get(JSON_ENV)
    if not path:
        return
    row = {
        "bench": Path(sys.argv[0]).stem,
        "measure": title,
        "contender": name,
        "baseline": baseline,
        "wall": statistics.median(series.wall),
        "baseline_wall": statistics.median(base.wall),
        "cpu": statistics.median(series.cpu),
        "baseline_cpu": statistics.median(base.cpu),
        "peak_mb": statistics.median(series.peak_mb) if series.peak_mb else None,
        "baseline_peak_mb": statistics.median(base.peak_mb) if base.peak_mb else None,
        "ratio": ratio,
        "pair_ratio": pair,
        "target": target,
        "rounds": len(series.samples),
        "load": os.getloadavg(),
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")


def record_absolute(
    measure: str,
    value: float,
    *,
    target: float,
    unit: str = "s",
    baseline: float | None = None,
    baseline_name: str = "",
    kind: str = "median",
) -> bool:
    """A target in time rather than a ratio (``value`` < ``target``): print the verdict and record it.

    ``baseline`` is the same figure for the raw floor measured in the same run, if there is one.
    Returns whether the target is met (never judged under ``--smoke``).
    """
    met = value < target
    scale = 1000 if unit == "ms" else 1
    floor = f", {baseline_name} {baseline * scale:.3g} {unit}" if baseline is not None else ""
    verdict = "(smoke run: not judged)" if _smoke else ("met" if met else "NOT met")
    print(
        f"    target {measure}: {kind} {value * scale:.3g} {unit} < {target * scale:g} {unit}"
        f"{floor}, load average {load()}: {verdict}"
    )
    path = os.environ.get(JSON_ENV)
    if path and not _smoke:
        row = {
            "bench": Path(sys.argv[0]).stem,
            "measure": measure,
            "kind": kind,
            "value": value,
            "baseline": baseline_name or None,
            "baseline_value": baseline,
            "absolute_target": target,
            "unit": unit,
            "met": met,
            "load": os.getloadavg(),
            "time": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
    return met


def add_options(parser: argparse.ArgumentParser, *, pairs: int = 5) -> argparse.ArgumentParser:
    """The options every bench takes: ``--pairs`` and ``--smoke``."""
    parser.add_argument("--pairs", type=int, default=pairs, help=f"interleaved rounds (default {pairs})")
    parser.add_argument(
        "--smoke", action="store_true", help="a tiny size and one round, to check the bench runs"
    )
    return parser


def rounds(args: argparse.Namespace) -> int:
    """How many interleaved rounds to run: ``--pairs``, or 1 under ``--smoke``."""
    global _smoke
    _smoke = bool(args.smoke)
    return 1 if args.smoke else max(1, args.pairs)


def qcode_command() -> str:
    """The installed ``qcode`` script beside this interpreter (what a user runs)."""
    path = Path(sys.executable).with_name("qcode")
    if not path.exists():
        raise BenchError(f"no installed qcode command at {path}: run `make .venv/.installed`")
    return str(path)


def self_peak_mb() -> float:
    """This process's peak RSS so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
