"""Template helpers of the OPD inbox; collected by plugin.py (``__all__``).

The decisions (who may see the workflow panel, what a transition or a
position is called) are made here; templates only show the result.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.sektoral import config
from ckanext.sektoral.core.stages import PRODUCER, Position, transitions
from ckanext.sektoral.inbox.queries import ACTIONABLE
from ckanext.sektoral.logic import permissions

__all__: list[str] = [
    "sektoral_workflow_panel",
    "sektoral_audit_transition_label",
    "sektoral_audit_position_label",
]


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user else ""}


def sektoral_audit_transition_label(name: str) -> str:
    """Translated name of an audit-log transition (``submit`` -> "Kirim")."""
    if name == "create":
        return tk._("Listed in the data list")
    rule = transitions(config.approval_chain()).get(name)
    return tk._(rule.label) if rule is not None else name


def sektoral_audit_position_label(position: str) -> str:
    """Translated capacity recorded in the audit log."""
    if position == PRODUCER:
        return tk._("Data producer (OPD)")
    if position == "sysadmin":
        return tk._("Portal administrator")
    try:
        return tk._(Position(position).label)
    except ValueError:
        return position


def sektoral_workflow_panel(pkg: dict[str, Any]) -> Optional[dict[str, Any]]:
    """What the dataset page shows of the workflow, or None.

    None when the dataset is no item of a cycle or the user may not call
    ``sektoral_history`` on it. Otherwise ``{"info": the package's
    ``sektoral`` status, "history": audit log (newest first), "item_url":
    the inbox item page when its OPD has to act on it (requested or
    returned) and the user is one of its producers}``.
    """
    info = (pkg or {}).get("sektoral")
    if not info:
        return None
    context = _context()
    try:
        tk.check_access("sektoral_history", context, {"id": pkg["id"]})
        history = tk.get_action("sektoral_history")(context, {"id": pkg["id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    item_url = None
    if info.get("stage") in ACTIONABLE and permissions.is_producer_of(
            context["user"], pkg.get("owner_org")):
        item_url = tk.h.url_for("sektoral_opd.item", package_id=pkg["name"])
    return {"info": info, "history": list(reversed(history)),
            "item_url": item_url}
