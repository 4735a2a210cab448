"""Signierter Abgleich: Vertrauensliste, gesendete Dateien, Geräteschlüssel, Köpfe

The share format 2 (docs/sync-format.md): devices sign their change files; the Ressort's trust list
(table ``vertrauen``, replicated) says which keys may write; device-local bookkeeping remembers the
files this device published (to rebuild or re-publish them), the key announcements seen on the
share, the head file last dealt with per device, and per quarantined file its range and reason.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 09:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('vertrauen',
                    sa.Column('art', sa.String(length=12), nullable=False),
                    sa.Column('geraet', sa.String(length=36), nullable=False),
                    sa.Column('schluessel', sa.String(length=60), nullable=False),
                    sa.Column('fingerabdruck', sa.String(length=60), nullable=False),
                    sa.Column('benutzer', sa.String(length=120), nullable=False),
                    sa.Column('rolle', sa.String(length=20), nullable=False),
                    sa.Column('aussteller', sa.String(length=36), nullable=False),
                    sa.Column('ausgestellt_am', sa.String(length=32), nullable=False),
                    sa.Column('signatur', sa.String(length=100), nullable=False),
                    sa.Column('id', sa.String(length=36), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_vertrauen_geraet', 'vertrauen', ['geraet'], unique=False)
    op.create_table('sync_datei',
                    sa.Column('geraet', sa.String(length=36), nullable=False),
                    sa.Column('von_seq', sa.Integer(), nullable=False),
                    sa.Column('bis_seq', sa.Integer(), nullable=False),
                    sa.Column('ausgabe', sa.Integer(), nullable=False),
                    sa.Column('kette_vor', sa.String(length=64), nullable=False),
                    sa.Column('kette_nach', sa.String(length=64), nullable=False),
                    sa.Column('id', sa.String(length=36), nullable=False),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('geraet', 'von_seq'))
    op.create_table('sync_schluessel',
                    sa.Column('schluessel', sa.String(length=60), nullable=False),
                    sa.Column('fingerabdruck', sa.String(length=60), nullable=False),
                    sa.Column('benutzer', sa.String(length=120), nullable=False),
                    sa.Column('rechner', sa.String(length=120), nullable=False),
                    sa.Column('erstellt_am', sa.String(length=32), nullable=True),
                    sa.Column('gesehen_am', sa.String(length=32), nullable=False),
                    sa.Column('nachfolge', sa.Text(), nullable=True),
                    sa.Column('id', sa.String(length=36), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('sync_geraet', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kopf', sa.Text(), nullable=True))
    with op.batch_alter_table('sync_quarantaene', schema=None) as batch_op:
        batch_op.add_column(sa.Column('von_seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('ausgabe', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('code', sa.String(length=30), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('sync_quarantaene', schema=None) as batch_op:
        batch_op.drop_column('code')
        batch_op.drop_column('ausgabe')
        batch_op.drop_column('von_seq')
    with op.batch_alter_table('sync_geraet', schema=None) as batch_op:
        batch_op.drop_column('kopf')
    op.drop_table('sync_schluessel')
    op.drop_table('sync_datei')
    op.drop_index('ix_vertrauen_geraet', table_name='vertrauen')
    op.drop_table('vertrauen')
