"""Empfänger der Berichte als Einstellung des Ressorts

Since May 2025 the BMDS steers the OZG; the recipient named in documents, CLI and GUI becomes a
field of the Ressort (empty = the default, see ozgdesk/model/empfaenger.py).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 09:30:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('ressort') as batch:
        batch.add_column(sa.Column('empfaenger', sa.String(length=200), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('ressort') as batch:
        batch.drop_column('empfaenger')
