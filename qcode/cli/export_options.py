"""What the export and report commands share: filters by coder and code, --force, the count unit."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from qcode.cli.common import echo_err

CodersOption = Annotated[
    list[str] | None, typer.Option("--coders", help="Only these coders (comma-separated or repeated).")
]
CodesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--codes", help="Only these codes (key or name) and their sub-codes (comma-separated or repeated)."
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]


class Unit(StrEnum):
    """What a count counts."""

    segments = "segments"
    documents = "documents"
    codings = "codings"


def split_values(values: Sequence[str] | None) -> list[str]:
    """``["a,b", "c"]`` (comma-separated or repeated options) → ``["a", "b", "c"]``."""
    return [v.strip() for item in values or () for v in item.split(",") if v.strip()]


def say_done(message: str, out: Path) -> None:
    """Say what was written: on standard error when the output itself went to standard output."""
    if str(out) == "-":
        echo_err(message)
    else:
        typer.echo(message)
