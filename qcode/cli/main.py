"""The `qcode` command: global options and the command groups."""

from __future__ import annotations

from typing import Annotated

import typer

from qcode import __version__
from qcode.cli import (
    agreement,
    attributes,
    codebook,
    export,
    figure,
    ingest,
    keep,
    project,
    query,
    report,
    tui,
)
from qcode.cli import codebook_db as _codebook_db  # noqa: F401 - adds load, show, export, merge, rename, split
from qcode.cli import suggest as _suggest
from qcode.cli import teams as team_commands
from qcode.cli.common import QcodeGroup, state

app = typer.Typer(
    name="qcode",
    cls=QcodeGroup,
    help="Keyboard-first qualitative coding of testimony.",
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qcode {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", envvar="QCODE_DB", help="Project database: a path or a URL (default ./qcode.db)."
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Keyboard-first qualitative coding of testimony."""
    st = state()
    st.db, st.debug = db, debug
    if ctx.invoked_subcommand is None:
        tui.code()


app.command()(project.init)
app.command()(project.status)
app.command()(project.demo)
app.command("code")(tui.code)
app.command("import")(ingest.import_)
app.command()(ingest.documents)
app.command()(ingest.duplicates)
app.command()(agreement.agreement)
app.command()(agreement.disagreements)
app.command()(team_commands.merge)
app.command()(team_commands.coders)
app.command()(team_commands.adjudicate)
app.command()(team_commands.log)
app.command("query")(query.query)
app.command("words")(query.words)
app.command()(keep.check)
app.command()(keep.backup)
app.command()(keep.restore)
app.add_typer(project.db_app, name="db")
app.add_typer(report.app, name="report")
app.add_typer(codebook.app, name="codebook")
app.add_typer(export.export_app, name="export")
app.add_typer(export.codings_app, name="codings")
export.export_app.command("coder")(team_commands.export_coder)
app.add_typer(attributes.app, name="attributes")
report.app.command("matrix")(export.matrix)
report.app.command("quotes")(export.quotes)
report.app.command("chart")(export.chart)
report.app.command("figure")(figure.figure)
app.command("suggest")(_suggest.suggest)


def main() -> None:
    """Console-script entry point."""
    app()
