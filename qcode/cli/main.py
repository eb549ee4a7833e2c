"""The `qcode` command: global options and the command groups."""

from __future__ import annotations

import atexit
import copy
import gc
import sys
from typing import Annotated

import typer
from typer.models import CommandInfo, TyperInfo

from qcode import __version__
from qcode.cli import (
    agreement,
    attributes,
    codebook,
    exchange,
    export,
    figure,
    ingest,
    keep,
    project,
    query,
    report,
    report_tables,
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
app.add_typer(exchange.codings_app, name="codings")
export.export_app.command("coder")(team_commands.export_coder)
app.add_typer(attributes.app, name="attributes")
report.app.command("matrix")(report_tables.matrix)
report.app.command("quotes")(report_tables.quotes)
report.app.command("chart")(report_tables.chart)
report.app.command("figure")(figure.figure)
app.command("suggest")(_suggest.suggest)


def main() -> None:
    """Console-script entry point."""
    atexit.register(_skip_last_collection)
    args = root_options_first(sys.argv[1:])
    only(app, args)(args=args)


def _skip_last_collection() -> None:
    """Freeze the heap as the command ends, so the interpreter's last garbage collection skips it.

    On the way out Python runs one full collection over every object still alive (spaCy's
    vocabulary, SQLAlchemy's classes, the command's data) just before freeing them all anyway:
    about 0.2 s of CPU after a 1 MB `qcode import` had printed its report (bench/import.py). Frozen
    objects are still freed as usual and exit handlers still run; only cycles among the frozen
    objects are left to the process's exit.
    """
    gc.freeze()


#: Root options that take a value (the next argument is not a command name).
_VALUED = frozenset({"--db"})
_HELP = frozenset({"-h", "--help", "--version"})


def root_options_first(args: list[str]) -> list[str]:
    """``qcode import x.docx --db y.db`` read as ``qcode --db y.db import x.docx``.

    The root's own options (``--db FILE``, ``--debug``) may come after the command too, as people
    type them; everything else keeps its order, and nothing after ``--`` moves.
    """
    first: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg in _VALUED and i + 1 < len(args):
            first += args[i : i + 2]
            i += 2
            continue
        moves = arg == "--debug" or ("=" in arg and arg.split("=", 1)[0] in _VALUED)
        (first if moves else rest).append(arg)
        i += 1
    return first + rest


def only(root: typer.Typer, args: list[str]) -> typer.Typer:
    """A copy of ``root`` holding just the command ``args`` run (in a group: just its subcommand).

    Typer builds the click command of every registered command before it parses; for the 30 or so
    here that costs about 60 ms of CPU, more than some commands' own work. Help, ``--version``,
    no command or a name that matches none keep the whole table (for listings and suggestions).
    """
    name, rest = _command_name(args, _VALUED)
    if name is None:
        return root
    for command in root.registered_commands:
        if _name_of(command) == name:
            return _with(root, [command], [])
    for group in root.registered_groups:
        if group.name == name and group.typer_instance is not None:
            sub = group.typer_instance
            subname, _ = _command_name(rest, frozenset())
            picked = [c for c in sub.registered_commands if _name_of(c) == subname]
            if len(picked) == 1 and sub.registered_callback is None and not sub.registered_groups:
                group = copy.copy(group)
                group.typer_instance = _with(sub, picked, [])
            return _with(root, [], [group])
    return root


def _command_name(args: list[str], valued: frozenset[str]) -> tuple[str | None, list[str]]:
    """The first argument that is not an option (nor an option's value), and those after it."""
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
        elif arg in _HELP or arg == "--":
            return None, []
        elif arg in valued:
            skip = True
        elif not arg.startswith("-"):
            return arg, args[i + 1 :]
    return None, []


def _name_of(command: CommandInfo) -> str | None:
    if command.name:
        return command.name
    return None if command.callback is None else command.callback.__name__.lower().replace("_", "-")


def _with(app_: typer.Typer, commands: list[CommandInfo], groups: list[TyperInfo]) -> typer.Typer:
    pruned = copy.copy(app_)
    pruned.registered_commands = commands
    pruned.registered_groups = groups
    return pruned
