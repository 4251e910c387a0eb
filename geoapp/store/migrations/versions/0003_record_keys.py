"""record keys of observations, the cell keys of the privacy noise

Revision ID: 0003
Revises: 0002
"""

import secrets

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('observations') as batch:
        batch.add_column(sa.Column('record_key', sa.SmallInteger(), nullable=True))
    observations = sa.table('observations', sa.column('id', sa.Integer), sa.column('record_key', sa.SmallInteger))
    conn = op.get_bind()
    ids = [row.id for row in conn.execute(sa.select(observations.c.id).where(observations.c.record_key.is_(None)))]
    if ids:
        # Drawn here rather than in SQL: both backends get the same uniform keys from the same source.
        conn.execute(observations.update().where(observations.c.id == sa.bindparam('row_id'))
                     .values(record_key=sa.bindparam('key')),
                     [{'row_id': i, 'key': secrets.randbelow(256)} for i in ids])
    with op.batch_alter_table('observations') as batch:
        batch.alter_column('record_key', existing_type=sa.SmallInteger(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('observations') as batch:
        batch.drop_column('record_key')
