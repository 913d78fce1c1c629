"""A sector's line index goes on to the priority group and the queue order, so calling next
finds the head of each line at the start of its index entries instead of ranking every
ticket waiting there; the tickets transferred to a counter by name get a (partial) index of
their own, so finding that line's head reads none of the other tickets.

Revision ID: 0008_calling
Revises: 0007_revocation
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_calling"
down_revision = "0007_revocation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_line')
        batch_op.create_index('ix_tickets_line', ['sector_id', 'day', 'status', 'priority', 'queued_at'],
                              unique=False)
        batch_op.create_index('ix_tickets_reserved', ['reserved_counter_id', 'hall_id', 'day', 'status'],
                              unique=False,
                              sqlite_where=sa.text('reserved_counter_id IS NOT NULL'),
                              postgresql_where=sa.text('reserved_counter_id IS NOT NULL'))


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_reserved')
        batch_op.drop_index('ix_tickets_line')
        batch_op.create_index('ix_tickets_line', ['sector_id', 'day', 'status'], unique=False)
