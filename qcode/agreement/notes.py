"""The notes of an agreement report, summarised: one line per kind of note, not one per code.

A report on 17 codes carries a note per code and figure (rare, unused, undefined…); listed one by one
they run to forty lines that say five things. :func:`summary_notes` says each thing once, with the
codes it concerns, so the reader sees which codes the figures leave out and why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qcode.agreement.report import COEFFICIENTS, UNUSED_NOTE, AgreementReport
from qcode.text import plural

_MEAN = re.compile(r"^(.+): mean over (\d+) of (\d+) codes?$")


def summary_notes(report: AgreementReport, data_notes: Sequence[str] = ()) -> list[str]:
    """The data's notes, then each kind of per-code note once with its codes, then the overall means.

    Args:
        report: the agreement report.
        data_notes: notes about the data (coders with nothing coded, group codes), kept as they are.
    """
    notes = list(data_notes)
    unused = [row.code for row in report.codes if UNUSED_NOTE in row.notes]
    if unused:
        them = "it" if len(unused) == 1 else "them"
        notes.append(
            f"nobody applied {_codes(unused)} ({len(unused)} of {plural(len(report.codes), 'code')}):"
            f" no figure is defined for {them}, and the overall means leave {them} out"
        )
    rare = [f"{row.code} ({row.positive_units})" for row in report.codes if row.rare]
    others: dict[str, list[str]] = {}
    for row in report.codes:
        for note in row.notes:
            if note != UNUSED_NOTE and not (row.rare and note.startswith("rare: ")):
                others.setdefault(note, []).append(row.code)
    if rare:
        notes.append(
            f"rare (fewer than {report.min_positive} units with the code applied, so the figures are"
            f" unstable): {', '.join(rare)}"
        )
    notes += [f"{_codes(codes)}: {note}" for note, codes in others.items()]
    notes += _means(report.overall.notes)
    return notes


def means_label(report: AgreementReport) -> str:
    """What the overall row averages: ``mean of 7 of 17 codes``, ``mean of 17 codes``.

    The means leave out the codes where a figure is undefined (nobody applied them…), so a label
    that gave only the number of codes would overstate what they rest on. Where the figures are
    defined on different numbers of codes the label gives the range (``mean of 5–7 of 17 codes``);
    the notes say which figure rests on how many. The CLI table, its JSON and CSV, and the coding
    screen's agreement window all use this one wording.
    """
    total = len(report.codes)
    counts = {sum(getattr(row, name) is not None for row in report.codes) for name in COEFFICIENTS}
    low, high = min(counts, default=0), max(counts, default=0)
    if low == high == total:
        return f"mean of {plural(total, 'code')}"
    defined = str(high) if low == high else f"{low}–{high}"
    return f"mean of {defined} of {plural(total, 'code')}"


def _codes(codes: list[str]) -> str:
    return ", ".join(codes)


def _means(overall: Sequence[str]) -> list[str]:
    """``Cohen's kappa: mean over 4 of 17 codes`` and its like, one line per distinct count."""
    by_count: dict[tuple[str, str], list[str]] = {}
    rest: list[str] = []
    for note in overall:
        match = _MEAN.match(note)
        if match:
            by_count.setdefault((match.group(2), match.group(3)), []).append(match.group(1))
        else:
            rest.append(note)
    lines = [
        f"overall {', '.join(names)}: mean over the {defined} of {plural(int(total), 'code')} where"
        f" {'it is' if len(names) == 1 else 'they are'} defined"
        for (defined, total), names in by_count.items()
    ]
    return lines + rest
