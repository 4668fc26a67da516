"""Create the search index table of the PostgreSQL search backend.

One row per indexed document (CKAN's Solr document, stored as JSONB: the
searchable fields in ``doc``, the large stored-only ones in ``stored``), a
weighted ``tsvector`` for free text, and the few columns used for sorting.
The two helper functions convert text to timestamps / numbers without
raising, so that range filters on arbitrary document fields never abort a
query on an odd value (they return NULL, i.e. "no match"). They are
created with CREATE OR REPLACE because CKAN's test ``reset_db`` drops
tables (including the alembic version table) but not functions.

Revision ID: 7c1e5a9d2b40
Revises:
Create Date: 2025-01-01 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "7c1e5a9d2b40"
down_revision = None
branch_labels = None
depends_on = None

TABLE = "sektoral_pgsearch_document"


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("index_id", sa.UnicodeText, primary_key=True),
        sa.Column("id", sa.UnicodeText, nullable=False),
        sa.Column("site_id", sa.UnicodeText, nullable=False),
        sa.Column("entity_type", sa.UnicodeText),
        sa.Column("name", sa.UnicodeText),
        # filters that CKAN adds to every query get real columns
        sa.Column("state", sa.UnicodeText),
        sa.Column("capacity", sa.UnicodeText),
        sa.Column("dataset_type", sa.UnicodeText),
        sa.Column("permission_labels", postgresql.ARRAY(sa.UnicodeText)),
        sa.Column("title_string", sa.UnicodeText),
        sa.Column("metadata_created", sa.DateTime(timezone=True)),
        sa.Column("metadata_modified", sa.DateTime(timezone=True)),
        sa.Column("text_vector", postgresql.TSVECTOR, nullable=False),
        sa.Column("doc", postgresql.JSONB, nullable=False),
        # stored-only fields (Solr ``indexed="false" stored="true"``: the
        # data_dict / validated_data_dict JSON strings), kept apart so that
        # filters and facets on ``doc`` do not detoast them row by row
        sa.Column("stored", postgresql.JSONB, nullable=False,
                  server_default=sa.text("'{}'::jsonb")),
        sa.Column(
            "indexed_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text("now()"),
        ),
    )
    # no compression: filters and facets read ``doc`` many times per row,
    # and decompressing it each time costs more than the disk it saves
    op.execute(
        "ALTER TABLE {} ALTER COLUMN doc SET STORAGE EXTERNAL".format(TABLE))
    op.create_index(
        "sektoral_pgsearch_document_permission_labels_idx", TABLE,
        ["permission_labels"], postgresql_using="gin",
    )
    op.create_index(
        "sektoral_pgsearch_document_doc_idx", TABLE, ["doc"],
        postgresql_using="gin",
        postgresql_ops={"doc": "jsonb_path_ops"},
    )
    op.create_index(
        "sektoral_pgsearch_document_text_vector_idx", TABLE, ["text_vector"],
        postgresql_using="gin",
    )
    op.create_index(
        "sektoral_pgsearch_document_site_id_id_idx", TABLE, ["site_id", "id"]
    )
    op.create_index("sektoral_pgsearch_document_name_idx", TABLE, ["name"])
    op.create_index(
        "sektoral_pgsearch_document_modified_idx", TABLE,
        ["metadata_modified"],
    )
    op.create_index(
        "sektoral_pgsearch_document_created_idx", TABLE, ["metadata_created"]
    )
    op.execute(
        'CREATE INDEX sektoral_pgsearch_document_title_string_idx '
        'ON {} (title_string COLLATE "C")'.format(TABLE)
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION sektoral_pgsearch_to_timestamptz(value text)
        RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
        BEGIN
            RETURN value::timestamptz;
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION sektoral_pgsearch_to_numeric(value text)
        RETURNS numeric LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN
            RETURN value::numeric;
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END $$
        """
    )


def downgrade():
    op.execute("DROP FUNCTION IF EXISTS sektoral_pgsearch_to_numeric(text)")
    op.execute(
        "DROP FUNCTION IF EXISTS sektoral_pgsearch_to_timestamptz(text)"
    )
    op.drop_table(TABLE)
