"""The zero-configuration first run, and a real process killed right after a keypress."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from qcode.cli.tui import prepare_project
from qcode.store.migrate import Store, open_store
from qcode.tui.app import QcodeApp
from tests.coding.sample import Sample
from tests.tui.harness import SIZE, position, screen_text, stored_codings

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.anyio
async def test_first_run_creates_the_demo_project(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'qcode.db'}"
    store = prepare_project(url)
    try:
        app = QcodeApp(store, "alice")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.controller is not None
            assert len(app.controller.documents) >= 3 and len(app.controller.codes) >= 5
            first = app.controller.documents[0].name
            assert position(app) == (first, 1)
            assert "Codebook" in screen_text(app)
    finally:
        store.close()
    again = prepare_project(url)  # a second start finds the project and adds nothing
    try:
        with again.sessions() as s:
            from qcode.project.service import project_status

            assert project_status(s).documents == len(app.controller.documents)
    finally:
        again.close()


@pytest.mark.anyio
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_screen_says_a_demo_was_made_here(
    tmp_path: Path, size: tuple[int, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """Started in the wrong folder, the coder learns on the screen that this is a new demo."""
    from qcode.cli.tui import open_access

    path = tmp_path / "exports" / "qcode.db"
    path.parent.mkdir()
    access = open_access(f"sqlite:///{path}")
    try:
        app = QcodeApp(access, "alice")
        async with app.run_test(size=size, notifications=True) as pilot:
            from textual.widgets._toast import Toast

            for _ in range(20):
                await pilot.pause(0.05)
                toasts = list(app.screen.query(Toast))
                if toasts:
                    break
            box = toasts[0].region  # the notice as drawn: the screen's rows and columns under it
            rows = screen_text(app).splitlines()[box.y : box.bottom]
            said = " ".join(" ".join(row[box.x : box.right] for row in rows).replace("▌", " ").split())
            assert said.startswith("no project at")
            assert "created a demo project from the bundled corpus" in said
    finally:
        access.close()
    assert "created a demo project" in capsys.readouterr().err  # and on stderr, as before


def _read_until(fd: int, needle: bytes, timeout: float, seen: bytearray) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            seen.extend(chunk)
            if needle in seen:
                return True
    return False


def _read_quiet(fd: int, seen: bytearray, quiet: float = 0.5, timeout: float = 20) -> None:
    """Read until the terminal has been silent for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            return
        seen.extend(os.read(fd, 65536))


@pytest.mark.slow
def test_kill_minus_nine_right_after_a_keypress_loses_nothing(project: tuple[Store, Sample]) -> None:
    store, _ = project
    db = store.url.removeprefix("sqlite:///")
    store.close()
    env = {**os.environ, "QCODE_DB": db, "TERM": "xterm-256color", "PYTHONPATH": str(REPO)}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command in a terminal of its own
        os.execve(sys.executable, [sys.executable, "-m", "qcode.cli.tui", "--coder", "alice"], env)
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.kill(pid, signal.SIGWINCH)
        screen = bytearray()
        assert _read_until(fd, b"coder alice", 60, screen), screen[-2000:]
        _read_quiet(fd, screen)  # the whole first screen (the codebook also names "Wages withheld")
        after = bytearray()
        os.write(fd, b"w")
        assert _read_until(fd, b"Wages withheld", 60, after), after[-2000:]
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    reopened = open_store(f"sqlite:///{db}")
    try:
        assert stored_codings(reopened) == {("A", 1, "wages")}
    finally:
        reopened.close()
