"""Auth of the OPD inbox; collected by plugin.py (names in __all__)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthResult, Context, DataDict

from ckanext.sektoral.logic import authz, permissions

__all__: list[str] = ["sektoral_inbox", "sektoral_submission_diff"]


def sektoral_inbox(context: Context, data_dict: DataDict) -> AuthResult:
    """Any logged-in user sees the items of the OPD where they are editor
    or admin; only sysadmins, Walidata positions and the Pembina Data may
    name another ``organization``."""
    user = context.get("user")
    if permissions.user_object(user) is None:
        return {"success": False, "msg": tk._("You must be logged in")}
    org_ref = (data_dict or {}).get("organization")
    if not org_ref or permissions.may_read_all_items(user):
        return {"success": True}
    org = model.Group.get(org_ref)
    if org is not None and permissions.is_producer_of(user, org.id):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "You may only see the requests of your own OPD")}


@tk.auth_allow_anonymous_access
def sektoral_submission_diff(context: Context,
                             data_dict: DataDict) -> AuthResult:
    """Whoever may ``package_show`` the submission (its OPD, the Walidata,
    the Pembina Data); to the others it does not exist
    (``logic/existence.py``)."""
    return authz.dataset_reader(context, data_dict)
