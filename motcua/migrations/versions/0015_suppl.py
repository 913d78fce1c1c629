"""Supplements sent online: when an online dossier's citizen sent the papers asked for, and an
index on the files' hashes (a stored file is kept while a row names it).

Revision ID: 0015_suppl
Revises: 0014_online
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import motcua.core.db

revision = "0015_suppl"
down_revision = "0014_online"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supplement_received_at',
                                      motcua.core.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('dossier_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_files_sha256'), ['sha256'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dossier_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_files_sha256'))
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_column('supplement_received_at')
