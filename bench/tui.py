"""Coding TUI speed on a large project, beside raw Textual and raw SQLAlchemy measured in the same run.

Times run from the key event entering the app to the first compositor frame that contains the
change, rendered to terminal bytes (the app's display hook is wrapped; ``pilot.pause()`` is never
inside a measurement). Startup runs in a fresh interpreter, from spawn to the first frame that shows
transcript rows, the way ``qcode code`` opens a project; and the real command is spawned on a
pseudo-terminal and timed to the bytes that show the cursor's segment wrapped to its pane.
Opening and toggling start right after the first screen, as a coder would, while the store
opens and progress is counted behind it.

    .venv/bin/python bench/tui.py                  # 500 documents × 2,000 segments, 200,000 codings
    .venv/bin/python bench/tui.py --small          # 20 × 2,000 and 8,000 codings: a quick check
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui_data import bench_db_path, build, hotkeys

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


def summary(values: list[float]) -> str:
    """Median and p95 in milliseconds."""
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   (n={len(ms)})"


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
            step = 1 if ctl.doc_index + opens < len(ctl.documents) else -1
            key, char = ("right_square_bracket", "]") if step > 0 else ("left_square_bracket", "[")
            for _ in range(opens):
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


# -- startup, in a fresh interpreter ------------------------------------------------------------


def child_startup(kind: str, db: str, spawned: float) -> None:
    """(In the child.) Print seconds from spawn to the first frame showing transcript rows."""

    async def run() -> float:
        if kind == "baseline":
            app = raw_app(2000)
            probe = FrameProbe(app)
            probe.check = lambda t: "row of plain text" in t
        else:
            from qcode.cli.tui import open_access  # the command's own way in
            from qcode.tui.app import QcodeApp
            from qcode.tui.widgets.transcript import TranscriptView

            original = TranscriptView.render_row
            painted = {"rows": False}

            def render_row(self: TranscriptView, row: Any, width: int) -> Any:
                painted["rows"] = True
                return original(self, row, width)

            TranscriptView.render_row = render_row  # type: ignore[method-assign]
            app = QcodeApp(open_access(f"sqlite:///{db}"), "alice")
            probe = FrameProbe(app)
            probe.check = lambda _t: painted["rows"]
        probe.waiter = asyncio.get_running_loop().create_future()
        async with app.run_test(size=SIZE):
            end = await asyncio.wait_for(probe.waiter, 30)
        return end

    end_perf = asyncio.run(run())
    # perf_counter and time.time differ in origin; convert the frame time to wall-clock time
    wall = time.time() - (time.perf_counter() - end_perf)
    print(json.dumps({"seconds": wall - spawned}))


def measure_startup(kind: str, db: Path, runs: int) -> list[float]:
    """Spawn ``runs`` fresh interpreters and time each to its first usable frame."""
    out = []
    for _ in range(runs):
        spawned = time.time()
        proc = subprocess.run(
            [sys.executable, __file__, "--child", kind, str(db), repr(spawned)],
            capture_output=True,
            text=True,
            check=True,
        )
        out.append(json.loads(proc.stdout.strip().splitlines()[-1])["seconds"])
    return out


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


def measure_terminal(db: Path, runs: int) -> tuple[list[float], list[float]]:
    """The real ``qcode code`` command and a raw Textual app, each spawned on a pty, interleaved."""
    import os

    qcode = str(Path(sys.executable).with_name("qcode"))
    env = {**os.environ, "TERM": "xterm-256color", "QCODE_DB": str(db), "COLUMNS": "120", "LINES": "40"}
    raw = [sys.executable, "-c", RAW_PTY_APP.format(bench=str(Path(__file__).resolve().parent))]
    ours, base = [], []
    for _ in range(runs):
        ours.append(time_pty([qcode, "code", "--coder", "alice"], FIRST_SCREEN, env))
        base.append(time_pty(raw, re.compile("row of plain text"), env))
    return ours, base


def main() -> None:
    """Build or reuse the project, measure, print a table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="20 documents and 8,000 codings (quick)")
    parser.add_argument("--opens", type=int, default=30)
    parser.add_argument(
        "--toggles", type=int, default=100, help="segments toggled on and off (2 presses each)"
    )
    parser.add_argument("--startups", type=int, default=5)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_startup(args.child[0], args.child[1], float(args.child[2]))
        return
    docs, codings = (20, 8000) if args.small else (500, 200_000)
    db = build(bench_db_path(docs, 2000, codings), docs, 2000, codings)
    assert len(hotkeys(40)) >= 20
    print(
        f"project: {docs} documents × 2,000 segments = {docs * 2000:,} segments, {codings:,} codings; {SIZE}"
    )
    startup = measure_startup("qcode", db, args.startups)
    startup_raw = measure_startup("baseline", db, args.startups)
    terminal, terminal_raw = measure_terminal(db, args.startups)
    app = asyncio.run(measure_app(db, args.opens, args.toggles))
    raw = asyncio.run(measure_raw(args.toggles))
    core = measure_core_commit()
    print(f"startup → first usable frame   {summary(startup)}   target < 800 ms")
    print(f"  raw Textual, 2,000-row view  {summary(startup_raw)}")
    print(f"`qcode code` on a pty → screen {summary(terminal)}   target < 800 ms")
    print(f"  raw Textual app on a pty     {summary(terminal_raw)}")
    print(f"open transcript (]), 2,000 seg {summary(app['open'])}   target < 50 ms")
    print(f"toggle code → frame (all)      {summary(app['toggle'])}   target median < 10, p95 < 20 ms")
    print(f"  toggle on                    {summary(app['toggle_on'])}")
    print(f"  toggle off                   {summary(app['toggle_off'])}")
    print(f"  raw Textual row edit → frame {summary(raw)}")
    print(f"  raw Core insert + commit     {summary(core)}")


if __name__ == "__main__":
    main()
