"""Pages: publication of a cycle, revision and withdrawal of a published
dataset, national portal push state (see views/__init__.py).

Every state change is a CSRF-protected POST calling an action; a failed
POST re-renders the page with the error and what was typed.
"""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint, request

import ckan.plugins.toolkit as tk

from ckanext.sektoral.publication import remote
from ckanext.sektoral.views.common import (
    context as _context, require as _check)

blueprint = Blueprint("sektoral_publication", __name__,
                      url_prefix="/sektoral")


def _errors(error: Exception) -> dict[str, list[str]]:
    if isinstance(error, tk.ValidationError):
        labels = {"cycle": tk._("Cycle"), "report": tk._("Report"),
                  "stage": tk._("Stage"), "note": tk._("Note"),
                  "organization": tk._("Organization"),
                  "portal": tk._("National portal"),
                  "version": tk._("Version")}
        return {labels.get(k, k): (v if isinstance(v, list) else [str(v)])
                for k, v in (error.error_dict or {}).items()}
    return {"": [str(getattr(error, "message", "") or error)]}


# -- publication of a cycle ------------------------------------------------------------

@blueprint.route("/cycle/<code>/publish", methods=["GET", "POST"])
def publish(code: str) -> Any:
    """Confirmation page (GET) and publication (POST) of a cycle."""
    data = {"id": code}
    _check("sektoral_publication_show", data)
    errors: Optional[dict[str, list[str]]] = None
    status = 200
    if request.method == "POST":
        try:
            tk.get_action("sektoral_cycle_publish")(
                _context(), {"id": code, "note": request.form.get("note", "")})
        except tk.NotAuthorized:
            tk.abort(403, tk._("You are not allowed to do this."))
        except tk.ObjectNotFound:
            tk.abort(404, tk._("Cycle not found"))
        except tk.ValidationError as error:
            errors, status = _errors(error), 400
        else:
            tk.h.flash_success(tk._("The cycle was published."))
            return tk.h.redirect_to("sektoral_publication.publish", code=code)
    try:
        preview = tk.get_action("sektoral_publication_show")(_context(), data)
    except tk.ObjectNotFound:
        tk.abort(404, tk._("Cycle not found"))
    may_publish = True
    try:
        tk.check_access("sektoral_cycle_publish", _context(), data)
    except tk.NotAuthorized:
        may_publish = False
    return tk.render("sektoral/publication/publish.html", {
        "preview": preview, "errors": errors or {},
        "note": request.form.get("note", ""), "may_publish": may_publish,
    }), status


# -- revision and withdrawal -------------------------------------------------------------

ACTIONS = {"reopen": "sektoral_reopen", "withdraw": "sektoral_withdraw"}


@blueprint.route("/dataset/<id>/<what>", methods=["GET", "POST"])
def after_publication(id: str, what: str) -> Any:
    """Reopen for revision / withdraw a published dataset, with a note."""
    if what not in ACTIONS:
        tk.abort(404)
    action = ACTIONS[what]
    _check(action, {"id": id})
    try:
        pkg = tk.get_action("package_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        tk.abort(404, tk._("Dataset not found"))
    errors: Optional[dict[str, list[str]]] = None
    status = 200
    if request.method == "POST":
        try:
            tk.get_action(action)(_context(), {
                "id": pkg["id"], "note": request.form.get("note", ""),
                "version": request.form.get("version") or None})
        except tk.NotAuthorized:
            tk.abort(403, tk._("You are not allowed to do this."))
        except tk.ValidationError as error:
            errors, status = _errors(error), 400
        else:
            tk.h.flash_success(
                tk._("The dataset was reopened for revision.")
                if what == "reopen" else tk._("The dataset was withdrawn."))
            return tk.h.redirect_to("dataset.read", id=pkg["name"])
    return tk.render("sektoral/publication/after_publication.html", {
        "pkg": pkg, "what": what, "errors": errors or {},
        "note": request.form.get("note", ""),
    }), status


# -- national portal -----------------------------------------------------------------------

@blueprint.route("/cycle/<code>/portal", methods=["GET", "POST"])
def portal(code: str) -> Any:
    """Push state of a cycle on the national portal; push again (POST)."""
    data = {"cycle": code}
    _check("sektoral_push_status", data)
    errors: Optional[dict[str, list[str]]] = None
    status = 200
    if request.method == "POST":
        try:
            result = tk.get_action("sektoral_push")(_context(), data)
        except tk.NotAuthorized:
            tk.abort(403, tk._("You are not allowed to do this."))
        except tk.ValidationError as error:
            errors, status = _errors(error), 400
        else:
            tk.h.flash_success(tk._(
                "%(n)s datasets are queued for the national portal.")
                % {"n": len(result["queued"])})
            return tk.h.redirect_to("sektoral_publication.portal", code=code)
    try:
        rows = tk.get_action("sektoral_push_status")(_context(), data)
        cycle = tk.get_action("sektoral_cycle_show")(_context(), {"id": code})
    except tk.ObjectNotFound:
        tk.abort(404, tk._("Cycle not found"))
    may_push = True
    try:
        tk.check_access("sektoral_push", _context(), data)
    except tk.NotAuthorized:
        may_push = False
    return tk.render("sektoral/publication/portal.html", {
        "cycle": cycle, "rows": rows, "errors": errors or {},
        "may_push": may_push, "portal_url": remote.portal_config().url,
    }), status
