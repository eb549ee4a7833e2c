"""Options shared by the commands that turn codes into findings: --query, --where, --pseudonymize."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from qcode.export.pseudonym import Pseudonymiser
    from qcode.export.pseudonymise import Ledger

QueryOption = Annotated[
    str | None,
    typer.Option(
        "--query",
        "-q",
        help="Only segments this query selects: codes with AND, OR, NOT, NEAR/N, parentheses "
        "(docs/queries.md).",
    ),
]
WhereOption = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        "-w",
        help="Only documents whose attribute passes: KEY=VALUE, KEY~TEXT, KEY!=VALUE, KEY<VALUE… "
        "(repeatable).",
    ),
]
PseudonymizeOption = Annotated[
    Path | None,
    typer.Option(
        "--pseudonymize",
        help="CSV of names (name[,placeholder][,kind]) to replace with placeholders in the text written.",
        dir_okay=False,
    ),
]
ThresholdOption = Annotated[
    float,
    typer.Option(
        "--pseudonym-threshold",
        min=50,
        max=100,
        help="Similarity (0-100) from which a spelling variant of a listed name is replaced (default 88).",
    ),
]
ReportOption = Annotated[
    Path | None,
    typer.Option(
        "--pseudonym-report",
        help="Where to write what was replaced and what was close (default: beside the output, "
        "FILE.pseudonyms.csv, e.g. quotes.md.pseudonyms.csv).",
        dir_okay=False,
    ),
]


@dataclass
class Redaction:
    """A pseudonymiser for one export, what it replaced, and where its report goes."""

    pseudo: Pseudonymiser
    ledger: Ledger
    report: Path

    def finish(self, *, force: bool) -> None:
        """Write the report (after the export itself was written)."""
        finish_report(self.ledger, self.report, force=force)


def redaction(
    names: Path | None, threshold: float, report: Path | None, out: Path, *, force: bool
) -> Redaction | None:
    """The export's redaction when ``--pseudonymize`` is given: names read and report path checked first."""
    if names is None:
        return None
    from qcode.export.pseudonymise import Ledger

    return Redaction(pseudonymiser(names, threshold), Ledger(), report_path(out, report, force=force))


def pseudonymiser(names: Path, threshold: float) -> Pseudonymiser:
    """The pseudonymiser of a names file (read and checked before any export work)."""
    from qcode.export.pseudonym import Pseudonymiser, read_names

    return Pseudonymiser(read_names(names), threshold)


def report_path(out: Path, given: Path | None, *, force: bool) -> Path:
    """The report's file: as given, else beside the output (``quotes.md.pseudonyms.csv``).

    ``exports/pseudonyms.csv`` when the output goes to standard output.
    """
    from qcode.export.files import check_target, default_output

    if given is not None:
        path = given
    elif str(out) == "-":
        path = default_output("pseudonyms.csv")
    else:
        path = out.with_name(out.name + ".pseudonyms.csv")
    check_target(path, force=force)
    return path


def finish_report(ledger: Ledger, path: Path, *, force: bool) -> None:
    """Write the report and say on standard error what it holds."""
    from qcode.export.pseudonymise import write_report

    write_report(ledger, path, force=force)
    typer.echo(
        f"pseudonymised {ledger.replaced} mention{'s' * (ledger.replaced != 1)}; "
        f"{ledger.close} close but not replaced; report: {path}",
        err=True,
    )


def where_list(values: list[str] | None) -> list[str]:
    """The ``--where`` conditions given (each option one condition; commas belong to values)."""
    return [v for v in values or () if v.strip()]
