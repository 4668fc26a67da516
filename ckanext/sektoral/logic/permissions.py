"""Shared permission functions of the auth layer.

The Walidata positions (staf, kasie, kabid, kadis) and the Pembina Data
(BPS) are assignments kept in ``sektoral_position``; OPD producers are the
editors and admins of their CKAN organization. Auth functions and the
workflow service build on these few functions.
"""
from __future__ import annotations

from typing import Optional

from ckan import authz, model

from ckanext.sektoral.model import UserPosition
from ckanext.sektoral.core.stages import (
    WALIDATA_POSITIONS, Actor, Position, parse_positions,
)

#: Permission label of unpublished items, held by Walidata and Pembina.
WALIDATA_LABEL = "sektoral-walidata"


def user_object(user: Optional[str]) -> Optional[model.User]:
    """The active user of that name or id (None for anonymous)."""
    if not user:
        return None
    obj = model.User.get(user)
    if obj is None or obj.state != "active":
        return None
    return obj


def positions_of(user: Optional[str]) -> frozenset[Position]:
    """Positions assigned to a user (empty for anonymous)."""
    obj = user_object(user)
    if obj is None:
        return frozenset()
    rows = model.Session.query(UserPosition.position).filter(
        UserPosition.user_id == obj.id)
    return parse_positions(r[0] for r in rows)


def is_sysadmin(user: Optional[str]) -> bool:
    return bool(user) and authz.is_sysadmin(user)


def is_walidata(user: Optional[str],
                position: Optional[Position] = None) -> bool:
    """Whether the user holds ``position`` (or any Walidata position)."""
    held = positions_of(user)
    if position is not None:
        return position in held
    return bool(held & WALIDATA_POSITIONS)


def may_read_all_items(user: Optional[str]) -> bool:
    """Walidata positions, the Pembina Data and sysadmins see every item."""
    return is_sysadmin(user) or bool(positions_of(user))


def is_producer_of(user: Optional[str], org_id: Optional[str]) -> bool:
    """Editor or admin of the organization (the OPD's producers)."""
    if not user or not org_id:
        return False
    role = authz.users_role_for_group_or_org(org_id, user)
    return role in ("editor", "admin")


def actor(user: Optional[str], org_id: Optional[str] = None) -> Actor:
    """The workflow core's view of the user acting on an item of ``org_id``."""
    obj = user_object(user)
    return Actor(
        name=obj.name if obj else "",
        sysadmin=bool(obj and obj.sysadmin),
        positions=positions_of(user),
        producer=is_producer_of(user, org_id),
    )


def producer_orgs(user: Optional[str]) -> list[str]:
    """Ids of the organizations in which the user is an editor or admin."""
    obj = user_object(user)
    if obj is None:
        return []
    rows = model.Session.query(model.Member.group_id).join(
        model.Group, model.Group.id == model.Member.group_id).filter(
        model.Member.table_name == "user", model.Member.table_id == obj.id,
        model.Member.state == "active", model.Member.capacity.in_(
            ["editor", "admin"]),
        model.Group.is_organization.is_(True), model.Group.state == "active")
    return [group_id for (group_id,) in rows]


def is_some_producer(user: Optional[str]) -> bool:
    """Editor or admin of at least one organization."""
    return bool(producer_orgs(user))
