"""The `qcode` command: global options and the command groups."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from qcode import __version__
from qcode.cli import project
from qcode.cli.common import QcodeGroup, state

app = typer.Typer(
    name="qcode",
    cls=QcodeGroup,
    help="Keyboard-first qualitative coding of testimony.",
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

#: Command groups: (module under qcode.cli, group name). Each module exposes ``app``.
GROUPS: tuple[tuple[str, str], ...] = (
    ("report", "report"),
    ("codebook", "codebook"),
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
        typer.echo(ctx.get_help())


app.command()(project.init)
app.command()(project.status)
app.add_typer(project.db_app, name="db")
for module_name, group in GROUPS:
    try:
        module = importlib.import_module(f"qcode.cli.{module_name}")
    except ModuleNotFoundError:  # a group still being written in this checkout
        continue
    app.add_typer(module.app, name=group)


def main() -> None:
    """Console-script entry point."""
    app()
