"""An index for a sector's line of the day and of its past week, so issuing a ticket reads a
few index entries instead of scanning every ticket the hall has ever issued; the queue log's
index on ticket_id goes, as (ticket_id, kind) serves the same look-ups and every event written
updated both.

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
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_events_ticket_id')


def downgrade() -> None:
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_events_ticket_id', ['ticket_id'], unique=False)
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_line')
