"""Eindeutige Schlüssel im Abgleich: Schlüsselgruppen, Einreichungen ohne Eindeutigkeit

Two devices can fill one unique key independently (the same Leistung assigned, the same project
Kennung, a new plan version). The sync keeps one record per key or both with a provisional value
and shows a conflict (ozgdesk/sync/eindeutig.py); ``sync_eindeutig`` is its device-local list of
records whose key is shared.

A submission is evidence and never changes: two devices that submit the same quarter offline
both record it as version 1, so ``einreichung`` loses its unique (art, zeitraum, version). SQLite
cannot drop a constraint: the table is rebuilt, and its two triggers (which a rebuild drops) are
created again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 19:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_TRIGGER = (
    "CREATE TRIGGER einreichung_keine_aenderung BEFORE UPDATE ON einreichung "
    "BEGIN SELECT RAISE(ABORT, 'Einreichungen sind eingefroren und koennen nicht geaendert werden.'); END",
    "CREATE TRIGGER einreichung_keine_loeschung BEFORE DELETE ON einreichung "
    "BEGIN SELECT RAISE(ABORT, 'Einreichungen sind eingefroren und koennen nicht geloescht werden.'); END",
)


def _einreichung(*zusatz: sa.schema.SchemaItem) -> sa.Table:
    return sa.Table(
        'einreichung', sa.MetaData(),
        sa.Column('art', sa.String(length=30), nullable=False),
        sa.Column('zeitraum', sa.String(length=10), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('schema', sa.String(length=80), nullable=False),
        sa.Column('snapshot', sa.Text(), nullable=False),
        sa.Column('snapshot_sha256', sa.String(length=64), nullable=False),
        sa.Column('dateien', sa.Text(), nullable=False),
        sa.Column('erstellt_am', sa.String(length=32), nullable=False),
        sa.Column('erstellt_von', sa.String(length=120), nullable=False),
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.Index('ix_einreichung_zeitraum', 'zeitraum'),
        *zusatz,
    )


def _neu_bauen(tabelle: sa.Table) -> None:
    op.execute("DROP TRIGGER IF EXISTS einreichung_keine_loeschung")
    op.execute("DROP TRIGGER IF EXISTS einreichung_keine_aenderung")
    with op.batch_alter_table('einreichung', recreate='always', copy_from=tabelle):
        pass
    for trigger in _TRIGGER:
        op.execute(trigger)


def upgrade() -> None:
    op.create_table('sync_eindeutig',
                    sa.Column('tabelle', sa.String(length=40), nullable=False),
                    sa.Column('gruppe', sa.String(length=36), nullable=False),
                    sa.Column('schluessel', sa.Text(), nullable=False),
                    sa.Column('rolle', sa.String(length=20), nullable=False),
                    sa.Column('ersatz', sa.Text(), nullable=False),
                    sa.Column('erkannt_am', sa.String(length=32), nullable=False),
                    sa.Column('id', sa.String(length=36), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_sync_eindeutig_gruppe', 'sync_eindeutig', ['gruppe'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # PostgreSQL drops a constraint in place (its name as PostgreSQL gave it in 0003); the
        # triggers stay as they are
        op.drop_constraint('einreichung_art_zeitraum_version_key', 'einreichung', type_='unique')
        return
    _neu_bauen(_einreichung())


def downgrade() -> None:
    # fails (and changes nothing) if two devices' submissions of one quarter share a version
    if op.get_bind().dialect.name == "postgresql":
        op.create_unique_constraint('einreichung_art_zeitraum_version_key', 'einreichung', ['art', 'zeitraum', 'version'])
    else:
        _neu_bauen(_einreichung(sa.UniqueConstraint('art', 'zeitraum', 'version')))
    op.drop_index('ix_sync_eindeutig_gruppe', table_name='sync_eindeutig')
    op.drop_table('sync_eindeutig')
