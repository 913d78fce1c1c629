"""Taking access back: a session version per staff member (raised at sign-out, password reset
and lock, it ends every session of the person), and an expiry and a last-use time for API
tokens.

Revision ID: 0007_revocation
Revises: 0006_ticket_lines
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import motcua.core.db

revision = '0007_revocation'
down_revision = '0006_ticket_lines'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0',
                                      nullable=False))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', motcua.core.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('last_used_at', motcua.core.db.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
