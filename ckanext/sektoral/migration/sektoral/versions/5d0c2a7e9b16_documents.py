"""Tables of the documents area (letters, compilations, report versions,
analyses). Filled in by the documents work; empty until then.

Revision ID: 5d0c2a7e9b16
Revises: 3a51c0e7d1a2
Create Date: 2026-11-25 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = "5d0c2a7e9b16"
down_revision = "3a51c0e7d1a2"
branch_labels = None
depends_on = None


def _cycle_fk(**kw):
    return sa.Column("cycle_id", sa.UnicodeText, sa.ForeignKey(
        "sektoral_cycle.id", ondelete="CASCADE"), **kw)


def upgrade():
    op.create_table(
        "sektoral_document",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        _cycle_fk(nullable=False),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("owner_org", sa.UnicodeText),
        sa.Column("number", sa.UnicodeText, nullable=False,
                  server_default=""),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("error", sa.UnicodeText, nullable=False,
                  server_default=""),
        sa.Column("files", JSONB, nullable=False,
                  server_default=sa.text("'{}'::jsonb")),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.UnicodeText, nullable=False),
    )
    op.create_index("sektoral_document_cycle_kind", "sektoral_document",
                    ["cycle_id", "kind", "owner_org"])
    op.create_table(
        "sektoral_report_version",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        _cycle_fk(nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("error", sa.UnicodeText, nullable=False,
                  server_default=""),
        sa.Column("files", JSONB, nullable=False,
                  server_default=sa.text("'{}'::jsonb")),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.UnicodeText, nullable=False),
        sa.Column("approved", sa.Boolean, nullable=False,
                  server_default=sa.false()),
        sa.Column("approved_by", sa.UnicodeText),
        sa.Column("approved_at", sa.DateTime),
    )
    op.create_index("sektoral_report_version_cycle",
                    "sektoral_report_version", ["cycle_id", "version"],
                    unique=True)
    op.create_table(
        "sektoral_report_narrative",
        _cycle_fk(primary_key=True),
        sa.Column("chapter", sa.UnicodeText, primary_key=True),
        sa.Column("text", sa.UnicodeText, nullable=False,
                  server_default=""),
        sa.Column("updated", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.UnicodeText, nullable=False),
    )
    op.create_table(
        "sektoral_analysis",
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        _cycle_fk(),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("error", sa.UnicodeText, nullable=False,
                  server_default=""),
        sa.Column("result", JSONB, nullable=False,
                  server_default=sa.text("'{}'::jsonb")),
        sa.Column("threshold", sa.Integer),
        sa.Column("created", sa.DateTime, nullable=False),
    )


def downgrade():
    op.drop_table("sektoral_analysis")
    op.drop_table("sektoral_report_narrative")
    op.drop_index("sektoral_report_version_cycle", "sektoral_report_version")
    op.drop_table("sektoral_report_version")
    op.drop_index("sektoral_document_cycle_kind", "sektoral_document")
    op.drop_table("sektoral_document")
