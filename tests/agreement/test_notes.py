"""The report's notes, summarised: each kind once with its codes, none about instability of unused codes."""

from __future__ import annotations

from qcode.agreement import build_report
from qcode.agreement.notes import means_label, summary_notes

N = None
APPLIED = [[1, 1, 0, 0, 1, 0], [1, 0, 0, 0, 1, 1]]
NEVER = [[0, 0, 0, 0, 0, N], [0, 0, 0, 0, 0, 0]]
UNUSED = [f"unused{i}" for i in range(13)]


def test_fifteen_codes_give_four_lines_not_one_or_two_per_code() -> None:
    matrices = {"wages": APPLIED, "hours": APPLIED, **dict.fromkeys(UNUSED, NEVER)}
    report = build_report(["ann", "bob"], list(range(6)), matrices, n_boot=0)
    per_code = sum(len(row.notes) for row in report.codes) + len(report.overall.notes)
    notes = summary_notes(report, ["carol coded none of these documents"])
    assert per_code > 20 and len(notes) == 4
    assert notes[0] == "carol coded none of these documents"
    assert notes[1].startswith(f"nobody applied {', '.join(UNUSED)} (13 of 15 codes): no figure is defined")
    assert notes[2] == (
        "rare (fewer than 10 units with the code applied, so the figures are unstable): wages (4), hours (4)"
    )
    assert notes[3].startswith("overall percent agreement, Cohen's kappa")
    assert "mean over the 2 of 15 codes" in notes[3]
    assert not any("unused0" in note and "unstable" in note for note in notes)


def test_one_code_nobody_applied_reads_in_the_singular() -> None:
    report = build_report(["ann", "bob"], list(range(6)), {"money": NEVER}, n_boot=0)
    notes = summary_notes(report)
    assert notes[0] == (
        "nobody applied money (1 of 1 code): no figure is defined for it, and the overall means leave it out"
    )
    assert all("1 codes" not in note for note in notes)


def test_the_overall_label_counts_only_the_codes_the_means_are_over() -> None:
    seven_of_17 = {**{f"c{i}": APPLIED for i in range(7)}, **{f"u{i}": NEVER for i in range(10)}}
    report = build_report(["ann", "bob"], list(range(6)), seven_of_17, n_boot=0)
    assert means_label(report) == "mean of 7 of 17 codes"
    every = build_report(["ann", "bob"], list(range(6)), {"a": APPLIED, "b": APPLIED}, n_boot=0)
    assert means_label(every) == "mean of 2 codes"
