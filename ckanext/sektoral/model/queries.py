"""Queries on the workflow tables (cycle, item, audit log, positions).

The actions of ``logic/action.py`` call these: auth, arguments, one call
here, dictize. Nothing here checks a permission or commits; functions
that add or delete rows leave the commit to the caller (which honours
``context["defer_commit"]``).
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Optional

import sqlalchemy as sa

from ckan import model

from ckanext.sektoral import clock
from ckanext.sektoral.core.stages import Stage
from ckanext.sektoral.model import Cycle, Item, Release, Transition, UserPosition


# -- cycles ---------------------------------------------------------------------

def cycle_by_code(code: str) -> Optional[Cycle]:
    return model.Session.query(Cycle).filter(Cycle.code == code).first()


def add_cycle(**fields: Any) -> Cycle:
    """A new cycle, added to the session (not committed)."""
    cycle = Cycle(**fields)
    model.Session.add(cycle)
    return cycle


def cycle_by_ref(ref: str) -> Optional[Cycle]:
    """The cycle of that code or id."""
    return model.Session.query(Cycle).filter(sa.or_(
        Cycle.code == ref, Cycle.id == ref)).first()


def cycle_refs(refs: Sequence[str]) -> set[str]:
    """The codes and ids of the cycles named in ``refs`` (by either)."""
    rows = model.Session.query(Cycle.code, Cycle.id).filter(
        sa.or_(Cycle.code.in_(refs), Cycle.id.in_(refs)))
    return {value for row in rows for value in row}


def cycles_by_ids(ids: Sequence[str]) -> list[Cycle]:
    """These cycles, newest first."""
    return model.Session.query(Cycle).filter(Cycle.id.in_(list(ids))).order_by(
        Cycle.start_date.desc(), Cycle.code.desc()).all()


def public_counts() -> dict[str, int]:
    """Public datasets per cycle: the statistics released in it (also
    those reopened for a revision or withdrawn since, which stay public
    with a notice)."""
    rows = model.Session.query(Release.cycle_id, sa.func.count()).join(
        model.Package, model.Package.id == Release.statistic_id).filter(
        model.Package.private.is_(False),
        model.Package.state == "active").group_by(Release.cycle_id).all()
    return {cycle_id: count for cycle_id, count in rows}


def cycles(status: Optional[str] = None) -> list[Cycle]:
    """Cycles (of one ``status``), newest first."""
    query = model.Session.query(Cycle)
    if status:
        query = query.filter(Cycle.status == status)
    return query.order_by(Cycle.start_date.desc(), Cycle.code).all()


def stage_counts(cycle_id: str) -> tuple[list[Any], dict[str, model.Group]]:
    """Items of a cycle per OPD and stage: rows ``(owner_org, stage,
    count, times returned)`` and the organizations named (two queries)."""
    rows = model.Session.query(
        Item.owner_org, Item.stage, sa.func.count(),
        sa.func.sum(Item.times_returned),
    ).filter(Item.cycle_id == cycle_id).group_by(
        Item.owner_org, Item.stage).all()
    orgs = {o.id: o for o in model.Session.query(model.Group).filter(
        model.Group.id.in_({r[0] for r in rows}))} if rows else {}
    return rows, orgs


def cycle_titles(cycle_id: str) -> list[tuple[str, str]]:
    """``(organization name, dataset title)`` of the cycle's active items."""
    rows = model.Session.query(model.Group.name, model.Package.title).join(
        Item, Item.package_id == model.Package.id).join(
        model.Group, model.Group.id == Item.owner_org).filter(
        Item.cycle_id == cycle_id, model.Package.state == "active")
    return [(org, title or "") for org, title in rows]


# -- items ------------------------------------------------------------------------

def add_item(package_id: str, cycle_id: str, org_id: str,
             template: Optional[str],
             statistic_id: Optional[str] = None) -> Item:
    """A dataset's new workflow record at stage ``direncanakan`` (planned),
    added to the session (not committed); the submission of
    ``statistic_id`` for the cycle, or its own statistic."""
    item = Item(package_id=package_id, cycle_id=cycle_id, owner_org=org_id,
                stage=Stage.PLANNED.value, version=1,
                stage_changed=clock.utcnow(), times_returned=0,
                template=template, statistic_id=statistic_id or package_id)
    model.Session.add(item)
    return item


def waiting_package_ids(cycle_id: str, stages: Collection[str],
                        org_ids: Optional[Sequence[str]] = None) -> list[str]:
    """Ids of the cycle's active datasets at one of ``stages`` (of the
    organizations ``org_ids``, when given), sorted."""
    query = model.Session.query(Item.package_id).join(
        model.Package, model.Package.id == Item.package_id).filter(
        Item.cycle_id == cycle_id, Item.stage.in_(list(stages)),
        model.Package.state == "active")
    if org_ids is not None:
        query = query.filter(model.Package.owner_org.in_(
            list(org_ids) or [""]))
    return [pid for (pid,) in query.order_by(Item.package_id)]


def package_ids(refs: Sequence[str]) -> list[str]:
    """Ids of the datasets named by id or name (unknown ones left out)."""
    rows = model.Session.query(model.Package.id).filter(
        sa.or_(model.Package.id.in_(refs), model.Package.name.in_(refs)))
    return [pid for (pid,) in rows]


def history(package_id: str) -> list[tuple[Transition, str]]:
    """The audit log of one dataset, oldest first, with each row's cycle
    code; of a statistic: of all its cycles' items."""
    members = model.Session.query(Item.package_id).filter(
        sa.or_(Item.statistic_id == package_id, Item.package_id == package_id))
    return model.Session.query(Transition, Cycle.code).join(
        Cycle, Cycle.id == Transition.cycle_id).filter(
        Transition.package_id.in_(members)).order_by(Transition.id).all()


def statistic_item(statistic_id: str, cycle_id: str) -> Optional[Item]:
    """The statistic's item of that cycle, if any."""
    return model.Session.query(Item).filter(
        Item.statistic_id == statistic_id, Item.cycle_id == cycle_id).first()


def latest_item(statistic_id: str) -> Optional[Item]:
    """The statistic's item of its latest cycle."""
    return model.Session.query(Item).join(
        Cycle, Cycle.id == Item.cycle_id).filter(
        Item.statistic_id == statistic_id).order_by(
        Cycle.start_date.desc(), Item.stage_changed.desc()).first()


def cycle_items(cycle_id: str) -> list[Item]:
    """A cycle's items whose dataset is active, by title."""
    return model.Session.query(Item).join(
        model.Package, model.Package.id == Item.package_id).filter(
        Item.cycle_id == cycle_id, model.Package.state == "active").order_by(
        model.Package.title, Item.package_id).all()


def statistics_of(org_id: str) -> list[tuple[str, str, str]]:
    """(statistic id, name, title) of an OPD's statistics (datasets that
    are their own first item), newest first."""
    return [tuple(row) for row in model.Session.query(
        model.Package.id, model.Package.name, model.Package.title).join(
        Item, Item.package_id == model.Package.id).filter(
        Item.statistic_id == Item.package_id, Item.owner_org == org_id,
        model.Package.state == "active").order_by(
        model.Package.metadata_created.desc())]


# -- positions --------------------------------------------------------------------

def grant_position(user_id: str, position: str,
                   granted_by: str) -> UserPosition:
    """The assignment, added to the session if new (not committed)."""
    existing = model.Session.get(UserPosition, (user_id, position))
    if existing is None:
        existing = UserPosition(user_id=user_id, position=position,
                                granted_by=granted_by,
                                granted=clock.utcnow())
        model.Session.add(existing)
    return existing


def revoke_position(user_id: str, position: str) -> bool:
    """Delete the assignment (not committed); whether there was one."""
    deleted = model.Session.query(UserPosition).filter(
        UserPosition.user_id == user_id,
        UserPosition.position == position).delete()
    return bool(deleted)


def positions() -> list[tuple[UserPosition, model.User]]:
    """Every assignment with its user, by position and user name."""
    return model.Session.query(UserPosition, model.User).join(
        model.User, model.User.id == UserPosition.user_id).order_by(
        UserPosition.position, model.User.name).all()
