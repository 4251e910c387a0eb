"""survey results: aggregates per area, year and indicator, imported from files

Revision ID: 0005
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=True),
    sa.Column('low', sa.Float(), nullable=True),
    sa.Column('high', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['upload_id'], ['uploads.id'], name=op.f('fk_survey_results_upload_id_uploads'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_results')),
    sa.UniqueConstraint('area_id', 'year', 'indicator', name='uq_survey_results_row'),
    )
    op.create_index(op.f('ix_survey_results_upload_id'), 'survey_results', ['upload_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_survey_results_upload_id'), table_name='survey_results')
    op.drop_table('survey_results')
