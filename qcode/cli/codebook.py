"""`qcode codebook …`: validate codebook files (load, show, export and evolution come with the store)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qcode.text import plural

app = typer.Typer(help="Validate, load and export codebooks.", no_args_is_help=True)


@app.callback()
def codebook() -> None:
    """Validate, load and export codebooks."""


FileArgument = Annotated[
    Path, typer.Argument(help="Codebook file: .yaml/.yml or .json (qcode's format), or .qdc (REFI-QDA).")
]


@app.command("validate")
def validate(file: FileArgument) -> None:
    """Check a codebook and print every problem as `file:line: key: message` (exit 2 if any)."""
    from qcode.codebook.model import CodebookInvalidError, Problem
    from qcode.errors import InputError

    problems: list[Problem] = []
    count = 0
    try:
        if file.suffix.lower() == ".qdc":
            from qcode.exchange.qdc import read_qdc

            count = len(read_qdc(file).codes)
        else:
            from qcode.codebook.schema import check_file

            codebook, problems = check_file(file)
            count = len(codebook.codes) if codebook is not None else 0
    except CodebookInvalidError as exc:
        problems = list(exc.problems)
    except InputError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(exc.exit_code) from None
    if problems:
        for problem in problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(2)
    typer.echo(f"{file}: {plural(count, 'code')}, OK")
