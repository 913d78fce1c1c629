"""Wait estimates that hold: the estimate told to each citizen at issue (point and range) and
the time the ticket was first called, so reports measure the estimate against the real wait.

Revision ID: 0010_estimates
Revises: 0009_policies
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import motcua.core.db

revision = "0010_estimates"
down_revision = "0009_policies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('estimated_wait_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('estimate_low_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('estimate_high_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('first_called_at', motcua.core.db.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('first_called_at')
        batch_op.drop_column('estimate_high_minutes')
        batch_op.drop_column('estimate_low_minutes')
        batch_op.drop_column('estimated_wait_minutes')
