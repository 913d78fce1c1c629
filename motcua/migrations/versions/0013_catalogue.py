"""What to bring: the catalogue's number of sets, fee wording, result, where it is returned
and legal basis, for the kiosk's and the phone's procedure pages and the printed checklist;
and the applicant's date of birth, which scanning the chip ID card at intake fills.

Revision ID: 0013_catalogue
Revises: 0012_notify
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_catalogue"
down_revision = "0012_notify"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sets', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('fee_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('result', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('result_place', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('legal_basis', sa.JSON(), server_default='[]',
                                      nullable=False))
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applicant_born', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_column('applicant_born')
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_column('legal_basis')
        batch_op.drop_column('result_place')
        batch_op.drop_column('result')
        batch_op.drop_column('fee_note')
        batch_op.drop_column('sets')
