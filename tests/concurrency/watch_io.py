"""Run qcode's paths over a project with an audit hook that lists every plain file access to its database.

``python -m tests.concurrency.watch_io DB WORKDIR`` prints one JSON line: the Python-level file
operations (``open``, ``os.remove``, ``os.rename``, ``os.truncate``, ``shutil.copyfile``) that named the
database file, its ``-wal``, ``-shm`` or ``-journal`` while qcode ran: the coding screen's access
path, then commands in this one process (so a connection may be open while each runs). SQLite's own
file access happens in C and raises no audit event; any event here is plain I/O on the live file.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

WATCHED = ("open", "os.remove", "os.rename", "os.truncate", "shutil.copyfile", "shutil.copymode")


def _watch(db: Path, seen: list[list[str]]) -> None:
    names = {str(db)} | {f"{db}{suffix}" for suffix in ("-wal", "-shm", "-journal")}

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event not in WATCHED:
            return
        for arg in args[:2]:
            if isinstance(arg, (str, os.PathLike)) and os.path.abspath(os.fspath(arg)) in names:
                seen.append([event, os.fspath(arg)])

    sys.addaudithook(hook)


def _commands(url: str, work: Path) -> list[list[str]]:
    """Commands that open the store; each runs in this process, after the coding session below."""
    return [
        ["status"],
        ["db", "current"],
        ["db", "upgrade"],
        ["documents"],
        ["agreement", "--coders", "ann,bob"],
        ["export", "segments", "--out", str(work / "segments.csv")],
        ["export", "memos", "--out", str(work / "memos.csv")],
    ]


def main(argv: list[str]) -> int:
    """Watch, run, report."""
    db, work = Path(argv[0]).resolve(), Path(argv[1])
    url = f"sqlite:///{db}"
    seen: list[list[str]] = []
    _watch(db, seen)
    from typer.testing import CliRunner

    from qcode.cli.main import app
    from tests.concurrency.coder import Coder

    failures: list[str] = []
    other = Coder(url, "bob")
    other.run({"op": "toggle", "seg": 0, "code": "wages"})
    other.close()
    session = Coder(url, "ann")  # the coding screen: read-only reader, then the store behind it
    session.run({"op": "toggle", "seg": 0, "code": "wages"})
    session.run({"op": "memo", "seg": 1, "text": "seen twice"})
    session.run({"op": "undo"})
    runner = CliRunner()
    for args in _commands(url, work):  # while the coding session is still open in this process
        result = runner.invoke(app, ["--db", url, *args])
        if result.exit_code != 0:
            failures.append(f"{' '.join(args)}: {result.output.strip()[-300:]}")
    session.close()
    print(json.dumps({"plain_io": seen, "failures": failures}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
