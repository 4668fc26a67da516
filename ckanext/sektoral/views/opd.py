"""Pages of the OPD producers: the inbox ("Permintaan Data") and the item
page with the completeness checklist and the Submit form.

The pages read through actions (``sektoral_inbox``, ``package_show``,
``sektoral_completeness``, ``sektoral_history``) and change state only by
POSTing (CSRF-protected) to ``sektoral_submit``. The metadata form
(scheming) and the upload form (CKAN's resource form) are CKAN's own: the
item page links to them.
"""
from __future__ import annotations

from typing import Any, Optional, Union

from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckan.common import current_user, request

from ckanext.sektoral.core import stages

blueprint = Blueprint("sektoral_opd", __name__)

#: Errors of one file shown inline (the full report is one click away).
MAX_INLINE_ERRORS = 5
#: Stages from which the OPD submits.
SUBMITTABLE = tuple(s.value for s in stages.ordered(stages.SUBMITTABLE))


def _context() -> dict[str, Any]:
    return {"user": current_user.name, "auth_user_obj": current_user}


def _login_redirect() -> Any:
    tk.h.flash_error(tk._("Please log in to see the data requests of your OPD."))
    return tk.h.redirect_to("user.login", came_from=request.full_path)


# -- inbox ------------------------------------------------------------------------

def _filters() -> tuple[dict[str, Any], dict[str, str]]:
    """Action filters and the raw values (to refill the filter form)."""
    raw = {key: (request.args.get(key) or "").strip()
           for key in ("cycle", "stage", "late", "organization")}
    data: dict[str, Any] = {}
    for key in ("cycle", "stage", "organization"):
        if raw[key]:
            data[key] = raw[key]
    if raw["late"] in ("true", "false"):
        data["late"] = raw["late"]
    return data, raw


def inbox() -> Union[str, Any]:
    if current_user.is_anonymous:
        return _login_redirect()
    data, raw = _filters()
    errors: dict[str, Any] = {}
    try:
        result = tk.get_action("sektoral_inbox")(_context(), data)
    except tk.NotAuthorized as err:
        return tk.abort(403, str(err) or tk._("Not authorized to see this page"))
    except tk.ValidationError as err:
        errors = _labelled(err.error_dict)
        for key in err.error_dict:
            data.pop(key, None)
            raw[key] = ""
        result = tk.get_action("sektoral_inbox")(_context(), data)
    return tk.render("sektoral/opd/inbox.html", {
        "result": result,
        "filters": raw,
        "errors": errors,
        "stage_choices": [s.value for s in stages.REQUESTED_ONWARDS],
    })


# -- item page ----------------------------------------------------------------------

def _validation_details(resource: dict[str, Any]) -> dict[str, Any]:
    """ckanext-validation's record of one resource: its first problems,
    explained in the language of the page (the full report is a link)."""
    try:
        record = tk.get_action("resource_validation_show")(
            _context(), {"resource_id": resource["id"]})
    except (tk.ObjectNotFound, tk.NotAuthorized, KeyError):
        return {"errors": [], "finished": None}
    lines = tk.h.sektoral_validation_problems(record, resource, per_kind=2)
    return {"errors": [line["text"] for line in lines[:MAX_INLINE_ERRORS]],
            "finished": record.get("finished")}


def _files(pkg: dict[str, Any], report: dict[str, Any]) -> list[dict[str, Any]]:
    """Data files of the item with their validation summary."""
    checks = {r["id"]: r for r in report.get("resources") or []}
    files = []
    for res in pkg.get("resources") or []:
        check = checks.get(res["id"])
        entry = {"resource": res, "check": check, "errors": [],
                 "finished": None}
        if check is not None and check["validation_status"] in (
                "failure", "error", "success"):
            entry.update(_validation_details(res))
        files.append(entry)
    return files


def _file_reason(check: dict[str, Any]) -> Optional[str]:
    name = check["name"] or check["id"]
    status = check["validation_status"]
    if not check["has_schema"]:
        return tk._("%(file)s: the data file has no Table Schema") % {
            "file": name}
    if status == "pending":
        return tk._("%(file)s: validation is still running; reload the "
                    "page in a moment") % {"file": name}
    if status == "failure":
        count = check.get("error_count") or 0
        # ungettext formats with its keyword arguments (and ``num``)
        return tk.ungettext(
            "%(file)s: validation found %(num)s error; correct the file "
            "and upload it again",
            "%(file)s: validation found %(num)s errors; correct the file "
            "and upload it again", count, file=name)
    if status == "error":
        return tk._("%(file)s: the file could not be validated (wrong "
                    "format or unreadable)") % {"file": name}
    if status != "success":
        return tk._("%(file)s: not validated yet") % {"file": name}
    return None


def blocking_reasons(pkg: dict[str, Any], report: dict[str, Any],
                     may_submit: bool) -> list[str]:
    """Why the Submit button is disabled (empty: it is enabled)."""
    reasons = []
    stage = pkg["sektoral"]["stage"]
    if stage not in SUBMITTABLE:
        reasons.append(tk._(
            "The item is at stage \"%(stage)s\": it can be submitted only "
            "when it is requested or returned.") % {
                "stage": tk.h.sektoral_stage_label(stage)})
    elif not may_submit:
        reasons.append(tk._("Only the editors and admins of the producing "
                            "OPD can submit this item."))
    missing = [f["label"] for f in report.get("fields") or []
               if not f["present"]]
    if missing:
        reasons.append(tk._("Fill in the metadata: %(fields)s") % {
            "fields": ", ".join(missing)})
    if report.get("requires_data") and not report.get("has_data_resource"):
        reasons.append(tk._("Upload at least one data file."))
    for check in report.get("resources") or []:
        reason = _file_reason(check)
        if reason:
            reasons.append(reason)
    return reasons


def _allowed(context: dict[str, Any], action: str, data: dict[str, Any]) -> bool:
    try:
        tk.check_access(action, dict(context), data)
    except tk.NotAuthorized:
        return False
    return True


def _labelled(error_dict: dict[str, Any]) -> dict[str, Any]:
    """A ValidationError's messages with field names the user can read."""
    labels = {
        "completeness": tk._("Completeness"),
        "stage": tk._("Stage"),
        "version": tk._("Version"),
        "note": tk._("Note"),
        "cycle": tk._("Cycle"),
        "organization": tk._("OPD"),
        "late": tk._("Late"),
        "id": tk._("Dataset"),
    }
    out: dict[str, Any] = {}
    for key, messages in error_dict.items():
        if key == "report" or not messages:
            continue
        if isinstance(messages, dict):
            messages = [str(v) for v in messages.values()]
        out[labels.get(key, key)] = messages
    return out


def _item_page(package_id: str, note: str = "",
               errors: Optional[dict[str, Any]] = None,
               status: int = 200) -> Any:
    context = _context()
    try:
        pkg = tk.get_action("package_show")(dict(context), {"id": package_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    if not pkg.get("sektoral"):
        return tk.abort(404, tk._(
            "This dataset is not an item of a cycle's data list"))
    if not _allowed(context, "sektoral_inbox",
                    {"organization": pkg["owner_org"]}):
        return tk.abort(403, tk._(
            "You may only see the requests of your own OPD"))
    report = tk.get_action("sektoral_completeness")(
        dict(context), {"id": pkg["id"]})
    history = tk.get_action("sektoral_history")(dict(context), {"id": pkg["id"]})
    may_submit = _allowed(context, "sektoral_submit", {"id": pkg["id"]})
    reasons = blocking_reasons(pkg, report, may_submit)
    may_edit = _allowed(context, "package_update", {"id": pkg["id"]})
    extra = {
        "pkg": pkg,
        "pkg_dict": pkg,
        "info": pkg["sektoral"],
        "report": report,
        "files": _files(pkg, report),
        "history": list(reversed(history)),
        "return_notes": [h for h in reversed(history)
                         if h["transition"] == "return"],
        "reasons": reasons,
        "may_edit": may_edit,
        "may_submit": not reasons,
        "note": note,
        "errors": errors or {},
    }
    return tk.render("sektoral/opd/item.html", extra), status


def item(package_id: str) -> Any:
    if current_user.is_anonymous:
        return _login_redirect()
    if request.method != "POST":
        return _item_page(package_id)
    note = request.form.get("note", "")
    data = {"id": package_id, "note": note}
    if request.form.get("version"):
        data["version"] = request.form["version"]
    try:
        tk.get_action("sektoral_submit")(_context(), data)
    except tk.NotAuthorized as err:
        return _item_page(package_id, note, {
            tk._("Permission"): [str(err) or tk._(
                "You may not do this at the dataset's current stage")]}, 403)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.ValidationError as err:
        return _item_page(package_id, note, _labelled(err.error_dict), 409)
    tk.h.flash_success(tk._(
        "Submitted to the Walidata. The Kasie will validate it; you will "
        "be notified if it is returned."))
    return tk.h.redirect_to("sektoral_opd.item", package_id=package_id)


def validation(package_id: str, resource_id: str) -> Any:
    """The validation report of one data file of an item, for everyone
    who may read the item (producer, Walidata, Pembina)."""
    if current_user.is_anonymous:
        return _login_redirect()
    context = _context()
    try:
        pkg = tk.get_action("package_show")(dict(context), {"id": package_id})
        resource = next(r for r in pkg.get("resources") or []
                        if r["id"] == resource_id)
        record = tk.get_action("resource_validation_show")(
            dict(context), {"resource_id": resource_id})
    except (tk.ObjectNotFound, StopIteration):
        return tk.abort(404, tk._("No validation report exists for this "
                                  "file"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    return tk.render("sektoral/opd/validation.html", {
        "validation": record, "resource": resource, "dataset": pkg,
        "pkg_dict": pkg, "pkg": pkg})


blueprint.add_url_rule("/sektoral/inbox", "inbox", inbox, methods=["GET"])
blueprint.add_url_rule("/sektoral/inbox/<package_id>", "item", item,
                       methods=["GET", "POST"])
blueprint.add_url_rule("/sektoral/inbox/<package_id>/validation/<resource_id>",
                       "validation", validation, methods=["GET"])
