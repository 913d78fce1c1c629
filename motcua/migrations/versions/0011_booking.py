"""Appointments: the halls' booking settings, the bookings, the counters that keep slots and
phone numbers within their limits; a ticket's appointment time and a counter's streak of
appointment calls.

Revision ID: 0011_booking
Revises: 0010_estimates
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import motcua.core.db

revision = "0011_booking"
down_revision = "0010_estimates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'booking_settings',
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('horizon_days', sa.Integer(), nullable=False),
        sa.Column('lead_minutes', sa.Integer(), nullable=False),
        sa.Column('grace_minutes', sa.Integer(), nullable=False),
        sa.Column('phone_daily_limit', sa.Integer(), nullable=False),
        sa.Column('bands', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['hall_id'], ['halls.id']),
        sa.PrimaryKeyConstraint('hall_id'),
    )
    op.create_table(
        'booking_counts',
        sa.Column('scope', sa.String(length=80), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('taken', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('scope', 'day'),
    )
    op.create_table(
        'bookings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('sector_id', sa.Integer(), nullable=False),
        sa.Column('procedure_code', sa.String(length=40), nullable=True),
        sa.Column('code', sa.String(length=12), nullable=False),
        sa.Column('secret', sa.String(length=40), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('slot_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('slot_minutes', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('id_card_digest', sa.String(length=64), nullable=True),
        sa.Column('status', sa.Enum('confirmed', 'cancelled', 'checked-in', name='bookingstatus',
                                    native_enum=False, length=20), nullable=False),
        sa.Column('created_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('cancelled_at', motcua.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('checked_in_at', motcua.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('on_time', sa.Boolean(), nullable=True),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('booked_by', sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(['hall_id'], ['halls.id']),
        sa.ForeignKeyConstraint(['sector_id'], ['sectors.id']),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('hall_id', 'code', name='uq_booking_code'),
        sa.UniqueConstraint('secret'),
    )
    op.create_index('ix_bookings_day', 'bookings', ['hall_id', 'day', 'status'], unique=False)
    op.create_index('ix_bookings_id_card', 'bookings', ['hall_id', 'day', 'id_card_digest'],
                    unique=False)
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appointment_at', motcua.core.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('ix_tickets_appointments',
                              ['sector_id', 'day', 'status', 'appointment_at'], unique=False,
                              sqlite_where=sa.text('appointment_at IS NOT NULL'),
                              postgresql_where=sa.text('appointment_at IS NOT NULL'))
    with op.batch_alter_table('counters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consecutive_appointment_calls', sa.Integer(),
                                      server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('counters', schema=None) as batch_op:
        batch_op.drop_column('consecutive_appointment_calls')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_appointments')
        batch_op.drop_column('appointment_at')
    op.drop_index('ix_bookings_id_card', table_name='bookings')
    op.drop_index('ix_bookings_day', table_name='bookings')
    op.drop_table('bookings')
    op.drop_table('booking_counts')
    op.drop_table('booking_settings')
