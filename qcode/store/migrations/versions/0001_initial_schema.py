"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from qcode.store.base import UTCDateTime

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coders')),
    sa.UniqueConstraint('guid', name=op.f('uq_coders_guid')),
    sa.UniqueConstraint('name', name=op.f('uq_coders_name'))
    )
    op.create_table('codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('inclusion', sa.Text(), nullable=False),
    sa.Column('exclusion', sa.Text(), nullable=False),
    sa.Column('example_text', sa.Text(), nullable=False),
    sa.Column('example_interviewee', sa.String(length=200), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('colour', sa.String(length=9), nullable=False),
    sa.Column('hotkey', sa.String(length=1), nullable=True),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['codes.id'], name=op.f('fk_codes_parent_id_codes'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_codes')),
    sa.UniqueConstraint('guid', name=op.f('uq_codes_guid')),
    sa.UniqueConstraint('hotkey', name=op.f('uq_codes_hotkey')),
    sa.UniqueConstraint('key', name=op.f('uq_codes_key')),
    sa.UniqueConstraint('name', name=op.f('uq_codes_name'))
    )
    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_codes_parent_id'), ['parent_id'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('source_path', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('segmentation', sa.String(length=20), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('guid', name=op.f('uq_documents_guid')),
    sa.UniqueConstraint('name', name=op.f('uq_documents_name'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_content_hash'), ['content_hash'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_at'), ['at'], unique=False)

    op.create_table('settings',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('passages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('section', sa.Text(), nullable=False),
    sa.Column('speaker', sa.String(length=200), nullable=True),
    sa.Column('source_lines', sa.String(length=40), nullable=True),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.CheckConstraint('start >= 0 AND start <= "end"', name=op.f('ck_passages_span')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_passages_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passages')),
    sa.UniqueConstraint('document_id', 'ordinal', name=op.f('uq_passages_document_id_ordinal'))
    )
    op.create_table('segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('passage_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint('start >= 0 AND start < "end"', name=op.f('ck_segments_span')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_segments_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['passage_id'], ['passages.id'], name=op.f('fk_segments_passage_id_passages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segments')),
    sa.UniqueConstraint('document_id', 'ordinal', name=op.f('uq_segments_document_id_ordinal'))
    )
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segments_passage_id'), ['passage_id'], unique=False)

    op.create_table('codings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('memo', sa.Text(), nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['code_id'], ['codes.id'], name=op.f('fk_codings_code_id_codes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coder_id'], ['coders.id'], name=op.f('fk_codings_coder_id_coders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_codings_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_codings')),
    sa.UniqueConstraint('coder_id', 'segment_id', 'code_id', name=op.f('uq_codings_coder_id_segment_id_code_id')),
    sa.UniqueConstraint('guid', name=op.f('uq_codings_guid'))
    )
    with op.batch_alter_table('codings', schema=None) as batch_op:
        batch_op.create_index('ix_codings_code_id', ['code_id'], unique=False)
        batch_op.create_index('ix_codings_segment_id', ['segment_id'], unique=False)

    op.create_table('memos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('code_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(CASE WHEN segment_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN document_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN code_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_memos_one_target')),
    sa.ForeignKeyConstraint(['code_id'], ['codes.id'], name=op.f('fk_memos_code_id_codes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coder_id'], ['coders.id'], name=op.f('fk_memos_coder_id_coders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_memos_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_memos_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memos')),
    sa.UniqueConstraint('guid', name=op.f('uq_memos_guid'))
    )
    with op.batch_alter_table('memos', schema=None) as batch_op:
        batch_op.create_index('ix_memos_coder_id_segment_id', ['coder_id', 'segment_id'], unique=False)
    _append_only_events()



def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
        op.execute("DROP FUNCTION IF EXISTS qcode_events_append_only()")
    with op.batch_alter_table('memos', schema=None) as batch_op:
        batch_op.drop_index('ix_memos_coder_id_segment_id')

    op.drop_table('memos')
    with op.batch_alter_table('codings', schema=None) as batch_op:
        batch_op.drop_index('ix_codings_segment_id')
        batch_op.drop_index('ix_codings_code_id')

    op.drop_table('codings')
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segments_passage_id'))

    op.drop_table('segments')
    op.drop_table('passages')
    op.drop_table('settings')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_at'))
        batch_op.drop_index(batch_op.f('ix_events_action'))

    op.drop_table('events')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_content_hash'))

    op.drop_table('documents')
    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_codes_parent_id'))

    op.drop_table('codes')
    op.drop_table('coders')


def _append_only_events() -> None:
    """Refuse UPDATE and DELETE on the event log, on both backends."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER events_no_{verb.lower()} BEFORE {verb} ON events "
                "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION qcode_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the event log is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
        "FOR EACH ROW EXECUTE FUNCTION qcode_events_append_only()"
    )
