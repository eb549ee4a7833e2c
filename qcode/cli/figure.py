"""`qcode report figure frequencies|cooccurrence|agreement`: figures for the paper as SVG or PNG."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qcode.cli.common import reading
from qcode.cli.findings import QueryOption, WhereOption, where_list
from qcode.text import plural

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from qcode.export.figures import Bars, Heat, Intervals
    from qcode.export.service import ExportFilter


class Kind(StrEnum):
    """What a figure shows."""

    frequencies = "frequencies"
    cooccurrence = "cooccurrence"
    agreement = "agreement"


class Unit(StrEnum):
    """What a count counts."""

    segments = "segments"
    documents = "documents"


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or () for v in item.split(",") if v.strip()]


def figure(
    kind: Annotated[Kind, typer.Argument(help="frequencies, cooccurrence or agreement.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The figure: FILE.svg or FILE.png.")],
    by: Annotated[
        str | None, typer.Option("--by", help="frequencies: one bar per value of this attribute (country…).")
    ] = None,
    codes: Annotated[
        list[str] | None, typer.Option("--codes", help="Only these codes and their sub-codes.")
    ] = None,
    coders: Annotated[list[str] | None, typer.Option("--coders", help="Only these coders.")] = None,
    query: QueryOption = None,
    where: WhereOption = None,
    unit: Annotated[Unit, typer.Option("--unit", help="Count segments or documents.")] = Unit.segments,
    title: Annotated[str | None, typer.Option("--title", help="The figure's title.")] = None,
    boot: Annotated[
        int, typer.Option("--boot", min=0, help="agreement: bootstrap replicates for the intervals.")
    ] = 1000,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Code frequencies (by an attribute), a co-occurrence heat map, or agreement per code with its CI."""
    from qcode.export.figures import figure_format, render
    from qcode.export.files import check_target, open_output

    fmt = figure_format(out.name)
    check_target(out, force=force)
    with reading() as session:
        if kind is Kind.agreement:
            data: Bars | Heat | Intervals = _agreement(session, _split(coders), _split(codes), boot, title)
        else:
            from qcode.export.service import resolve_filter

            flt = resolve_filter(session, _split(coders), _split(codes), query=query, where=where_list(where))
            data = _counts(session, kind, flt, by, unit.value, title)
    image = render(data, fmt)
    with open_output(out, force=force, mode="binary") as fh:
        fh.write(image)
    typer.echo(f"wrote {kind.value} figure ({fmt.upper()}, {len(image):,} bytes) to {out}")


def _counts(
    session: Session, kind: Kind, flt: ExportFilter, by: str | None, unit: str, title: str | None
) -> Bars | Heat:
    from qcode.errors import InputError
    from qcode.export.figures import Bars, Heat, by_attribute
    from qcode.export.report_service import code_frequencies, matrix

    if kind is Kind.cooccurrence:
        if by is not None:
            raise InputError("--by goes with frequencies; co-occurrence is code × code")
        m = matrix(session, "code", flt, unit=unit)  # type: ignore[arg-type]
        keep = [i for i, (_name, counts) in enumerate(m.rows) if any(counts)]
        labels = tuple(m.rows[i][0] for i in keep)
        counts = tuple(tuple(m.rows[i][1][j] for j in keep) for i in keep)
        where = "where" if unit == "segments" else "with a segment where"
        legend = f"{where} one coder applied both (diagonal: {unit} with the code)"
        return Heat(title or m.title, labels, counts, unit, legend=legend)
    if by is None:
        freqs = [f for f in code_frequencies(session, flt, unit=unit) if f.count]  # type: ignore[arg-type]
        series = (("all", tuple(f.count for f in freqs)),)
        return Bars(title or "Code frequencies", tuple(f.name for f in freqs), series, unit)
    m = matrix(session, by, flt, unit=unit)  # type: ignore[arg-type]
    rows = [(name, counts) for name, counts in m.rows if any(counts)]
    return by_attribute(
        title or f"Code frequencies by {by}", [r[0] for r in rows], m.columns, [r[1] for r in rows], unit
    )


def _agreement(
    session: Session, coders: list[str], codes: list[str], boot: int, title: str | None
) -> Intervals:
    from qcode.coding.matrices import agreement_data, agreement_report, whole
    from qcode.export.figures import Interval, Intervals

    data = agreement_data(session, coders=coders or None, codes=codes or None, unit="segment")
    report = agreement_report(whole(data), n_boot=boot)
    field = report.ci_coefficient
    rows = tuple(Interval(row.code, getattr(row, field), row.ci_low, row.ci_high) for row in report.codes)
    default = (
        f"Agreement per code ({', '.join(report.coders)}; "
        f"{plural(report.units, 'segment')} every one of them coded)"
    )
    return Intervals(title or default, field, report.ci_level, rows)
