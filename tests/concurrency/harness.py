"""Run several processes on one project for a bounded time, mixing what a team does, then check.

:func:`run_mix` starts ``coders`` coding processes (the coding screen's own access path, see
:mod:`tests.concurrency.coder`) that toggle codes, apply ranges, write memos, undo and redo at
random, while another thread runs real ``qcode`` commands over and over (``status``, ``export
segments``, ``agreement``, ``codings import``, ``backup``, ``check``) in a process of their own.
Each coding process's answers go to a :class:`~tests.concurrency.ledger.Ledger`;
:func:`~tests.concurrency.ledger.verify` then checks the database against it. ``during`` runs
beside the mix (a kill, a server restart).

Reusable: :func:`prepare_project` fills any empty store with the sample project and two coders'
earlier codings, and :class:`Plan` says how many processes, how long and which commands.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcode.project.service import ensure_project
from qcode.store.migrate import Store
from tests.coding.sample import add_coding, fill_sample
from tests.concurrency.ledger import Ledger, Spot
from tests.concurrency.procs import CoderProcess, CommandProcess

#: Seconds a mix runs by default; ``QCODE_HARNESS_SECONDS`` runs it longer (the suite stays short).
DEFAULT_SECONDS = float(os.environ.get("QCODE_HARNESS_SECONDS", "6"))
#: The coder whose codings come in through ``qcode codings import``.
IMPORTER = "importer"
#: Coders with earlier codings (so agreement has two coders from the start).
SEEDED = ("alice", "bob")

#: Weights of what a coding process does next.
OPS: tuple[tuple[str, int], ...] = (
    ("toggle", 40),
    ("range", 10),
    ("memo", 15),
    ("undo", 12),
    ("redo", 6),
    ("open", 8),
)


def prepare_project(store: Store) -> None:
    """The sample project (three interviewees, eight codes), with alice's and bob's earlier codings."""
    with store.sessions() as s, s.begin():
        sample = fill_sample(s, coders=SEEDED)
        for doc, ordinal, code in (("A", 1, "wages"), ("A", 2, "recruit"), ("B", 1, "confine")):
            add_coding(s, sample, "alice", doc, ordinal, code)
            add_coding(s, sample, "bob", doc, ordinal, code)
        ensure_project(s)


def import_file(folder: Path) -> Path:
    """A codings CSV for :data:`IMPORTER`: a few codings, the same every run (re-imports add nothing)."""
    path = folder / "codings-in.csv"
    rows = [("A", 3, "debt"), ("A", 5, "wages"), ("B", 2, "confine"), ("minister", 1, "surveil")]
    lines = ["document,segment,code,coder"] + [f"{d},{o},{c},{IMPORTER}" for d, o, c in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def default_commands(folder: Path) -> tuple[tuple[str, ...], ...]:
    """The commands a team runs beside the coding screens (the backup goes to ``folder/backup.qcode``)."""
    return (
        ("status",),
        ("export", "segments", "--out", str(folder / "segments.csv"), "--force"),
        ("agreement", "--coders", ",".join(SEEDED)),
        ("codings", "import", str(import_file(folder))),
        ("backup", str(folder / "backup.qcode"), "--force"),
        ("check",),
    )


@dataclass(frozen=True)
class Plan:
    """How many coding processes, for how long, and which commands run beside them."""

    coders: int = 3
    seconds: float = DEFAULT_SECONDS
    seed: int = 15
    commands: tuple[tuple[str, ...], ...] = ()


@dataclass
class Report:
    """What a run did: the ledger of the coding processes and what the commands answered."""

    ledger: Ledger = field(default_factory=Ledger)
    commands: Counter[str] = field(default_factory=Counter)
    command_failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    processes: int = 0

    def summary(self) -> str:
        """One line for logs and the issue's closing table."""
        ops = sum(self.ledger.counts.values())
        return (
            f"{self.processes} processes, {self.seconds:.1f} s: {ops} coding commands acknowledged "
            f"({dict(self.ledger.counts)}), {sum(self.ledger.refusals.values())} refused "
            f"({dict(self.ledger.refusals)}), commands {dict(self.commands)}"
        )


class _Driver:
    """Chooses and sends one coding process's commands at random until the deadline."""

    def __init__(self, proc: CoderProcess, rng: random.Random, report: Report, lock: threading.Lock) -> None:
        self.proc, self.rng, self.report, self.lock = proc, rng, report, lock
        self.documents: list[str] = proc.hello["documents"]
        self.codes: list[str] = proc.hello["codes"]
        self.doc = 0
        self.size = 0

    def run(self, deadline: float, commands_done: threading.Event) -> None:
        self.send("open", {"doc": 0}, set())
        while (time.monotonic() < deadline or not commands_done.is_set()) and self.proc.proc.poll() is None:
            op = self.rng.choices([o for o, _ in OPS], weights=[w for _, w in OPS])[0]
            try:
                args, spots = self.choose(op)
            except (RuntimeError, OSError, ValueError):
                return  # killed while peeking: nothing was sent
            if not self.send(op, args, spots):
                return

    def choose(self, op: str) -> tuple[dict[str, Any], set[Spot]]:
        name, doc = self.proc.name, self.documents[self.doc]
        seg = self.rng.randrange(self.size) if self.size else 0
        code = self.rng.choice(self.codes)
        if op == "toggle":
            return {"seg": seg, "code": code}, {(name, doc, seg + 1)}
        if op == "range":
            end = min(self.size - 1, seg + self.rng.randint(1, 3))
            return {"from": seg, "to": end, "code": code}, {(name, doc, i + 1) for i in range(seg, end + 1)}
        if op == "memo":
            text = self.rng.choice(["", f"note {self.rng.randint(0, 999)} by {name}", "ünïcode ✎ memo"])
            return {"seg": seg, "text": text}, {(name, doc, seg + 1)}
        if op == "open":
            return {"doc": self.rng.randrange(len(self.documents))}, set()
        peeked = self.proc.send("peek", what=op)  # undo, redo: wherever the history points
        return {}, {(name, d, o) for d, o in peeked["spots"]}

    def send(self, op: str, args: dict[str, Any], spots: set[Spot]) -> bool:
        """One command; ``False`` once the process is gone (killed)."""
        try:
            answer = self.proc.send(op, **args)
        except (RuntimeError, OSError, ValueError):
            with self.lock:
                self.report.ledger.unanswered(self.proc.name, spots)
            return False
        with self.lock:
            if answer.get("ok"):
                self.report.ledger.acknowledged(self.proc.name, op, answer.get("ops", []))
                if op == "open":
                    self.doc, self.size = args["doc"], answer["segments"]
            else:
                self.report.ledger.refused(answer["error"])
                # a server gone mid-commit may still have written it: those spots stay open
                maybe = {(self.proc.name, d, o) for d, o in answer.get("spots", [])}
                self.report.ledger.unanswered(self.proc.name, maybe if "server" in answer["error"] else set())
        return True


def _run_commands(
    url: str, commands: tuple[tuple[str, ...], ...], deadline: float, report: Report, done: threading.Event
) -> None:
    """Every command at least once (the coding processes go on until then), then again until the deadline."""
    runner = CommandProcess(url)
    try:
        while True:
            for args in commands:
                code, stderr = runner.run(*args)
                report.commands[f"{args[0]} {'ok' if code == 0 else 'failed'}"] += 1
                if code != 0:
                    report.command_failures.append(f"{' '.join(args)}: {stderr.strip()[-400:]}")
            if time.monotonic() >= deadline:
                return
    finally:
        runner.close()
        done.set()


def run_mix(
    url: str,
    plan: Plan,
    *,
    during: Callable[[list[CoderProcess], float, Report], None] | None = None,
) -> tuple[Report, list[CoderProcess]]:
    """Run the coding processes and the commands until ``plan.seconds`` have passed; quit them all.

    ``during(processes, deadline, report)`` runs on this thread meanwhile (kill one, restart a server…).
    """
    report, lock = Report(processes=plan.coders + (1 if plan.commands else 0)), threading.Lock()
    procs = [CoderProcess.start(url, f"coder{i}") for i in range(plan.coders)]
    started = time.monotonic()
    deadline = started + plan.seconds
    done = threading.Event()
    threads = [
        threading.Thread(
            target=_Driver(p, random.Random(plan.seed + i), report, lock).run, args=(deadline, done)
        )
        for i, p in enumerate(procs)
    ]
    if plan.commands:
        args = (url, plan.commands, deadline, report, done)
        threads.append(threading.Thread(target=_run_commands, args=args))
    else:
        done.set()
    for t in threads:
        t.start()
    try:
        if during is not None:
            during(procs, deadline, report)
    finally:
        for t in threads:
            t.join()
        for p in procs:
            if p.proc.poll() is None:
                p.quit()
    report.seconds = time.monotonic() - started
    return report, procs
