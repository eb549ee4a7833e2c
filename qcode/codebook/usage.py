"""How the codebook was used: codings per coder and code, and agreement per code, for the appendix.

A service: reads the project and returns a :class:`~qcode.codebook.document.CodebookDocument`.
Agreement comes from :mod:`qcode.coding.matrices` (NumPy, imported when needed) and is left out,
with the reason said, where fewer than two coders coded anything.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from qcode.codebook.document import CodeAgreementCell, CodebookDocument, CodeEntry, titled
from qcode.codebook.service import project_codebook
from qcode.errors import InputError
from qcode.names import Names
from qcode.store.models import Code, Coder, Coding
from qcode.text import plural


def codebook_document(
    session: Session, *, coders: Sequence[str] | None = None, n_boot: int = 1000
) -> CodebookDocument:
    """The project's codebook with counts per coder and agreement per code.

    ``coders`` (names) limits the counts and the agreement to them; by default every coder with
    codings.

    Raises:
        NotFoundError: an unknown coder.
    """
    codebook = project_codebook(session)
    everyone = [
        n
        for (n,) in session.execute(
            select(Coder.name).where(Coder.id.in_(select(Coding.coder_id))).order_by(Coder.name)
        )
    ]
    chosen = everyone
    if coders:
        lookup = Names("coder", [(n, n) for (n,) in session.execute(select(Coder.name))])
        chosen = list(dict.fromkeys(lookup.find_all(list(coders))))
    counts = _counts(session, chosen)
    segments = _segments(session, chosen)
    cells, statement = _agreement(session, chosen, n_boot)
    parents = {c.parent for c in codebook.codes if c.parent}
    entries: list[CodeEntry] = []

    def walk(parent: str | None, depth: int) -> None:
        for spec in codebook.children(parent):
            entries.append(
                CodeEntry(
                    spec.id,
                    spec.name,
                    depth,
                    spec.id in parents,
                    spec.description,
                    spec.inclusion,
                    spec.exclusion,
                    spec.example_text,
                    spec.example_interviewee,
                    spec.keywords,
                    spec.hotkey,
                    tuple(counts.get((spec.id, c), 0) for c in chosen),
                    segments.get(spec.id, 0),
                    cells.get(spec.name) if spec.id not in parents else None,
                )
            )
            walk(spec.id, depth + 1)

    walk(None, 0)
    return CodebookDocument(titled(codebook.name), codebook.version, tuple(chosen), tuple(entries), statement)


def _counts(session: Session, coders: Sequence[str]) -> dict[tuple[str, str], int]:
    rows = session.execute(
        select(Code.key, Coder.name, func.count())
        .select_from(Coding)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coder.name.in_(coders))
        .group_by(Code.key, Coder.name)
    )
    return {(key, coder): n for key, coder, n in rows}


def _segments(session: Session, coders: Sequence[str]) -> dict[str, int]:
    rows = session.execute(
        select(Code.key, func.count(distinct(Coding.segment_id)))
        .select_from(Coding)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coder.name.in_(coders))
        .group_by(Code.key)
    )
    return {key: n for key, n in rows}


def _agreement(
    session: Session, coders: Sequence[str], n_boot: int
) -> tuple[dict[str, CodeAgreementCell], str]:
    if len(coders) < 2:
        return {}, "Agreement is not reported: it needs two coders who both coded (found " + (
            ", ".join(coders) or "none"
        ) + ")."
    from qcode.coding.matrices import agreement_data, agreement_report, whole

    try:
        data = agreement_data(session, coders=list(coders), unit="segment")
    except InputError as exc:
        return {}, f"Agreement is not reported: {exc}."
    report = agreement_report(whole(data), n_boot=n_boot)
    field = report.ci_coefficient
    cells = {
        row.code: CodeAgreementCell(
            getattr(row, field),
            row.ci_low,
            row.ci_high,
            row.alpha_band,
            row.positive_units,
            "; ".join(row.notes),
        )
        for row in report.codes
    }
    statement = (
        f"Agreement is Krippendorff's alpha per code between {', '.join(report.coders)} over "
        f"{plural(report.units, 'segment')} of the documents every one of them coded (a coder coded a "
        "document when they applied at least one code anywhere in it, and decided "
        f"'absent' on its uncoded segments), with a {report.ci_level:.0%} percentile bootstrap interval "
        f"({plural(report.n_boot, 'replicate')}); alpha ≥ .800 is reliable, ≥ .667 allows tentative"
        " conclusions "
        "(Krippendorff 2004)."
    )
    return cells, statement
