"""Index on aenderung (zeitpunkt, seq) for the Änderungsprotokoll page

The page shows the log newest first, 200 entries at a time (keyset paging on zeitpunkt, seq, id),
filtered by person, source, period, kind of record. Without an index every page of a
million-entry log scanned and sorted the whole table: 130 ms for the first page, 300 ms deep down,
for every keystroke in a filter. With it a page costs about a millisecond; only a filter that
matches almost nothing still reads the log once (~0.3 s). Entries are written in time order, so
the index is appended to (no measurable cost for bulk writes of 20,000 entries; 2 % more file size).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 11:00:00
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_aenderung_zeitpunkt', 'aenderung', ['zeitpunkt', 'seq'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_aenderung_zeitpunkt', table_name='aenderung')
