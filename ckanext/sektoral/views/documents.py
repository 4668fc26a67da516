"""Pages: documents (letters, Excel templates, compilation, report).

Downloads check access through the auth function of the action that
lists the document; every generation is a CSRF-protected POST calling an
action. A failed POST re-renders the cycle's documents page with the
error and what was typed.
"""
from __future__ import annotations

import os
from typing import Any, Optional

from flask import Blueprint, request, send_file

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sektoral.documents import store, templates
from ckanext.sektoral.model.documents import Document, ReportVersion
from ckanext.sektoral.views.common import (
    context as _context, require as _check)

blueprint = Blueprint("sektoral_documents", __name__, url_prefix="/sektoral")

MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument."
            "wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument."
            "spreadsheetml.sheet",
    "zip": "application/zip",
    "html": "text/html; charset=utf-8",
}
ACTIONS = {"letters": "sektoral_letters_generate",
           "compilation": "sektoral_compilation_generate",
           "report": "sektoral_report_generate",
           "narrative": "sektoral_report_narrative_update"}


def _cycle_or_404(code: str) -> Any:
    try:
        return store.get_cycle(code)
    except tk.ObjectNotFound:
        tk.abort(404, tk._("Cycle not found"))


def _send(relpath: Optional[str], download_name: str, fmt: str) -> Any:
    if not relpath:
        return tk.abort(404, tk._("Document not found"))
    path = store.abspath(relpath)
    if not os.path.exists(path):
        tk.abort(404, tk._("Document not found"))
    return send_file(path, mimetype=MIMETYPES.get(fmt),
                     as_attachment=fmt != "html",
                     download_name=download_name)


def _errors(error: Exception) -> dict[str, list[str]]:
    if isinstance(error, tk.ValidationError):
        labels = {"cycle": tk._("Cycle"), "organization": tk._("OPD"),
                  "chapter": tk._("Chapter"), "text": tk._("Narrative")}
        return {labels.get(k, k): (v if isinstance(v, list) else [str(v)])
                for k, v in (error.error_dict or {}).items()}
    return {"": [str(getattr(error, "message", "") or error)]}


# -- cycle documents page -----------------------------------------------------------

@blueprint.route("/cycle/<code>/documents")
def cycle_documents(code: str, errors: Optional[dict[str, list[str]]] = None,
                    form: Optional[dict[str, Any]] = None,
                    status: int = 200) -> Any:
    """Letters, compilation and report versions of a cycle."""
    cycle = _cycle_or_404(code)
    _check("sektoral_report_list", {"cycle": cycle.id})
    cycle_dict = tk.get_action("sektoral_cycle_show")(
        _context(), {"id": cycle.id})
    return tk.render("sektoral/documents/cycle.html", {
        "cycle": cycle_dict, "errors": errors or {}, "form": form or {},
    }), status


@blueprint.route("/cycle/<code>/documents/<what>", methods=["POST"])
def generate(code: str, what: str) -> Any:
    """(Re)generate letters, compilation or report; save a narrative."""
    cycle = _cycle_or_404(code)
    if what not in ACTIONS:
        tk.abort(404)
    data: dict[str, Any] = {"cycle": cycle.id}
    for key in ("organization", "chapter", "text"):
        if key in request.form:
            data[key] = request.form[key]
    try:
        tk.get_action(ACTIONS[what])(_context(), data)
    except tk.NotAuthorized:
        tk.abort(403, tk._("You are not allowed to do this."))
    except tk.ValidationError as error:
        return cycle_documents(code, errors=_errors(error),
                               form=dict(request.form), status=400)
    messages = {
        "letters": tk._("The request letters were generated."),
        "compilation": tk._("The compilation is being built; reload the "
                            "page in a moment."),
        "report": tk._("A new version of the report is being rendered; "
                       "reload the page in a moment."),
        "narrative": tk._("The narrative was saved; it is used by the next "
                          "version of the report."),
    }
    tk.h.flash_success(messages[what])
    came_from = request.form.get("came_from") or ""
    if came_from.startswith("/") and not came_from.startswith("//"):
        return tk.h.redirect_to(came_from)
    return tk.h.redirect_to("sektoral_documents.cycle_documents",
                            code=cycle.code)


# -- downloads ---------------------------------------------------------------------

@blueprint.route("/cycle/<cycle_id>/letter/<org_name>/<fmt>")
def letter_download(cycle_id: str, org_name: str, fmt: str) -> Any:
    cycle = _cycle_or_404(cycle_id)
    _check("sektoral_letter_list", {"cycle": cycle.id,
                                    "organization": org_name})
    letters = tk.get_action("sektoral_letter_list")(
        _context(), {"cycle": cycle.id, "organization": org_name})
    if not letters:
        tk.abort(404, tk._("Document not found"))
    doc = model.Session.get(Document, letters[0]["id"])
    return _send((doc.files or {}).get(fmt),
                 f"surat-permintaan-{cycle.code}-{org_name}.{fmt}", fmt)


@blueprint.route("/compilation/<doc_id>/<fmt>")
def compilation_download(doc_id: str, fmt: str) -> Any:
    doc = model.Session.get(Document, doc_id)
    if doc is None or doc.kind != "compilation":
        tk.abort(404, tk._("Document not found"))
    _check("sektoral_compilation_list", {"cycle": doc.cycle_id})
    cycle = _cycle_or_404(doc.cycle_id)
    return _send((doc.files or {}).get(fmt),
                 f"kompilasi-{cycle.code}.{fmt}", fmt)


@blueprint.route("/report/<version_id>/<fmt>")
def report_download(version_id: str, fmt: str) -> Any:
    row = model.Session.get(ReportVersion, version_id)
    if row is None:
        tk.abort(404, tk._("Document not found"))
    _check("sektoral_report_list", {"cycle": row.cycle_id})
    cycle = _cycle_or_404(row.cycle_id)
    return _send((row.files or {}).get(fmt),
                 f"laporan-{cycle.code}-v{row.version}.{fmt}", fmt)


@blueprint.route("/dataset/<id>/template.xlsx")
def item_template(id: str) -> Any:
    """The Excel data-entry template of an item, from its Table Schema."""
    try:
        pkg = tk.get_action("package_show")(_context(), {"id": id})
    except tk.NotAuthorized:
        tk.abort(403, tk._("You are not allowed to see this page."))
    except tk.ObjectNotFound:
        tk.abort(404, tk._("Dataset not found"))
    content = templates.workbook(pkg)
    if content is None:
        tk.abort(404, tk._("This dataset has no Table Schema to build a "
                           "template from."))
    from flask import Response
    return Response(content, mimetype=MIMETYPES["xlsx"], headers={
        "Content-Disposition":
            f'attachment; filename="templat-{pkg["name"]}.xlsx"'})


@blueprint.route("/dataset/<id>/analysis", methods=["POST"])
def analysis_run(id: str) -> Any:
    try:
        tk.get_action("sektoral_analysis_run")(_context(), {"id": id})
    except tk.NotAuthorized:
        tk.abort(403, tk._("You are not allowed to do this."))
    except tk.ObjectNotFound:
        tk.abort(404, tk._("Dataset not found"))
    except tk.ValidationError as error:
        tk.h.flash_error("; ".join(
            m for ms in _errors(error).values() for m in ms))
        return tk.h.redirect_to("dataset.read", id=id)
    tk.h.flash_success(tk._("The analysis is running; reload the page in a "
                            "moment."))
    return tk.h.redirect_to("dataset.read", id=id)
