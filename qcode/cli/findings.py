"""Options shared by the commands that turn codes into findings: --query, --where, --pseudonymize."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

QueryOption = Annotated[
    str | None,
    typer.Option(
        "--query",
        "-q",
        help="Only segments this query selects: codes with AND, OR, NOT, NEAR/N, parentheses "
        "(docs/queries.md).",
    ),
]
WhereOption = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        "-w",
        help="Only documents whose attribute passes: KEY=VALUE, KEY~TEXT, KEY!=VALUE, KEY<VALUE… "
        "(repeatable).",
    ),
]
PseudonymizeOption = Annotated[
    Path | None,
    typer.Option(
        "--pseudonymize",
        help="CSV of names (name[,placeholder][,kind]) to replace with placeholders in the text written.",
        dir_okay=False,
    ),
]
ThresholdOption = Annotated[
    float,
    typer.Option(
        "--pseudonym-threshold",
        min=50,
        max=100,
        help="Similarity (0-100) from which a spelling variant of a listed name is replaced.",
    ),
]


def where_list(values: list[str] | None) -> list[str]:
    """The ``--where`` conditions given (each option one condition; commas belong to values)."""
    return [v for v in values or () if v.strip()]
