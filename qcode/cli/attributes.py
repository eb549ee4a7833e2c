"""`qcode attributes import|set`: document attributes from a spreadsheet or the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qcode.cli.common import actor, echo_err, unit_of_work
from qcode.text import plural

app = typer.Typer(help="Document attributes (typed: numbers, dates, true/false, text).", no_args_is_help=True)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx sheet, one row per document (by name).")],
) -> None:
    """Set attributes from a spreadsheet; rows naming no document are listed, empty cells change nothing."""
    from qcode.exchange.sheets import read_sheet
    from qcode.project.attributes import import_attributes

    sheet = read_sheet(file)
    with unit_of_work() as session:
        report = import_attributes(session, sheet, actor=actor())
    for line, name in report.unmatched:
        echo_err(f"{file}:{line}: no document named {name!r}; row skipped")
    for note in report.kept_as_text:
        echo_err(note.message)
    types = ", ".join(f"{k} ({t})" for k, t in report.types.items()) or "none"
    typer.echo(
        f"{file}: {plural(len(report.matched), 'document')} matched,"
        f" {plural(len(report.unmatched), 'row')} unmatched; "
        f"{plural(report.values_set, 'value')} set; attributes: {types}"
    )


@app.command("set")
def set_(
    document: Annotated[str, typer.Argument(help="The document's name.")],
    pairs: Annotated[list[str], typer.Argument(help="key=value pairs; key= removes the attribute.")],
) -> None:
    """Set attributes of one document (typed like the rest of that attribute's values)."""
    from qcode.attributes import attribute_text
    from qcode.errors import InputError
    from qcode.project.attributes import set_attributes

    parsed = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise InputError(f"expected key=value, got {pair!r}")
        parsed.append((key, value))
    with unit_of_work() as session:
        done = set_attributes(session, document, parsed, actor=actor())
    for note in done.kept_as_text:
        echo_err(note.message)
    shown = ", ".join(f"{k}={attribute_text(v)}" for k, v in done.attributes.items())
    typer.echo(f"{document}: {shown or 'no attributes'}")
