"""Redundant index on aenderung.geraet removed

The unique (geraet, seq) index already serves every lookup by device; the extra b-tree only made
each change-log insert slower (measurable in bulk writes such as the catalogue import).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 19:45:00
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.drop_index('ix_aenderung_geraet', table_name='aenderung')


def downgrade() -> None:
    op.create_index('ix_aenderung_geraet', 'aenderung', ['geraet'], unique=False)
