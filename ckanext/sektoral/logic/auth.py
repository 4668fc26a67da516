"""Auth functions of ckanext-sektoral: one per action, same name."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.sektoral import config as sk_config
from ckanext.sektoral.logic import authz, permissions, releases, service
from ckanext.sektoral.core import stages
from ckanext.sektoral.core.stages import (
    AFTER_PUBLICATION, OPD_EDITABLE, TRANSITION_ORDER, Position, Stage,
)

TRANSITIONS = TRANSITION_ORDER

__all__: list[str] = [
    "sektoral_completeness",
    "sektoral_cycle_create",
    "sektoral_cycle_update",
    "sektoral_cycle_show",
    "sektoral_cycle_list",
    "sektoral_cycle_status",
    "sektoral_item_create",
    "sektoral_datalist_import",
    "sektoral_history",
    "sektoral_bulk_transition",
    "sektoral_position_assign",
    "sektoral_position_revoke",
    "sektoral_position_list",
    "package_show",
    "package_update",
    "package_delete",
] + ["sektoral_" + name for name in TRANSITIONS]


_result = authz.result
_staff = authz.staff
_reader = authz.walidata_reader


@tk.auth_allow_anonymous_access
def sektoral_completeness(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may ``package_show`` the dataset may see its completeness."""
    return authz.dataset_reader(context, data_dict)


def sektoral_cycle_create(context: Context, data_dict: DataDict) -> AuthResult:
    return _staff(context)


def sektoral_cycle_update(context: Context, data_dict: DataDict) -> AuthResult:
    return _staff(context)


def sektoral_item_create(context: Context, data_dict: DataDict) -> AuthResult:
    return _staff(context)


def sektoral_datalist_import(context: Context, data_dict: DataDict) -> AuthResult:
    return _staff(context)


def sektoral_cycle_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Any logged-in user: OPD producers need the deadlines too."""
    return _result(bool(permissions.user_object(context.get("user"))),
                   tk._("You must be logged in"))


def sektoral_cycle_list(context: Context, data_dict: DataDict) -> AuthResult:
    return sektoral_cycle_show(context, data_dict)


def sektoral_cycle_status(context: Context, data_dict: DataDict) -> AuthResult:
    return _reader(context)


def sektoral_position_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _reader(context)


def sektoral_position_assign(context: Context, data_dict: DataDict) -> AuthResult:
    """Sysadmins only (CKAN grants them every auth before this runs)."""
    return {"success": False, "msg": tk._("Only sysadmins may assign positions")}


def sektoral_position_revoke(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": False, "msg": tk._("Only sysadmins may revoke positions")}


@tk.auth_allow_anonymous_access
def sektoral_history(context: Context, data_dict: DataDict) -> AuthResult:
    """The audit log (names of officials, review notes) is internal: the
    Walidata, the Pembina Data and the producing OPD read it, also after
    publication; the public does not."""
    result = sektoral_completeness(context, data_dict)
    if not result["success"]:
        return result
    user = context.get("user")
    pkg = _package(context, data_dict)
    allowed = bool(user) and (
        permissions.may_read_all_items(user)
        or (pkg is not None and permissions.is_producer_of_dataset(user, pkg.id)))
    return _result(allowed, tk._("Not authorized to read this dataset"))


def _transition_auth(name: str):
    def auth(context: Context, data_dict: DataDict) -> AuthResult:
        user, ref = context.get("user"), str(data_dict.get("id") or "")
        if service.may_transition(user, name, ref):
            return {"success": True}
        # the reason: the stage and who may act (the role, if that is
        # what is wrong)
        return {"success": False, "msg": service.refusal(user, name, ref)}
    auth.__name__ = "sektoral_" + name
    auth.__doc__ = "Who may perform ``%s`` at the current stage." % name
    return auth


for _name in TRANSITIONS:
    globals()["sektoral_" + _name] = _transition_auth(_name)


def sektoral_bulk_transition(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever holds the position the step needs (for ``submit``: a
    producer of some OPD), decided before any dataset or cycle is read; the
    action then checks the single-item auth of the step for every dataset
    (one refusal refuses the batch)."""
    user = context.get("user")
    chain = sk_config.approval_chain()
    name = str((data_dict or {}).get("transition") or "")
    table = stages.transitions(chain)
    if not user or permissions.user_object(user) is None:
        return _result(False, tk._("You must be logged in"))
    if permissions.is_sysadmin(user):
        return {"success": True}
    if name not in table:
        # the schema names the unknown transition; nobody holds it
        return _result(False, tk._("Unknown transition: %(name)s")
                       % {"name": name})
    transition = table[name]
    actor = stages.Actor(name=user, positions=permissions.positions_of(user),
                         producer=permissions.is_some_producer(user))
    if stages.may_ever(actor, transition, chain):
        return {"success": True}
    stage = sorted(transition.sources, key=list(Stage).index)[0]
    return _result(False, tk._("Only %(who)s may %(action)s.") % {
        "who": stages.who_may(transition, stage, chain, tk._),
        "action": tk._(transition.label)})


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_show(next_auth: Any, context: Context,
                 data_dict: DataDict) -> AuthResult:
    """Core rule, plus: the Walidata (and the Pembina Data) may read every
    OPD's unpublished items."""
    result = next_auth(context, data_dict)
    if result.get("success"):
        return result
    pkg = _package(context, data_dict)
    if (pkg is not None and permissions.may_read_all_items(context.get("user"))
            and service.get_item(pkg.id) is not None):
        return {"success": True}
    return result


@tk.chained_auth_function
def package_update(next_auth: Any, context: Context,
                   data_dict: DataDict) -> AuthResult:
    """Core rule, plus the SOP's locks: an OPD cannot edit its item once
    submitted, until the Kasie returns it; Walidata staff may edit items
    (they process them in step 3)."""
    pkg = _package(context, data_dict)
    item = service.get_item(pkg.id) if pkg is not None else None
    if item is None:
        return next_auth(context, data_dict)
    user = context.get("user")
    # a statistic released through a later cycle's submission while its
    # own item stayed at an editable stage is public all the same
    if Stage(item.stage) in AFTER_PUBLICATION or (
            Stage(item.stage) in OPD_EDITABLE and not item.is_submission
            and releases.has_release(pkg.id)):
        # corrected only through a logged revision (sektoral_reopen)
        return {"success": False, "msg": tk._(
            "This dataset is published: reopen it for revision to correct "
            "it.")}
    if permissions.is_walidata(user, Position.STAF):
        return {"success": True}
    if Stage(item.stage) not in OPD_EDITABLE:
        return {"success": False, "msg": tk._(
            "This dataset is at stage \"%(stage)s\": the OPD can edit it "
            "again only if the Walidata returns it.") % {
                "stage": tk._(Stage(item.stage).label)}}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def package_delete(next_auth: Any, context: Context,
                   data_dict: DataDict) -> AuthResult:
    """Core rule, plus: an item of a cycle is deleted only by Walidata
    staff, and only while it is planned (removed from the data list before
    its request is sent); a published item is withdrawn with a public
    notice (``sektoral_withdraw``), never deleted. OPD producers never
    delete their items."""
    pkg = _package(context, data_dict)
    item = service.get_item(pkg.id) if pkg is not None else None
    if item is None:
        return next_auth(context, data_dict)
    if (Stage(item.stage) == Stage.PLANNED
            and permissions.is_walidata(context.get("user"), Position.STAF)):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "An item of a cycle is removed only by Walidata staff before its "
        "request is sent; a published dataset is withdrawn with a notice.")}


def _package(context: Context, data_dict: DataDict) -> Any:
    from ckan import model

    pkg = context.get("package")
    if pkg is None:
        pkg = model.Package.get((data_dict or {}).get("id") or "")
    return pkg
