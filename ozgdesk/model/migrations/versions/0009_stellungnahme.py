"""Stellungnahmen zu Befunden der Quartalsprüfung

A finding that reports a fact (payments above the approval, a late milestone) is acknowledged
with a statement for one period instead of being „fixed“ (see ozgdesk/model/stellungnahme.py).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 19:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('stellungnahme',
                    sa.Column('befund_id', sa.String(length=16), nullable=False),
                    sa.Column('zeitraum', sa.String(length=10), nullable=False),
                    sa.Column('regel', sa.String(length=60), nullable=False),
                    sa.Column('datensatz', sa.String(length=300), nullable=False),
                    sa.Column('befund_text', sa.Text(), nullable=False),
                    sa.Column('text', sa.Text(), nullable=False),
                    sa.Column('erstellt_von', sa.String(length=120), nullable=False),
                    sa.Column('erstellt_am', sa.String(length=32), nullable=False),
                    sa.Column('id', sa.String(length=36), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_stellungnahme_befund_id', 'stellungnahme', ['befund_id'], unique=False)
    op.create_index('ix_stellungnahme_zeitraum', 'stellungnahme', ['zeitraum'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_stellungnahme_zeitraum', table_name='stellungnahme')
    op.drop_index('ix_stellungnahme_befund_id', table_name='stellungnahme')
    op.drop_table('stellungnahme')
