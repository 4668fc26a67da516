"""Guards around CKAN core actions that could change what the public sees.

The promise: nobody makes an item of a cycle public but the publication
step, and nobody moves, hides or deletes an item outside the workflow.
Where it is enforced:

* ``private``: in the database. A trigger on ``package`` (migration
  ``b7d41f2a9c03``) refuses ``private`` true → false for an item whose
  stage is not ``dipublikasikan``, whatever action or input spelling wrote
  it (``"on"``, ``" 1 "``, ``package_revise``, ``bulk_update_public``...).
  :func:`visibility_guarded` turns that refusal into a validation error
  after rolling the transaction back, so nothing of the call is kept
  (CKAN writes uploaded files after the flush that fails, and indexes
  only at commit).
* ``owner_org`` and ``state`` of an item: only Walidata staff may move an
  item to another OPD (the data list's owner is theirs to fix); nobody
  changes an item's ``state`` through ``package_update`` (deleting is
  ``package_delete``, whose auth is chained in ``logic/auth.py``).
* the ``bulk_update_*`` actions of the organization page: never on items
  (publication, withdrawal and removal each have their logged step).

Nothing here names a dataset that the caller could not read.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Optional

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.sektoral.logic import permissions
from ckanext.sektoral.model import Item
from ckanext.sektoral.core.stages import Position, Stage

#: SQLSTATE raised by the ``sektoral_package_visibility_guard`` trigger.
VISIBILITY_SQLSTATE = "SKT01"


def is_visibility_violation(error: BaseException) -> bool:
    orig = getattr(error, "orig", None)
    return getattr(orig, "pgcode", None) == VISIBILITY_SQLSTATE


def visibility_message() -> str:
    return tk._("An item of a cycle becomes public only when the Walidata "
                "publishes it")


@contextlib.contextmanager
def visibility_guarded(field: str = "private") -> Iterator[None]:
    """Run a write; if the database refuses to make an unpublished item
    public, roll everything back and raise a validation error."""
    try:
        yield
    except sa.exc.DBAPIError as error:
        if not is_visibility_violation(error):
            raise
        model.Session.rollback()
        raise tk.ValidationError({field: [visibility_message()]}) from None


def normalise_booleans(data_dict: DataDict) -> None:
    """CKAN's ``boolean_validator`` calls ``.lower()`` on anything that is
    not a bool: ``"private": 0`` from a JSON client was a 500. Give it the
    text of such a value instead (then stored as CKAN stores any text)."""
    value = data_dict.get("private")
    if value is not None and not isinstance(value, (bool, str)):
        data_dict["private"] = str(value)


def _group_id(ref: Any) -> Optional[str]:
    if not ref:
        return None
    group = model.Group.get(str(ref))
    return group.id if group is not None else str(ref)


def check_item_update(context: Context, pkg: model.Package,
                      data_dict: DataDict) -> None:
    """``package_update`` of an item: no move to another OPD except by
    Walidata staff, no change of ``state``."""
    if context.get("ignore_auth"):
        return  # server code (publication, validation's status write-back)
    user = context.get("user")
    errors: dict[str, list[str]] = {}
    if "owner_org" in data_dict:
        target = _group_id(data_dict.get("owner_org"))
        if target != pkg.owner_org and not (
                permissions.is_sysadmin(user)
                or permissions.is_walidata(user, Position.STAF)):
            errors["owner_org"] = [tk._(
                "Only Walidata staff may move an item of a cycle to "
                "another OPD")]
    state = data_dict.get("state")
    if state is not None and str(state).strip() != pkg.state:
        errors["state"] = [tk._(
            "The state of an item of a cycle changes only through the "
            "workflow")]
    if errors:
        raise tk.ValidationError(errors)


def check_item_delete(context: Context, data_dict: DataDict) -> None:
    """``package_delete`` of an item that is no longer planned: refused,
    whoever calls (server code with ``ignore_auth`` excepted)."""
    if context.get("ignore_auth"):
        return
    pkg = model.Package.get(str((data_dict or {}).get("id") or ""))
    item = model.Session.get(Item, pkg.id) if pkg is not None else None
    if item is None or item.stage == Stage.PLANNED.value:
        return
    raise tk.ValidationError({"id": [tk._(
        "An item of a cycle is removed only by Walidata staff before its "
        "request is sent; a published dataset is withdrawn with a notice.")]})


def sync_item_owner(pkg_id: str) -> None:
    """Keep ``sektoral_item.owner_org`` equal to the dataset's owner after
    staff moved the item to another OPD."""
    pkg = model.Package.get(pkg_id)
    item = model.Session.get(Item, pkg_id)
    if pkg is not None and item is not None and item.owner_org != pkg.owner_org:
        item.owner_org = pkg.owner_org
        model.Session.commit()


def items_among(ids: list[str], org_id: Optional[str]) -> list[Item]:
    """The items of a cycle among ``ids`` that belong to ``org_id`` (the
    bulk actions only touch datasets of that organization)."""
    if not ids:
        return []
    query = model.Session.query(Item).join(
        model.Package, model.Package.id == Item.package_id).filter(
        sa.or_(model.Package.id.in_(ids), model.Package.name.in_(ids)))
    if org_id:
        query = query.filter(model.Package.owner_org == _group_id(org_id))
    return query.all()


def refuse_bulk_on_items(data_dict: DataDict) -> None:
    datasets = data_dict.get("datasets") or []
    if isinstance(datasets, str):
        datasets = [datasets]
    found = items_among([str(d) for d in datasets], data_dict.get("org_id"))
    if found:
        raise tk.ValidationError({"datasets": [tk._(
            "%(count)s of the selected datasets are items of a cycle: they "
            "are published, withdrawn or removed only through the "
            "workflow's steps") % {"count": len(found)}]})


def is_unpublished_item(pkg: Optional[model.Package]) -> bool:
    if pkg is None:
        return False
    item = model.Session.get(Item, pkg.id)
    return item is not None and item.stage != Stage.PUBLISHED.value


def is_item(pkg: Optional[model.Package]) -> bool:
    return pkg is not None and model.Session.get(Item, pkg.id) is not None


# -- membership reads ---------------------------------------------------------

def may_see_members(user: Optional[str], group_id: str) -> bool:
    """Who may see the users of an organization and their roles: its own
    members, the Walidata and the Pembina, sysadmins. The public and other
    OPD may not (``ckan.auth.public_user_details = false`` is the portal's
    promise; CKAN's ``member_list`` and ``organization_show`` with
    ``include_users`` ignored it)."""
    if not user:
        return False
    if permissions.may_read_all_items(user):
        return True
    obj = permissions.user_object(user)
    if obj is None:
        return False
    return model.Session.query(model.Member.id).filter(
        model.Member.group_id == group_id, model.Member.table_name == "user",
        model.Member.table_id == obj.id, model.Member.state == "active"
    ).first() is not None


def readable_package_ids(context: Context, ids: list[str]) -> set[str]:
    """The ids among ``ids`` whose dataset the caller may ``package_show``
    (public active datasets without a check; private ones one by one)."""
    if not ids:
        return set()
    rows = model.Session.query(model.Package.id, model.Package.private,
                               model.Package.state).filter(
        model.Package.id.in_(ids)).all()
    readable = set()
    reads_items = permissions.may_read_all_items(context.get("user"))
    items = set()
    if reads_items:
        items = {pid for (pid,) in model.Session.query(Item.package_id).filter(
            Item.package_id.in_([r[0] for r in rows]))}
    for pkg_id, private, state in rows:
        if (not private and state == "active") or (
                pkg_id in items and state != "deleted"):
            readable.add(pkg_id)
            continue
        try:
            tk.check_access("package_show", {
                "user": context.get("user"), "model": model,
                "auth_user_obj": context.get("auth_user_obj")}, {"id": pkg_id})
        except tk.NotAuthorized:
            continue
        readable.add(pkg_id)
    return readable


def filter_members(context: Context, group_ref: str,
                   members: list[Any]) -> list[Any]:
    """``member_list`` rows the caller may see: packages it may read, users
    only if it may see the members."""
    group = model.Group.get(group_ref)
    if group is None:
        return members
    if context.get("ignore_auth"):
        return members
    show_users = may_see_members(context.get("user"), group.id)
    package_ids = [m[0] for m in members if m[1] == "package"]
    readable = readable_package_ids(context, package_ids)
    kept = []
    for member in members:
        kind = member[1]
        if kind == "package" and member[0] not in readable:
            continue
        if kind == "user" and not show_users:
            continue
        kept.append(member)
    return kept
