"""Coding TUI speed: launch → first toggle, document opens and toggles, beside raw Textual and sqlite3.

1. Launch → first toggle committed and shown (issue 16), per project size (default 10,000 and
   1,000,000 segments, 2,000 a document): a fresh interpreter opens the project the way
   ``qcode code`` does, presses a code's hotkey as soon as the first frame shows transcript rows,
   and stops when a frame shows the code on the segment and the coding is committed (see
   ``tui_launch.py``); beside a bare Textual app that reads the same document with sqlite3 and
   commits a coding on its key. Interleaved, with CPU time and peak memory per side, and the
   launch → first frame time. Target: < 0.4 s at 1,000,000 segments.
2. The installed ``qcode code`` on a 120×40 pseudo-terminal → the bytes showing the cursor's
   segment, beside a raw Textual app on the same terminal, interleaved.
3. In the app (largest project): ``]`` document opens and code toggles timed from the key event to
   the first compositor frame containing the change, rendered to terminal bytes (``pilot.pause()``
   is never inside a measurement); beside a bare ScrollView's row edit and a raw SQLAlchemy Core
   insert + commit. Targets: open < 50 ms; toggle median < 10 ms, p95 < 20 ms.

Projects are written with plain sqlite3 and cached by size (``tui_data.py``; ``QCODE_BENCH_DIR``).

    .venv/bin/python bench/tui.py                  # 10,000 and 1,000,000 segments
    .venv/bin/python bench/tui.py --small          # 10,000 segments, fewer presses: a quick check
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import (
    Sample,
    Series,
    add_options,
    compare,
    load,
    qcode_command,
    record_absolute,
    rounds,
    show,
)
from tui_data import bench_db_path, build

SIZE = (120, 40)


class FrameProbe:
    """Wraps ``app._display``: resolves a future at the first frame for which ``check()`` holds."""

    def __init__(self, app: Any) -> None:
        from textual._compositor import CompositorUpdate

        self.app = app
        self._update_type = CompositorUpdate
        self._original = app._display
        app._display = self._display
        self.waiter: asyncio.Future[float] | None = None
        self.check: Callable[[str], bool] = lambda _text: True
        self.first_frame: float | None = None

    def _display(self, screen: Any, renderable: Any) -> None:
        text = ""
        if isinstance(renderable, self._update_type):
            text = renderable.render_segments(self.app.console)  # the bytes a terminal would get
        self._original(screen, renderable)
        now = time.perf_counter()
        if self.waiter is not None and not self.waiter.done() and self.check(text):
            self.waiter.set_result(now)

    async def press(self, key: str, char: str | None, check: Callable[[str], bool]) -> float:
        """Send one key event; seconds until the first frame passing ``check``."""
        from textual import events

        self.waiter = asyncio.get_running_loop().create_future()
        self.check = check
        start = time.perf_counter()
        self.app._driver.send_message(events.Key(key, char))
        end = await asyncio.wait_for(self.waiter, 10)
        return end - start


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    """Median and p95 in milliseconds."""
    median, high = statistics.median(values) * 1000, p95(values) * 1000
    return f"median {median:7.2f} ms   p95 {high:7.2f} ms   (n={len(values)})"


# -- the qcode app ------------------------------------------------------------------------------


async def measure_app(db: Path, opens: int, toggles: int) -> dict[str, list[float]]:
    """Open documents with ``]`` and toggle codes by hotkey, timing each to its frame."""
    from qcode.cli.tui import open_access
    from qcode.coding.types import CodeInfo
    from qcode.tui.app import QcodeApp
    from qcode.tui.widgets.transcript import TEXT, TranscriptView, chip_label

    access = open_access(f"sqlite:///{db}")
    app = QcodeApp(access, "alice")
    probe = FrameProbe(app)
    seen: dict[str, Any] = {"ok": False, "want": None}
    original = TranscriptView.render_row

    def render_row(self: TranscriptView, row: Any, width: int) -> Any:
        want = seen["want"]
        if want is not None and want(self, row):
            seen["ok"] = True
        return original(self, row, width)

    TranscriptView.render_row = render_row  # type: ignore[method-assign]
    out: dict[str, list[float]] = {"open": [], "toggle": [], "toggle_on": [], "toggle_off": []}
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            tv = app.screen.query_one(TranscriptView)
            assert app.controller is not None
            ctl = app.controller
            for _ in range(opens):
                step = 1 if ctl.doc_index + 1 < len(ctl.documents) else -1  # back from the last one
                key, char = ("right_square_bracket", "]") if step > 0 else ("left_square_bracket", "[")
                target = ctl.documents[ctl.doc_index + step]

                def opened(v: TranscriptView, _row: Any, name: str = target.name) -> bool:
                    return v.transcript is not None and v.transcript.document.name == name

                seen.update(ok=False, want=opened)
                out["open"].append(await probe.press(key, char, lambda _t: seen["ok"]))
                seen["want"] = None
                await pilot.pause()
            # a cached project may give a code a key the app has since reserved (``K``): skip those
            codes: list[CodeInfo] = [c for c in ctl.codes if c.hotkey and c.hotkey in ctl.code_by_hotkey]
            for i in range(toggles):
                await pilot.press("j")
                await pilot.pause()
                code = codes[i % len(codes)]
                index = tv.cursor
                for phase in (
                    ("toggle_on", "toggle_off")
                    if code.id not in tv.codes_at(index)
                    else ("toggle_off", "toggle_on")
                ):
                    expected_on = phase == "toggle_on"

                    def want(
                        v: TranscriptView,
                        row: Any,
                        idx: int = index,
                        cid: int = code.id,
                        on: bool = expected_on,
                    ) -> bool:
                        return row[1] == idx and row[0] == TEXT and (cid in v.codes_at(idx)) == on

                    seen.update(ok=False, want=want)
                    label = chip_label(code)
                    check = (
                        (lambda t, lab=label: seen["ok"] and lab in t)
                        if expected_on
                        else (lambda _t: seen["ok"])
                    )
                    elapsed = await probe.press(str(code.hotkey), str(code.hotkey), check)
                    seen["want"] = None
                    out[phase].append(elapsed)
                    out["toggle"].append(elapsed)
                    await pilot.pause()
    finally:
        TranscriptView.render_row = original  # type: ignore[method-assign]
        access.close()
    return out


# -- raw Textual and raw SQLAlchemy baselines ---------------------------------------------------


def raw_app(rows: int) -> Any:
    """A bare Textual app: one Line API ScrollView of ``rows`` lines; ``e`` edits the cursor row."""
    from rich.segment import Segment
    from textual.app import App, ComposeResult
    from textual.geometry import Size
    from textual.scroll_view import ScrollView
    from textual.strip import Strip

    class Lines(ScrollView, can_focus=True):
        def __init__(self) -> None:
            super().__init__()
            self.lines = [f"{i:6} row of plain text, as a baseline" for i in range(rows)]
            self.virtual_size = Size(80, rows)
            self.cursor = 0

        def render_line(self, y: int) -> Strip:
            i = self.scroll_offset.y + y
            text = self.lines[i] if i < len(self.lines) else ""
            return Strip([Segment(text)]).adjust_cell_length(self.size.width)

        def key_e(self) -> None:
            self.cursor += 1
            row = self.cursor % 30
            self.lines[row] = f"{row:6} row of plain text, as a baseline [edit {self.cursor}]"
            self.refresh_line(row)

    class Raw(App[None]):
        def compose(self) -> ComposeResult:
            yield Lines()

    return Raw()


async def measure_raw(edits: int) -> list[float]:
    """Keypress → frame for an edited row in the bare ScrollView."""
    app = raw_app(2000)
    probe = FrameProbe(app)
    out = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for n in range(1, edits + 1):
            out.append(await probe.press("e", "e", lambda t, n=n: f"[edit {n}]" in t))
            await pilot.pause()
    return out


def measure_core_commit(n: int = 300) -> list[float]:
    """One SQLAlchemy Core insert + commit on a WAL SQLite file."""
    import tempfile

    from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/t.db")
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode = WAL")
            conn.exec_driver_sql("PRAGMA synchronous = NORMAL")
        table = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("v", Integer))
        table.metadata.create_all(engine)
        out = []
        with engine.connect() as conn:
            for i in range(n):
                start = time.perf_counter()
                conn.execute(insert(table).values(v=i))
                conn.commit()
                out.append(time.perf_counter() - start)
        engine.dispose()
    return out


# -- the real command on a pseudo-terminal -----------------------------------------------------


RAW_PTY_APP = """
import sys
sys.path.insert(0, {bench!r})
from tui import raw_app
raw_app(2000).run()
"""
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[PX^_][^\x1b]*\x1b\\|.)")


def time_pty(argv: list[str], marker: re.Pattern[str], env: dict[str, str]) -> float:
    """Seconds from spawning ``argv`` on a 120×40 pseudo-terminal to output showing ``marker``."""
    import fcntl
    import os
    import pty
    import select
    import signal
    import struct
    import termios

    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: a real terminal of the bench's size
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        os.execve(argv[0], argv, env)
    seen = ""
    try:
        while time.perf_counter() - start < 30:
            ready, _, _ = select.select([fd], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            seen += ANSI.sub("", chunk.decode("utf-8", "replace"))
            if marker.search(seen):
                return time.perf_counter() - start
            seen = seen[-4000:]
        raise RuntimeError(f"{argv[0]}: no {marker.pattern!r} on screen within 30 s; last: {seen[-300:]!r}")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


#: The cursor's segment: its number and a row of words wrapped to the pane (not one word a line).
FIRST_SCREEN = re.compile(r"▌ +\d+ (\S+ ){4}")


def measure_terminal(db: Path, pairs: int) -> dict[str, Series]:
    """The real ``qcode code`` command and a raw Textual app, each spawned on a pty, interleaved."""
    import os

    qcode = qcode_command()
    env = {**os.environ, "TERM": "xterm-256color", "QCODE_DB": str(db), "COLUMNS": "120", "LINES": "40"}
    raw = [sys.executable, "-c", RAW_PTY_APP.format(bench=str(Path(__file__).resolve().parent))]
    return compare(
        {
            "raw Textual app, 2,000 rows": lambda: Sample(
                time_pty(raw, re.compile("row of plain text"), env), 0.0
            ),
            "qcode code --coder alice": lambda: Sample(
                time_pty([qcode, "code", "--coder", "alice"], FIRST_SCREEN, env), 0.0
            ),
        },
        pairs=pairs,
        quiet=True,
    )


def main() -> None:
    """Build or reuse the projects, measure, print the tables."""
    if len(sys.argv) == 7 and sys.argv[1] == "--launch":
        from tui_launch import child

        child(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n", 1)[1],
    )
    parser.add_argument(
        "--segments", default="10000,1000000", help="project sizes for the launch measure (2,000 a document)"
    )
    parser.add_argument("--small", action="store_true", help="10,000 segments only, fewer presses (quick)")
    parser.add_argument("--opens", type=int, default=30, help="documents opened with ] (or [ at the end)")
    parser.add_argument(
        "--toggles", type=int, default=100, help="segments toggled on and off (2 presses each)"
    )
    args = add_options(parser).parse_args()
    per_doc = 500 if args.smoke else 2000
    sizes = [1000] if args.smoke else [10_000] if args.small else [int(n) for n in args.segments.split(",")]
    opens, toggles = (2, 4) if args.smoke else (10, 30) if args.small else (args.opens, args.toggles)
    pairs = rounds(args)
    from tui_launch import launch

    db = Path()
    for segments in sizes:
        docs = max(2, segments // per_doc)
        codings = segments // 5
        db = build(bench_db_path(docs, per_doc, codings), docs, per_doc, codings)
        print(
            f"project: {docs} documents × {per_doc:,} segments = {docs * per_doc:,} segments,"
            f" {codings:,} codings"
        )
        results = compare(
            {
                "floor: raw Textual + sqlite3": lambda db=db: launch(__file__, "floor", db),
                "qcode (its own way in)": lambda db=db: launch(__file__, "qcode", db),
            },
            pairs=pairs,
            warmup=not args.smoke,
        )
        show(f"launch → first toggle committed and shown, {docs * per_doc:,} segments", results,
             baseline="floor: raw Textual + sqlite3")  # fmt: skip
        for name, series in results.items():
            screen = statistics.median(s.extra["screen"] for s in series.samples)
            print(f"    {name:<44} launch → first frame with rows: median {screen * 1000:6.0f} ms")
        if segments >= 1_000_000 or args.smoke:
            record_absolute(
                f"launch → first toggle committed and shown, {docs * per_doc:,} segments",
                statistics.median(results["qcode (its own way in)"].wall),
                target=0.4,
                baseline=statistics.median(results["floor: raw Textual + sqlite3"].wall),
                baseline_name="floor",
            )
    terminal = measure_terminal(db, pairs)
    show("`qcode code` on a pty → first screen", terminal, baseline="raw Textual app, 2,000 rows", unit="ms")
    app = asyncio.run(measure_app(db, opens, toggles))
    raw = asyncio.run(measure_raw(toggles))
    core = measure_core_commit()
    print(f"  in the app, {SIZE[0]}×{SIZE[1]}, load average {load()}")
    print(f"    open transcript ([ or ])       {summary(app['open'])}   target < 50 ms")
    print(f"    toggle code → frame (all)      {summary(app['toggle'])}   target median < 10, p95 < 20 ms")
    print(f"      toggle on                    {summary(app['toggle_on'])}")
    print(f"      toggle off                   {summary(app['toggle_off'])}")
    print(f"      raw Textual row edit → frame {summary(raw)}")
    print(f"      raw Core insert + commit     {summary(core)}")
    raw_median = statistics.median(raw)
    record_absolute("document open ([ or ]) → frame", statistics.median(app["open"]), target=0.050, unit="ms")
    record_absolute("toggle → frame", statistics.median(app["toggle"]), target=0.010, unit="ms",
                    baseline=raw_median, baseline_name="raw Textual row edit")  # fmt: skip
    record_absolute("toggle → frame", p95(app["toggle"]), target=0.020, unit="ms", kind="p95",
                    baseline=p95(raw), baseline_name="raw Textual row edit")  # fmt: skip


if __name__ == "__main__":
    main()
