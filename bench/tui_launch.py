"""Launch → first toggle committed and shown, for bench/tui.py: qcode beside a raw Textual + sqlite3 floor.

Each run is a fresh interpreter (started through the harness launcher, so its CPU time and peak
memory are its own) that opens the project, waits for the first frame showing transcript rows,
presses a code's hotkey at once (as a coder who knows the key would), and stops at the later of
(a) the first frame showing that code on the cursor's segment and (b) the coding being committed,
seen through a separate sqlite3 connection. Each run codes as a new coder, made before the clock
starts, so the first screen and the toggle are alike every time.

The floor is a bare Textual app that reads the first document's segments from the same file with
sqlite3 into a Line API ScrollView, and on its key inserts the coding with sqlite3 and commits,
then repaints the row.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

from harness import Sample, run_self, since_spawn

NOW = "2026-01-01 00:00:00.000000"
CODED = "[coded]"


def first_code(db: Path) -> tuple[int, str]:
    """(id, hotkey) of the first code with a hotkey the app does not keep for itself."""
    from qcode.config import RESERVED_HOTKEYS

    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT id, hotkey FROM codes WHERE hotkey IS NOT NULL ORDER BY ordinal"
        ).fetchall()
    return next((int(i), str(k)) for i, k in rows if k not in RESERVED_HOTKEYS)


def new_coder(db: Path) -> str:
    """Insert a coder with no codings (outside the clock); return the name."""
    name = f"bench-{uuid.uuid4().hex[:8]}"
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "INSERT INTO coders (guid, name, created_at) VALUES (?, ?, ?)", (str(uuid.uuid4()), name, NOW)
        )
    conn.close()
    return name


def committed(db: str, coder: str, code_id: int) -> bool:
    """Whether ``coder`` has a committed coding with ``code_id`` (a reader's view)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        sql = "SELECT 1 FROM codings c JOIN coders k ON k.id = c.coder_id WHERE k.name = ? AND c.code_id = ?"
        return conn.execute(sql, (coder, code_id)).fetchone() is not None
    finally:
        conn.close()


def floor_app(db: str, coder: str, code_id: int) -> Any:
    """The bare app: the first document's segments from sqlite3; ``e`` commits a coding and repaints."""
    from rich.segment import Segment
    from textual.app import App, ComposeResult
    from textual.geometry import Size
    from textual.scroll_view import ScrollView
    from textual.strip import Strip

    class Lines(ScrollView, can_focus=True):
        def on_mount(self) -> None:
            self.conn = sqlite3.connect(db)
            first = "SELECT id FROM documents ORDER BY name LIMIT 1"
            rows = self.conn.execute(
                f"SELECT id, ordinal, text FROM segments WHERE document_id = ({first}) ORDER BY ordinal"
            ).fetchall()
            self.ids = [r[0] for r in rows]
            self.lines = [f"{r[1]:6} {r[2]}" for r in rows]
            self.coder_id = self.conn.execute("SELECT id FROM coders WHERE name = ?", (coder,)).fetchone()[0]
            self.virtual_size = Size(120, len(rows))

        def render_line(self, y: int) -> Strip:
            i = self.scroll_offset.y + y
            text = self.lines[i] if i < len(self.lines) else ""
            return Strip([Segment(text)]).adjust_cell_length(self.size.width)

        def key_e(self) -> None:
            with self.conn:
                self.conn.execute(
                    "INSERT INTO codings (guid, coder_id, segment_id, code_id, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (str(uuid.uuid4()), self.coder_id, self.ids[0], code_id, NOW),
                )
            self.lines[0] = f"{CODED} {self.lines[0]}"
            self.refresh_line(0)

    class Floor(App[None]):
        def compose(self) -> ComposeResult:
            yield Lines()

    return Floor()


async def _launch(kind: str, db: str, coder: str, code_id: int, hotkey: str) -> dict[str, float]:
    from tui import SIZE, FrameProbe

    state: dict[str, Any] = {"rows": False, "want": None, "ok": False}
    if kind == "floor":
        app = floor_app(db, coder, code_id)
        key, screen_check, shown = "e", (lambda t: "     1 " in t), (lambda t: CODED in t)
    else:
        from qcode.cli.tui import coding_app  # the command's own way in

        app = coding_app(f"sqlite:///{db}", coder)
        from qcode.tui.widgets.transcript import TEXT, TranscriptView  # loaded by now

        original = TranscriptView.render_row

        def render_row(self: TranscriptView, row: Any, width: int) -> Any:
            state["rows"] = True
            if state["want"] is not None and row[0] == TEXT and row[1] == self.cursor:
                state["ok"] = state["ok"] or code_id in self.codes_at(self.cursor)
            return original(self, row, width)

        TranscriptView.render_row = render_row  # type: ignore[method-assign]
        key, screen_check, shown = hotkey, (lambda _t: state["rows"]), (lambda _t: state["ok"])
    probe = FrameProbe(app)
    probe.check = screen_check
    probe.waiter = asyncio.get_running_loop().create_future()
    async with app.run_test(size=SIZE):
        screen = await asyncio.wait_for(probe.waiter, 120)
        screen_wall = time.time() - (time.perf_counter() - screen)
        state["want"] = True
        await probe.press(key, key, shown)
        while not committed(db, coder, code_id):
            await asyncio.sleep(0.0005)
        end_wall = time.time()
        cpu = time.process_time()
    spawned = time.time() - since_spawn()
    return {"wall": end_wall - spawned, "cpu": cpu, "screen": screen_wall - spawned}


def child(kind: str, db: str, coder: str, code_id: str, hotkey: str) -> None:
    """(In the fresh interpreter.) Print the JSON line run_self reads."""
    print(json.dumps(asyncio.run(_launch(kind, db, coder, int(code_id), hotkey))), flush=True)


def launch(script: str, kind: str, db: Path) -> Sample:
    """One run of ``kind`` (``qcode`` or ``floor``) on ``db``, as a new coder."""
    code_id, hotkey = first_code(db)
    return run_self(script, "--launch", kind, str(db), new_coder(db), str(code_id), hotkey)
