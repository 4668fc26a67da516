"""Tables of publication (revisions, withdrawal notices, national portal
push state). Filled in by the publication work; empty until then.

Revision ID: 8f3b6e1c4a27
Revises: 5d0c2a7e9b16
Create Date: 2026-11-25 00:00:00.000000

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "8f3b6e1c4a27"
down_revision = "5d0c2a7e9b16"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
