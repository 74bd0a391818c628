"""Live updates keep a description of their photo (its alt text), written on the live desk

Revision ID: 0008_live_photo_descriptions
Revises: 0007_page_cache
Create Date: 2026-12-06 12:00:00

Photos posted before have none; the public page then describes them by their update.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_live_photo_descriptions"
down_revision = "0007_page_cache"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("live_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image_alt", sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table("live_updates", schema=None) as batch_op:
        batch_op.drop_column("image_alt")
