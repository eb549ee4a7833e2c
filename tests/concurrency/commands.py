"""A process that runs ``qcode`` commands one after another, each as the command line would.

``python -m tests.concurrency.commands URL`` reads one JSON list of arguments per line and answers
``{"code": EXIT, "stderr": "..."}``. Every command opens the project, works and closes it again,
exactly as a separate ``qcode`` process would (its connections close, so SQLite may checkpoint),
without paying Python's start-up for each one.
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> int:
    """Serve commands until the end of stdin."""
    from typer.testing import CliRunner

    from qcode.cli.main import app

    url = argv[0]
    runner = CliRunner()
    for line in sys.stdin:
        args = json.loads(line)
        result = runner.invoke(app, ["--db", url, *args])
        error = result.stderr if result.exit_code == 0 or result.stderr else repr(result.exception)
        sys.stdout.write(json.dumps({"code": result.exit_code, "stderr": error}) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
