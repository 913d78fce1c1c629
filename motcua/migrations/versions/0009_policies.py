"""Counters assigned by load: the sectors each officer may serve (staff_qualifications), and a
schedule on each of a counter's sectors (hours and weekdays, in hall time).

Revision ID: 0009_policies
Revises: 0008_calling
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_policies"
down_revision = "0008_calling"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'staff_qualifications',
        sa.Column('staff_user_id', sa.Integer(), nullable=False),
        sa.Column('sector_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['sector_id'], ['sectors.id']),
        sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id']),
        sa.PrimaryKeyConstraint('staff_user_id', 'sector_id'),
    )
    with op.batch_alter_table('counter_sectors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hours', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('weekdays', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('counter_sectors', schema=None) as batch_op:
        batch_op.drop_column('weekdays')
        batch_op.drop_column('hours')
    op.drop_table('staff_qualifications')
