"""Portals that ran cycles before statistics existed: the items of the same
statistic in different cycles become one dataset with its releases.

Before ``c4e8a1f05d72`` every cycle item was a dataset of its own, so a
statistic collected in 2025-S2 and again in 2026-S1 is two datasets. Items
of one OPD whose titles are the same (case, spaces and punctuation
ignored) are one statistic: the oldest cycle's dataset becomes the
statistic, the later ones its submissions. A submission that had been
published gives the statistic its release, its resources (moved, ids
kept) and, the newest one, its metadata; it becomes private, and its old
name redirects to the statistic (``sektoral_redirect``). Nothing happens
on a portal whose statistics are each in one cycle. Rebuild the search
index afterwards (``ckan search-index rebuild``).

Revision ID: e2b7c9a4f618
Revises: c4e8a1f05d72
Create Date: 2026-12-04 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "e2b7c9a4f618"
down_revision = "c4e8a1f05d72"
branch_labels = None
depends_on = None

#: The comparison key of a title (as ``core.datalist.normalize_key``, for
#: the ASCII titles of the data lists).
KEY = ("trim(regexp_replace(lower(p.title), '[^a-z0-9.]+', ' ', 'g'))")


def merge_statistics(bind) -> int:
    """Merge; the number of submissions made. Runs in the caller's
    transaction."""
    rows = bind.execute(sa.text(f"""
        SELECT i.package_id, i.owner_org, {KEY} AS key, c.start_date,
               p.name, p.private
        FROM sektoral_item i
        JOIN sektoral_cycle c ON c.id = i.cycle_id
        JOIN package p ON p.id = i.package_id
        WHERE i.statistic_id = i.package_id AND p.state = 'active'
          AND p.type = 'data-sektoral'
        ORDER BY i.owner_org, key, c.start_date, p.metadata_created
    """)).fetchall()
    groups: dict = {}
    for row in rows:
        groups.setdefault((row.owner_org, row.key), []).append(row)
    made = 0
    for members in groups.values():
        if len(members) < 2:
            continue
        statistic, later = members[0], members[1:]
        newest_released = None
        for sub in later:
            made += 1
            bind.execute(sa.text(
                "UPDATE sektoral_item SET statistic_id = :s "
                "WHERE package_id = :p"), {"s": statistic.package_id,
                                           "p": sub.package_id})
            released = bind.execute(sa.text(
                "SELECT id FROM sektoral_release WHERE statistic_id = :p"),
                {"p": sub.package_id}).fetchall()
            if not released:
                continue
            newest_released = sub
            last = bind.execute(sa.text(
                "SELECT COALESCE(MAX(position), -1) FROM resource "
                "WHERE package_id = :s AND state = 'active'"),
                {"s": statistic.package_id}).scalar()
            bind.execute(sa.text("""
                UPDATE resource r SET package_id = :s,
                    position = :last + 1 + o.n
                FROM (SELECT id, row_number() OVER (ORDER BY position) - 1
                      AS n FROM resource
                      WHERE package_id = :p AND state = 'active') o
                WHERE r.id = o.id"""),
                {"s": statistic.package_id, "p": sub.package_id,
                 "last": last})
            bind.execute(sa.text(
                "UPDATE sektoral_release SET statistic_id = :s, "
                "submission_id = :p WHERE statistic_id = :p"),
                {"s": statistic.package_id, "p": sub.package_id})
            bind.execute(sa.text(
                "UPDATE package SET private = true WHERE id = :p"),
                {"p": sub.package_id})
            bind.execute(sa.text(
                "INSERT INTO sektoral_redirect (name, package_id) "
                "VALUES (:n, :s) ON CONFLICT (name) DO NOTHING"),
                {"n": sub.name, "s": statistic.package_id})
        if newest_released is None:
            continue
        # the statistic shows its newest release's metadata
        src, dst = newest_released.package_id, statistic.package_id
        bind.execute(sa.text("""
            UPDATE package d SET title = s.title, notes = s.notes,
                license_id = s.license_id, metadata_modified = now()
            FROM package s WHERE s.id = :src AND d.id = :dst"""),
            {"src": src, "dst": dst})
        bind.execute(sa.text(
            "DELETE FROM package_extra WHERE package_id = :dst"),
            {"dst": dst})
        bind.execute(sa.text("""
            INSERT INTO package_extra (id, package_id, key, value, state)
            SELECT md5(random()::text || id), :dst, key, value, state
            FROM package_extra WHERE package_id = :src"""),
            {"src": src, "dst": dst})
        bind.execute(sa.text(
            "UPDATE package SET private = false WHERE id = :dst"),
            {"dst": dst})
    return made


def upgrade():
    op.create_table(
        "sektoral_redirect",
        sa.Column("name", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
    )
    merge_statistics(op.get_bind())


def downgrade():
    op.drop_table("sektoral_redirect")
