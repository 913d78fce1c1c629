"""printing: print jobs for tickets, receipts and test pages

Revision ID: 0002_printing
Revises: 0001_core
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import motcua.core.db


revision = '0002_printing'
down_revision = '0001_core'
branch_labels = None
depends_on = None

ONE_JOB_PER_TICKET = 'ticket_id IS NOT NULL AND reprint_of_id IS NULL'


def upgrade() -> None:
    op.create_table('print_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('printer_url', sa.String(length=300), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('ticket', 'receipt', 'test', name='printjobkind', native_enum=False, length=20), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sent', 'printed', 'failed', name='printjobstatus', native_enum=False, length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reprint_of_id', sa.Integer(), nullable=True),
    sa.Column('requested_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], ),
    sa.ForeignKeyConstraint(['reprint_of_id'], ['print_jobs.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_print_jobs_device_status', ['device_id', 'status'], unique=False)
        batch_op.create_index('ix_print_jobs_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_print_jobs_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_index('uq_print_jobs_ticket_original', ['ticket_id'], unique=True,
                              sqlite_where=sa.text(ONE_JOB_PER_TICKET),
                              postgresql_where=sa.text(ONE_JOB_PER_TICKET))


def downgrade() -> None:
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.drop_index('uq_print_jobs_ticket_original')
        batch_op.drop_index(batch_op.f('ix_print_jobs_ticket_id'))
        batch_op.drop_index('ix_print_jobs_status_created')
        batch_op.drop_index('ix_print_jobs_device_status')

    op.drop_table('print_jobs')
