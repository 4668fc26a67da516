"""Create the workflow tables: cycles, items, transitions, positions.

``sektoral_transition`` is the append-only audit log: a trigger refuses
every UPDATE of it. (DELETE stays possible for an administrator's
retention policy and for CKAN's test database reset; the code never
deletes from it.)

Revision ID: 3a51c0e7d1a2
Revises:
Create Date: 2026-11-25 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "3a51c0e7d1a2"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sektoral_cycle",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("code", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False,
                  server_default="open"),
        sa.Column("notes", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("step_starts", postgresql.JSONB, nullable=False,
                  server_default="{}"),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.UnicodeText, nullable=False),
    )
    op.create_table(
        "sektoral_item",
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        sa.Column("cycle_id", sa.UnicodeText,
                  sa.ForeignKey("sektoral_cycle.id"), nullable=False),
        sa.Column("owner_org", sa.UnicodeText, nullable=False),
        sa.Column("stage", sa.UnicodeText, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("stage_changed", sa.DateTime, nullable=False),
        sa.Column("times_returned", sa.Integer, nullable=False,
                  server_default="0"),
        sa.Column("first_submitted", sa.DateTime),
        sa.Column("template", sa.UnicodeText),
    )
    op.create_index("sektoral_item_cycle_stage", "sektoral_item",
                    ["cycle_id", "stage"])
    op.create_index("sektoral_item_owner_org", "sektoral_item", ["owner_org"])
    op.create_table(
        "sektoral_transition",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("cycle_id", sa.UnicodeText, nullable=False),
        sa.Column("transition", sa.UnicodeText, nullable=False),
        sa.Column("from_stage", sa.UnicodeText),
        sa.Column("to_stage", sa.UnicodeText, nullable=False),
        sa.Column("actor_id", sa.UnicodeText, nullable=False),
        sa.Column("actor_name", sa.UnicodeText, nullable=False),
        sa.Column("position", sa.UnicodeText, nullable=False),
        sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_index("sektoral_transition_package", "sektoral_transition",
                    ["package_id", "id"])
    op.create_index("sektoral_transition_cycle", "sektoral_transition",
                    ["cycle_id", "to_stage"])
    op.execute("""
        CREATE OR REPLACE FUNCTION sektoral_transition_append_only()
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'sektoral_transition is append-only';
        END $$;
    """)
    op.execute("""
        CREATE TRIGGER sektoral_transition_no_update
        BEFORE UPDATE ON sektoral_transition
        FOR EACH ROW EXECUTE FUNCTION sektoral_transition_append_only();
    """)
    op.create_table(
        "sektoral_position",
        sa.Column("user_id", sa.UnicodeText, primary_key=True),
        sa.Column("position", sa.UnicodeText, primary_key=True),
        sa.Column("granted_by", sa.UnicodeText, nullable=False),
        sa.Column("granted", sa.DateTime, nullable=False),
    )


def downgrade():
    op.drop_table("sektoral_position")
    op.execute("DROP TRIGGER IF EXISTS sektoral_transition_no_update "
               "ON sektoral_transition")
    op.drop_table("sektoral_transition")
    op.execute("DROP FUNCTION IF EXISTS sektoral_transition_append_only()")
    op.drop_table("sektoral_item")
    op.drop_table("sektoral_cycle")
