"""Grundschema: Organisation, Katalog, Änderungsprotokoll

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 18:13:22.506837

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('aenderung',
    sa.Column('geraet', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('transaktion', sa.String(length=36), nullable=False),
    sa.Column('zeitpunkt', sa.String(length=32), nullable=False),
    sa.Column('benutzer', sa.String(length=120), nullable=False),
    sa.Column('quelle', sa.String(length=20), nullable=False),
    sa.Column('tabelle', sa.String(length=40), nullable=False),
    sa.Column('datensatz_id', sa.String(length=36), nullable=False),
    sa.Column('aktion', sa.String(length=10), nullable=False),
    sa.Column('feld', sa.String(length=60), nullable=True),
    sa.Column('alt', sa.Text(), nullable=True),
    sa.Column('neu', sa.Text(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('geraet', 'seq')
    )
    with op.batch_alter_table('aenderung', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aenderung_datensatz_id'), ['datensatz_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aenderung_geraet'), ['geraet'], unique=False)
        batch_op.create_index(batch_op.f('ix_aenderung_tabelle'), ['tabelle'], unique=False)
        batch_op.create_index(batch_op.f('ix_aenderung_transaktion'), ['transaktion'], unique=False)

    op.create_table('behoerde',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kurzname', sa.String(length=30), nullable=False),
    sa.Column('art', sa.String(length=32), nullable=False),
    sa.Column('erstattungsanspruch', sa.Boolean(), nullable=False),
    sa.Column('anschrift', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('leika_leistung',
    sa.Column('schluessel', sa.String(length=14), nullable=True),
    sa.Column('bezeichnung', sa.Text(), nullable=False),
    sa.Column('typ', sa.String(length=40), nullable=False),
    sa.Column('rechtsgrundlage', sa.Text(), nullable=False),
    sa.Column('gesetze', sa.Text(), nullable=False),
    sa.Column('gesetzeskuerzel', sa.Text(), nullable=False),
    sa.Column('sdg1', sa.Boolean(), nullable=False),
    sa.Column('sdg2', sa.Boolean(), nullable=False),
    sa.Column('im_katalog', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('leika_leistung', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leika_leistung_schluessel'), ['schluessel'], unique=False)

    op.create_table('meta',
    sa.Column('wert', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('themenfeld',
    sa.Column('nummer', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('nummer')
    )
    op.create_table('lage',
    sa.Column('nummer', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('art', sa.String(length=32), nullable=False),
    sa.Column('themenfeld_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['themenfeld_id'], ['themenfeld.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('nummer')
    )
    op.create_table('person',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('funktion', sa.String(length=120), nullable=False),
    sa.Column('referat', sa.String(length=60), nullable=False),
    sa.Column('behoerde_id', sa.String(length=36), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('telefon', sa.String(length=40), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['behoerde_id'], ['behoerde.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('leistung',
    sa.Column('ozg_id', sa.String(length=5), nullable=False),
    sa.Column('bezeichnung', sa.String(length=300), nullable=False),
    sa.Column('typ', sa.String(length=10), nullable=True),
    sa.Column('themenfeld_id', sa.String(length=36), nullable=False),
    sa.Column('lage_id', sa.String(length=36), nullable=True),
    sa.Column('im_katalog', sa.Boolean(), nullable=False),
    sa.Column('im_ressort', sa.Boolean(), nullable=False),
    sa.Column('behoerde_id', sa.String(length=36), nullable=True),
    sa.Column('prioritaet', sa.Integer(), nullable=True),
    sa.Column('geplant_online', sa.Date(), nullable=True),
    sa.Column('ziel_reifegrad', sa.Integer(), nullable=True),
    sa.Column('bemerkung', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['behoerde_id'], ['behoerde.id'], ),
    sa.ForeignKeyConstraint(['lage_id'], ['lage.id'], ),
    sa.ForeignKeyConstraint(['themenfeld_id'], ['themenfeld.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ozg_id')
    )
    op.create_table('ressort',
    sa.Column('kurzname', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('koordinierungsreferat', sa.String(length=100), nullable=False),
    sa.Column('ansprechpartner_id', sa.String(length=36), nullable=True),
    sa.Column('anschrift', sa.Text(), nullable=False),
    sa.Column('postfach', sa.String(length=200), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['ansprechpartner_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('leika_zuordnung',
    sa.Column('leika_id', sa.String(length=36), nullable=False),
    sa.Column('leistung_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['leika_id'], ['leika_leistung.id'], ),
    sa.ForeignKeyConstraint(['leistung_id'], ['leistung.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('leika_id', 'leistung_id')
    )
    op.create_table('leistung_verantwortung',
    sa.Column('leistung_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['leistung_id'], ['leistung.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('leistung_id', 'person_id')
    )
    op.create_table('reifegrad_bewertung',
    sa.Column('leistung_id', sa.String(length=36), nullable=False),
    sa.Column('datum', sa.Date(), nullable=False),
    sa.Column('modell', sa.String(length=32), nullable=False),
    sa.Column('stufe', sa.Integer(), nullable=False),
    sa.Column('quelle', sa.String(length=200), nullable=False),
    sa.Column('bemerkung', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['leistung_id'], ['leistung.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reifegrad_bewertung', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reifegrad_bewertung_leistung_id'), ['leistung_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('reifegrad_bewertung', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reifegrad_bewertung_leistung_id'))

    op.drop_table('reifegrad_bewertung')
    op.drop_table('leistung_verantwortung')
    op.drop_table('leika_zuordnung')
    op.drop_table('ressort')
    op.drop_table('leistung')
    op.drop_table('person')
    op.drop_table('lage')
    op.drop_table('themenfeld')
    op.drop_table('meta')
    with op.batch_alter_table('leika_leistung', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leika_leistung_schluessel'))

    op.drop_table('leika_leistung')
    op.drop_table('behoerde')
    with op.batch_alter_table('aenderung', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aenderung_transaktion'))
        batch_op.drop_index(batch_op.f('ix_aenderung_tabelle'))
        batch_op.drop_index(batch_op.f('ix_aenderung_geraet'))
        batch_op.drop_index(batch_op.f('ix_aenderung_datensatz_id'))

    op.drop_table('aenderung')
