"""Notifications to citizens: the outbox, the phone given for a ticket, a hall's channel.

Revision ID: 0012_notify
Revises: 0011_booking
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import motcua.core.db

revision = "0012_notify"
down_revision = "0011_booking"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('recipient', sa.String(length=20), nullable=False),
        sa.Column('template', sa.String(length=40), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('idempotency_key', sa.String(length=200), nullable=False),
        sa.Column('status', sa.Enum('queued', 'sending', 'sent', 'failed', 'cancelled', name='notificationstatus',
                                    native_enum=False, length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', motcua.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['hall_id'], ['halls.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('idempotency_key'),
    )
    op.create_index('ix_notifications_status_next', 'notifications', ['status', 'next_attempt_at'])
    op.create_index('ix_notifications_hall_created', 'notifications', ['hall_id', 'created_at'])
    op.create_table(
        'ticket_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('created_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('ticket_id'),
    )
    op.create_table(
        'notify_channels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('config', sa.JSON(), nullable=False),
        sa.Column('ahead', sa.Integer(), nullable=False),
        sa.Column('updated_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['hall_id'], ['halls.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('hall_id'),
    )


def downgrade() -> None:
    op.drop_table('notify_channels')
    op.drop_table('ticket_subscriptions')
    op.drop_index('ix_notifications_hall_created', table_name='notifications')
    op.drop_index('ix_notifications_status_next', table_name='notifications')
    op.drop_table('notifications')
