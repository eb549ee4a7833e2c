"""`qcode --help`, the installed command, beside a bare one-command Typer app's `--help`, interleaved.

Each run is a fresh process; printed per side: median, min and max wall time, CPU time and peak
memory, and the ratio to the bare app (target: qcode < 200 ms). Also checks, with
``python -X importtime``, that `qcode --help` imports neither spaCy, Textual, SQLAlchemy nor NumPy.

    .venv/bin/python bench/cli_startup.py [--pairs 21] [--smoke]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import add_options, compare, qcode_command, rounds, run_process, show

BARE = '''
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    typer.echo(name)
app()
'''
HEAVY = ("spacy", "textual", "sqlalchemy", "numpy")


def heavy_imports() -> list[str]:
    """The heavy top-level packages `qcode --help` imports (should be none)."""
    code = (
        "import sys; sys.argv=['qcode','--help']\n"
        "from qcode.cli.main import main\n"
        "try:\n main()\nexcept SystemExit:\n pass"
    )
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    ).stderr
    names = {line.split("|")[-1].strip() for line in err.splitlines()}
    return sorted(names & set(HEAVY))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args = add_options(parser, pairs=21).parse_args()
    qcode = qcode_command()
    with tempfile.TemporaryDirectory(prefix="qcode-bench-") as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE)
        results = compare(
            {
                "bare Typer app --help": lambda: run_process([sys.executable, str(bare), "--help"]),
                "qcode --help (installed command)": lambda: run_process([qcode, "--help"]),
            },
            pairs=rounds(args),
            quiet=True,
        )
    show("start-up, --help", results, baseline="bare Typer app --help", unit="ms")
    median = statistics.median(results["qcode --help (installed command)"].wall)
    if not args.smoke:
        verdict = "met" if median < 0.2 else "NOT met"
        print(f"    target qcode --help < 200 ms: {verdict} ({median * 1000:.0f} ms)")
    heavy = heavy_imports()
    print(f"    heavy modules imported by --help: {', '.join(heavy) or 'none'}")
    if heavy:
        sys.exit(1)


if __name__ == "__main__":
    main()
