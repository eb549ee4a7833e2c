"""`qcode export segments|memos|qdpx`: coded material out, as CSV and as a REFI-QDA project.

Thin wrappers over ``qcode.export`` and ``qcode.exchange``; everything heavy is imported inside the
commands. Files go to ``exports/`` by default and are never overwritten without ``--force``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qcode.cli.common import progress, reading, sqlite_snapshot
from qcode.cli.export_options import CodersOption, CodesOption, ForceOption, say_done, split_values
from qcode.cli.findings import (
    PseudonymizeOption,
    QueryOption,
    ReportOption,
    ThresholdOption,
    WhereOption,
    redaction,
    where_list,
)
from qcode.text import plural

if TYPE_CHECKING:
    from qcode.export.shape import RowStream

export_app = typer.Typer(help="Export coded material (CSV, REFI-QDA).", no_args_is_help=True)

#: Rows (or documents) from which an export shows a progress bar.
PROGRESS_FROM = 50_000

RawOption = Annotated[bool, typer.Option("--raw", help="Keep cells starting with = + - @ as they are.")]
BomOption = Annotated[bool, typer.Option("--bom", help="Start with a UTF-8 byte-order mark (for Excel).")]


@export_app.command("segments")
def export_segments(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="CSV file, or - for standard output.")
    ] = None,
    coders: CodersOption = None,
    codes: CodesOption = None,
    wide: Annotated[
        bool, typer.Option("--wide", help="One row per segment, a 0/1 column per code and coder.")
    ] = False,
    query: QueryOption = None,
    where: WhereOption = None,
    pseudonymize: PseudonymizeOption = None,
    threshold: ThresholdOption = 88.0,
    pseudonym_report: ReportOption = None,
    raw: RawOption = False,
    bom: BomOption = False,
    force: ForceOption = False,
) -> None:
    """Coded segments as CSV (RFC 4180, UTF-8): one row per coding, or --wide."""
    from qcode.export.files import check_target, default_output

    path = out or default_output("coded-segments-wide.csv" if wide else "coded-segments.csv")
    check_target(path, force=force)
    if not (wide or query or where or pseudonymize) and _long_without_orm(
        path, coders, codes, raw, force, bom
    ):
        return
    from qcode.export.service import coded_segment_rows, resolve_filter, wide_segment_rows

    red = redaction(pseudonymize, threshold, pseudonym_report, path, force=force)
    with reading() as session:
        flt = resolve_filter(
            session, split_values(coders), split_values(codes), query=query, where=where_list(where)
        )
        if red is None:
            stream = (wide_segment_rows if wide else coded_segment_rows)(session, flt, guard=not raw)
        else:
            from qcode.export.pseudonymise import pseudonymise_rows

            plain = (
                wide_segment_rows(session, flt, guard=False)
                if wide
                else coded_segment_rows(session, flt, guard=False, render=False)
            )
            stream = pseudonymise_rows(session, plain, red.pseudo, red.ledger, guard=not raw)
        rows = _write_stream(path, stream, force=force, bom=bom)
    if red is not None:
        red.finish(force=force)
    say_done(f"wrote {plural(rows, 'segment' if wide else 'coding')} to {path}", path)


def _long_without_orm(
    path: Path, coders: list[str] | None, codes: list[str] | None, raw: bool, force: bool, bom: bool
) -> bool:
    """The long export of a SQLite project over ``sqlite3`` alone; false where it does not apply."""
    from qcode.export.direct import long_rows

    with sqlite_snapshot() as conn:
        stream = (
            None
            if conn is None
            else long_rows(conn, split_values(coders), split_values(codes), guard=not raw)
        )
        if stream is None:
            return False
        rows = _write_stream(path, stream, force=force, bom=bom)
    say_done(f"wrote {plural(rows, 'coding')} to {path}", path)
    return True


def _write_stream(path: Path, stream: RowStream, *, force: bool, bom: bool) -> int:
    """Write a table to ``path`` (``-``: standard output), with a progress bar when it is long."""
    from qcode.export.files import open_output
    from qcode.export.shape import write_stream

    with (
        progress(show=stream.total >= PROGRESS_FROM) as bar,
        open_output(path, force=force) as fh,
    ):
        advance = bar.start("exporting", stream.total)
        if bom:
            fh.write("\ufeff")
        return write_stream(fh, stream, progress=advance)


@export_app.command("memos")
def export_memos(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="CSV file, or - for standard output.")
    ] = None,
    coders: CodersOption = None,
    pseudonymize: PseudonymizeOption = None,
    threshold: ThresholdOption = 88.0,
    pseudonym_report: ReportOption = None,
    raw: RawOption = False,
    bom: BomOption = False,
    force: ForceOption = False,
) -> None:
    """Memos on segments, documents and codes as CSV (RFC 4180, UTF-8): one row per memo."""
    from qcode.export.files import check_target, default_output
    from qcode.export.memos import memo_rows
    from qcode.export.service import resolve_filter

    path = out or default_output("memos.csv")
    check_target(path, force=force)
    red = redaction(pseudonymize, threshold, pseudonym_report, path, force=force)
    with reading() as session:
        flt = resolve_filter(session, split_values(coders))
        if red is None:
            stream = memo_rows(session, flt, guard=not raw)
        else:
            from qcode.export.pseudonymise import pseudonymise_memos

            plain = memo_rows(session, flt, guard=False)
            stream = pseudonymise_memos(plain, red.pseudo, red.ledger, guard=not raw)
        rows = _write_stream(path, stream, force=force, bom=bom)
    if red is not None:
        red.finish(force=force)
    say_done(f"wrote {plural(rows, 'memo')} to {path}", path)


@export_app.command("qdpx")
def export_qdpx(
    file: Annotated[
        Path | None, typer.Argument(help="The .qdpx to write (default exports/project.qdpx).")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Project name recorded in the file.")] = "qcode project",
    pseudonymize: PseudonymizeOption = None,
    threshold: ThresholdOption = 88.0,
    pseudonym_report: ReportOption = None,
    force: ForceOption = False,
) -> None:
    """The project as a REFI-QDA project file (.qdpx) for other QDA programs."""
    from qcode.exchange.qdpx_export import gather_project
    from qcode.exchange.qdpx_write import write_qdpx
    from qcode.export.files import check_target, default_output, open_output

    path = file or default_output("project.qdpx")
    if str(path) == "-":
        raise typer.BadParameter("a .qdpx cannot go to standard output; give a file name")
    check_target(path, force=force)
    red = redaction(pseudonymize, threshold, pseudonym_report, path, force=force)
    with reading() as session:
        from qcode.export.service import count_codings
        from qcode.project.service import project_status

        documents = project_status(session).documents
        with progress(show=count_codings(session) >= PROGRESS_FROM) as bar:
            data = gather_project(session, name=name, progress=bar.start("reading", documents))
    project, layout = data.project, data.layout
    if red is not None:
        from qcode.exchange.pseudonymise import pseudonymise_project

        project, layout = pseudonymise_project(project, layout, red.pseudo, red.ledger)
    with open_output(path, force=force, mode="binary") as fh:
        write_qdpx(project, fh, layout=layout)
    if red is not None:
        red.finish(force=force)
    typer.echo(
        f"wrote {plural(len(data.project.sources), 'document')}, {plural(len(data.project.users), 'coder')}, "
        f"{plural(data.codings, 'coding')} and {plural(data.memos, 'memo')} to {path}"
    )
