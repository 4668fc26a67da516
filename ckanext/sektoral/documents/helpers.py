"""Template helpers of the documents area.

The decisions (who sees what) live here; the snippets only show them.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sektoral.core.stages import Position
from ckanext.sektoral.documents import letter as letter_mod
from ckanext.sektoral.documents import store, templates
from ckanext.sektoral.logic import permissions
from ckanext.sektoral.model import Item

__all__: list[str] = [
    "sektoral_letter_url",
    "sektoral_template_url",
    "sektoral_dataset_analysis",
    "sektoral_cycle_documents",
    "sektoral_item_documents",
    "sektoral_analysis_flag_text",
    "sektoral_region_label",
]


def _user() -> Optional[str]:
    try:
        return tk.current_user.name if tk.current_user.is_authenticated \
            else None
    except Exception:
        return None


def _context() -> dict[str, Any]:
    return {"user": _user()}


def sektoral_letter_url(cycle_id: str, org_name: str,
                        fmt: str = "pdf") -> Optional[str]:
    """URL of the OPD's request letter of a cycle if it exists and the
    current user may download it, else None."""
    try:
        letters = tk.get_action("sektoral_letter_list")(
            _context(), {"cycle": cycle_id, "organization": org_name})
    except (tk.NotAuthorized, tk.ValidationError, tk.ObjectNotFound):
        return None
    for letter in letters:
        if fmt in letter["urls"]:
            return letter["urls"][fmt]
    return None


def sektoral_template_url(package_id: str) -> Optional[str]:
    """URL of the Excel data-entry template of an item (None when the item
    has no Table Schema or the user may not read it)."""
    try:
        pkg = tk.get_action("package_show")(_context(), {"id": package_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    if templates.schema_for(pkg) is None:
        return None
    return tk.url_for("sektoral_documents.item_template", id=pkg["name"])


def sektoral_dataset_analysis(pkg: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The dataset's analysis for the Walidata (None for anyone else, or
    when the dataset is not an item). ``{"analysis": dict | None,
    "may_run": bool}``."""
    user = _user()
    if not permissions.may_read_all_items(user):
        return None
    try:
        analysis = tk.get_action("sektoral_analysis_show")(
            _context(), {"id": pkg["id"]})
    except (tk.NotAuthorized, tk.ValidationError, tk.ObjectNotFound):
        return None
    return {"analysis": analysis,
            "may_run": permissions.is_walidata(user, Position.STAF)}


def sektoral_cycle_documents(cycle: dict[str, Any]) -> Optional[dict[str, Any]]:
    """Letters, compilations and report versions of a cycle for the
    current user (None if the user may not see them)."""
    user = _user()
    if not permissions.may_read_all_items(user):
        return None
    context = _context()
    data = {"cycle": cycle["id"]}
    try:
        letters = tk.get_action("sektoral_letter_list")(context, dict(data))
        compilations = tk.get_action("sektoral_compilation_list")(
            context, dict(data))
        report = tk.get_action("sektoral_report_list")(context, dict(data))
    except (tk.NotAuthorized, tk.ValidationError, tk.ObjectNotFound):
        return None
    with_letter = {x["owner_org"] for x in letters}
    missing = []
    for org_id in letter_mod.letter_orgs(cycle["id"]):
        if org_id not in with_letter:
            org = model.Group.get(org_id)
            missing.append({"id": org_id, "name": org.name if org else org_id,
                            "title": org.title if org else org_id})
    return {
        "letters": letters, "orgs_without_letter": missing,
        "compilations": compilations[:5], "report": report,
        "may_generate": permissions.is_walidata(user, Position.STAF),
    }


def sektoral_item_documents(pkg: dict[str, Any]) -> Optional[dict[str, Any]]:
    """Letter and Excel template links of an item for the current user."""
    item = model.Session.get(Item, pkg.get("id"))
    if item is None:
        return None
    org = pkg.get("organization") or {}
    return {
        "letter_pdf": sektoral_letter_url(item.cycle_id, org.get("name", ""),
                                          "pdf"),
        "letter_docx": sektoral_letter_url(item.cycle_id,
                                           org.get("name", ""), "docx"),
        "template": sektoral_template_url(pkg["id"]),
    }


def sektoral_analysis_flag_text(flag: dict[str, Any]) -> str:
    """A stored analysis flag in the UI language."""
    try:
        return tk._(flag["message"]) % (flag.get("params") or {})
    except (KeyError, TypeError, ValueError):
        return str(flag.get("message", ""))


def sektoral_region_label(code: Any) -> str:
    """Name of a region by its Kemendagri or BPS code."""
    return store.region_label(code)
