"""`qcode report matrix|quotes|chart`: counts, crosstabs, quote books and a bar chart of the codes.

Thin wrappers over ``qcode.export.report_service``; everything heavy is imported inside the commands.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qcode.cli.common import CsvOption, echo_err, reading
from qcode.cli.export_options import CodersOption, CodesOption, ForceOption, Unit, say_done, split_values
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
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

    from qcode.teams.progress import ConsensusProgress


class QuoteFormat(StrEnum):
    """Quote book formats."""

    md = "md"
    html = "html"
    docx = "docx"


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
    """Counts by code × document, code × attribute, or co-occurrence (one coder's codes on a segment)."""
    from qcode.export.report_service import matrix as build
    from qcode.export.service import resolve_filter
    from qcode.export.tables import matrix_rows

    if out is not None:
        from qcode.export.files import check_target

        check_target(out, force=force)
    with reading() as session:
        flt = resolve_filter(
            session, split_values(coders), split_values(codes), query=query, where=where_list(where)
        )
        m = build(session, by, flt, unit=unit.value)
    rows = matrix_rows(m.corner, m.columns, m.rows)
    if out is not None:
        from qcode.export.files import open_output
        from qcode.export.tables import write_csv

        with open_output(out, force=force) as fh:
            write_csv(fh, rows[0], [rows[1:]])
        say_done(f"wrote {len(m.rows)}×{len(m.columns)} matrix to {out}", out)
    if csv_:
        import sys

        from qcode.export.tables import write_csv

        write_csv(sys.stdout, rows[0], [rows[1:]])
    elif out is None or str(out) != "-":
        _print_matrix(m.title, m.unit, rows)


def _print_matrix(title: str, unit: str, rows: list[list[str | int]]) -> None:
    from rich.console import Console

    from qcode.cli.matrix_view import matrix_view

    console = Console()
    console.print(matrix_view(console, f"{title} ({unit})", rows))


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
    from qcode.export.report_service import quote_sections
    from qcode.export.service import resolve_filter

    path = out or default_output(f"quotes.{format_.value}")
    check_target(path, force=force)
    red = redaction(pseudonymize, threshold, pseudonym_report, path, force=force)
    chosen = split_values(coders)
    with reading() as session:
        progress = None if chosen else consensus_progress(session, split_values(codes))
        if progress is not None:
            chosen = [progress.consensus] if progress.finished else list(progress.coders)
        flt = resolve_filter(session, chosen, query=query, where=where_list(where))
        sections = quote_sections(session, split_values(codes), flt)
    if progress is not None:
        echo_err(consensus_said(progress))
    if red is not None:
        from qcode.export.pseudonymise import pseudonymise_sections

        sections = pseudonymise_sections(sections, red.pseudo, red.ledger)
    keys = tuple(split_values([attribution]))
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
    say_done(f"wrote {plural(count, 'quote')} under {plural(len(sections), 'code')} to {path}", path)


def consensus_progress(session: Session, codes: Sequence[str] = ()) -> ConsensusProgress | None:
    """How far adjudication into the project's consensus coder has come on ``codes`` (default: all);
    ``None`` without one."""
    from qcode.export.report_service import consensus_coder
    from qcode.teams.progress import consensus_progress as progress_of

    name = consensus_coder(session)
    return progress_of(session, name, codes) if name else None


def consensus_said(progress: ConsensusProgress) -> str:
    """One line on whose codings the quote book quotes, and why: the consensus only once it is finished."""
    c, coders = progress.consensus, ", ".join(progress.coders)
    cases = plural(progress.cases, "disagreement")
    if progress.finished:
        return (
            f"quoting the consensus coder {c!r}: adjudication between {coders} is finished"
            f" ({progress.decided} of {cases} decided; --coders to quote others)"
        )
    return (
        f"quoting the coders {coders}: adjudication is unfinished, the consensus coder {c!r} covers"
        f" {progress.decided} of {cases}; --coders {c} quotes it anyway, leaving out"
        f" {plural(progress.undecided, 'undecided case')}"
    )


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
            session, resolve_filter(session, split_values(coders), split_values(codes)), unit=unit.value
        )
    text = bar_chart(
        [f.name for f in freqs],
        [f.count for f in freqs],
        title=f"Code frequencies ({unit.value})",
        width=width or min(shutil.get_terminal_size().columns, 120),
        colour=colour_wanted(sys.stdout),
    )
    sys.stdout.write(text)
