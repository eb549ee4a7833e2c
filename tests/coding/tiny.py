"""Tiny hand-built projects for agreement tests: documents of passages of sentences, codes, codings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from qcode.store.models import Code, Coder, Coding, Document, Passage, Segment

Docs = dict[str, list[list[str]]]
"""Document name → passages → sentences."""


@dataclass
class Ids:
    """Row ids of what :func:`build` created."""

    documents: dict[str, int] = field(default_factory=dict)
    segments: dict[tuple[str, int], int] = field(default_factory=dict)
    passages: dict[tuple[str, int], int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    coders: dict[str, int] = field(default_factory=dict)


def build(
    session: Session,
    docs: Docs,
    codes: Sequence[tuple[str, str, str | None]],
    coders: Sequence[str],
    codings: Sequence[tuple[str, str, int, str]],
) -> Ids:
    """Add documents, codes (key, name, parent key), coders and codings (coder, document, ordinal, key)."""
    ids = Ids()
    for name, passages in docs.items():
        doc = Document(name=name, content_hash=name, text="")
        session.add(doc)
        session.flush()
        text, ordinal = "", 0
        for p_ordinal, sentences in enumerate(passages, 1):
            passage = Passage(document_id=doc.id, ordinal=p_ordinal, start=len(text), end=len(text))
            session.add(passage)
            session.flush()
            ids.passages[(name, p_ordinal)] = passage.id
            for sentence in sentences:
                ordinal += 1
                start = len(text)
                text += sentence + " "
                seg = Segment(
                    document_id=doc.id,
                    passage_id=passage.id,
                    ordinal=ordinal,
                    start=start,
                    end=start + len(sentence),
                    text=sentence,
                )
                session.add(seg)
                session.flush()
                ids.segments[(name, ordinal)] = seg.id
            passage.end = len(text)
        doc.text = text
        ids.documents[name] = doc.id
    for k, (key, name, parent) in enumerate(codes):
        code = Code(key=key, name=name, parent_id=ids.codes[parent] if parent else None, ordinal=k)
        session.add(code)
        session.flush()
        ids.codes[key] = code.id
    for name in coders:
        coder = Coder(name=name)
        session.add(coder)
        session.flush()
        ids.coders[name] = coder.id
    for coder_name, doc_name, ordinal, key in codings:
        session.add(
            Coding(
                coder_id=ids.coders[coder_name],
                segment_id=ids.segments[(doc_name, ordinal)],
                code_id=ids.codes[key],
            )
        )
    session.flush()
    return ids
