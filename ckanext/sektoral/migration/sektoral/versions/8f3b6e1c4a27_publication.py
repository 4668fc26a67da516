"""Tables of publication: published cycles, public notices of published
datasets (revision, withdrawal) and the national portal push state.

Revision ID: 8f3b6e1c4a27
Revises: 5d0c2a7e9b16
Create Date: 2026-11-25 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "8f3b6e1c4a27"
down_revision = "5d0c2a7e9b16"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sektoral_publication",
        sa.Column("cycle_id", sa.UnicodeText,
                  sa.ForeignKey("sektoral_cycle.id"), primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("report_version_id", sa.UnicodeText),
        sa.Column("report_version", sa.Integer),
        sa.Column("published", sa.DateTime, nullable=False),
        sa.Column("published_by", sa.UnicodeText, nullable=False),
        sa.Column("dataset_count", sa.Integer, nullable=False,
                  server_default="0"),
    )
    op.create_table(
        "sektoral_notice",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("note", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.UnicodeText, nullable=False),
        sa.Column("closed", sa.DateTime),
        sa.CheckConstraint("kind IN ('revision', 'withdrawal')",
                           name="sektoral_notice_kind"),
    )
    op.create_index("sektoral_notice_package", "sektoral_notice",
                    ["package_id", "created"])
    op.create_table(
        "sektoral_push",
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        sa.Column("remote_name", sa.UnicodeText, nullable=False),
        sa.Column("remote_id", sa.UnicodeText),
        sa.Column("status", sa.UnicodeText, nullable=False,
                  server_default="queued"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("queued", sa.DateTime),
        sa.Column("last_pushed", sa.DateTime),
        sa.Column("error", sa.UnicodeText, nullable=False, server_default=""),
    )


def downgrade():
    op.drop_table("sektoral_push")
    op.drop_index("sektoral_notice_package", table_name="sektoral_notice")
    op.drop_table("sektoral_notice")
    op.drop_table("sektoral_publication")
