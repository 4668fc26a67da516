"""Tables of the documents area (letters, compilations, report versions,
analyses). Filled in by the documents work; empty until then.

Revision ID: 5d0c2a7e9b16
Revises: 3a51c0e7d1a2
Create Date: 2026-11-25 00:00:00.000000

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "5d0c2a7e9b16"
down_revision = "3a51c0e7d1a2"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
