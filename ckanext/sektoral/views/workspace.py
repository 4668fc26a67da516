"""Walidata pages: workspace, cycle pages, planning, review queue,
approval inbox.

Every page checks access through the auth function of the action it
shows; every state change is a CSRF-protected POST that calls an action.
A failed POST re-renders its page with the error (translated, naming the
field or dataset) and what was typed.
"""
from __future__ import annotations

import io
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any, Optional

from flask import Blueprint, Response
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk

from ckanext.sektoral.logic import pages, permissions, service
from ckanext.sektoral.views.common import (
    context as _context, may as _may, require as _require)
from ckanext.sektoral.core import datalist, tables
from ckanext.sektoral.documents import store
from ckanext.sektoral.core.stages import Stage
from ckanext.sektoral import lang as sektoral_lang

blueprint = Blueprint("sektoral_workspace", __name__, url_prefix="/sektoral")

#: Origins a transition form may come from (the page re-rendered on error).
ORIGINS = ("cycle", "review", "approval")

#: Rows per page of the data list and of the review queue.
PAGE_SIZE = {"cycle": 100, "review": 25}


def _paginate(rows: list[Any], kind: str) -> tuple[list[Any], dict[str, Any]]:
    """One page of ``rows`` (``?page=N``) and what the pager shows."""
    size = PAGE_SIZE[kind]
    try:
        number = max(1, int(tk.request.args.get("page", 1)))
    except ValueError:
        number = 1
    pages_total = max(1, -(-len(rows) // size))
    number = min(number, pages_total)
    start = (number - 1) * size
    args = {k: v for k, v in tk.request.args.items() if k != "page"}
    return rows[start:start + size], {
        "page": number, "pages": pages_total, "total": len(rows),
        "first": start + 1 if rows else 0,
        "last": min(start + size, len(rows)), "args": args,
    }


# -- helpers --------------------------------------------------------------------

def _lang() -> str:
    return sektoral_lang.current()


def _cycle_or_404(code: str) -> Any:
    try:
        return service.get_cycle(code)
    except tk.ObjectNotFound:
        tk.abort(404, tk._("Cycle not found"))


def _stage_labels() -> dict[str, str]:
    """Translated stage labels, once per page rather than once per row."""
    return {s.value: tk._(s.label) for s in Stage}


def _error_summary(error: Exception) -> dict[str, list[str]]:
    """Field -> messages of an action error, for the page's error box."""
    if isinstance(error, tk.ValidationError):
        out: dict[str, list[str]] = {}
        labels = {"ids": tk._("Datasets"), "note": tk._("Note"),
                  "stage": tk._("Stage"), "dataset": tk._("Dataset"),
                  "transition": tk._("Step"), "version": tk._("Stage"),
                  "completeness": tk._("Completeness"),
                  "code": tk._("Code"), "title": tk._("Title"),
                  "start_date": tk._("Start date"),
                  "owner_org": tk._("OPD"), "template": tk._("Template"),
                  "upload": tk._("File"), "cycle": tk._("Cycle"),
                  "from_cycle": tk._("Start from the data list of"),
                  "statistic": tk._("Statistic")}
        for field, messages in (error.error_dict or {}).items():
            if field in ("report", "rows"):
                continue
            if isinstance(messages, dict):
                messages = [f"{k}: {v}" for k, v in messages.items()]
            elif not isinstance(messages, list):
                messages = [str(messages)]
            out[labels.get(field, field)] = [str(m) for m in messages]
        return out
    return {"": [str(getattr(error, "message", "") or error)]}


# -- workspace ------------------------------------------------------------------

@blueprint.route("/workspace")
def index() -> str:
    """Landing page of the Walidata: open cycles at a glance."""
    _require("sektoral_cycle_status", {"id": ""})
    cycles = pages.open_cycles()
    return tk.render("sektoral/workspace/index.html", {
        "overview": pages.cycle_overview(cycles),
        "stages": [s.value for s in Stage],
        "may_create": _may("sektoral_cycle_create"),
        "positions": sorted(p.value for p in
                            permissions.positions_of(tk.g.user)),
    })


@blueprint.route("/cycle/new", methods=["GET", "POST"])
def cycle_new() -> Any:
    _require("sektoral_cycle_create")
    cycles = tk.get_action("sektoral_cycle_list")(_context(), {})
    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        data = {k: form.get(k, "").strip() for k in
                ("code", "title", "start_date", "notes", "from_cycle")}
        try:
            cycle = tk.get_action("sektoral_cycle_create")(
                _context(), {k: v for k, v in data.items()
                             if v or k != "from_cycle"})
        except tk.ValidationError as error:
            errors = _error_summary(error)
        else:
            if data["from_cycle"]:
                tk.h.flash_success(tk._(
                    "Cycle %(code)s created: %(n)s statistics carried over "
                    "from %(from)s. Remove or add items before sending the "
                    "requests.") % {"code": cycle["code"],
                                    "n": len(cycle["carried_over"]),
                                    "from": data["from_cycle"]})
            else:
                tk.h.flash_success(tk._("Cycle %(code)s created.")
                                   % {"code": cycle["code"]})
            return tk.redirect_to("sektoral_workspace.cycle",
                                  code=cycle["code"])
    return tk.render("sektoral/workspace/cycle_new.html",
                     {"data": data, "errors": errors, "cycles": cycles})


@blueprint.route("/cycle/<code>")
def cycle(code: str, errors: Optional[dict[str, list[str]]] = None,
          form: Optional[dict[str, Any]] = None) -> str:
    """A cycle: step deadlines, counts, the data list and what the viewer
    may do next."""
    cycle_obj = _cycle_or_404(code)
    _require("sektoral_cycle_status", {"id": cycle_obj.id})
    args = tk.request.args
    filters = {"org": args.get("org") or None,
               "stage": args.get("stage") or None,
               "late": args.get("late") or None}
    late = {"1": True, "0": False}.get(filters["late"] or "")
    rows = pages.item_rows(
        cycle_obj, tk.g.user, org=filters["org"],
        stage_filter=[filters["stage"]] if filters["stage"] else None,
        late=late)
    overview = pages.cycle_overview([cycle_obj])[0]
    offered = [name for name in pages.PAGE_TRANSITIONS
               if any(name in row["allowed"] for row in rows)]
    orgs = pages.cycle_orgs(cycle_obj)
    shown, pager = _paginate(rows, "cycle")
    return tk.render("sektoral/workspace/cycle.html", {
        "cycle": overview["cycle"], "overview": overview, "rows": shown,
        "pager": pager, "stage_labels": _stage_labels(),
        "filters": filters, "orgs": orgs, "stages": [s.value for s in Stage],
        "offered": offered, "errors": errors or {}, "form": form or {},
        "may_plan": _may("sektoral_item_create"),
        "may_request": "request" in offered,
        "may_publish": _may("sektoral_cycle_publish", {"cycle": cycle_obj.id}),
    })


@blueprint.route("/cycle/<code>/transition", methods=["POST"])
def transition(code: str) -> Any:
    """Apply one step to the ticked datasets (or to the whole cycle)."""
    cycle_obj = _cycle_or_404(code)
    form = tk.request.form
    origin = form.get("origin") if form.get("origin") in ORIGINS else "cycle"
    data: dict[str, Any] = {"transition": form.get("transition", ""),
                            "note": form.get("note", "").strip()}
    ids = form.getlist("ids")
    if form.get("scope") == "cycle":
        data["cycle"] = cycle_obj.id
        data["stage"] = form.get("stage") or None
    else:
        data["ids"] = ids
    try:
        result = tk.get_action("sektoral_bulk_transition")(_context(), data)
    except (tk.ValidationError, tk.NotAuthorized, tk.ObjectNotFound) as error:
        kept = {"note": data["note"], "ids": ids,
                "transition": data["transition"]}
        errors = _error_summary(error)
        if origin == "review":
            return review(errors=errors, form=kept), 409
        if origin == "approval":
            return approval(errors=errors, form=kept), 409
        return cycle(code, errors=errors, form=kept), 409
    tk.h.flash_success(_done_message(data["transition"], result))
    if data["transition"] == "request":
        _letters(cycle_obj)
    if origin == "review":
        return tk.redirect_to("sektoral_workspace.review")
    if origin == "approval":
        return tk.redirect_to("sektoral_workspace.approval")
    return tk.redirect_to("sektoral_workspace.cycle", code=cycle_obj.code)


def _done_message(name: str, result: dict[str, Any]) -> str:
    """What a step did, in the user's words, with the stage the datasets
    are now at (a Kasie's return is not a move "to the next step")."""
    num = result["count"]
    done = {
        "request": tk.ungettext("%(num)s dataset requested from its OPD.",
                                "%(num)s datasets requested from their OPD.",
                                num),
        "submit": tk.ungettext("%(num)s dataset submitted to the Walidata.",
                               "%(num)s datasets submitted to the Walidata.",
                               num),
        "return": tk.ungettext(
            "%(num)s dataset returned to its OPD with your note.",
            "%(num)s datasets returned to their OPD with your note.", num),
        "accept": tk.ungettext("%(num)s dataset accepted (validated).",
                               "%(num)s datasets accepted (validated).", num),
        "process": tk.ungettext("%(num)s dataset marked as processed.",
                                "%(num)s datasets marked as processed.", num),
        "draft": tk.ungettext("%(num)s dataset placed in the draft report.",
                              "%(num)s datasets placed in the draft report.",
                              num),
        "check": tk.ungettext(
            "%(num)s dataset checked and sent for approval.",
            "%(num)s datasets checked and sent for approval.", num),
        "approve": tk.ungettext("%(num)s dataset approved.",
                                "%(num)s datasets approved.", num),
        "return_report": tk.ungettext(
            "%(num)s dataset returned to the Walidata staff for revision "
            "of the report.",
            "%(num)s datasets returned to the Walidata staff for revision "
            "of the report.", num),
        "publish": tk.ungettext("%(num)s dataset published.",
                                "%(num)s datasets published.", num),
    }.get(name) or tk.ungettext("%(num)s dataset moved.",
                                "%(num)s datasets moved.", num)
    message = done % {"num": num}
    to_stage = {row.get("to_stage") for row in result.get("results") or []}
    if len(to_stage) == 1:
        stage = Stage(to_stage.pop())
        message += " " + tk._('Now at stage "%(stage)s".') % {
            "stage": tk._(stage.label)}
    return message


def _letters(cycle_obj: Any) -> None:
    """Requests sent: (re)generate the cycle's request letters, so that
    each OPD's letter lists what was just requested from it."""
    try:
        tk.get_action("sektoral_letters_generate")(
            _context(), {"cycle": cycle_obj.id})
    except (tk.ValidationError, tk.NotAuthorized) as error:
        tk.h.flash_error(tk._("The request letters could not be generated: "
                              "%(error)s") % {"error": error})
    else:
        tk.h.flash_notice(tk._("The request letters are ready under "
                               "Documents."))


# -- planning ---------------------------------------------------------------------

def _org_choices() -> list[dict[str, str]]:
    orgs = tk.get_action("organization_list")(
        {"ignore_auth": True}, {"all_fields": True, "limit": 1000})
    return sorted(({"value": o["name"], "text": o["title"] or o["name"]}
                   for o in orgs), key=lambda o: o["text"])


@blueprint.route("/cycle/<code>/items/new", methods=["GET", "POST"])
def item_new(code: str) -> Any:
    cycle_obj = _cycle_or_404(code)
    _require("sektoral_item_create", {"cycle": cycle_obj.id})
    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        data = {k: form.get(k, "").strip() for k in
                ("title", "owner_org", "template", "satuan", "notes")}
        payload = {k: v for k, v in data.items() if v}
        payload["cycle"] = cycle_obj.id
        try:
            item = tk.get_action("sektoral_item_create")(_context(), payload)
        except tk.ValidationError as error:
            errors = _error_summary(error)
        else:
            tk.h.flash_success(tk._("Added to the data list: %(title)s")
                               % {"title": item["title"]})
            if form.get("again"):
                return tk.redirect_to("sektoral_workspace.item_new",
                                      code=cycle_obj.code)
            return tk.redirect_to("sektoral_workspace.cycle",
                                  code=cycle_obj.code)
    return tk.render("sektoral/workspace/item_new.html", {
        "cycle": service.cycle_dict(cycle_obj), "data": data,
        "errors": errors, "orgs": _org_choices(),
        "templates": tables.template_names()})


def _stash_dir() -> Path:
    base = tk.config.get("ckan.storage_path") or tempfile.gettempdir()
    path = Path(base) / "sektoral" / "import-preview"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stash(content: bytes, filename: str) -> str:
    token = secrets.token_urlsafe(16)
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        suffix = ".bin"
    (_stash_dir() / f"{token}{suffix}").write_bytes(content)
    return f"{token}{suffix}"


def _unstash(token: str) -> Optional[tuple[bytes, str]]:
    name = os.path.basename(token or "")
    path = _stash_dir() / name
    if not name or not path.is_file():
        return None
    return path.read_bytes(), name


@blueprint.route("/cycle/<code>/import", methods=["GET", "POST"])
def datalist_import(code: str) -> Any:
    """Import a data list: upload, preview with row errors, confirm."""
    cycle_obj = _cycle_or_404(code)
    _require("sektoral_datalist_import", {"cycle": cycle_obj.id})
    extra: dict[str, Any] = {"preview": None, "rows": [], "errors": {},
                             "token": "", "filename": ""}
    if tk.request.method == "POST":
        form = tk.request.form
        confirm = bool(form.get("confirm"))
        if confirm:
            stashed = _unstash(form.get("token", ""))
            filename = form.get("filename", "")
            if stashed is None:
                extra["errors"] = {tk._("File"): [tk._(
                    "The previewed file has expired; upload it again.")]}
                return tk.render("sektoral/workspace/import.html", dict(
                    extra, cycle=service.cycle_dict(cycle_obj))), 409
            content = stashed[0]
        else:
            upload = tk.request.files.get("upload")
            if upload is None or not upload.filename:
                extra["errors"] = {tk._("File"): [tk._(
                    "Choose a CSV or XLSX file.")]}
                return tk.render("sektoral/workspace/import.html", dict(
                    extra, cycle=service.cycle_dict(cycle_obj))), 409
            filename = upload.filename
            content = upload.read()
        data = {"cycle": cycle_obj.id, "dry_run": not confirm,
                "upload": FileStorage(io.BytesIO(content), filename=filename)}
        try:
            result = tk.get_action("sektoral_datalist_import")(_context(), data)
        except tk.ValidationError as error:
            extra["errors"] = _error_summary(error)
            extra["rows"] = (error.error_dict or {}).get("rows", [])
            extra["filename"] = filename
            return tk.render("sektoral/workspace/import.html", dict(
                extra, cycle=service.cycle_dict(cycle_obj))), 409
        if confirm:
            tk.h.flash_success(tk.ungettext(
                "%(num)s item imported into the data list.",
                "%(num)s items imported into the data list.",
                len(result["created"])) % {"num": len(result["created"])})
            return tk.redirect_to("sektoral_workspace.cycle",
                                  code=cycle_obj.code)
        extra.update(preview=result, token=_stash(content, filename),
                     filename=filename)
    return tk.render("sektoral/workspace/import.html",
                     dict(extra, cycle=service.cycle_dict(cycle_obj)))


@blueprint.route("/import-template.<fmt>")
def import_template(fmt: str) -> Response:
    """The data-list import template (CSV or XLSX)."""
    _require("sektoral_datalist_import")
    if fmt == "csv":
        body, mimetype = datalist.template_csv(), "text/csv"
    elif fmt == "xlsx":
        titles = [o["text"] for o in _org_choices()]
        body = datalist.template_workbook(opd_names=titles)
        mimetype = ("application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet")
    else:
        tk.abort(404)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition":
            f'attachment; filename="templat-daftar-data.{fmt}"'})


# -- review and approval ------------------------------------------------------------

@blueprint.route("/review")
def review(errors: Optional[dict[str, list[str]]] = None,
           form: Optional[dict[str, Any]] = None) -> str:
    """Review queue of the Kasie: submitted datasets with their
    completeness and validation reports."""
    _require("sektoral_cycle_status", {"id": ""})
    rows = pages.queue(_context(), [Stage.SUBMITTED.value], _lang())
    shown, pager = _paginate(rows, "review")
    return tk.render("sektoral/workspace/review.html", {
        "rows": shown, "pager": pager, "stage_labels": _stage_labels(),
        "errors": errors or {}, "form": form or {},
        "complete_ids": [r["id"] for r in rows
                         if r["completeness"]["complete"]
                         and "accept" in r["allowed"]],
    })


@blueprint.route("/review/<package_id>")
def review_item(package_id: str) -> str:
    """One item under review: what it changes since its statistic's last
    release (``sektoral_submission_diff``), and the Kasie's steps."""
    _require("sektoral_cycle_status", {"id": ""})
    try:
        pkg = tk.get_action("package_show")(_context(), {"id": package_id})
        changes = tk.get_action("sektoral_submission_diff")(
            _context(), {"id": pkg["id"], "lang": _lang()})
    except (tk.ObjectNotFound, tk.ValidationError):
        tk.abort(404, tk._("Dataset not found"))
    data = changes["data"]
    for row in (data or {}).get("revised", []) + (data or {}).get(
            "removed", []):
        row["key_text"] = _key_text(row["key"])
    return tk.render("sektoral/workspace/review_item.html", {
        "pkg": pkg, "info": pkg["sektoral"], "changes": changes,
        "may_accept": _may("sektoral_accept", {"id": pkg["id"]}),
        "may_return": _may("sektoral_return", {"id": pkg["id"]}),
    })


def _key_text(key: dict[str, Any]) -> str:
    """A row's dimensions for people: a region code with its name
    (``Kota Ternate (8271)``), any other dimension with its field name."""
    parts = []
    for name, value in key.items():
        if name.startswith("kode_"):
            label = store.region_label(value)
            parts.append(f"{label} ({value})" if label != str(value)
                         else str(value))
        else:
            parts.append(f"{name}: {value}")
    return ", ".join(parts)


@blueprint.route("/approval")
def approval(errors: Optional[dict[str, list[str]]] = None,
             form: Optional[dict[str, Any]] = None) -> str:
    """Approval inbox of the Kabid and the Kadis: the draft report of each
    cycle awaiting them, with the datasets it covers."""
    _require("sektoral_cycle_status", {"id": ""})
    return tk.render("sektoral/workspace/approval.html", {
        "waiting": pages.approval_cycles(tk.g.user),
        "errors": errors or {}, "form": form or {},
    })
