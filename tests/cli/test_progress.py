"""Progress bars: only on a terminal, and without loading rich when stderr is a pipe or a file."""

from __future__ import annotations

import subprocess
import sys


def test_no_terminal_no_bar_and_rich_stays_unloaded() -> None:
    code = (
        "import sys\n"
        "from qcode.cli.common import progress\n"
        "with progress(show=True) as bar:\n"
        "    assert bar.start('x', 10) is None and list(bar.track([1, 2], 'y')) == [1, 2]\n"
        "print('rich' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False" and out.stderr == ""
