"""The adjudication app: each case where coders differ, decided into the consensus coder on screen.

:class:`AdjudicationController` holds the open adjudication and calls the services (each decision
its own transaction, committed before the screen shows it); :class:`AdjudicateApp` loads it in a
worker and shows :class:`~qcode.tui.screens.adjudicate.AdjudicateScreen`. Started by
``qcode adjudicate`` without options.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.message import Message

from qcode.errors import QcodeError

if TYPE_CHECKING:
    from qcode.teams.adjudicate import Adjudication, Case
    from qcode.teams.caseview import CaseView
    from qcode.tui.access import ProjectAccess


@dataclass(frozen=True)
class Settings:
    """What ``qcode adjudicate`` was asked: whom to compare, on which codes, into which consensus."""

    coders: Sequence[str] | None = None
    codes: Sequence[str] | None = None
    consensus: str = "consensus"
    #: who decides, as the log and the decision line name them ("": the consensus coder's name)
    actor: str = ""

    @property
    def adjudicator(self) -> str:
        """Who decides: ``actor``, else the consensus coder the decisions go to (never ``system``)."""
        return self.actor or self.consensus


class AdjudicationController:
    """The open adjudication and its writes, one transaction each."""

    def __init__(self, access: ProjectAccess, settings: Settings) -> None:
        self.access = access
        self.settings = settings
        self.adj: Adjudication | None = None

    def load(self) -> Adjudication:
        """Open (and bring the consensus coder up to date with) the adjudication."""
        from qcode.teams.adjudicate import open_adjudication

        s = self.settings
        with self.access.unit() as session:
            self.adj = open_adjudication(
                session, coders=s.coders, codes=s.codes, consensus=s.consensus, actor=s.adjudicator
            )
        return self.adj

    @property
    def cases(self) -> tuple[Case, ...]:
        """The cases, in corpus order."""
        return () if self.adj is None else self.adj.cases

    def view(self, index: int) -> CaseView:
        """The context of case ``index``."""
        from qcode.teams.caseview import case_view

        assert self.adj is not None
        with self.access.reading() as session:
            return case_view(session, self.adj, self.adj.cases[index])

    def decide(self, index: int, present: bool, by: str, note: str | None = None) -> Case:
        """Record a decision on case ``index`` (committed on return); the updated case."""
        from qcode.teams.decide import Choice, decide

        assert self.adj is not None
        case = self.adj.cases[index]
        with self.access.unit() as session:
            self.adj, _ = decide(
                session, self.adj, [Choice(case.key, present, by, note)], actor=self.settings.adjudicator
            )
        return self.adj.cases[index]

    def next_open(self, index: int) -> int | None:
        """The next undecided case after ``index`` (wrapping), or ``None`` when all are decided."""
        n = len(self.cases)
        for step in range(1, n + 1):
            k = (index + step) % n
            if self.cases[k].decision is None:
                return k
        return None


class Loaded(Message):
    """The adjudication is open (or could not be: ``error``)."""

    def __init__(self, error: str | None = None) -> None:
        super().__init__()
        self.error = error


class AdjudicateApp(App[None]):
    """Adjudication on its own screen."""

    TITLE = "qcode adjudicate"
    #: No palette key in the footer: at 80 columns its room goes to next, previous, undecided and quit.
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, access: ProjectAccess, settings: Settings) -> None:
        super().__init__()
        self.controller = AdjudicationController(access, settings)

    def on_mount(self) -> None:
        """Load in a worker: a big project's disagreements take a moment."""
        self.load()

    @work(thread=True, exclusive=True, name="load")
    def load(self) -> None:
        """Open the adjudication (a worker thread)."""
        try:
            self.controller.load()
        except QcodeError as exc:
            self.post_message(Loaded(str(exc)))
            return
        self.post_message(Loaded())

    def on_loaded(self, message: Loaded) -> None:
        """Show the cases, or say why not and quit."""
        if message.error is not None:
            self.exit(return_code=1, message=f"qcode: error: {message.error}")
            return
        from qcode.tui.screens.adjudicate import AdjudicateScreen

        self.push_screen(AdjudicateScreen(self.controller))
