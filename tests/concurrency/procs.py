"""Processes for concurrency tests: coding-screen drivers and real ``qcode`` commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
#: Seconds a coding process may take to answer one command (a lock wait is 5 s at most).
ANSWER_TIMEOUT = 60.0


def qcode_script() -> str:
    """The installed ``qcode`` command beside this interpreter."""
    script = Path(sys.executable).with_name("qcode")
    return str(script) if script.exists() else "qcode"


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: this checkout first on the path, no user config."""
    env = {**os.environ, "PYTHONPATH": str(REPO), **extra}
    env.pop("QCODE_CODER", None)
    return env


def run_qcode(url: str, *args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    """Run one real ``qcode`` command on the project at ``url``."""
    return subprocess.run(
        [qcode_script(), "--db", url, *args],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=timeout,
        check=False,
    )


class CommandProcess:
    """A :mod:`tests.concurrency.commands` process: ``qcode`` commands run one at a time, as from a shell."""

    def __init__(self, url: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.concurrency.commands", url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=child_env(),
        )

    def run(self, *args: str) -> tuple[int, str]:
        """Run one command; its exit status and standard error."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(list(args)) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the command process exited ({self.proc.wait(timeout=ANSWER_TIMEOUT)})")
        answer = json.loads(line)
        return int(answer["code"]), str(answer["stderr"])

    def close(self) -> None:
        """End the process (it closes nothing it still holds: every command closed its project)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=ANSWER_TIMEOUT)
        self.proc.stdout.close()


@dataclass
class CoderProcess:
    """A :mod:`tests.concurrency.coder` process: one coder's screen, answering a command at a time."""

    proc: subprocess.Popen[str]
    name: str
    hello: dict[str, Any]
    killed: bool = False

    @classmethod
    def start(cls, url: str, name: str) -> CoderProcess:
        """Start the process and wait until its first screen is read (store still opening)."""
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.concurrency.coder", url, name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=child_env(),
        )
        me = cls(proc, name, {})
        me.hello = me._answer()
        return me

    def send(self, op: str, **args: Any) -> dict[str, Any]:
        """Send one command and wait for its answer."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.proc.stdin.flush()
        return self._answer()

    def _answer(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(timeout=ANSWER_TIMEOUT)
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise RuntimeError(f"coder {self.name} exited ({self.proc.returncode}): {err[-2000:]}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def quit(self) -> None:
        """Close the session as the app does on ``q`` (store and reader released)."""
        self.send("quit")
        self.proc.wait(timeout=ANSWER_TIMEOUT)
        self._close_pipes()

    def kill(self) -> None:
        """``kill -9``: no chance to close anything."""
        self.killed = True
        self.proc.kill()
        self.proc.wait(timeout=ANSWER_TIMEOUT)
        self._close_pipes()

    def _close_pipes(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()
