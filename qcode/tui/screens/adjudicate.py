"""The adjudication screen: one case at a time, the passage around it, each coder's side, the decision.

Keys: ``1``–``9`` take that coder's call (the footer names each coder), ``b`` both (the code
belongs), ``x`` none (it does not), ``e`` edit (the adjudicator's own call: flips the decision),
``n`` a note why (before or after deciding); ``→``/``l`` and ``←``/``h`` move between cases,
``u`` jumps to the next undecided one, ``q`` quits. A decision is committed before the screen
shows it, then the next undecided case comes up (the status line says which was saved).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, Static

from qcode.errors import QcodeError
from qcode.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from qcode.teams.adjudicate import Case
    from qcode.teams.caseview import CaseView, Side
    from qcode.tui.adjudication import AdjudicationController

CALL = {
    True: ("applies it", "green"),
    False: ("does not", "red"),
    None: ("did not code this document", "dim"),
}


def side_text(side: Side, number: int) -> Text:
    """One coder's column: their number (the key that takes their call), call, codes and memo."""
    said, style = CALL[side.call]
    text = Text(f"{number} {side.coder}\n", style="bold")
    text.append(f"{said}\n", style=style)
    text.append("codes: ", style="dim")
    text.append((", ".join(side.codes) or "none") + "\n")
    if side.memo:
        text.append("memo: ", style="dim")
        text.append(side.memo)
    return text


def decision_text(case: Case) -> Text:
    """The decision so far, on whose word, and its note."""
    d = case.decision
    if d is None:
        return Text("Decision: undecided", style="yellow")
    text = Text("Decision: ")
    text.append("applies" if d.present else "does not apply", style="bold green" if d.present else "bold red")
    text.append(f" ({d.by}, by {d.adjudicator})", style="dim")
    if d.note:
        text.append(f" — {d.note}")
    return text


class NotePrompt(ModalScreen[str | None]):
    """A one-line note on why: enter keeps it, escape cancels."""

    DEFAULT_CSS = """
    NotePrompt { align: center middle; }
    NotePrompt > Vertical { width: 90%; max-width: 100; height: auto; border: round $accent;
                            background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        """The note box."""
        with Vertical():
            yield Label("Why? (enter keeps the note with the decision; escape cancels)")
            yield Input(self.text, id="note")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Return the note."""
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Return nothing."""
        self.dismiss(None)


class AdjudicateScreen(Screen[None]):
    """Every case between the compared coders, decided one at a time."""

    DEFAULT_CSS = """
    AdjudicateScreen { layout: vertical; }
    #adj-header { height: auto; background: $boost; padding: 0 1; }
    #adj-passage { height: 1fr; min-height: 3; padding: 0 1; }
    #adj-code { height: auto; padding: 0 1; }
    #adj-sides { height: auto; max-height: 9; }
    #adj-sides > Static { width: 1fr; height: auto; border: round $panel; padding: 0 1; }
    #adj-decision { height: auto; padding: 0 1; }
    #adj-status { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    """

    #: In the footer's order, the essential keys first: the footer leaves out, whole, what does not fit
    #: (at 80 columns with three coders, the note). The coder keys are bound per coder on mount.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "apply('both')", "both"),
        Binding("x", "omit", "none"),
        Binding("e", "edit", "edit"),
        Binding("q", "quit", "quit"),
        Binding("right,l", "move(1)", "next"),
        Binding("left,h", "move(-1)", "prev"),
        Binding("u", "next_open", "undecided"),
        Binding("n", "note", "note"),
    ]

    def __init__(self, controller: AdjudicationController) -> None:
        super().__init__()
        self.controller = controller
        self.index = 0
        self.status = ""
        #: Notes written on undecided cases, saved with their decision (case index → note).
        self.pending: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        """Header, passage, code, one column per coder, decision, status, keys."""
        yield Static(id="adj-header", markup=False)
        with VerticalScroll(id="adj-passage"):
            yield Static(id="adj-text")
        yield Static(id="adj-code", markup=False)
        yield Horizontal(id="adj-sides")
        yield Static(id="adj-decision")
        yield Static(id="adj-status", markup=False)
        yield KeyFooter(compact=True)

    def _bind_coders(self) -> None:
        """``1 alice  2 bob  3 carol`` first in the footer: one key per compared coder, by name."""
        adj = self.controller.adj
        coders = adj.coders if adj is not None else ()
        keys = dict(self._bindings.key_to_bindings)
        self._bindings.key_to_bindings.clear()
        for n, name in enumerate(coders[:9], start=1):
            self._bindings.bind(str(n), f"take({n})", name)
        self._bindings.key_to_bindings.update(keys)
        self.refresh_bindings()

    def on_mount(self) -> None:
        """Start at the first undecided case."""
        self._bind_coders()
        first = self.controller.next_open(len(self.controller.cases) - 1) if self.controller.cases else None
        self.index = first if first is not None else 0
        self.show()

    @property
    def case(self) -> Case | None:
        """The case on screen."""
        cases = self.controller.cases
        return cases[self.index] if cases else None

    def show(self) -> None:
        """Draw the case at ``self.index``."""
        adj = self.controller.adj
        assert adj is not None
        header = self.query_one("#adj-header", Static)
        case = self.case
        if case is None:
            header.update(self.header_text(f"Adjudication · {adj.progress}", ""))
            self.query_one("#adj-text", Static).update("No disagreements: the coders agree everywhere.")
            return
        view = self.controller.view(self.index)
        header.update(
            self.header_text(
                f"Adjudication · case {self.index + 1} of {len(self.controller.cases)}"
                f" · {case.document} #{case.segment} · {adj.progress}",
                view.section,
            )
        )
        self.query_one("#adj-text", Static).update(self.passage(case, view))
        now = ", ".join(view.consensus_codes) or "no code"
        self.query_one("#adj-code", Static).update(f"Code: {case.code}   (the consensus has: {now})")
        sides = self.query_one("#adj-sides", Horizontal)
        sides.remove_children()
        sides.mount_all([Static(side_text(side, n)) for n, side in enumerate(view.sides, start=1)])
        decided = decision_text(case)
        if case.decision is None and self.index in self.pending:
            decided.append(f" — note to save with it: {self.pending[self.index]}", style="italic")
        self.query_one("#adj-decision", Static).update(decided)
        self.query_one("#adj-status", Static).update(self.status)

    def header_text(self, first: str, section: str) -> str:
        """The case line (then who decides into whom, where it fits) and the section, each one line
        cut with ``…``: what a case is comes first, so a narrow window keeps it."""
        adj = self.controller.adj
        assert adj is not None
        width = max(self.app.size.width - 2, 20)
        into = f" · {', '.join(adj.coders)} into {adj.consensus.name}"
        lines = [first + into if len(first + into) <= width else first]
        if section:
            lines.append(section)
        return "\n".join(line if len(line) <= width else line[: width - 1] + "…" for line in lines)

    def on_resize(self) -> None:
        """Cut the header again for the new width."""
        if self.controller.adj is not None and self.is_mounted:
            self.show()

    @staticmethod
    def passage(case: Case, view: CaseView) -> Text:
        """The segment between its neighbours in the passage (the neighbours dimmed)."""
        text = Text()
        if view.speaker:
            text.append(f"{view.speaker}: ", style="italic")
        if view.before:
            text.append(view.before + " ", style="dim")
        text.append(case.text, style="bold reverse")
        if view.after:
            text.append(" " + view.after, style="dim")
        return text

    def record(self, present: bool, by: str, note: str | None = None, *, advance: bool = True) -> None:
        """Commit a decision on the case on screen, then (``advance``) go to the next undecided case."""
        if self.case is None:
            return
        if note is None:
            note = self.pending.pop(self.index, None)
        try:
            case = self.controller.decide(self.index, present, by, note)
        except QcodeError as exc:
            self.status = f"not saved: {exc}"
            self.show()
            return
        verb = "applies" if present else "does not apply"
        self.status = (
            f"saved case {self.index + 1}: {case.code} {verb} on {case.document} #{case.segment} ({by})"
        )
        following = self.controller.next_open(self.index) if advance else self.index
        if following is None:
            self.status += "; every case is decided"
        elif following != self.index:
            self.status += f"; now case {following + 1}"
            self.index = following
        self.show()

    def action_take(self, number: int) -> None:
        """Take coder ``number``'s call on the code."""
        case = self.case
        if case is None or number > len(case.calls):
            return
        coder, call = case.calls[number - 1]
        if call is None:
            self.status = f"{coder} did not code {case.document}: take b (both) or x (none)"
            self.show()
            return
        self.record(call, coder)

    def action_apply(self, by: str) -> None:
        """The code belongs on the segment: ``both`` keeps every coder's call, so where one applied it
        and another did not it says so and decides nothing (the service refuses it too)."""
        case = self.case
        if by == "both" and case is not None and any(call is False for _name, call in case.calls):
            self.status = "'both' contradicts itself here (one applied it, one did not): 1, 2…, x or e"
            self.show()
            return
        self.record(True, by)

    def action_omit(self) -> None:
        """The code does not belong on the segment."""
        self.record(False, "none")

    def action_edit(self) -> None:
        """The adjudicator's own call: the opposite of the decision so far (applies when undecided)."""
        case = self.case
        if case is not None:
            self.record(not (case.decision is not None and case.decision.present), "edit")

    def action_note(self) -> None:
        """Write why: on a decided case the note is saved with its decision at once; on an undecided
        one it waits for the decision (``n`` first, then ``1``, ``b``…)."""
        case = self.case
        if case is None:
            return
        index, d = self.index, case.decision

        def keep(text: str | None) -> None:
            if text is None:
                return
            if d is None:
                self.pending[index] = text
                self.status = "the note goes with the decision: 1, 2…, b, x or e"
                self.show()
            else:
                self.record(d.present, d.by, text, advance=False)

        earlier = (d.note if d is not None else self.pending.get(index)) or ""
        self.app.push_screen(NotePrompt(earlier), keep)

    def action_move(self, step: int) -> None:
        """The next or previous case."""
        if self.controller.cases:
            self.index = (self.index + step) % len(self.controller.cases)
            self.status = ""
            self.show()

    def action_next_open(self) -> None:
        """The next undecided case."""
        following = self.controller.next_open(self.index)
        self.status = "every case is decided" if following is None else ""
        if following is not None:
            self.index = following
        self.show()

    def action_quit(self) -> None:
        """Leave: every decision is already saved."""
        self.app.exit()
