"""A clean quit leaves one self-contained ``qcode.db``: no ``-wal`` beside it, every coding inside it.

The first run (bare ``qcode`` in an empty folder: the demo project made, then the coding screen)
used to leave ``qcode.db`` a 4 KB stub with everything in ``qcode.db-wal``: the last connection to
close was the read-only one, which cannot fold the log back. A copy of ``qcode.db`` alone was an
empty project. Each test copies the file alone and reads the codings from the copy.
"""

from __future__ import annotations

import os
import pty
import shutil
import sqlite3
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from qcode.cli.tui import coding_app
from qcode.project.service import ensure_project
from qcode.store.migrate import Store
from tests.coding.sample import Sample
from tests.tui.harness import SIZE
from tests.tui.test_first_run_and_kill import _read_until

REPO = Path(__file__).resolve().parents[2]


def _drain(fd: int, quiet: float = 0.5, timeout: float = 20) -> None:
    """Read the terminal until it has been silent for ``quiet`` seconds, or the program has ended."""
    import select

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            return
        try:
            if not os.read(fd, 65536):
                return
        except OSError:  # the program ended: its terminal is gone
            return


def _codings_in_a_copy(db: Path, tmp_path: Path) -> int:
    """Codings found in a copy of ``db`` made without its ``-wal``/``-shm`` (as ``cp qcode.db`` does)."""
    copy = tmp_path / "copy" / "qcode.db"
    copy.parent.mkdir(parents=True)
    shutil.copyfile(db, copy)
    conn = sqlite3.connect(copy)
    try:
        return int(conn.execute("SELECT count(*) FROM codings").fetchone()[0])
    finally:
        conn.close()


async def _until(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    for _ in range(200):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


async def _code_and_quit(url: str) -> None:
    """Code one segment (``j w``) once the store is open too, then quit with ``q``, as `qcode code` does."""
    app = coding_app(url, "ann")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("j", "w")
            await _until(pilot, lambda: app.access.is_open)  # the store, opened in the background
            await pilot.press("q")
            await _until(pilot, lambda: not app.is_running)
    finally:
        app.access.close()


@pytest.mark.anyio
async def test_the_first_run_demo_project_is_one_file_after_quitting(tmp_path: Path) -> None:
    db = tmp_path / "qcode.db"
    await _code_and_quit(f"sqlite:///{db}")  # no file yet: the demo project is made
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qcode.db"]
    assert _codings_in_a_copy(db, tmp_path) == 1


@pytest.mark.anyio
async def test_a_ready_project_is_one_file_after_quitting(
    project: tuple[Store, Sample], tmp_path: Path
) -> None:
    store, _ = project
    with store.sessions() as s, s.begin():
        ensure_project(s)  # ready to code: the quick path (read-only first screen, store later)
    store.close()
    db = Path(store.url.removeprefix("sqlite:///"))
    before = _codings_in_a_copy(db, tmp_path / "before")
    await _code_and_quit(store.url)
    assert not db.with_name(db.name + "-wal").exists()
    assert _codings_in_a_copy(db, tmp_path / "after") == before + 1


@pytest.mark.slow
def test_bare_qcode_in_an_empty_folder_then_j_w_q_leaves_one_file(tmp_path: Path) -> None:
    """The newcomer's trial, in a real terminal: ``qcode``, ``j``, ``w``, ``q``."""
    import fcntl
    import termios

    folder = tmp_path / "study"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "QCODE_DB"}
    env |= {"TERM": "xterm-256color", "QCODE_CODER": "ann", "XDG_STATE_HOME": str(tmp_path / "state")}
    env |= {"PYTHONPATH": str(REPO)}
    pid, fd = pty.fork()
    if pid == 0:  # the child: bare `qcode` in the empty folder
        os.chdir(folder)
        os.execve(sys.executable, [sys.executable, "-m", "qcode"], env)
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        screen = bytearray()
        assert _read_until(fd, b"coder ann", 60, screen), screen[-2000:]
        _drain(fd)
        for key in (b"j", b"w"):
            os.write(fd, key)
            _drain(fd)
        time.sleep(1.0)  # past the store's opening in the background (0.5 s after the first screen)
        os.write(fd, b"q")
        _drain(fd)
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["qcode.db"]
    assert _codings_in_a_copy(folder / "qcode.db", tmp_path) == 1
