"""dossiers: holidays, procedures, dossiers and their events

Revision ID: 0004_dossiers
Revises: 0003_counter
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import motcua.core.db


revision = '0004_dossiers'
down_revision = '0003_counter'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('holidays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name_vi', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('holiday', 'working_day', name='holidaykind', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hall_id', 'day', name='uq_holidays_hall_day')
    )
    with op.batch_alter_table('holidays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holidays_day'), ['day'], unique=False)

    op.create_table('procedures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('processing_time', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('inter_agency', sa.Boolean(), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('fee_vnd', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], ),
    sa.ForeignKeyConstraint(['sector_id'], ['sectors.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hall_id', 'code', name='uq_procedures_hall_code')
    )
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedures_sector_id'), ['sector_id'], unique=False)

    op.create_table('dossiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('agency_code', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('register_book', sa.String(length=60), nullable=False),
    sa.Column('register_entry', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('counter_id', sa.Integer(), nullable=True),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.Column('applicant_name', sa.String(length=200), nullable=False),
    sa.Column('applicant_address', sa.String(length=300), nullable=False),
    sa.Column('applicant_phone', sa.String(length=20), nullable=False),
    sa.Column('id_card_digest', sa.String(length=64), nullable=True),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('sets', sa.Integer(), nullable=False),
    sa.Column('delivery', sa.Enum('counter', 'post', name='delivery', native_enum=False, length=20), nullable=False),
    sa.Column('processing_time', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('status', sa.SmallInteger(), nullable=False),
    sa.Column('received_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paused_at', motcua.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_at', motcua.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_day', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.Column('closed_at', motcua.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('qr_secret', sa.String(length=40), nullable=False),
    sa.Column('short_secret', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], ),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], ),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], ),
    sa.ForeignKeyConstraint(['received_by_id'], ['staff_users.id'], ),
    sa.ForeignKeyConstraint(['sector_id'], ['sectors.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agency_code', 'day', 'sequence', name='uq_dossier_number_of_the_day'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('qr_secret')
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index('ix_dossiers_completed_day', ['completed_day', 'hall_id', 'sector_id', 'outcome'], unique=False)
        batch_op.create_index('ix_dossiers_day', ['day', 'hall_id', 'sector_id'], unique=False)
        batch_op.create_index('ix_dossiers_hall_status_due', ['hall_id', 'status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('dossier_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.SmallInteger(), nullable=True),
    sa.Column('to_status', sa.SmallInteger(), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('at', motcua.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], ),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dossier_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_events_dossier_id'), ['dossier_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('dossier_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_events_dossier_id'))

    op.drop_table('dossier_events')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossiers_ticket_id'))
        batch_op.drop_index('ix_dossiers_hall_status_due')
        batch_op.drop_index('ix_dossiers_day')
        batch_op.drop_index('ix_dossiers_completed_day')

    op.drop_table('dossiers')
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedures_sector_id'))

    op.drop_table('procedures')
    with op.batch_alter_table('holidays', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holidays_day'))

    op.drop_table('holidays')
