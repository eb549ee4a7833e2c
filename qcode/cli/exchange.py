"""Other programs' files coming in: `qcode codings import` (a long-format CSV) and the .qdpx import
that `qcode import` hands a REFI-QDA project to. Thin wrappers over ``qcode.exchange``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qcode.cli.common import actor, creating_unit_of_work, echo_err, unit_of_work
from qcode.text import noun, plural

codings_app = typer.Typer(help="Work with codings in bulk.", no_args_is_help=True)


@codings_app.command("import")
def codings_import(
    file: Annotated[
        Path,
        typer.Argument(help="CSV in the long format of `qcode export segments` (- reads standard input)."),
    ],
    new_coder: Annotated[
        list[str] | None,
        typer.Option(
            "--new-coder",
            help="NAME is a new person, though a coder's name differs from it only in case.",
            metavar="NAME",
        ),
    ] = None,
) -> None:
    """Import codings from CSV: every row is checked first; rows already present add nothing."""
    from qcode.exchange.codings_csv import import_codings_csv

    with unit_of_work() as session:
        report = import_codings_csv(session, file, actor=actor(), new_coders=new_coder or ())
    created = f"; new coders: {', '.join(report.coders_created)}" if report.coders_created else ""
    typer.echo(
        f"{plural(report.rows, 'row')}: {plural(report.added, 'coding')} added,"
        f" {report.already_present} already present, "
        f"{plural(report.memos_updated, 'memo')} updated{created}"
    )


def run_qdpx_import(
    path: Annotated[Path, typer.Argument(help="A REFI-QDA project file (.qdpx).")],
    segment: Annotated[str, typer.Option("--segment", help="sentence, paragraph or passage.")] = "sentence",
    end_position: Annotated[
        str, typer.Option("--end-position", help="auto, exclusive (one past the end) or inclusive.")
    ] = "auto",
) -> None:
    """Import another QDA program's project (call from `qcode import` when ``is_qdpx(path)``)."""
    segment = str(getattr(segment, "value", segment))  # a SegmentMode member from `qcode import`
    if segment not in ("sentence", "paragraph", "passage") or end_position not in (
        "auto",
        "exclusive",
        "inclusive",
    ):
        raise typer.BadParameter(f"unknown --segment {segment!r} or --end-position {end_position!r}")
    from qcode.exchange.qdpx_import import import_qdpx

    with creating_unit_of_work() as session:
        report = import_qdpx(
            session,
            path,
            mode=segment,  # type: ignore[arg-type]
            end_convention=end_position,  # type: ignore[arg-type]
            actor=actor(),
        )
    for line in report.skipped:
        echo_err(f"skipped {line}")
    for note in report.inexact:
        where = ", ".join(str(s) for s in note.segments) or "none"
        echo_err(
            f"selection {note.start}-{note.end} in {note.document} ({note.kind}) coded on"
            f" {noun(len(note.segments), 'segment')} "
            f"{where}: {note.text[:60]!r}"
        )
    r = report
    typer.echo(
        f"{path}: {plural(len(r.documents_imported), 'document')} new,"
        f" {len(r.documents_present)} present already; "
        f"{plural(len(r.codes_created), 'code')} created, {len(r.codes_matched)} matched; "
        f"{plural(len(r.coders_created), 'coder')} created; {plural(r.codings_added, 'coding')} added, "
        f"{r.codings_present} already present; {plural(r.memos_added, 'memo')} added; "
        f"{r.selections_exact} of {plural(r.selections, 'selection')} "
        f"matched one segment exactly (endPosition read as {r.end_convention})"
    )
