"""What a suggester reads: the codebook's codable leaf codes, one coder's codings, segments in context.

Plain SQL on a session or a bare read-only ``sqlite3`` connection (see :mod:`qcode.coding.queries`),
so the coding screen can build its suggester through the connection it already reads with. Blind
coding is enforced here: :func:`coded_examples` takes one coder and reads only their codings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from qcode.coding.queries import Source, codebook, select_rows
from qcode.coding.types import CodeInfo
from qcode.suggest.model import CodeCard, Example

__all__ = ["card_of", "code_cards", "coded_examples", "document_examples", "passage_contexts"]

#: Neighbours in the same passage (previous and next segment), for a segment's context.
_NEIGHBOURS = (
    " LEFT JOIN segments b ON b.document_id = s.document_id AND b.ordinal = s.ordinal - 1"
    " AND b.passage_id = s.passage_id"
    " LEFT JOIN segments a ON a.document_id = s.document_id AND a.ordinal = s.ordinal + 1"
    " AND a.passage_id = s.passage_id"
)


def card_of(code: CodeInfo) -> CodeCard:
    """The codebook entry of a code, as the suggester reads it."""
    return CodeCard(
        code.key,
        code.name,
        code.description,
        code.inclusion,
        code.example_text,
        code.example_interviewee,
        code.keywords,
    )


def code_cards(source: Source) -> list[CodeCard]:
    """The codes a coder applies — codable codes without sub-codes — in codebook order."""
    codes = codebook(source)
    parents = {c.parent_id for c in codes if c.parent_id is not None}
    closed = {row[0] for row in select_rows(source, "SELECT id FROM codes WHERE NOT codable")}
    return [card_of(c) for c in codes if c.id not in parents and c.id not in closed]


def coded_examples(source: Source, coder_id: int, per_code: int) -> list[tuple[Example, frozenset[str]]]:
    """This coder's coded segments (the latest ``per_code`` of each code), oldest coding first.

    Each comes with its passage neighbours' text and the keys of the coder's codes on it.
    """
    rows = select_rows(
        source,
        "WITH ranked AS (SELECT segment_id, code_id, id,"
        " row_number() OVER (PARTITION BY code_id ORDER BY id DESC) AS latest"
        " FROM codings WHERE coder_id = :coder)"
        ' SELECT s.id, d.name, s.ordinal, s.text, b.text, a.text, k."key", r.id FROM ranked r'
        " JOIN segments s ON s.id = r.segment_id JOIN documents d ON d.id = s.document_id"
        f" JOIN codes k ON k.id = r.code_id{_NEIGHBOURS}"
        " WHERE r.latest <= :cap ORDER BY r.id",
        {"coder": coder_id, "cap": per_code},
    )
    examples: dict[int, Example] = {}
    keys: dict[int, set[str]] = defaultdict(set)
    for seg_id, document, ordinal, text, before, after, key, _coding in rows:
        if seg_id not in examples:
            context = " ".join(t for t in (before, after) if t)
            examples[seg_id] = Example(seg_id, document, ordinal, text, context)
        keys[seg_id].add(key)
    return [(ex, frozenset(keys[seg_id])) for seg_id, ex in examples.items()]


def document_examples(source: Source, document_id: int) -> list[Example]:
    """Every segment of a document, in order, with its passage neighbours' text."""
    rows = select_rows(
        source,
        "SELECT s.id, d.name, s.ordinal, s.text, b.text, a.text FROM segments s"
        f" JOIN documents d ON d.id = s.document_id{_NEIGHBOURS}"
        " WHERE s.document_id = :doc ORDER BY s.ordinal",
        {"doc": document_id},
    )
    return [
        Example(seg_id, name, ordinal, text, " ".join(t for t in (before, after) if t))
        for seg_id, name, ordinal, text, before, after in rows
    ]


def passage_contexts(segments: Sequence[tuple[int, str]]) -> list[str]:
    """For segments in order, given as (passage, text): each one's neighbours in the same passage."""
    out: list[str] = []
    last = len(segments) - 1
    for i, (passage, _text) in enumerate(segments):
        near = [segments[j][1] for j in (i - 1, i + 1) if 0 <= j <= last and segments[j][0] == passage]
        out.append(" ".join(near))
    return out
