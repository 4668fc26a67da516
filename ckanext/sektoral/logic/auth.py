"""Auth functions of ckanext-sektoral: one per action, same name."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__: list[str] = [
    "sektoral_completeness",
]


@tk.auth_allow_anonymous_access
def sektoral_completeness(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may ``package_show`` the dataset may see its completeness."""
    try:
        tk.check_access("package_show", context, {"id": data_dict.get("id")})
    except tk.NotAuthorized:
        return {"success": False,
                "msg": tk._("Not authorized to read this dataset")}
    return {"success": True}
