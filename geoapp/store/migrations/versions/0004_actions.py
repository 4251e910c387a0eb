"""the action list: actions, their history, and their internal links to the cells and categories of a walk

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('e', sa.Float(), nullable=False),
    sa.Column('n', sa.Float(), nullable=False),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('responsible', sa.String(length=64), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('walk_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_actions_place_id_places')),
    sa.ForeignKeyConstraint(['walk_id'], ['walks.id'], name=op.f('fk_actions_walk_id_walks'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_walk_id'), ['walk_id'], unique=False)
    op.create_table('action_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=True),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_action_history_action_id_actions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_history')),
    )
    with op.batch_alter_table('action_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_history_action_id'), ['action_id'], unique=False)
    op.create_table('action_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('cell', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_action_links_action_id_actions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_links')),
    sa.UniqueConstraint('action_id', 'cell', 'category', name='uq_action_links_row'),
    )
    with op.batch_alter_table('action_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_links_action_id'), ['action_id'], unique=False)


def downgrade() -> None:
    op.drop_table('action_links')
    op.drop_table('action_history')
    op.drop_table('actions')
