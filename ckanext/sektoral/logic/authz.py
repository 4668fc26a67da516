"""Building blocks of the auth functions of every area (logic, documents,
publication, ...): one definition of "staff only", "Walidata readers" and
"whoever may read the dataset"."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.sektoral.logic import permissions
from ckanext.sektoral.core.stages import Position


def result(allowed: bool, message: str) -> AuthResult:
    return {"success": True} if allowed else {"success": False, "msg": message}


def staff(context: Context) -> AuthResult:
    """Walidata staff (sysadmins pass before an auth function runs)."""
    return result(permissions.is_walidata(context.get("user"), Position.STAF),
                  tk._("Only Walidata staff may do this"))


def walidata_reader(context: Context) -> AuthResult:
    """Walidata positions and the Pembina Data."""
    return result(permissions.may_read_all_items(context.get("user")),
                  tk._("Only the Walidata may see this"))


def dataset_reader(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may ``package_show`` the dataset ``data_dict["id"]``."""
    try:
        tk.check_access("package_show", context, {"id": data_dict.get("id")})
    except tk.NotAuthorized:
        return {"success": False,
                "msg": tk._("Not authorized to read this dataset")}
    return {"success": True}
