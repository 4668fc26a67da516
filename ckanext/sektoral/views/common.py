"""What every page module needs: the action context of the request and
the access check that turns a refusal into a translated 403."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk


def context() -> dict[str, Any]:
    return {"user": tk.g.user}


def require(auth: str, data: Optional[dict[str, Any]] = None) -> None:
    """Abort with 403 (translated) unless ``auth`` allows the user."""
    try:
        tk.check_access(auth, context(), data or {})
    except tk.NotAuthorized:
        if not tk.g.user:
            tk.abort(403, tk._("Please log in to see this page."))
        tk.abort(403, tk._("You are not allowed to see this page."))


def may(auth: str, data: Optional[dict[str, Any]] = None) -> bool:
    try:
        tk.check_access(auth, context(), data or {})
        return True
    except tk.NotAuthorized:
        return False
