"""`qcode report`: the findings commands' group, and `report extract` (the source report's transcripts).

The findings commands (matrix, quotes, chart, figure) live in ``report_tables`` and ``figure``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qcode.text import plural

HELP = "Findings from the codings (matrix, quotes, chart, figure); extract the source report."
app = typer.Typer(help=HELP, no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Findings from the codings (matrix, quotes, chart, figure); extract the source report."""


@app.command()
def extract(
    source: Annotated[
        Path | None,
        typer.Argument(
            help="The report as UTF-8 text (default: the copy qcode ships, sources/ in a checkout).",
            exists=True,
            dir_okay=False,
            readable=True,
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write the transcripts into.", file_okay=False)
    ] = Path("transcripts"),
) -> None:
    """Write one transcript per interviewee (A-R), the minister and the unattributed quotes.

    Prints a summary table; each irregularity of the report goes to standard error as
    ``SOURCE:LINE: warning: ...``. Existing files of the same names are overwritten.
    """
    from rich.console import Console
    from rich.table import Table

    from qcode.config import bundled_report
    from qcode.ingest.report import extract_report
    from qcode.ingest.transcript import write_transcript

    source = source or bundled_report()
    extraction = extract_report(source)
    out.mkdir(parents=True, exist_ok=True)
    for transcript in extraction.transcripts:
        (out / f"{transcript.name}.md").write_bytes(write_transcript(transcript).encode("utf-8"))
    for warning in extraction.warnings:
        typer.echo(f"{source}:{warning.line}: warning: {warning.message}", err=True)

    table = Table(title=f"{plural(len(extraction.transcripts), 'transcript')} written to {out}")
    for column in ("Interviewee", "Passages", "Words", "Warnings"):
        table.add_column(column, justify="left" if column == "Interviewee" else "right")
    for stats in extraction.stats:
        table.add_row(stats.name, str(stats.passages), str(stats.words), str(stats.warnings))
    table.add_section()
    table.add_row(
        "total",
        str(sum(s.passages for s in extraction.stats)),
        str(sum(s.words for s in extraction.stats)),
        str(len(extraction.warnings)),
    )
    Console(soft_wrap=False).print(table)
