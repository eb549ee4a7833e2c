"""`qcode --help` wall time beside a bare one-command Typer app's `--help`, measured in the same run.

Also checks, with ``python -X importtime``, that neither spaCy, Textual, SQLAlchemy nor NumPy is imported.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 21
BARE = '''
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    typer.echo(name)
app()
'''


def _median_wall(argv: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _heavy_imports() -> list[str]:
    code = (
        "import sys; sys.argv=['qcode','--help']\n"
        "from qcode.cli.main import main\n"
        "try:\n main()\nexcept SystemExit:\n pass"
    )
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True
    ).stderr
    heavy = ("spacy", "textual", "sqlalchemy", "numpy")
    return sorted(
        {line.split("|")[-1].strip() for line in err.splitlines() if line.split("|")[-1].strip() in heavy}
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE)
        baseline = _median_wall([sys.executable, str(bare), "--help"])
        qcode = _median_wall([sys.executable, "-m", "qcode", "--help"])
    print(f"bare Typer app --help   median {baseline * 1000:6.1f} ms  ({RUNS} runs)")
    print(f"qcode --help            median {qcode * 1000:6.1f} ms  ({RUNS} runs, target < 200 ms)")
    print(f"ratio                   {qcode / baseline:.2f}x")
    print(f"heavy modules imported: {_heavy_imports() or 'none'}")


if __name__ == "__main__":
    main()
