"""Typed ORM models: one project = one database.

Identities that leave the database are stable: documents, codes, coders, codings
and memos carry GUIDs; segments are named by their document and ordinal and their
text is checked on import. The ``events`` table is append-only (triggers refuse
UPDATE and DELETE) and references entities by GUID, never by row id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qcode.store.base import Base, created, guid, intpk, name200, new_guid, utcnow


class Setting(Base):
    """Project-wide key/value settings (project GUID, creation time, ...)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Document(Base):
    """One transcript: an interviewee's testimony with their attributes."""

    __tablename__ = "documents"

    id: Mapped[intpk]
    guid: Mapped[guid]
    name: Mapped[name200] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    source_path: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    segmentation: Mapped[str] = mapped_column(String(20), default="sentence")
    #: The testimony's language as a BCP 47 tag ("en", "ko", "zh", "es"); segmentation follows it.
    language: Mapped[str] = mapped_column(String(20), default="en", server_default="en")
    created_at: Mapped[created]

    passages: Mapped[list[Passage]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Passage.ordinal",
    )
    segments: Mapped[list[Segment]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Segment.ordinal",
    )


class Passage(Base):
    """A passage of testimony (one quote) inside a document."""

    __tablename__ = "passages"
    __table_args__ = (
        UniqueConstraint("document_id", "ordinal"),
        CheckConstraint('start >= 0 AND start <= "end"', name="span"),
    )

    id: Mapped[intpk]
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    ordinal: Mapped[int]
    section: Mapped[str] = mapped_column(Text, default="")
    speaker: Mapped[str | None] = mapped_column(String(200))
    source_lines: Mapped[str | None] = mapped_column(String(40))
    start: Mapped[int]
    end: Mapped[int]
    #: Where a timed transcript (subtitles, a media transcript) places this turn, in milliseconds.
    start_ms: Mapped[int | None]
    end_ms: Mapped[int | None]

    document: Mapped[Document] = relationship(back_populates="passages")


class Segment(Base):
    """The unit of coding: a sentence (or paragraph or passage) with exact offsets.

    Invariant: ``document.text[start:end] == text``.
    """

    __tablename__ = "segments"
    __table_args__ = (
        UniqueConstraint("document_id", "ordinal"),
        CheckConstraint('start >= 0 AND start < "end"', name="span"),
    )

    id: Mapped[intpk]
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    passage_id: Mapped[int] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int]
    start: Mapped[int]
    end: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="segments")


class Coder(Base):
    """A person who codes; the GUID, not the name, is who they are across projects."""

    __tablename__ = "coders"
    __table_args__ = (CheckConstraint("role IN ('coder', 'consensus')", name="role"),)

    id: Mapped[intpk]
    guid: Mapped[guid]
    name: Mapped[name200] = mapped_column(unique=True)
    #: ``coder`` codes in their own right; ``consensus`` is written only by adjudication.
    role: Mapped[str] = mapped_column(String(20), default="coder", server_default="coder")
    created_at: Mapped[created]


class Code(Base):
    """A codebook theme; ``key`` is the codebook's stable id and survives renames."""

    __tablename__ = "codes"

    id: Mapped[intpk]
    guid: Mapped[guid]
    key: Mapped[name200] = mapped_column(unique=True)
    name: Mapped[name200] = mapped_column(unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="RESTRICT"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    inclusion: Mapped[str] = mapped_column(Text, default="")
    exclusion: Mapped[str] = mapped_column(Text, default="")
    example_text: Mapped[str] = mapped_column(Text, default="")
    example_interviewee: Mapped[str] = mapped_column(String(200), default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: ``#rrggbb``, or ``None`` where the codebook gives none (front ends pick a neutral one).
    colour: Mapped[str | None] = mapped_column(String(9))
    #: Whether coders apply this code; group headings of other programs' codebooks may not be.
    codable: Mapped[bool] = mapped_column(default=True, server_default=true())
    hotkey: Mapped[str | None] = mapped_column(String(1), unique=True)
    ordinal: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[created]

    parent: Mapped[Code | None] = relationship(remote_side="Code.id")


class Coding(Base):
    """One coder's decision that a code applies to a segment (the unit of agreement).

    ``start``/``end`` keep an exact character span of the document when the coding covers less
    than the whole segment (a selection made in another program, or narrowed by the coder);
    ``None`` means the whole segment. ``selection`` is the GUID of the selection a coding came
    from, shared by the pieces of one selection that crossed segments, so it can leave whole.
    """

    __tablename__ = "codings"
    __table_args__ = (
        UniqueConstraint("coder_id", "segment_id", "code_id"),
        Index("ix_codings_segment_id", "segment_id"),
        Index("ix_codings_code_id", "code_id"),
        CheckConstraint(
            '(start IS NULL AND "end" IS NULL) OR (start >= 0 AND start < "end")', name="span"
        ),
    )

    id: Mapped[intpk]
    guid: Mapped[guid]
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="CASCADE"))
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    memo: Mapped[str | None] = mapped_column(Text)
    start: Mapped[int | None]
    end: Mapped[int | None]
    selection: Mapped[str | None] = mapped_column(String(36), index=True)
    created_at: Mapped[created]


class Memo(Base):
    """A coder's note on a segment, a document or a code (exactly one target)."""

    __tablename__ = "memos"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN segment_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN document_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN code_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
        # One memo per coder and target; NULLs are distinct, so each constraint binds one target kind.
        UniqueConstraint("coder_id", "segment_id"),
        UniqueConstraint("coder_id", "document_id"),
        UniqueConstraint("coder_id", "code_id"),
    )

    id: Mapped[intpk]
    guid: Mapped[guid]
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="CASCADE"))
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Variable(Base):
    """A typed document attribute (REFI-QDA's Variable): values live in ``Document.attributes``.

    The type says how values sort and filter: ``text``, ``integer``, ``float``, ``date`` (ISO
    ``YYYY-MM-DD`` strings) or ``boolean``. An attribute without a row here is text.
    """

    __tablename__ = "variables"
    __table_args__ = (
        CheckConstraint("type IN ('text', 'integer', 'float', 'date', 'boolean')", name="type"),
    )

    id: Mapped[intpk]
    guid: Mapped[guid]
    name: Mapped[name200] = mapped_column(unique=True)
    type: Mapped[str] = mapped_column(String(10), default="text")
    description: Mapped[str] = mapped_column(Text, default="")


class Event(Base):
    """Append-only log of who did what, when; entities are named by GUID or name.

    ``guid`` identifies an event across projects, so a merge brings each one over once.
    """

    __tablename__ = "events"

    id: Mapped[intpk]
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    at: Mapped[created] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


#: Every table of the schema, by name (what a backup copies and a check counts).
TABLES: frozenset[str] = frozenset(Base.metadata.tables)
