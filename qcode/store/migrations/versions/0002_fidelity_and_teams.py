"""fidelity and teams: exact coding spans, codable codes, typed variables, coder roles, event GUIDs,
one memo per coder and target, document languages, timed passages

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_SQLITE_UUID = (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))"
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _merge_duplicate_memos()
    with op.batch_alter_table('memos', schema=None) as batch_op:
        batch_op.drop_index('ix_memos_coder_id_segment_id')
        batch_op.create_unique_constraint(batch_op.f('uq_memos_coder_id_segment_id'), ['coder_id', 'segment_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_memos_coder_id_document_id'), ['coder_id', 'document_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_memos_coder_id_code_id'), ['coder_id', 'code_id'])

    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('codable', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.alter_column('colour', existing_type=sa.String(length=9), nullable=True)

    with op.batch_alter_table('codings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('start', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('end', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('selection', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_codings_selection'), ['selection'], unique=False)
        batch_op.create_check_constraint(
            'span', '(start IS NULL AND "end" IS NULL) OR (start >= 0 AND start < "end")'
        )

    with op.batch_alter_table('coders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=20), server_default='coder', nullable=False))
        batch_op.create_check_constraint('role', "role IN ('coder', 'consensus')")

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=20), server_default='en', nullable=False))

    with op.batch_alter_table('passages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('start_ms', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('end_ms', sa.Integer(), nullable=True))

    op.create_table('variables',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.CheckConstraint("type IN ('text', 'integer', 'float', 'date', 'boolean')", name=op.f('ck_variables_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_variables')),
    sa.UniqueConstraint('guid', name=op.f('uq_variables_guid')),
    sa.UniqueConstraint('name', name=op.f('uq_variables_name'))
    )

    # The event log refuses UPDATE: lift the guard while existing events get their GUIDs.
    _drop_append_only_guard(sqlite)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guid', sa.String(length=36), nullable=True))
    op.execute(f"UPDATE events SET guid = {_SQLITE_UUID if sqlite else 'gen_random_uuid()::text'}")
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.alter_column('guid', existing_type=sa.String(length=36), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_events_guid'), ['guid'])
    _create_append_only_guard(sqlite)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _drop_append_only_guard(sqlite)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_events_guid'), type_='unique')
        batch_op.drop_column('guid')
    _create_append_only_guard(sqlite)
    op.drop_table('variables')
    with op.batch_alter_table('passages', schema=None) as batch_op:
        batch_op.drop_column('end_ms')
        batch_op.drop_column('start_ms')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('coders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_coders_role'), type_='check')
        batch_op.drop_column('role')
    with op.batch_alter_table('codings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_codings_span'), type_='check')
        batch_op.drop_index(batch_op.f('ix_codings_selection'))
        batch_op.drop_column('selection')
        batch_op.drop_column('end')
        batch_op.drop_column('start')
    op.execute("UPDATE codes SET colour = '#888888' WHERE colour IS NULL")
    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.alter_column('colour', existing_type=sa.String(length=9), nullable=False)
        batch_op.drop_column('codable')
    with op.batch_alter_table('memos', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_memos_coder_id_code_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_memos_coder_id_document_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_memos_coder_id_segment_id'), type_='unique')
        batch_op.create_index('ix_memos_coder_id_segment_id', ['coder_id', 'segment_id'], unique=False)


def _merge_duplicate_memos() -> None:
    """Fold a coder's several memos on one target into the oldest, texts joined, so none is lost."""
    bind = op.get_bind()
    memos = sa.table(
        'memos', sa.column('id'), sa.column('coder_id'), sa.column('segment_id'),
        sa.column('document_id'), sa.column('code_id'), sa.column('text'),
    )
    groups: dict[tuple[object, ...], list[tuple[int, str]]] = defaultdict(list)
    rows = bind.execute(
        sa.select(memos.c.id, memos.c.coder_id, memos.c.segment_id, memos.c.document_id, memos.c.code_id,
                  memos.c.text).order_by(memos.c.id)
    )
    for row in rows:
        groups[(row.coder_id, row.segment_id, row.document_id, row.code_id)].append((row.id, row.text))
    for items in groups.values():
        if len(items) < 2:
            continue
        keep, texts = items[0][0], []
        for _, text in items:
            if text not in texts:
                texts.append(text)
        bind.execute(sa.update(memos).where(memos.c.id == keep).values(text="\n\n".join(texts)))
        bind.execute(sa.delete(memos).where(memos.c.id.in_([i for i, _ in items[1:]])))


def _drop_append_only_guard(sqlite: bool) -> None:
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS events_no_update")
        op.execute("DROP TRIGGER IF EXISTS events_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")


def _create_append_only_guard(sqlite: bool) -> None:
    if sqlite:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER events_no_{verb.lower()} BEFORE {verb} ON events "
                "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END"
            )
    else:
        op.execute(
            "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
            "FOR EACH ROW EXECUTE FUNCTION qcode_events_append_only()"
        )
