"""sessions bound to a random secret per account; account ids never reused; stored file names redacted

Revision ID: 0002
Revises: 0001
"""

import secrets

from alembic import op
import sqlalchemy as sa

from geoapp.ingest.importer import redacted_name
from geoapp.privacy.redact import redact


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_secret', sa.String(length=64), nullable=True))
    users = sa.table('users', sa.column('id', sa.Integer()), sa.column('session_secret', sa.String()))
    bind = op.get_bind()
    for (user_id,) in bind.execute(sa.select(users.c.id)).all():
        bind.execute(users.update().where(users.c.id == user_id).values(session_secret=secrets.token_hex(32)))
    # On SQLite the table is rebuilt with AUTOINCREMENT, so that a removed account's id is never given again.
    with op.batch_alter_table('users', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.alter_column('session_secret', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('session_version')
    _redact_file_names(bind)


def _redact_file_names(bind) -> None:
    # Names of files uploaded before they were redacted, where admins see them: the uploads and the audit log.
    uploads = sa.table('uploads', sa.column('id', sa.Integer()), sa.column('filename', sa.String()))
    for upload_id, name in bind.execute(sa.select(uploads.c.id, uploads.c.filename)).all():
        if redacted_name(name) != name:
            bind.execute(uploads.update().where(uploads.c.id == upload_id).values(filename=redacted_name(name)))
    audit = sa.table('audit', sa.column('id', sa.Integer()), sa.column('action', sa.String()), sa.column('detail', sa.Text()))
    naming_files = audit.c.action.in_(['upload', 'upload_delete', 'places_import'])
    for entry_id, detail in bind.execute(sa.select(audit.c.id, audit.c.detail).where(naming_files)).all():
        if redact(detail)[0] != detail:
            bind.execute(audit.update().where(audit.c.id == entry_id).values(detail=redact(detail)[0]))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_version', existing_type=sa.Integer(), server_default=None)
        batch_op.drop_column('session_secret')
