"""core: halls, sectors, counters, tickets, events, staff, tokens, devices

Revision ID: 0001_core
Revises: 
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import motcua.core.db


revision = '0001_core'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('day_sequences',
    sa.Column('scope', sa.String(length=80), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'day')
    )
    op.create_table('halls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('time_zone', sa.String(length=60), nullable=False),
    sa.Column('opening_windows', sa.String(length=200), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('sectors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_vi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('prefix', sa.String(length=4), nullable=False),
    sa.Column('number_start', sa.Integer(), nullable=False),
    sa.Column('number_end', sa.Integer(), nullable=False),
    sa.Column('daily_cap', sa.Integer(), nullable=True),
    sa.Column('issuing_windows', sa.String(length=200), nullable=True),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('icon', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hall_id', 'code')
    )
    op.create_table('staff_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('role', sa.Enum('admin', 'supervisor', 'officer', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('role', sa.Enum('admin', 'supervisor', 'officer', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', motcua.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['staff_users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('state', sa.Enum('open', 'paused', 'closed', name='counterstate', native_enum=False, length=20), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('consecutive_priority_calls', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], ),
    sa.ForeignKeyConstraint(['officer_id'], ['staff_users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hall_id', 'number')
    )
    op.create_table('counter_sectors',
    sa.Column('counter_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], ),
    sa.ForeignKeyConstraint(['sector_id'], ['sectors.id'], ),
    sa.PrimaryKeyConstraint('counter_id', 'sector_id')
    )
    op.create_table('devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('kiosk', 'tablet', name='devicekind', native_enum=False, length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('printer', sa.String(length=300), nullable=True),
    sa.Column('counter_id', sa.Integer(), nullable=True),
    sa.Column('created_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', motcua.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], ),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hall_id', 'name'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.Column('issued_sector_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('display_number', sa.String(length=12), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'called', 'serving', 'done', 'no-show', 'cancelled', name='ticketstatus', native_enum=False, length=20), nullable=False),
    sa.Column('priority', sa.Enum('elderly', 'disabled', 'pregnant', 'merit', name='priority', native_enum=False, length=20), nullable=True),
    sa.Column('token', sa.String(length=40), nullable=False),
    sa.Column('issued_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('queued_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('called_at', motcua.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_at', motcua.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', motcua.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('counter_id', sa.Integer(), nullable=True),
    sa.Column('reserved_counter_id', sa.Integer(), nullable=True),
    sa.Column('call_count', sa.Integer(), nullable=False),
    sa.Column('transferred_from_sector_id', sa.Integer(), nullable=True),
    sa.Column('transferred_from_counter_id', sa.Integer(), nullable=True),
    sa.Column('issued_by_device_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], ),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], ),
    sa.ForeignKeyConstraint(['issued_by_device_id'], ['devices.id'], ),
    sa.ForeignKeyConstraint(['issued_sector_id'], ['sectors.id'], ),
    sa.ForeignKeyConstraint(['reserved_counter_id'], ['counters.id'], ),
    sa.ForeignKeyConstraint(['sector_id'], ['sectors.id'], ),
    sa.ForeignKeyConstraint(['transferred_from_counter_id'], ['counters.id'], ),
    sa.ForeignKeyConstraint(['transferred_from_sector_id'], ['sectors.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('issued_sector_id', 'day', 'sequence', name='uq_ticket_number_of_the_day'),
    sa.UniqueConstraint('token')
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_counter', ['counter_id', 'status'], unique=False)
        batch_op.create_index('ix_tickets_waiting', ['hall_id', 'day', 'status'], unique=False)

    op.create_table('ticket_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('counter_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], ),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_events_hall_at', ['hall_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_events_ticket_id'), ['ticket_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_events_ticket_id'))
        batch_op.drop_index('ix_ticket_events_hall_at')

    op.drop_table('ticket_events')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_waiting')
        batch_op.drop_index('ix_tickets_counter')

    op.drop_table('tickets')
    op.drop_table('devices')
    op.drop_table('counter_sectors')
    op.drop_table('counters')
    op.drop_table('api_tokens')
    op.drop_table('staff_users')
    op.drop_table('sectors')
    op.drop_table('halls')
    op.drop_table('day_sequences')
