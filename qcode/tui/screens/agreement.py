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

from qcode.agreement.notes import means_label
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


def overall_label(report: AgreementReport) -> str:
    """``overall (mean of`` / ``7 of 17 codes)``: the label on two lines, as narrow as a code's name."""
    head, _, rest = f"overall ({means_label(report)})".partition(" of ")
    return f"{head} of\n{rest}"


def cell_width(cell: Text | str) -> int:
    """The columns a cell takes: its longest line."""
    text = cell if isinstance(cell, Text) else Text(cell)
    return max((line.cell_len for line in text.split()), default=0)


def column_pages(widths: Sequence[int], room: int, padding: int = 2) -> list[tuple[int, ...]]:
    """The columns after the first (which every page repeats) in pages that fit ``room`` whole.

    A column that would not fit beside the first even alone gets a page of its own (the table
    scrolls then); otherwise no column is ever cut at the window's edge.
    """
    first = widths[0] + padding if widths else 0
    pages: list[tuple[int, ...]] = []
    page: list[int] = []
    used = first
    for j in range(1, len(widths)):
        need = widths[j] + padding
        if page and used + need > room:
            pages.append(tuple(page))
            page, used = [], first
        page.append(j)
        used += need
    if page or not pages:
        pages.append(tuple(page))
    return pages


def overall_row(report: AgreementReport, bands: bool = True) -> list[Text | str]:
    """The overall row: means over the codes where each figure is defined."""
    o = report.overall
    cohen, fleiss, alpha, ac1 = figure_bands(o).values() if bands else (None,) * 4
    units = max((row.units for row in report.codes), default=0)
    return [
        Text(overall_label(report), style="bold"),
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
        Binding("right", "page(1)", "More columns", show=False, priority=True),
        Binding("left", "page(-1)", "Earlier columns", show=False, priority=True),
    ]
    #: Columns the box takes from the screen's width: border, padding and the table's scroll bar.
    FRAME = 2 + 2 + 2

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
        self.rows: list[tuple[str, list[Text | str]]] = []  # every column of every row (key, cells)
        self.pages: list[tuple[int, ...]] = [()]
        self.widths: list[int] = []
        self.page = 0

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
            box.border_title = "Agreement · ↑ ↓ scroll · tab: notes · escape closes"
            yield Static(self.header_text(), id="agreement-header", markup=False)
            yield DataTable(id="agreement-table", zebra_stripes=True, cursor_type="row", fixed_columns=1)
            with VerticalScroll(id="agreement-notes"):
                yield Static("\n".join(f"· {n}" for n in self.notes()) or "No notes.", markup=False)

    def on_mount(self) -> None:
        """Fill the table and give it focus (arrows scroll, escape closes)."""
        bands = self.app.size.width >= WIDE
        self.rows = [(row.code, code_row(row, bands)) for row in self.report.codes]
        self.rows.append(("\0overall", overall_row(self.report, bands)))
        self._paginate()
        self.query_one("#agreement-table", DataTable).focus()

    def on_resize(self) -> None:
        """Cut the columns into pages again for the new width."""
        if self.rows:
            self._paginate()

    def _paginate(self) -> None:
        """Pages of whole columns that fit the box (the code's name on each), then draw the first."""
        width = min(self.app.size.width * 96 // 100, 160) - self.FRAME
        widths = [cell_width(name) for name in COLUMNS]
        for _key, cells in self.rows:
            widths = [max(w, cell_width(c)) for w, c in zip(widths, cells, strict=True)]
        self.widths = widths
        self.pages = column_pages(widths, width)
        self.page = min(self.page, len(self.pages) - 1)
        self._draw()

    def _draw(self) -> None:
        """The current page's columns, the cursor kept on its row."""
        table: DataTable[Text | str] = self.query_one("#agreement-table", DataTable)
        row = table.cursor_row
        shown = (0, *self.pages[self.page])
        table.clear(columns=True)
        for j in shown:  # widths given: measured later, a redrawn table kept the header's widths
            table.add_column(COLUMNS[j], width=self.widths[j])
        for key, cells in self.rows:
            height = max(len(Text(c).split()) if isinstance(c, str) else len(c.split()) for c in cells)
            table.add_row(*(cells[j] for j in shown), key=key, height=height)
        table.move_cursor(row=row)
        box = self.query_one("#agreement")
        pages = len(self.pages)
        more = f"← → more columns ({self.page + 1} of {pages})" if pages > 1 else "↑ ↓ scroll"
        box.border_title = f"Agreement · {more} · tab: notes · escape closes"

    def action_page(self, step: int) -> None:
        """``→`` / ``←``: the next or previous page of columns (the code's name stays)."""
        page = self.page + step
        if 0 <= page < len(self.pages):
            self.page = page
            self._draw()

    def action_close(self) -> None:
        """Back to where the screen was opened."""
        self.dismiss(None)
