"""Auth functions of the insight area (public pages, OPD performance)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.sektoral.logic import authz, permissions

__all__: list[str] = [
    "sektoral_performance",
    "sektoral_chart_data",
    "sektoral_public_cycle_list",
    "sektoral_public_cycle_show",
]


def sektoral_performance(context: Context, data_dict: DataDict) -> AuthResult:
    """Walidata positions only (staf, kasie, kabid, kadis; sysadmins pass
    before this runs)."""
    if permissions.is_walidata(context.get("user")):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only the Walidata may see the OPD performance")}


@tk.auth_allow_anonymous_access
def sektoral_chart_data(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may read the dataset (the public: published datasets)."""
    return authz.dataset_reader(context, data_dict)


@tk.auth_allow_anonymous_access
def sektoral_public_cycle_list(context: Context,
                               data_dict: DataDict) -> AuthResult:
    """Everyone: only what was published is listed."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def sektoral_public_cycle_show(context: Context,
                               data_dict: DataDict) -> AuthResult:
    """Everyone: only what was published is shown."""
    return {"success": True}
