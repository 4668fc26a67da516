"""Shared permission functions of the auth layer.

The Walidata positions (staf, kasie, kabid, kadis) and the Pembina Data
(BPS) are assignments kept in ``sektoral_position``; OPD producers are the
editors and admins of their CKAN organization.

Each permission is a registered auth function (``sektoral_permission_*``,
listed in ``__all__`` and collected by plugin.py), so another plugin can
change one with ``@tk.chained_auth_function``; permissions built on
others ask them through :func:`ckan.authz.is_authorized`. The plain
functions below (``is_walidata``, ``is_producer_of``, ...) are what the
auth functions of every area and the workflow service call: each asks
the registered permission, with a fresh context (the caller's
``ignore_auth`` never answers for the user).

The permissions answer for sysadmins as for anyone else
(``auth_sysadmins_check``): a sysadmin holds no position and is no
producer unless assigned one; the auth functions of the actions let
sysadmins through anyway (CKAN's rule).
"""
from __future__ import annotations

from typing import Any, Optional, cast

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.types import AuthResult, Context, DataDict

from ckanext.sektoral.model import UserPosition
from ckanext.sektoral.core.stages import (
    WALIDATA_POSITIONS, Actor, Position, parse_positions,
)

__all__: list[str] = [
    "sektoral_permission_position",
    "sektoral_permission_staff",
    "sektoral_permission_walidata",
    "sektoral_permission_read_all",
    "sektoral_permission_producer",
]

#: Permission label of unpublished items, held by Walidata and Pembina.
WALIDATA_LABEL = "sektoral-walidata"

#: Capacities that make a member of an OPD's organization a producer: the
#: one definition of "producer" (queries that list producers use it too).
PRODUCER_CAPACITIES = ("editor", "admin")


# -- plain lookups (no policy) ----------------------------------------------

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


def producer_orgs(user: Optional[str]) -> list[str]:
    """Ids of the organizations in which the user is an editor or admin
    (for filtering queries; a single decision asks
    :func:`is_producer_of`)."""
    obj = user_object(user)
    if obj is None:
        return []
    rows = model.Session.query(model.Member.group_id).join(
        model.Group, model.Group.id == model.Member.group_id).filter(
        model.Member.table_name == "user", model.Member.table_id == obj.id,
        model.Member.state == "active", model.Member.capacity.in_(
            PRODUCER_CAPACITIES),
        model.Group.is_organization.is_(True), model.Group.state == "active")
    return [group_id for (group_id,) in rows]


def dataset_org(ref: Optional[str]) -> Optional[str]:
    """The organization of a dataset (id or name): what every decision
    about "its OPD" reads (``sektoral_item.owner_org`` is a copy kept for
    queries)."""
    pkg = model.Package.get(ref) if ref else None
    return pkg.owner_org if pkg is not None else None


# -- the registered permissions ---------------------------------------------

def allowed(permission: str, user: Optional[str],
            data_dict: Optional[DataDict] = None) -> bool:
    """Whether the registered ``permission`` grants ``user``."""
    context = cast(Context, {"user": user or ""})
    return authz.is_authorized_boolean(permission, context, data_dict or {})


def _held(context: Context) -> frozenset[Position]:
    """The positions of the context's user, read once per permission
    question (the permissions asked from one another share the context)."""
    cache = cast(dict[str, Any], context).setdefault(
        "sektoral_positions", {})
    user = context.get("user") or ""
    if user not in cache:
        cache[user] = positions_of(user)
    return cache[user]


def _result(success: bool, message: str) -> AuthResult:
    return {"success": True} if success else {"success": False,
                                              "msg": message}


@tk.auth_allow_anonymous_access
@tk.auth_sysadmins_check
def sektoral_permission_position(context: Context,
                                 data_dict: DataDict) -> AuthResult:
    """The user holds ``position`` (``staf``, ``kasie``, ``kabid``,
    ``kadis``, ``pembina``)."""
    wanted = str((data_dict or {}).get("position") or "")
    held = {p.value for p in _held(context)}
    return _result(wanted in held,
                   tk._("You do not hold this position"))


@tk.auth_allow_anonymous_access
@tk.auth_sysadmins_check
def sektoral_permission_staff(context: Context,
                              data_dict: DataDict) -> AuthResult:
    """Walidata staff: the position ``staf``."""
    return _result(authz.is_authorized_boolean(
        "sektoral_permission_position", context,
        {"position": Position.STAF.value}),
        tk._("Only Walidata staff may do this"))


@tk.auth_allow_anonymous_access
@tk.auth_sysadmins_check
def sektoral_permission_walidata(context: Context,
                                 data_dict: DataDict) -> AuthResult:
    """A Walidata position: staff, or the Kasie, Kabid or Kadis."""
    others = WALIDATA_POSITIONS - {Position.STAF}
    return _result(bool(_held(context) & others)
                   or authz.is_authorized_boolean(
                       "sektoral_permission_staff", context, {}),
                   tk._("Only the Walidata may see this"))


@tk.auth_allow_anonymous_access
@tk.auth_sysadmins_check
def sektoral_permission_read_all(context: Context,
                                 data_dict: DataDict) -> AuthResult:
    """Reads every OPD's items: sysadmins, every position (the Walidata
    and the Pembina Data)."""
    user = context.get("user")
    return _result(is_sysadmin(user) or bool(_held(context))
                   or authz.is_authorized_boolean(
                       "sektoral_permission_walidata", context, {}),
                   tk._("Only the Walidata may see this"))


@tk.auth_allow_anonymous_access
@tk.auth_sysadmins_check
def sektoral_permission_producer(context: Context,
                                 data_dict: DataDict) -> AuthResult:
    """A producer of the OPD: editor or admin of the organization
    ``organization_id``, or of the organization that owns the dataset
    ``id`` (read from the dataset, ``package.owner_org``). Asked with
    neither, it answers "a producer of some OPD" beyond the
    organizations' members (nobody, unless a plugin chains it)."""
    data_dict = data_dict or {}
    org_id = data_dict.get("organization_id")
    if not org_id and data_dict.get("id"):
        org_id = dataset_org(str(data_dict["id"]))
    user = context.get("user")
    role = (authz.users_role_for_group_or_org(org_id, user)
            if user and org_id else None)
    return _result(role in PRODUCER_CAPACITIES,
                   tk._("Only the producers of the OPD may do this"))


# -- what the auth functions and the service call ----------------------------

def is_walidata(user: Optional[str],
                position: Optional[Position] = None) -> bool:
    """Whether the user holds ``position`` (or any Walidata position)."""
    if position is None:
        return allowed("sektoral_permission_walidata", user)
    if position == Position.STAF:
        return allowed("sektoral_permission_staff", user)
    return allowed("sektoral_permission_position", user,
                   {"position": Position(position).value})


def may_read_all_items(user: Optional[str]) -> bool:
    """Walidata positions, the Pembina Data and sysadmins see every item."""
    return allowed("sektoral_permission_read_all", user)


def is_producer_of(user: Optional[str], org_id: Optional[str]) -> bool:
    """Editor or admin of the organization (the OPD's producers)."""
    if not user or not org_id:
        return False
    return allowed("sektoral_permission_producer", user,
                   {"organization_id": org_id})


def is_producer_of_dataset(user: Optional[str], ref: Optional[str]) -> bool:
    """A producer of the OPD that owns the dataset ``ref`` (id or name)."""
    if not user or not ref:
        return False
    return allowed("sektoral_permission_producer", user, {"id": ref})


def actor(user: Optional[str], org_id: Optional[str] = None) -> Actor:
    """The workflow core's view of the user acting on an item of ``org_id``
    (the organization of the dataset: :func:`dataset_org`)."""
    obj = user_object(user)
    return Actor(
        name=obj.name if obj else "",
        sysadmin=bool(obj and obj.sysadmin),
        positions=positions_of(user),
        producer=is_producer_of(user, org_id),
    )


def is_some_producer(user: Optional[str]) -> bool:
    """Editor or admin of at least one organization (or a producer by
    another plugin's rule: the permission asked with no organization)."""
    if not user:
        return False
    return bool(producer_orgs(user)) or allowed(
        "sektoral_permission_producer", user, {})

