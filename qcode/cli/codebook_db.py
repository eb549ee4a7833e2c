"""`qcode codebook load|show|export|merge|rename|split`: the project's codebook in the database."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from qcode.cli.codebook import FileArgument, app
from qcode.cli.common import actor, creating_unit_of_work, echo_err, reading, unit_of_work
from qcode.cli.findings import (
    PseudonymizeOption,
    Redaction,
    ReportOption,
    ThresholdOption,
    redaction,
)
from qcode.errors import InputError
from qcode.text import plural

#: What `codebook load` reads: qcode's format, and REFI-QDA's.
CODEBOOK_EXTENSIONS = (".yaml", ".yml", ".json", ".qdc")


def read_any_codebook(file: Path) -> object:
    """A codebook from YAML/JSON (qcode's format) or REFI-QDA .qdc, by extension.

    Raises:
        InputError: a file of another kind (a transcript, a sheet…), naming the command that takes it.
    """
    from qcode.kinds import elsewhere

    if hint := elsewhere(file, CODEBOOK_EXTENSIONS):
        from qcode.errors import InputError

        raise InputError(f"not a codebook (.yaml, .yml, .json or .qdc); it {hint}", path=str(file))
    if file.suffix.lower() == ".qdc":
        from qcode.exchange.qdc import read_qdc

        return read_qdc(file)
    from qcode.codebook.schema import parse_codebook

    return parse_codebook(file)


@app.command("load")
def load(
    file: FileArgument,
    force: Annotated[bool, typer.Option("--force", help="Drop the codings of removed codes.")] = False,
) -> None:
    """Load a codebook (or a new version of it) into the project; codes keep codings through renames."""
    from qcode.codebook.model import Codebook
    from qcode.codebook.service import load_codebook, project_codebook

    codebook = read_any_codebook(file)
    assert isinstance(codebook, Codebook)
    with creating_unit_of_work() as session:
        if file.suffix.lower() == ".qdc":
            from qcode.exchange.qdc import adopt_identities

            codebook = adopt_identities(codebook, project_codebook(session))
        report = load_codebook(session, codebook, force=force, actor=actor())
        for name, n in report.dropped_codings.items():
            echo_err(f"dropping {plural(n, 'coding')} of removed code {name}")
    for old, new in report.renamed:
        typer.echo(f"renamed {old} -> {new} (codings kept)")
    typer.echo(
        f"{file}: {plural(len(codebook.codes), 'code')}; added {len(report.added)},"
        f" renamed {len(report.renamed)}, "
        f"removed {len(report.removed)}, codings dropped {sum(report.dropped_codings.values())}"
    )


@app.command("show")
def show() -> None:
    """The project's code tree with hotkeys and counts of codings."""
    from rich.console import Console
    from rich.markup import escape
    from rich.tree import Tree

    from qcode.codebook.service import code_tree

    with reading() as session:
        nodes = code_tree(session)
    root = Tree("codebook")
    branches: dict[str | None, Tree] = {None: root}
    for node in nodes:
        key = escape(f"[{node.hotkey}] ") if node.hotkey else ""
        label = f"[{node.colour}]■[/] {key}[bold]{escape(node.name)}[/]  {plural(node.codings, 'coding')}"
        branches[node.key] = branches.get(node.parent, root).add(label)
    Console().print(root)


class Format(StrEnum):
    """Codebook export formats."""

    yaml = "yaml"
    qdc = "qdc"
    md = "md"
    html = "html"
    docx = "docx"


@app.command("export")
def export(
    format_: Annotated[
        Format,
        typer.Option(
            "--format", help="yaml (qcode), qdc (REFI-QDA), or md, html, docx: the codebook as a document."
        ),
    ] = Format.yaml,
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output).")
    ] = None,
    coders: Annotated[
        list[str] | None, typer.Option("--coders", help="md/html/docx: counts and agreement of these coders.")
    ] = None,
    boot: Annotated[
        int, typer.Option("--boot", min=0, help="md/html/docx: bootstrap replicates for the intervals.")
    ] = 1000,
    pseudonymize: PseudonymizeOption = None,
    threshold: ThresholdOption = 88.0,
    pseudonym_report: ReportOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write the project's codebook as qcode YAML, a REFI-QDA .qdc file, or a document for an appendix."""
    if format_ in (Format.md, Format.html, Format.docx):
        red = redaction(pseudonymize, threshold, pseudonym_report, out or Path("-"), force=force)
        _export_document(format_, out, coders, boot, force, red)
        if red is not None:
            red.finish(force=force)
        return
    if pseudonymize is not None:
        raise InputError(
            "--pseudonymize goes with --format md, html or docx (YAML and .qdc carry no testimony)"
        )
    from qcode.codebook.schema import dump_codebook_yaml
    from qcode.codebook.service import project_codebook
    from qcode.exchange.qdc import dump_qdc
    from qcode.export.files import STDOUT, check_target, open_output

    with reading() as session:
        codebook = project_codebook(session)
    data = dump_qdc(codebook) if format_ is Format.qdc else dump_codebook_yaml(codebook).encode()
    if out is None or str(out) == STDOUT:  # standard output, as without --out
        typer.echo(data.decode(), nl=False)
        return
    check_target(out, force=force)
    with open_output(out, force=force, mode="binary") as fh:
        fh.write(data)
    typer.echo(f"{out}: {plural(len(codebook.codes), 'code')}")


def _export_document(
    format_: Format,
    out: Path | None,
    coders: list[str] | None,
    boot: int,
    force: bool,
    red: Redaction | None = None,
) -> None:
    """The codebook with definitions, criteria, examples, hotkeys, counts per coder and agreement."""
    from qcode.codebook.document import render_html, render_markdown, write_docx
    from qcode.codebook.usage import codebook_document
    from qcode.export.files import STDOUT, check_target, open_output

    if format_ is Format.docx and (out is None or str(out) == STDOUT):
        raise InputError("a Word document cannot go to standard output; give --out FILE.docx")
    if out is not None:
        check_target(out, force=force)
    names = [n.strip() for item in coders or () for n in item.split(",") if n.strip()]
    with reading() as session:
        doc = codebook_document(session, coders=names or None, n_boot=boot)
    if red is not None:
        from qcode.export.pseudonymise import pseudonymise_codebook

        doc = pseudonymise_codebook(doc, red.pseudo, red.ledger)
    if format_ is Format.docx:
        assert out is not None
        with open_output(out, force=force, mode="binary") as fh:
            write_docx(doc, fh)
    else:
        text = render_markdown(doc) if format_ is Format.md else render_html(doc)
        if out is None or str(out) == STDOUT:
            typer.echo(text, nl=False)
            return
        with open_output(out, force=force, newline=None) as fh_t:
            fh_t.write(text)
    typer.echo(f"{out}: {plural(len(doc.codes), 'code')}, coders {', '.join(doc.coders) or 'none'}")


@app.command("merge")
def merge(
    old: Annotated[str, typer.Argument(help="Code to merge away (name or id).")],
    into_word: Annotated[str, typer.Argument(metavar="INTO", help="The word INTO.")],
    target: Annotated[str, typer.Argument(help="Code that receives the codings.")],
) -> None:
    """Move every coding of OLD to TARGET and remove OLD: `qcode codebook merge OLD INTO TARGET`."""
    from qcode.codebook.service import merge_codes
    from qcode.errors import InputError

    if into_word.lower() != "into":
        raise InputError(f"expected `merge OLD INTO TARGET`, got {into_word!r} for INTO")
    with unit_of_work() as session:
        moved = merge_codes(session, old, target, actor=actor())
    typer.echo(f"merged {old} into {target}: {plural(moved, 'coding')} moved")


@app.command("rename")
def rename(
    old: Annotated[str, typer.Argument(help="Current name or id.")],
    new: Annotated[str, typer.Argument(help="New name.")],
) -> None:
    """Rename a code; its stable id and codings stay."""
    from qcode.codebook.service import rename_code

    with unit_of_work() as session:
        rename_code(session, old, new, actor=actor())
    typer.echo(f"renamed {old} -> {new}")


@app.command("split")
def split(
    old: Annotated[str, typer.Argument(help="Code to split (name or id).")],
    new: Annotated[list[str], typer.Argument(help="Two or more new code names.")],
    to: Annotated[str | None, typer.Option("--to", help="New code that receives the codings.")] = None,
) -> None:
    """Split a code into sub-codes; it becomes their group and its codings move to --to (default: first)."""
    from qcode.codebook.service import split_code

    with unit_of_work() as session:
        keys = split_code(session, old, new, to=to, actor=actor())
    typer.echo(f"split {old} into {', '.join(new)} ({', '.join(keys)}); codings moved to {to or new[0]}")
