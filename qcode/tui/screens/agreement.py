"""The agreement screen: a prepared inter-coder agreement report, for whoever opens it deliberately.

It takes the frozen :class:`~qcode.agreement.AgreementReport` (attributes down), never a session: the
app computes the report in a worker (``qcode.coding.matrices.agreement_data`` → ``whole`` →
``agreement_report``) and pushes this screen with it. Blind coding stays blind: nothing here is shown
on the coding screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from qcode.agreement.report import figure_bands, row_flags, units_rule
from qcode.text import plural

if TYPE_CHECKING:
    from qcode.agreement import AgreementReport, CodeAgreement

COLUMNS = ("code", "units", "prev.", "agree", "Cohen κ", "Fleiss κ", "Kripp. α", "α CI", "Gwet AC1", "flags")
BANDS = "Bands: Landis & Koch for kappa and AC1; Krippendorff for alpha (≥ .800 reliable, ≥ .667 tentative)."


def figure(value: float | None, band: str | None = None) -> Text:
    """``0.567 moderate``, or an explicit ``undefined`` (never NaN)."""
    if value is None:
        return Text("undefined", style="dim italic")
    text = Text(f"{value:.3f}")
    if band:
        text.append(f" {band}", style="dim")
    return text


#: Below this many columns the table leaves the bands out of its cells (a note says where they are).
WIDE = 120
NARROW_BANDS = (
    "Bands are left out of the table below 120 columns: widen the window, or run `qcode agreement`."
)


def code_row(row: CodeAgreement, bands: bool = True) -> list[Text | str]:
    """One table row for a code (``bands``: the band beside each figure)."""
    cohen, fleiss, alpha, ac1 = figure_bands(row).values() if bands else (None,) * 4
    ci = "—" if row.ci_low is None or row.ci_high is None else f"{row.ci_low:.3f} – {row.ci_high:.3f}"
    return [
        row.code,
        str(row.units),
        figure(row.prevalence),
        figure(row.percent_agreement),
        figure(row.cohen_kappa, cohen),
        figure(row.fleiss_kappa, fleiss),
        figure(row.krippendorff_alpha, alpha),
        ci,
        figure(row.gwet_ac1, ac1),
        Text(" ".join(row_flags(row)), style="yellow"),
    ]


def overall_row(report: AgreementReport, bands: bool = True) -> list[Text | str]:
    """The overall row: means over the codes where each figure is defined."""
    o = report.overall
    cohen, fleiss, alpha, ac1 = figure_bands(o).values() if bands else (None,) * 4
    units = max((row.units for row in report.codes), default=0)
    return [
        Text(f"overall (mean of {o.codes})", style="bold"),
        str(units),
        "",
        figure(o.percent_agreement),
        figure(o.cohen_kappa, cohen),
        figure(o.fleiss_kappa, fleiss),
        figure(o.krippendorff_alpha, alpha),
        "",
        figure(o.gwet_ac1, ac1),
        "",
    ]


class AgreementScreen(ModalScreen[None]):
    """A report as a table with bands, then its notes; escape or q closes."""

    DEFAULT_CSS = """
    AgreementScreen { align: center middle; }
    AgreementScreen #agreement {
        width: 96%; height: 90%; max-width: 160; border: round $accent; background: $surface; padding: 0 1;
    }
    AgreementScreen #agreement-header { height: auto; color: $text-muted; }
    AgreementScreen #agreement-table { height: 1fr; min-height: 6; }
    AgreementScreen #agreement-notes { height: auto; max-height: 35%; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
        Binding("tab", "app.focus_next", "Table / notes", show=False),
    ]

    def __init__(
        self,
        report: AgreementReport,
        *,
        unit: str = "segment",
        notes: Sequence[str] = (),
        documents: int | None = None,
        with_codes: int | None = None,
    ) -> None:
        """Show ``report``; ``unit`` names the unit for the header, ``notes`` come from the data.

        ``documents`` and ``with_codes`` (see :class:`qcode.coding.matrices.Compared`) complete the
        header's count of the compared units.
        """
        super().__init__()
        self.report = report
        self.unit = unit
        self.extra_notes = tuple(notes)
        self.documents = documents
        self.with_codes = with_codes

    def header_text(self) -> str:
        """Who, on how many units, and the pooled kappa (the rules come first among the notes)."""
        r = self.report
        pooled = figure(r.overall.pooled_kappa, r.overall.kappa_band).plain
        return f"{self._units_line()}\nPooled kappa: {pooled}."

    def rules(self) -> list[str]:
        """The rules that decide what the figures mean: units, bands, the interval."""
        r = self.report
        interval = (
            f"{r.ci_level:.0%} bootstrap interval of alpha ({r.n_boot} replicates)"
            if r.n_boot
            else "no interval"
        )
        bands = BANDS if self.app.size.width >= WIDE else f"{BANDS} {NARROW_BANDS}"
        return [units_rule(self.unit), f"{bands} α CI: {interval}."]

    def _units_line(self) -> str:
        r = self.report
        if self.documents is None or self.with_codes is None:
            who = ", ".join(r.coders)
            return f"Agreement between {who} on the {r.units} {self.unit}s every one of them coded."
        return (
            f"Agreement between {', '.join(r.coders)} on {plural(r.units, self.unit)} "
            f"({plural(self.documents, 'document')} all of them coded; "
            f"{self.with_codes} with a reported code)."
        )

    def notes(self) -> list[str]:
        """The rules, then the data's notes, then the report's, each kind once with the codes it concerns."""
        from qcode.agreement.notes import summary_notes

        return [*self.rules(), *summary_notes(self.report, self.extra_notes)]

    def compose(self) -> ComposeResult:
        """Header, table, notes."""
        with Vertical(id="agreement") as box:
            box.border_title = "Agreement · ↑ ↓ ← → scroll · tab: notes · escape closes"
            yield Static(self.header_text(), id="agreement-header", markup=False)
            yield DataTable(id="agreement-table", zebra_stripes=True, cursor_type="row", fixed_columns=1)
            with VerticalScroll(id="agreement-notes"):
                yield Static("\n".join(f"· {n}" for n in self.notes()) or "No notes.", markup=False)

    def on_mount(self) -> None:
        """Fill the table and give it focus (arrows scroll, escape closes)."""
        table: DataTable[Text | str] = self.query_one("#agreement-table", DataTable)
        table.add_columns(*COLUMNS)
        bands = self.app.size.width >= WIDE
        for row in self.report.codes:
            table.add_row(*code_row(row, bands), key=row.code)
        table.add_row(*overall_row(self.report, bands), key="\0overall")
        table.focus()

    def action_close(self) -> None:
        """Back to where the screen was opened."""
        self.dismiss(None)
