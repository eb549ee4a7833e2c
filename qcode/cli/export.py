"""`qcode export …`, `qcode codings import`, `qcode report matrix|quotes|chart`, and the .qdpx import.

Thin wrappers over ``qcode.export``; everything heavy is imported inside the commands.
Files go to ``exports/`` by default and are never overwritten without ``--force``.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qcode.cli.common import (
    CsvOption,
    actor,
    creating_unit_of_work,
    echo_err,
    progress,
    reading,
    sqlite_snapshot,
    unit_of_work,
)
from qcode.cli.findings import (
    PseudonymizeOption,
    QueryOption,
    ReportOption,
    ThresholdOption,
    WhereOption,
    redaction,
    where_list,
)
from qcode.text import noun, plural

if TYPE_CHECKING:
    from qcode.export.shape import RowStream

export_app = typer.Typer(help="Export coded material (CSV, REFI-QDA).", no_args_is_help=True)
codings_app = typer.Typer(help="Work with codings in bulk.", no_args_is_help=True)

#: Rows (or documents) from which an export shows a progress bar.
PROGRESS_FROM = 50_000

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
RawOption = Annotated[bool, typer.Option("--raw", help="Keep cells starting with = + - @ as they are.")]
BomOption = Annotated[bool, typer.Option("--bom", help="Start with a UTF-8 byte-order mark (for Excel).")]


class Unit(StrEnum):
    """What a count counts."""

    segments = "segments"
    documents = "documents"
    codings = "codings"


class QuoteFormat(StrEnum):
    """Quote book formats."""

    md = "md"
    html = "html"
    docx = "docx"


def _split(values: Sequence[str] | None) -> list[str]:
    return [v.strip() for item in values or () for v in item.split(",") if v.strip()]


def _done(message: str, out: Path) -> None:
    if str(out) == "-":
        echo_err(message)
    else:
        typer.echo(message)


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
        flt = resolve_filter(session, _split(coders), _split(codes), query=query, where=where_list(where))
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
    _done(f"wrote {rows} {'segments' if wide else 'codings'} to {path}", path)


def _long_without_orm(
    path: Path, coders: list[str] | None, codes: list[str] | None, raw: bool, force: bool, bom: bool
) -> bool:
    """The long export of a SQLite project over ``sqlite3`` alone; false where it does not apply."""
    from qcode.export.direct import long_rows

    with sqlite_snapshot() as conn:
        stream = None if conn is None else long_rows(conn, _split(coders), _split(codes), guard=not raw)
        if stream is None:
            return False
        rows = _write_stream(path, stream, force=force, bom=bom)
    _done(f"wrote {plural(rows, 'coding')} to {path}", path)
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
        flt = resolve_filter(session, _split(coders))
        if red is None:
            stream = memo_rows(session, flt, guard=not raw)
        else:
            from qcode.export.pseudonymise import pseudonymise_memos

            plain = memo_rows(session, flt, guard=False)
            stream = pseudonymise_memos(plain, red.pseudo, red.ledger, guard=not raw)
        rows = _write_stream(path, stream, force=force, bom=bom)
    if red is not None:
        red.finish(force=force)
    _done(f"wrote {plural(rows, 'memo')} to {path}", path)


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


def matrix(
    by: Annotated[
        str, typer.Option("--by", help="document, code (co-occurrence) or an attribute (country…).")
    ] = ("document"),
    codes: CodesOption = None,
    coders: CodersOption = None,
    unit: Annotated[
        Unit, typer.Option("--unit", help="Count segments, documents or codings.")
    ] = Unit.segments,
    query: QueryOption = None,
    where: WhereOption = None,
    csv_: CsvOption = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write the matrix as CSV here.")
    ] = None,
    force: ForceOption = False,
) -> None:
    """Code × document counts, code × attribute crosstabs, or code co-occurrence within segments."""
    from qcode.export.report_service import matrix as build
    from qcode.export.service import resolve_filter
    from qcode.export.tables import matrix_rows

    if out is not None:
        from qcode.export.files import check_target

        check_target(out, force=force)
    with reading() as session:
        flt = resolve_filter(session, _split(coders), _split(codes), query=query, where=where_list(where))
        m = build(session, by, flt, unit=unit.value)
    rows = matrix_rows(m.corner, m.columns, m.rows)
    if out is not None:
        from qcode.export.files import open_output
        from qcode.export.tables import write_csv

        with open_output(out, force=force) as fh:
            write_csv(fh, rows[0], [rows[1:]])
        _done(f"wrote {len(m.rows)}×{len(m.columns)} matrix to {out}", out)
    if csv_:
        import sys

        from qcode.export.tables import write_csv

        write_csv(sys.stdout, rows[0], [rows[1:]])
    elif out is None or str(out) != "-":
        _print_matrix(m.title, m.unit, rows)


def _print_matrix(title: str, unit: str, rows: list[list[str | int]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*(str(h) for h in rows[0]), title=f"{title} ({unit})")
    for column in table.columns[1:]:
        column.justify = "right"
    for row in rows[1:]:
        table.add_row(*(str(c) if c != 0 else "[dim]0[/dim]" for c in row))
    Console().print(table)


def quotes(
    codes: CodesOption = None,
    format_: Annotated[
        QuoteFormat, typer.Option("--format", "-f", help="md, html or docx.")
    ] = QuoteFormat.md,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File (default exports/quotes.FORMAT); - for stdout.")
    ] = None,
    coders: CodersOption = None,
    attribution: Annotated[
        str, typer.Option("--attribution", help="Attributes named after the speaker, in order.")
    ] = "age,gender,country",
    context: Annotated[bool, typer.Option("--context/--no-context", help="Quote the whole passage.")] = True,
    title: Annotated[str, typer.Option("--title", help="Heading of the quote book.")] = "Quote book",
    query: QueryOption = None,
    where: WhereOption = None,
    pseudonymize: PseudonymizeOption = None,
    threshold: ThresholdOption = 88.0,
    pseudonym_report: ReportOption = None,
    force: ForceOption = False,
) -> None:
    """A quote book: coded segments by code, in their passages, attributed `— A (Male, Arab Emirates)`."""
    from qcode.export.files import check_target, default_output, open_output
    from qcode.export.report_service import consensus_coder, quote_sections
    from qcode.export.service import resolve_filter

    path = out or default_output(f"quotes.{format_.value}")
    check_target(path, force=force)
    red = redaction(pseudonymize, threshold, pseudonym_report, path, force=force)
    chosen = _split(coders)
    with reading() as session:
        decided = None if chosen else consensus_coder(session)
        flt = resolve_filter(session, [decided] if decided else chosen, query=query, where=where_list(where))
        sections = quote_sections(session, _split(codes), flt)
    if decided:
        echo_err(f"quoting the consensus coder {decided!r}, as decided (--coders to choose others)")
    if red is not None:
        from qcode.export.pseudonymise import pseudonymise_sections

        sections = pseudonymise_sections(sections, red.pseudo, red.ledger)
    keys = tuple(_split([attribution]))
    if format_ is QuoteFormat.docx:
        from qcode.export.quotebook_docx import write_docx

        with open_output(path, force=force, mode="binary") as fh_b:
            write_docx(sections, fh_b, title=title, keys=keys, context=context)
    else:
        from qcode.export.quotebook import render_html, render_markdown

        render = render_markdown if format_ is QuoteFormat.md else render_html
        with open_output(path, force=force, newline=None) as fh:
            fh.write(render(sections, title=title, keys=keys, context=context))
    if red is not None:
        red.finish(force=force)
    count = sum(len(s.quotes) for s in sections)
    _done(f"wrote {plural(count, 'quote')} under {plural(len(sections), 'code')} to {path}", path)


def chart(
    codes: CodesOption = None,
    coders: CodersOption = None,
    unit: Annotated[
        Unit, typer.Option("--unit", help="Count segments, documents or codings.")
    ] = Unit.segments,
    width: Annotated[
        int | None, typer.Option("--width", min=30, help="Chart width (default: terminal).")
    ] = None,
) -> None:
    """Code frequencies as a bar chart: one row per code, its bar and its count (NO_COLOR honoured)."""
    import shutil
    import sys

    from qcode.config import colour_wanted
    from qcode.export.chart import bar_chart
    from qcode.export.report_service import code_frequencies
    from qcode.export.service import resolve_filter

    with reading() as session:
        freqs = code_frequencies(
            session, resolve_filter(session, _split(coders), _split(codes)), unit=unit.value
        )
    text = bar_chart(
        [f.name for f in freqs],
        [f.count for f in freqs],
        title=f"Code frequencies ({unit.value})",
        width=width or min(shutil.get_terminal_size().columns, 120),
        colour=colour_wanted(sys.stdout),
    )
    sys.stdout.write(text)
