"""counter: satisfaction ratings

Revision ID: 0003_counter
Revises: 0002_printing
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import motcua.core.db


revision = '0003_counter'
down_revision = '0002_printing'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('counter_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.Enum('very_satisfied', 'satisfied', 'neutral', 'unsatisfied', name='ratinglevel', native_enum=False, length=20), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], ),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], ),
    sa.ForeignKeyConstraint(['officer_id'], ['staff_users.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ticket_id')
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index('ix_ratings_hall_day', ['hall_id', 'day'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratings_officer_id'), ['officer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_officer_id'))
        batch_op.drop_index('ix_ratings_hall_day')

    op.drop_table('ratings')
