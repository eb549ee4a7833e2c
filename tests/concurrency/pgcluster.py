"""A private PostgreSQL cluster a test starts, stops and restarts itself (other tests never see it).

Built with the machine's PostgreSQL binaries (``QCODE_PG_BIN``, else ``/usr/lib/postgresql/15/bin``)
in a fresh folder, on a free port, trust authentication on 127.0.0.1 only. ``initdb`` refuses to run
as root: as root every binary runs as the ``postgres`` OS user (``runuser``), which owns the folder.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("QCODE_PG_BIN", "/usr/lib/postgresql/15/bin"))
#: Seconds any one pg_ctl or initdb call may take.
PG_CTL_TIMEOUT = 120


def missing_reason() -> str | None:
    """Why a private cluster cannot be started here (``None``: it can)."""
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        return f"PostgreSQL server binaries not found in {PG_BIN} (set QCODE_PG_BIN)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres OS user for initdb"
        if shutil.which("runuser") is None:
            return "running as root without runuser to start PostgreSQL as the postgres user"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateCluster:
    """One throw-away cluster: :meth:`start`, :meth:`stop` (fast or like a crash), :meth:`remove`."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="qcode-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    @property
    def url(self) -> str:
        """Where a test database goes (``create_database`` makes it)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/qcode"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(PG_BIN / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=PG_CTL_TIMEOUT, cwd=self.root)

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` (sessions ended cleanly) or ``immediate`` (like a crash)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self) -> None:
        """Create the ``qcode`` database the URL names."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "qcode")

    def remove(self) -> None:
        """Stop the server if it runs and delete the folder."""
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
