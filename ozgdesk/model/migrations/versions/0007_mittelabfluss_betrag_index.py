"""Index on mittelabfluss.betrag_cent

Sorting a million payment lines by amount took about two seconds per page without it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 19:55:00
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_mittelabfluss_betrag_cent', 'mittelabfluss', ['betrag_cent'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_mittelabfluss_betrag_cent', table_name='mittelabfluss')
