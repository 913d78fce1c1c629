"""Indexes for a sector's line of the day and its recently finished tickets, so issuing a ticket
reads a few index entries instead of scanning every ticket the hall has ever issued.

Revision ID: 0006_ticket_lines
Revises: 0005_admin
"""
from __future__ import annotations

from alembic import op

revision = '0006_ticket_lines'
down_revision = '0005_admin'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_line', ['sector_id', 'day', 'status'], unique=False)
        batch_op.create_index('ix_tickets_finished', ['sector_id', 'status', 'finished_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_finished')
        batch_op.drop_index('ix_tickets_line')
