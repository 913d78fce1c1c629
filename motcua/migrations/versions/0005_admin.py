"""Administration: the audit log of configuration changes, and an index reports read the queue
log by (ticket, kind) with.

Revision ID: 0005_admin
Revises: 0004_dossiers
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import motcua.core.db

revision = '0005_admin'
down_revision = '0004_dossiers'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('config_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=True),
    sa.Column('at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('config_changes', schema=None) as batch_op:
        batch_op.create_index('ix_config_changes_hall_at', ['hall_id', 'at'], unique=False)

    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_events_ticket_kind', ['ticket_id', 'kind'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_events_ticket_kind')

    with op.batch_alter_table('config_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_config_changes_hall_at')

    op.drop_table('config_changes')
