"""Visibility guard: a dataset that is an item of a cycle becomes public
only when its stage is ``dipublikasikan``.

The rule is enforced where the value is stored, whatever wrote it: a
``BEFORE UPDATE`` trigger on CKAN's ``package`` table refuses the change
of ``private`` from true to false for an item whose stage in
``sektoral_item`` is anything but ``dipublikasikan`` (publication moves
the stage first and makes the dataset public in the same transaction).
``package_patch`` with ``"private": "on"``, ``package_revise``,
``bulk_update_public``, raw SQL: all end in this one check. The error has
the SQLSTATE ``SKT01``, which the chained actions turn into a validation
error after rolling the transaction back.

Revision ID: b7d41f2a9c03
Revises: 8f3b6e1c4a27
Create Date: 2026-12-02 00:00:00.000000

"""
from alembic import op

revision = "b7d41f2a9c03"
down_revision = "8f3b6e1c4a27"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        CREATE OR REPLACE FUNCTION sektoral_package_visibility_guard()
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF to_regclass('sektoral_item') IS NULL THEN
                RETURN NEW;
            END IF;
            IF EXISTS (SELECT 1 FROM sektoral_item i
                       WHERE i.package_id = NEW.id
                         AND i.stage <> 'dipublikasikan') THEN
                RAISE EXCEPTION
                    'sektoral: dataset % is an unpublished item of a cycle; '
                    'it becomes public only through publication', NEW.id
                    USING ERRCODE = 'SKT01';
            END IF;
            RETURN NEW;
        END $$;
    """)
    op.execute("""
        CREATE TRIGGER sektoral_package_visibility_guard
        BEFORE UPDATE OF private ON package
        FOR EACH ROW WHEN (OLD.private AND NOT NEW.private)
        EXECUTE FUNCTION sektoral_package_visibility_guard();
    """)


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS sektoral_package_visibility_guard "
               "ON package")
    op.execute("DROP FUNCTION IF EXISTS sektoral_package_visibility_guard()")
