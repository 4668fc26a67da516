"""One dataset per statistic across cycles: each item names its statistic,
each publication of a statistic is a release.

* ``sektoral_item.statistic_id``: the public dataset of the statistic the
  item is a submission for. The first cycle's item *is* its statistic
  (``statistic_id = package_id``); a later cycle's item is a private
  submission dataset of its own whose publication moves its files and
  metadata into the statistic (``logic/releases.py``).
* ``sektoral_release``: one row per statistic and cycle released, with the
  resources of the statistic that make up that release.
* the visibility guard: an item's dataset becomes public only if it is a
  statistic with a release (written by publication just before), never
  if it is a later cycle's submission.

Revision ID: c4e8a1f05d72
Revises: b7d41f2a9c03
Create Date: 2026-12-04 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = "c4e8a1f05d72"
down_revision = "b7d41f2a9c03"
branch_labels = None
depends_on = None

GUARD = """
    CREATE OR REPLACE FUNCTION sektoral_package_visibility_guard()
    RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF to_regclass('sektoral_item') IS NULL THEN
            RETURN NEW;
        END IF;
        IF EXISTS (SELECT 1 FROM sektoral_item i
                   WHERE i.package_id = NEW.id
                     AND ({refuse})) THEN
            RAISE EXCEPTION
                'sektoral: dataset % is an unpublished item of a cycle; '
                'it becomes public only through publication', NEW.id
                USING ERRCODE = 'SKT01';
        END IF;
        RETURN NEW;
    END $$;
"""

#: Before: an item becomes public only at stage ``dipublikasikan``.
BEFORE = "i.stage <> 'dipublikasikan'"
#: Now: never a later cycle's submission; a statistic only with a
#: release (publication writes the release row, then makes the statistic
#: public) and while one of its items (its own or a later submission) is
#: published.
NOW = ("i.statistic_id <> i.package_id"
       " OR NOT EXISTS (SELECT 1 FROM sektoral_release r"
       " WHERE r.statistic_id = NEW.id)"
       " OR NOT EXISTS (SELECT 1 FROM sektoral_item s"
       " WHERE s.statistic_id = NEW.id AND s.stage = 'dipublikasikan')")


def upgrade():
    op.add_column("sektoral_item", sa.Column("statistic_id", sa.UnicodeText))
    op.execute("UPDATE sektoral_item SET statistic_id = package_id")
    op.alter_column("sektoral_item", "statistic_id", nullable=False)
    op.create_index("sektoral_item_statistic", "sektoral_item",
                    ["statistic_id"])
    op.create_table(
        "sektoral_release",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("statistic_id", sa.UnicodeText, nullable=False),
        sa.Column("cycle_id", sa.UnicodeText,
                  sa.ForeignKey("sektoral_cycle.id"), nullable=False),
        sa.Column("submission_id", sa.UnicodeText, nullable=False),
        sa.Column("resource_ids", JSONB, nullable=False,
                  server_default="[]"),
        sa.Column("released", sa.DateTime, nullable=False),
        sa.Column("released_by", sa.UnicodeText, nullable=False),
        sa.UniqueConstraint("statistic_id", "cycle_id",
                            name="sektoral_release_statistic_cycle"),
    )
    # the releases of the portals that published before this migration:
    # each published item is its statistic's release of its cycle
    op.execute("""
        INSERT INTO sektoral_release (id, statistic_id, cycle_id,
                                      submission_id, resource_ids,
                                      released, released_by)
        SELECT md5(i.package_id || i.cycle_id), i.package_id, i.cycle_id,
               i.package_id,
               COALESCE((SELECT jsonb_agg(r.id ORDER BY r.position)
                         FROM resource r
                         WHERE r.package_id = i.package_id
                           AND r.state = 'active'), '[]'::jsonb),
               COALESCE(p.published, i.stage_changed),
               COALESCE(p.published_by, '')
        FROM sektoral_item i
        LEFT JOIN sektoral_publication p ON p.cycle_id = i.cycle_id
        WHERE EXISTS (SELECT 1 FROM sektoral_transition t
                      WHERE t.package_id = i.package_id
                        AND t.transition = 'publish')
    """)
    op.execute(GUARD.replace("{refuse}", NOW))


def downgrade():
    op.execute(GUARD.replace("{refuse}", BEFORE))
    op.drop_table("sektoral_release")
    op.drop_index("sektoral_item_statistic", "sektoral_item")
    op.drop_column("sektoral_item", "statistic_id")
