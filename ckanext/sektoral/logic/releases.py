"""Releases: what publication does to a statistic.

A statistic (``data-sektoral`` dataset) is public for good once first
published; each cycle's item is its submission for that cycle. The first
cycle's item is the statistic's own dataset: its publication makes it
public. A later cycle's item is a private dataset of its own (carried
over from the previous cycle, ``carry_over``), which the OPD fills and
the Walidata review exactly as any unpublished item -- every guarantee of
a private item holds for it unchanged, and the database never lets it
become public (migration ``c4e8a1f05d72``). Its publication releases it
into the statistic: the statistic takes the submission's metadata, and
the submission's resources move into the statistic (same resource ids,
files and validation reports: nothing is copied, so a rolled-back
publication leaves nothing behind). Until then the public sees the
statistic as last released.

Each release is a row of ``sektoral_release`` naming the statistic's
resources of that cycle: the current release and the earlier ones
("Rilis 2025-S2") stay downloadable.

Everything here flushes and never commits: it runs inside the
publication's transaction.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Optional

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sektoral import clock
from ckanext.sektoral.logic.context import site_context
from ckanext.sektoral.model import Cycle, Item, Release

#: Keys of a dataset that are not its metadata (never carried over or
#: released from a submission into its statistic).
SYSTEM_KEYS = frozenset({
    "id", "name", "type", "state", "private", "owner_org", "organization",
    "resources", "num_resources", "num_tags", "metadata_created",
    "metadata_modified", "creator_user_id", "revision_id", "relationships_as_object",
    "relationships_as_subject", "groups", "sektoral_status", "tracking_summary",
    "validation_status", "validation_timestamp",
})

#: Longest dataset name CKAN accepts.
NAME_MAX = 100


def slug(title: str, max_length: int = NAME_MAX) -> str:
    """A dataset name from a title: ``Jumlah Penduduk Menurut
    Kabupaten/Kota`` -> ``jumlah-penduduk-menurut-kabupaten-kota``."""
    text = unicodedata.normalize("NFKD", title or "").encode(
        "ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:max_length].rstrip("-") or "data"


def unique_name(base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... : the first name no dataset
    (of any state) has."""
    base = base[:NAME_MAX]
    taken = {row[0] for row in model.Session.query(model.Package.name).filter(
        model.Package.name.like(base.replace("_", r"\_") + "%"))}
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        name = base[:NAME_MAX - len(suffix)].rstrip("-") + suffix
        if name not in taken:
            return name
        n += 1


def submission_name(statistic_name: str, cycle_code: str) -> str:
    """Name of a statistic's submission dataset for a cycle
    (``jumlah-penduduk-2026-s2``)."""
    suffix = "-" + slug(cycle_code, 20)
    return unique_name(statistic_name[:NAME_MAX - len(suffix)].rstrip("-")
                       + suffix)


def carried_fields(statistic_id: str) -> dict[str, Any]:
    """The metadata a new cycle's submission starts from: the statistic's
    current metadata (what the OPD confirms or changes)."""
    data = tk.get_action("package_show")(site_context(), {"id": statistic_id})
    return {k: v for k, v in data.items()
            if k not in SYSTEM_KEYS and k != "extras"}


def release(item: Item, user_name: str) -> Release:
    """Publication of ``item`` (flushed): its statistic's release of the
    item's cycle. The first cycle's item becomes public; a later cycle's
    submission is released into its statistic."""
    row = model.Session.query(Release).filter(
        Release.statistic_id == item.statistic_id,
        Release.cycle_id == item.cycle_id).first()
    if row is None:
        row = Release(statistic_id=item.statistic_id, cycle_id=item.cycle_id,
                      resource_ids=[])
    row.submission_id = item.package_id
    row.released = clock.utcnow()
    row.released_by = user_name
    model.Session.add(row)
    model.Session.flush()  # the guard lets only a released statistic out
    if item.is_submission:
        _release_submission(item.package_id, item.statistic_id)
    statistic = model.Package.get(item.statistic_id)
    if statistic is not None and statistic.private:
        _make_public(item.statistic_id)
    row.resource_ids = _release_resources(item.statistic_id, item.cycle_id)
    model.Session.add(row)
    model.Session.flush()
    return row


def _make_public(package_id: str) -> None:
    """The only way a statistic becomes public (deferred commit)."""
    tk.get_action("package_patch")(
        site_context(defer_commit=True, sektoral_publication=True),
        {"id": package_id, "private": False})


def _release_submission(submission_id: str, statistic_id: str) -> None:
    """The submission's metadata onto the statistic, then its resources
    moved into it (after the statistic's own, in their order)."""
    fields = carried_fields(submission_id)
    tk.get_action("package_patch")(
        site_context(defer_commit=True, sektoral_publication=True),
        dict(fields, id=statistic_id))
    moved = [r[0] for r in model.Session.query(model.Resource.id).filter(
        model.Resource.package_id == submission_id,
        model.Resource.state == "active").order_by(model.Resource.position)]
    if not moved:
        return
    last = model.Session.query(sa.func.max(model.Resource.position)).filter(
        model.Resource.package_id == statistic_id,
        model.Resource.state == "active").scalar()
    start = -1 if last is None else int(last)
    for n, resource_id in enumerate(moved, start=start + 1):
        model.Session.execute(
            sa.update(model.Resource).where(model.Resource.id == resource_id)
            .values(package_id=statistic_id, position=n)
            .execution_options(synchronize_session=False))
    model.Session.flush()
    model.Session.expire_all()


def _release_resources(statistic_id: str, cycle_id: str) -> list[str]:
    """The statistic's active resources that no other cycle's release
    holds: this cycle's."""
    others: set[str] = set()
    for (ids,) in model.Session.query(Release.resource_ids).filter(
            Release.statistic_id == statistic_id,
            Release.cycle_id != cycle_id):
        others.update(ids or [])
    return [r[0] for r in model.Session.query(model.Resource.id).filter(
        model.Resource.package_id == statistic_id,
        model.Resource.state == "active").order_by(model.Resource.position)
        if r[0] not in others]


def releases(statistic_id: str) -> list[dict[str, Any]]:
    """The statistic's releases, oldest first, with their cycle."""
    rows = model.Session.query(Release, Cycle).join(
        Cycle, Cycle.id == Release.cycle_id).filter(
        Release.statistic_id == statistic_id).order_by(
        Cycle.start_date, Release.released).all()
    return [{
        "cycle_id": cycle.id, "cycle_code": cycle.code,
        "cycle_title": cycle.title, "submission_id": release.submission_id,
        "resource_ids": list(release.resource_ids or []),
        "released": release.released.isoformat(),
        "released_by": release.released_by,
    } for release, cycle in rows]


def previous_release(item: Item) -> Optional[dict[str, Any]]:
    """The latest release of the item's statistic from a cycle that
    started before the item's (what a later cycle's submission is
    compared with); None for a statistic's first item."""
    if not item.is_submission:
        return None
    cycle = model.Session.get(Cycle, item.cycle_id)
    starts = dict(model.Session.query(Cycle.id, Cycle.start_date).all())
    earlier = [r for r in releases(item.statistic_id)
               if cycle is not None
               and starts.get(r["cycle_id"], cycle.start_date)
               < cycle.start_date]
    return earlier[-1] if earlier else None


def has_release(statistic_id: str) -> bool:
    return model.Session.query(Release.id).filter(
        Release.statistic_id == statistic_id).first() is not None


def statistic_of(package_id: str) -> Optional[str]:
    """The statistic a dataset is (or is a submission for), or None."""
    row = model.Session.query(Item.statistic_id).filter(
        Item.package_id == package_id).first()
    return row[0] if row else None


def statistic_ids(package_ids: list[str]) -> list[str]:
    """The statistics of these items, in their order, once each."""
    found = dict(model.Session.query(Item.package_id, Item.statistic_id)
                 .filter(Item.package_id.in_(package_ids)).all()) \
        if package_ids else {}
    return list(dict.fromkeys(found.get(p, p) for p in package_ids))
