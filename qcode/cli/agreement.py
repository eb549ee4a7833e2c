"""`qcode agreement` and `qcode disagreements`: inter-coder agreement per code, and where coders differ.

The service (:mod:`qcode.coding.matrices`) and the statistics (:mod:`qcode.agreement`) are imported
inside the commands, so ``qcode --help`` loads neither NumPy nor SQLAlchemy.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from qcode.cli.common import CsvOption, JsonOption, print_json, reading
from qcode.errors import InputError
from qcode.text import plural

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from qcode.agreement import AgreementReport, CodeAgreement, OverallAgreement
    from qcode.coding.disagreements import Disagreement
    from qcode.coding.matrices import AgreementData, GroupBy
    from qcode.teams.kept import Kept

BANDS = (
    "bands: Landis & Koch (1977) for kappa and AC1; "
    "Krippendorff (2004) for alpha (≥ .800 reliable, ≥ .667 tentative)"
)
FIGURES = ("percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1")


class By(StrEnum):
    """How reports are grouped."""

    code = "code"
    document = "document"
    coder_pair = "coder-pair"


class Unit(StrEnum):
    """The unit of agreement."""

    segment = "segment"
    passage = "passage"


CodersOption = Annotated[
    list[str] | None,
    typer.Option("--coders", help="Coders to compare, comma-separated (default: every coder with codings)."),
]


def _split(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def agreement(
    coders: CodersOption = None,
    codes: Annotated[
        list[str] | None,
        typer.Option(
            "--codes", help="Codes to report, by name or key, comma-separated (default: every leaf code)."
        ),
    ] = None,
    by: Annotated[
        By, typer.Option("--by", help="One report for all, per document, or per coder pair.")
    ] = By.code,
    unit: Annotated[Unit, typer.Option("--unit", help="Unit of agreement.")] = Unit.segment,
    boot: Annotated[
        int, typer.Option("--boot", min=0, help="Bootstrap replicates for alpha's interval (0: none).")
    ] = 1000,
    min_positive: Annotated[
        int,
        typer.Option("--min-positive", min=1, help="Flag a code applied on fewer units than this as rare."),
    ] = 10,
    with_consensus: Annotated[
        bool, typer.Option("--with-consensus", help="Compare the consensus coder too (left out by default).")
    ] = False,
    json_: JsonOption = False,
    csv_: CsvOption = False,
) -> None:
    """Inter-coder agreement per code: kappas, alpha, AC1, an interval and a band beside each figure."""
    from qcode.coding.matrices import agreement_data, agreement_report, groups, whole
    from qcode.teams.kept import consensus_kept

    if json_ and csv_:
        raise InputError("choose one of --json and --csv")
    with reading() as session:
        data = agreement_data(
            session, coders=_split(coders), codes=_split(codes), unit=unit.value, consensus=with_consensus
        )
        kept = consensus_kept(session, data.coders)
    settings: dict[str, Any] = {"n_boot": boot, "min_positive": min_positive}
    report = agreement_report(whole(data), **settings)
    parts = (
        []
        if by is By.code
        else [(g.label, agreement_report(g, **settings)) for g in groups(data, cast("GroupBy", by.value))]
    )
    if json_:
        print_json(_json(data, report, parts, by) | {"kept_by_consensus": [asdict(k) for k in kept]})
    elif csv_:
        _csv(report, parts, by)
    else:
        _print(data, report, parts, by)
        _print_kept(kept)


def _print_kept(kept: list[Kept]) -> None:
    """Each coder against the consensus: how often adjudication kept their call."""
    for k in kept:
        share = "—" if k.share is None else f"{k.share:.0%}"
        typer.echo(f"{k.coder} vs {k.consensus}: call kept in {k.kept} of {k.cases} decided cases ({share})")


def _header(data: AgreementData, report: AgreementReport, by: By) -> dict[str, Any]:
    from qcode.agreement.report import UNITS_RULE
    from qcode.coding.matrices import compared

    shared = compared(data)
    return {
        "coders": list(data.coders),
        "unit": data.unit,
        "units": report.units,
        "compared_units": _compared(report),
        "units_with_codes": shared.with_codes,
        "documents": shared.documents,
        "by": by.value,
        "units_rule": UNITS_RULE.format(unit=data.unit),
        "ci": {
            "coefficient": report.ci_coefficient,
            "level": report.ci_level,
            "method": "percentile bootstrap over units",
            "replicates": report.n_boot,
            "seed": report.seed,
        },
        "rare_below": report.min_positive,
        "bands": BANDS,
    }


def _compared(report: AgreementReport) -> int:
    """Units every compared coder coded (the same for every code)."""
    return max((row.units for row in report.codes), default=0)


def _report_json(report: AgreementReport) -> dict[str, Any]:
    from qcode.agreement.notes import means_label
    from qcode.agreement.report import figure_bands, row_flags

    codes = [
        asdict(row) | {"notes": list(row.notes), "flags": row_flags(row), "bands": figure_bands(row)}
        for row in report.codes
    ]
    overall = asdict(report.overall) | {
        "label": means_label(report),
        "units": _compared(report),
        "notes": list(report.overall.notes),
        "bands": figure_bands(report.overall),
    }
    return {"codes": codes, "overall": overall}


def _json(
    data: AgreementData, report: AgreementReport, parts: list[tuple[str, AgreementReport]], by: By
) -> dict[str, Any]:
    out = {"header": _header(data, report, by), **_report_json(report), "notes": list(data.notes)}
    if parts:
        key = "document" if by is By.document else "coders"
        out["groups"] = [
            {
                key: label if by is By.document else list(r.coders),
                "units": r.units,
                "compared_units": _compared(r),
                **_report_json(r),
            }
            for label, r in parts
        ]
    return out


def _csv(report: AgreementReport, parts: list[tuple[str, AgreementReport]], by: By) -> None:
    from qcode.agreement.notes import means_label
    from qcode.agreement.report import COEFFICIENTS, row_flags
    from qcode.export.tables import write_csv

    fields = (
        *(("group",) if parts else ()),
        *("code", "units", "positive_units", "prevalence"),
        *COEFFICIENTS,
        *("ci_low", "ci_high", "pooled_kappa", "flags", "kappa_band", "alpha_band", "notes"),
    )
    rows: list[dict[str, Any]] = []
    for label, r in [("all", report), *parts] if parts else [("", report)]:
        rows += [_csv_row(asdict(row) | {"flags": row_flags(row)}, label) for row in r.codes]
        overall = asdict(r.overall) | {"code": "overall", "units": _compared(r)}
        overall["notes"] = (means_label(r), *r.overall.notes)  # what the means are over, as in the table
        rows.append(_csv_row(overall, label))
    write_csv(sys.stdout, fields, [[[row.get(f, "") for f in fields] for row in rows]])  # guards formulas


def _csv_row(values: dict[str, Any], group: str) -> dict[str, Any]:
    row = {k: ("" if v is None else v) for k, v in values.items()}
    row["notes"] = " | ".join(values.get("notes", ()))
    row["flags"] = " ".join(values.get("flags", ()))
    row["group"] = group
    return row


SHORT_BANDS = {
    "substantial": "subst.",
    "almost perfect": "almost perf.",
    "unreliable": "unrel.",
    "tentative": "tent.",
}
"""Band labels in a terminal narrower than :data:`WIDE` columns (a legend is printed)."""
WIDE = 100
FIGURE_COLUMNS = ("Cohen κ", "Fleiss κ", "Kripp. α", "Gwet AC1", "pooled κ")


def _cell(value: float | None, band: str | None = None, *, short: bool = False) -> Text:
    """A figure, with its band on a second line; ``undefined`` (never NaN) when there is none."""
    from rich.text import Text

    if value is None:
        return Text("undefined", style="dim italic")
    text = Text(f"{value:.3f}")
    if band:
        text.append("\n" + (SHORT_BANDS.get(band, band) if short else band), style="dim")
    return text


def _figures(item: CodeAgreement | OverallAgreement, short: bool) -> list[Text]:
    from qcode.agreement.report import figure_bands

    bands = figure_bands(item)
    return [_cell(getattr(item, f), bands[f], short=short) for f in FIGURES[1:]]


def _table(columns: tuple[str, ...], numeric: tuple[str, ...], title: str | None = None) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True
    )
    for name in columns:
        # Figures keep room for "undefined"; other cells wrap when the terminal is narrow.
        table.add_column(
            name,
            justify="right" if name in numeric else "left",
            min_width=9 if name in FIGURE_COLUMNS else None,
        )
    return table


def _code_table(report: AgreementReport, short: bool) -> Table:
    """One row per code (flags under the name, alpha's interval under alpha) and the overall row."""
    from rich.text import Text

    from qcode.agreement.notes import means_label
    from qcode.agreement.report import row_flags

    columns = ("code", "units", "prev.", "agree", "Cohen κ", "Fleiss κ", "Kripp. α", "Gwet AC1")
    table = _table(columns, ("units", "prev.", "agree"))
    for row in report.codes:
        name = Text(row.code)
        if row_flags(row):
            name.append("\n" + " ".join(row_flags(row)), style="yellow")
        cohen, fleiss, alpha, ac1 = _figures(row, short)
        if row.ci_low is not None and row.ci_high is not None:
            alpha.append(f"\n[{row.ci_low:.3f}, {row.ci_high:.3f}]", style="dim")
        table.add_row(
            name,
            str(row.units),
            _cell(row.prevalence),
            _cell(row.percent_agreement),
            cohen,
            fleiss,
            alpha,
            ac1,
        )
    o = report.overall
    table.add_row(
        f"overall\n({means_label(report)})",
        str(_compared(report)),
        "",
        _cell(o.percent_agreement),
        *_figures(o, short),
        style="bold",
    )
    return table


def _group_table(
    report: AgreementReport, parts: list[tuple[str, AgreementReport]], by: By, short: bool
) -> Table:
    columns = (by.value, "units", "agree", "Cohen κ", "Fleiss κ", "Kripp. α", "Gwet AC1", "pooled κ")
    from qcode.agreement.notes import means_label

    title = f"By {by.value}: means over the codes where each figure is defined, and pooled kappa"
    table = _table(columns, ("units", "agree"), title)
    for label, r in [*parts, ("all", report)]:
        o = r.overall
        table.add_row(
            f"{label}\n({means_label(r)})",
            str(_compared(r)),
            _cell(o.percent_agreement),
            *_figures(o, short),
            _cell(o.pooled_kappa, o.kappa_band, short=short),
            style="bold" if label == "all" else "",
            end_section=label == parts[-1][0],
        )
    return table


def _print(
    data: AgreementData, report: AgreementReport, parts: list[tuple[str, AgreementReport]], by: By
) -> None:
    from rich.console import Console

    from qcode.agreement.notes import summary_notes
    from qcode.agreement.report import units_line, units_rule
    from qcode.coding.matrices import compared

    console = Console()
    short = console.width < WIDE

    def say(text: str, style: str | None = None) -> None:
        console.print(text, style=style, highlight=False, markup=False)

    shared = compared(data)
    say(units_line(data.coders, data.unit, shared.units, shared.documents, shared.with_codes))
    say(units_rule(data.unit), "dim")
    interval = (
        f"{report.ci_level:.0%} percentile bootstrap of Krippendorff's alpha"
        f" ({plural(report.n_boot, 'replicate')})"
        if report.n_boot
        else "no interval (--boot 0)"
    )
    say(f"Under alpha, its interval: {interval}; {BANDS}.", "dim")
    if short:
        say("Abbreviated: " + ", ".join(f"{v} = {k}" for k, v in SHORT_BANDS.items()) + ".", "dim")
    console.print(_group_table(report, parts, by, short) if parts else _code_table(report, short))
    o = report.overall
    pooled = "undefined" if o.pooled_kappa is None else f"{o.pooled_kappa:.3f} {o.kappa_band}"
    say(f"Pooled kappa (De Vries et al., 2008): {pooled}")
    notes = summary_notes(report, data.notes)
    if parts:
        notes.append("per-code figures of each group: --json or --csv")
    if notes:
        say("Notes:", "bold")
        for note in notes:
            say(f"  - {note}")


def disagreements(
    code: Annotated[
        list[str] | None,
        typer.Option(
            "--code",
            help="Only these codes, by name or key (repeat or comma-separate; default: every leaf code).",
        ),
    ] = None,
    coders: CodersOption = None,
    json_: JsonOption = False,
) -> None:
    """The segments where coders differ, with their text and each coder's codes, to sharpen definitions."""
    from qcode.coding.disagreements import disagreements as find

    with reading() as session:
        found = find(session, coders=_split(coders), codes=_split(code))
    if json_:
        print_json(
            [
                asdict(d)
                | {
                    "codes": list(d.codes),
                    "coders": {name: None if codes is None else list(codes) for name, codes in d.coders},
                }
                for d in found
            ]
        )
        return
    for d in found:
        _print_disagreement(d)
    who = ", ".join(name for name, _ in found[0].coders) if found else "the coders"
    typer.echo(f"{plural(len(found), 'segment')} where {who} differ")


def _print_disagreement(d: Disagreement) -> None:
    width = max(len(name) for name, _ in d.coders)
    typer.echo(f"{d.document} · segment {d.segment} (passage {d.passage})")
    typer.echo(f"  {d.text}")
    typer.echo(f"  differ on: {', '.join(d.codes)}")
    for name, codes in d.coders:
        shown = f"(did not code {d.document})" if codes is None else ", ".join(codes) or "(no code)"
        typer.echo(f"  {name + ':':<{width + 1}} {shown}")
    typer.echo("")
