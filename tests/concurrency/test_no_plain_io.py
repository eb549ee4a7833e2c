"""No plain file I/O on a live database: qcode's paths run under an audit hook that sees every open."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.concurrency.procs import REPO, child_env


def test_no_qcode_path_opens_the_database_file_itself(sqlite_project: str, tmp_path: Path) -> None:
    db = sqlite_project.removeprefix("sqlite:///")
    out = subprocess.run(
        [sys.executable, "-m", "tests.concurrency.watch_io", db, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=child_env(),
        timeout=300,
        check=True,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["failures"] == []
    assert report["plain_io"] == []
