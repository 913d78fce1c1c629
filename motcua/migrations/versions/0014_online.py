"""Online registration: dossiers submitted online wait in status 1 with no due date yet (the
public figures' covering index gains the due date, as only dossiers taken on count as
received), their uploaded files, and who collected a result at hand-back.

Revision ID: 0014_online
Revises: 0013_catalogue
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import motcua.core.db

revision = "0014_online"
down_revision = "0013_catalogue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'dossier_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('document', sa.Text(), nullable=False),
        sa.Column('original_name', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('dossier_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_files_dossier_id'), ['dossier_id'],
                              unique=False)
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_online', sa.Boolean(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('collected_by_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('collected_by_id_card_digest', sa.String(length=64),
                                      nullable=True))
        batch_op.add_column(sa.Column(
            'collected_by_relationship',
            sa.Enum('self', 'authorised', 'legal_rep', 'post', name='collectorrelation',
                    native_enum=False, length=20), nullable=True))
        batch_op.alter_column('due_at', existing_type=motcua.core.db.UTCDateTime(timezone=True),
                              nullable=True)
        batch_op.drop_index('ix_dossiers_day')
        batch_op.create_index('ix_dossiers_day', ['day', 'hall_id', 'sector_id', 'due_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index('ix_dossiers_day')
        batch_op.create_index('ix_dossiers_day', ['day', 'hall_id', 'sector_id'], unique=False)
        batch_op.alter_column('due_at', existing_type=motcua.core.db.UTCDateTime(timezone=True),
                              nullable=False)
        batch_op.drop_column('collected_by_relationship')
        batch_op.drop_column('collected_by_id_card_digest')
        batch_op.drop_column('collected_by_name')
        batch_op.drop_column('submitted_online')
    with op.batch_alter_table('dossier_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_files_dossier_id'))
    op.drop_table('dossier_files')
