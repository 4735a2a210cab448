"""Projekte und Finanzen

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 18:13:22.506837

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('projekt',
    sa.Column('kennung', sa.String(length=30), nullable=False),
    sa.Column('titel', sa.String(length=300), nullable=False),
    sa.Column('zweck', sa.Text(), nullable=False),
    sa.Column('ziele', sa.Text(), nullable=False),
    sa.Column('ergebnisse', sa.Text(), nullable=False),
    sa.Column('behoerde_id', sa.String(length=36), nullable=True),
    sa.Column('projektleiter_id', sa.String(length=36), nullable=True),
    sa.Column('finanzierung', sa.String(length=32), nullable=False),
    sa.Column('beratung_fachlich', sa.Boolean(), nullable=False),
    sa.Column('beratung_architektur', sa.Boolean(), nullable=False),
    sa.Column('umsetzung', sa.Boolean(), nullable=False),
    sa.Column('komponenten', sa.String(length=200), nullable=False),
    sa.Column('abweichungsbegruendung', sa.Text(), nullable=False),
    sa.Column('beginn', sa.Date(), nullable=True),
    sa.Column('ende', sa.Date(), nullable=True),
    sa.Column('eigenpersonal_pt', sa.String(length=32), nullable=True),
    sa.Column('aktenzeichen', sa.String(length=60), nullable=False),
    sa.Column('ampel_gesamt', sa.String(length=32), nullable=False),
    sa.Column('ampel_gesamt_grund', sa.Text(), nullable=False),
    sa.Column('ampel_zeit', sa.String(length=32), nullable=False),
    sa.Column('ampel_zeit_grund', sa.Text(), nullable=False),
    sa.Column('ampel_kosten', sa.String(length=32), nullable=False),
    sa.Column('ampel_kosten_grund', sa.Text(), nullable=False),
    sa.Column('ampel_umfang', sa.String(length=32), nullable=False),
    sa.Column('ampel_umfang_grund', sa.Text(), nullable=False),
    sa.Column('risiken', sa.Text(), nullable=False),
    sa.Column('naechste_schritte', sa.Text(), nullable=False),
    sa.Column('interne_bemerkung', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['behoerde_id'], ['behoerde.id'], ),
    sa.ForeignKeyConstraint(['projektleiter_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kennung')
    )
    op.create_table('arbeitspaket',
    sa.Column('projekt_id', sa.String(length=36), nullable=False),
    sa.Column('nummer', sa.String(length=10), nullable=False),
    sa.Column('titel', sa.String(length=300), nullable=False),
    sa.Column('beschreibung', sa.Text(), nullable=False),
    sa.Column('beginn', sa.Date(), nullable=True),
    sa.Column('ende', sa.Date(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['projekt_id'], ['projekt.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('arbeitspaket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arbeitspaket_projekt_id'), ['projekt_id'], unique=False)

    op.create_table('aufwand',
    sa.Column('projekt_id', sa.String(length=36), nullable=False),
    sa.Column('quartal', sa.String(length=7), nullable=False),
    sa.Column('leistungsart', sa.String(length=60), nullable=False),
    sa.Column('personentage', sa.String(length=32), nullable=False),
    sa.Column('leistungen', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['projekt_id'], ['projekt.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('projekt_id', 'quartal', 'leistungsart')
    )
    with op.batch_alter_table('aufwand', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aufwand_projekt_id'), ['projekt_id'], unique=False)

    op.create_table('bewilligung',
    sa.Column('projekt_id', sa.String(length=36), nullable=False),
    sa.Column('jahr', sa.Integer(), nullable=False),
    sa.Column('betrag_cent', sa.BigInteger(), nullable=False),
    sa.Column('personentage', sa.String(length=32), nullable=True),
    sa.Column('datum', sa.Date(), nullable=True),
    sa.Column('aktenzeichen', sa.String(length=60), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['projekt_id'], ['projekt.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('projekt_id', 'jahr')
    )
    with op.batch_alter_table('bewilligung', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bewilligung_projekt_id'), ['projekt_id'], unique=False)

    op.create_table('mittelabfluss',
    sa.Column('projekt_id', sa.String(length=36), nullable=False),
    sa.Column('datum', sa.Date(), nullable=False),
    sa.Column('betrag_cent', sa.BigInteger(), nullable=False),
    sa.Column('haushaltsstelle', sa.String(length=11), nullable=False),
    sa.Column('kostenart', sa.String(length=32), nullable=False),
    sa.Column('referenz', sa.String(length=100), nullable=False),
    sa.Column('bemerkung', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['projekt_id'], ['projekt.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mittelabfluss', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mittelabfluss_datum'), ['datum'], unique=False)
        batch_op.create_index(batch_op.f('ix_mittelabfluss_projekt_id'), ['projekt_id'], unique=False)

    op.create_table('projekt_leistung',
    sa.Column('projekt_id', sa.String(length=36), nullable=False),
    sa.Column('leistung_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['leistung_id'], ['leistung.id'], ),
    sa.ForeignKeyConstraint(['projekt_id'], ['projekt.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('projekt_id', 'leistung_id')
    )
    with op.batch_alter_table('projekt_leistung', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projekt_leistung_projekt_id'), ['projekt_id'], unique=False)

    op.create_table('zahlungsplan',
    sa.Column('projekt_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('stand', sa.Date(), nullable=False),
    sa.Column('bemerkung', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['projekt_id'], ['projekt.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('projekt_id', 'version')
    )
    with op.batch_alter_table('zahlungsplan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zahlungsplan_projekt_id'), ['projekt_id'], unique=False)

    op.create_table('meilenstein',
    sa.Column('projekt_id', sa.String(length=36), nullable=False),
    sa.Column('arbeitspaket_id', sa.String(length=36), nullable=True),
    sa.Column('titel', sa.String(length=300), nullable=False),
    sa.Column('plan_datum', sa.Date(), nullable=True),
    sa.Column('prognose_datum', sa.Date(), nullable=True),
    sa.Column('ist_datum', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('oeffentlich', sa.Boolean(), nullable=False),
    sa.Column('bemerkung', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['arbeitspaket_id'], ['arbeitspaket.id'], ),
    sa.ForeignKeyConstraint(['projekt_id'], ['projekt.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('meilenstein', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meilenstein_projekt_id'), ['projekt_id'], unique=False)

    op.create_table('zahlungsplan_position',
    sa.Column('zahlungsplan_id', sa.String(length=36), nullable=False),
    sa.Column('quartal', sa.String(length=7), nullable=False),
    sa.Column('haushaltsstelle', sa.String(length=11), nullable=False),
    sa.Column('kostenart', sa.String(length=32), nullable=False),
    sa.Column('betrag_cent', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['zahlungsplan_id'], ['zahlungsplan.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('zahlungsplan_id', 'quartal', 'haushaltsstelle', 'kostenart')
    )
    with op.batch_alter_table('zahlungsplan_position', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zahlungsplan_position_zahlungsplan_id'), ['zahlungsplan_id'], unique=False)

    op.create_table('meilenstein_verschiebung',
    sa.Column('meilenstein_id', sa.String(length=36), nullable=False),
    sa.Column('erfasst_am', sa.Date(), nullable=False),
    sa.Column('von_datum', sa.Date(), nullable=False),
    sa.Column('auf_datum', sa.Date(), nullable=False),
    sa.Column('grund', sa.Text(), nullable=False),
    sa.Column('nummer', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['meilenstein_id'], ['meilenstein.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('meilenstein_verschiebung', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meilenstein_verschiebung_meilenstein_id'), ['meilenstein_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('meilenstein_verschiebung', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meilenstein_verschiebung_meilenstein_id'))

    op.drop_table('meilenstein_verschiebung')
    with op.batch_alter_table('zahlungsplan_position', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zahlungsplan_position_zahlungsplan_id'))

    op.drop_table('zahlungsplan_position')
    with op.batch_alter_table('meilenstein', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meilenstein_projekt_id'))

    op.drop_table('meilenstein')
    with op.batch_alter_table('zahlungsplan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zahlungsplan_projekt_id'))

    op.drop_table('zahlungsplan')
    with op.batch_alter_table('projekt_leistung', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projekt_leistung_projekt_id'))

    op.drop_table('projekt_leistung')
    with op.batch_alter_table('mittelabfluss', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mittelabfluss_projekt_id'))
        batch_op.drop_index(batch_op.f('ix_mittelabfluss_datum'))

    op.drop_table('mittelabfluss')
    with op.batch_alter_table('bewilligung', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bewilligung_projekt_id'))

    op.drop_table('bewilligung')
    with op.batch_alter_table('aufwand', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aufwand_projekt_id'))

    op.drop_table('aufwand')
    with op.batch_alter_table('arbeitspaket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arbeitspaket_projekt_id'))

    op.drop_table('arbeitspaket')
    op.drop_table('projekt')
