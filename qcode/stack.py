"""Run a heavy import at the bottom of a fresh call stack (standard library only).

CPython 3.11 keeps Python frames in chunks of 16 KiB: a call that does not fit in the current
chunk maps a new one (``mmap``), and its return unmaps it (``munmap``), so code that calls in and
out across a chunk's edge maps and unmaps memory, with fresh pages each time, at every call.
Importing spaCy and SQLAlchemy is thousands of nested calls; under click's and qcode's frames
(a command's own depth) ``qcode import`` of 1 MB crossed an edge about 8,000 times against about
1,600 for a script that imports them at its top (``strace -c``), some 0.05 s of its 1.5 s of CPU
(bench/import.py). A new thread's stack starts empty, as a script's does.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def preload(module: str) -> None:
    """Import ``module`` (and all it imports) on a fresh stack, so a later import finds it loaded."""
    on_fresh_stack(lambda: importlib.import_module(module))


def on_fresh_stack(fn: Callable[[], T]) -> T:
    """``fn()``, run on a new thread while the caller waits; its result, or its exception raised here.

    Nothing runs beside it: the caller only waits, so no two imports race for a module. The
    thread is a daemon, so an interrupt (Ctrl-C, which reaches the waiting caller) ends the
    process without waiting for it.
    """
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(fn())
        except BaseException as exc:  # handed to the caller, which raises it
            failure.append(exc)

    worker = threading.Thread(target=run, name="qcode-fresh-stack", daemon=True)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]
    return outcome[0]
