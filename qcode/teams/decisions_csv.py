"""Decisions as CSV: the open cases written out to fill in, and filled-in decisions read back.

Columns read: ``document``, ``segment`` (its number in the document), ``code`` (name or key),
``decision`` and optionally ``note``. A decision is a compared coder's name (take their call),
``both`` (every compared coder's call: refused where one applied the code and another did not),
``apply`` / ``yes`` (the code belongs, on the adjudicator's word), or ``none`` / ``omit`` / ``no``
(it does not); an empty decision leaves the case as it is. Every row is checked before anything is recorded.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from qcode.errors import InputError
from qcode.export.files import neutralise, unneutralise
from qcode.export.tables import CsvRecord, read_csv
from qcode.teams.adjudicate import BOTH, EDIT, NONE, Adjudication, Case
from qcode.teams.decide import Choice, both_refusal
from qcode.text import plural

COLUMNS = ("document", "segment", "code", "decision")
#: every compared coder's call (refused where they contradict: see ``decide.both_refusal``)
BOTH_WORDS = frozenset({"both", "all"})
#: the adjudicator's own word that the code belongs
YES = frozenset({"apply", "yes", "present"})
NO = frozenset({"none", "omit", "no", "absent", "neither"})
MAX_LISTED = 50


class DecisionsError(InputError):
    """Some rows of a decisions file cannot be used, so none were; ``problems`` lists each."""

    def __init__(self, path: str, problems: Sequence[tuple[int, str]]) -> None:
        listed = [f"{path}:{line}: {message}" for line, message in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            listed.append(f"… and {len(problems) - MAX_LISTED} more")
        super().__init__(
            "\n".join(
                [f"{plural(len(problems), 'row')} cannot be used, so no decision was recorded:", *listed]
            )
        )
        self.problems = tuple(problems)


@dataclass(frozen=True)
class _Index:
    cases: dict[tuple[str, int, str], Case]

    @classmethod
    def of(cls, adj: Adjudication) -> _Index:
        out: dict[tuple[str, int, str], Case] = {}
        for c in adj.cases:
            out[(c.document, c.segment, c.code.casefold())] = c
            out[(c.document, c.segment, c.code_key.casefold())] = c
        return cls(out)


def read_decisions_csv(path: Path, adj: Adjudication) -> list[Choice]:
    """The choices a decisions file makes, each checked against the open adjudication.

    Raises:
        InputError: the file cannot be read or lacks a column.
        DecisionsError: rows naming no case, an unknown decision, or a coder missing on the case.
    """
    table = read_csv(path, required=COLUMNS)
    index = _Index.of(adj)
    choices: list[Choice] = []
    problems: list[tuple[int, str]] = []
    seen: dict[tuple[int, int], int] = {}
    for rec in table.records:
        choice, problem = _row(rec, index, adj)
        if problem is not None:
            problems.append((rec.line, problem))
        elif choice is not None:
            if choice.case in seen:
                problems.append((rec.line, f"the same case as line {seen[choice.case]}"))
                continue
            seen[choice.case] = rec.line
            choices.append(choice)
    if problems:
        raise DecisionsError(table.path, problems)
    return choices


def _cell(rec: CsvRecord, column: str) -> str:
    return unneutralise((rec.get(column) or "").strip())


def _row(rec: CsvRecord, index: _Index, adj: Adjudication) -> tuple[Choice | None, str | None]:
    document, segment, code, word = (_cell(rec, c) for c in COLUMNS)
    if not word:
        return None, None
    try:
        ordinal = int(segment)
    except ValueError:
        return None, f"segment {segment!r} is not a whole number"
    case = index.cases.get((document, ordinal, code.casefold()))
    if case is None:
        return (
            None,
            f"{document} #{ordinal} {code}: not a case between {', '.join(adj.coders)} "
            "(no disagreement there)",
        )
    note = rec.get("note")
    note = None if note is None else unneutralise(note)
    lowered = word.casefold()
    coder = next((c for c in adj.coders if c.casefold() == lowered), None)
    if coder is not None:
        call = case.call_of(coder)
        if call is None:
            return None, f"{coder} did not code document {document}: decide with both or none"
        return Choice(case.key, call, coder, note), None
    if lowered in BOTH_WORDS:
        refusal = both_refusal(case)
        return (None, refusal) if refusal else (Choice(case.key, True, BOTH, note), None)
    if lowered in YES:
        return Choice(case.key, True, EDIT, note), None
    if lowered in NO:
        return Choice(case.key, False, NONE, note), None
    return None, f"decision {word!r} is not a coder ({', '.join(adj.coders)}), both or none"


def case_rows(adj: Adjudication, *, undecided_only: bool = False, guard: bool = True) -> Iterator[list[str]]:
    """A header and one row per case: each coder's call (1, 0, or blank), the decision so far, the text."""
    yield ["document", "segment", "code", *adj.coders, "decision", "note", "text"]
    for c in adj.cases:
        if undecided_only and c.decision is not None:
            continue
        calls = ["" if call is None else str(int(call)) for _name, call in c.calls]
        d = c.decision
        decision = "" if d is None else d.by if d.by != EDIT else "apply" if d.present else NONE
        cells = [c.document, str(c.segment), c.code, *calls, decision, (d.note if d else None) or "", c.text]
        yield [neutralise(x) for x in cells] if guard else cells
