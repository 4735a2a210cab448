"""Eingefrorene Einreichungen an das BMI

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 19:00:00

The triggers make a submission immutable in the database itself, whatever code writes to it.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('einreichung',
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
    sa.UniqueConstraint('art', 'zeitraum', 'version')
    )
    with op.batch_alter_table('einreichung', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_einreichung_zeitraum'), ['zeitraum'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # the same two triggers in PostgreSQL's form: a trigger function raising the same message
        for sql in PG_TRIGGER:
            op.execute(sql)
        return
    op.execute(
        "CREATE TRIGGER einreichung_keine_aenderung BEFORE UPDATE ON einreichung "
        "BEGIN SELECT RAISE(ABORT, 'Einreichungen sind eingefroren und koennen nicht geaendert werden.'); END"
    )
    op.execute(
        "CREATE TRIGGER einreichung_keine_loeschung BEFORE DELETE ON einreichung "
        "BEGIN SELECT RAISE(ABORT, 'Einreichungen sind eingefroren und koennen nicht geloescht werden.'); END"
    )


#: PostgreSQL: a frozen submission refuses UPDATE and DELETE with the message of the SQLite triggers
PG_TRIGGER = (
    "CREATE FUNCTION einreichung_eingefroren() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION 'Einreichungen sind eingefroren und koennen nicht % werden.', "
    "CASE TG_OP WHEN 'DELETE' THEN 'geloescht' ELSE 'geaendert' END USING ERRCODE = 'integrity_constraint_violation'; "
    "END $$",
    "CREATE TRIGGER einreichung_keine_aenderung BEFORE UPDATE ON einreichung "
    "FOR EACH ROW EXECUTE FUNCTION einreichung_eingefroren()",
    "CREATE TRIGGER einreichung_keine_loeschung BEFORE DELETE ON einreichung "
    "FOR EACH ROW EXECUTE FUNCTION einreichung_eingefroren()",
)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS einreichung_keine_loeschung ON einreichung"
               if op.get_bind().dialect.name == "postgresql" else "DROP TRIGGER IF EXISTS einreichung_keine_loeschung")
    op.execute("DROP TRIGGER IF EXISTS einreichung_keine_aenderung ON einreichung"
               if op.get_bind().dialect.name == "postgresql" else "DROP TRIGGER IF EXISTS einreichung_keine_aenderung")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS einreichung_eingefroren()")
    with op.batch_alter_table('einreichung', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_einreichung_zeitraum'))
    op.drop_table('einreichung')
