"""OPD performance pages (Walidata positions only).

* ``/sektoral/performance``      figures per OPD per cycle with charts
                                 across cycles (``?cycle=<code>`` selects
                                 the cycle shown in detail)
* ``/sektoral/performance.csv``  every cycle and OPD as CSV
                                 (``?cycle=<code>`` for one cycle)
"""
from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.sektoral.documents.excel import neutralise

blueprint = Blueprint("sektoral_performance", __name__)


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user
            and tk.current_user.is_authenticated else ""}


def _performance(data_dict: dict[str, Any]) -> dict[str, Any]:
    try:
        return tk.get_action("sektoral_performance")(_context(), data_dict)
    except tk.NotAuthorized:
        return tk.abort(403, tk._(
            "Only the Walidata may see the OPD performance"))


def _columns() -> list[tuple[str, str]]:
    """(figure key, translated header) of the table and the CSV."""
    return [
        ("listed", tk._("Items listed")),
        ("requested", tk._("Items requested")),
        ("submitted", tk._("Submitted")),
        ("on_time", tk._("Submitted on time")),
        ("late", tk._("Submitted late")),
        ("not_submitted", tk._("Not submitted")),
        ("overdue", tk._("Not submitted, overdue")),
        ("returns", tk._("Returns (times)")),
        ("items_returned", tk._("Items returned")),
        ("accepted", tk._("Accepted")),
        ("avg_working_days", tk._("Average working days to submit")),
        ("on_time_pct", tk._("Submitted on time (%)")),
    ]


def index() -> str:
    result = _performance({})
    selected = tk.request.args.get("cycle") or None
    codes = [c["code"] for c in result["cycles"]]
    errors = None
    if selected and selected not in codes:
        errors = {"cycle": [tk._("Cycle not found: %(codes)s")
                            % {"codes": selected}]}
        selected = None
    return tk.render("sektoral/performance/index.html", {
        "result": result, "selected_code": selected or (
            codes[-1] if codes else None),
        "columns": _columns(), "errors": errors})


def export_csv() -> Response:
    data_dict: dict[str, Any] = {}
    if tk.request.args.get("cycle"):
        data_dict["cycle"] = tk.request.args["cycle"]
    try:
        result = _performance(data_dict)
    except tk.ValidationError as err:
        return tk.abort(400, "; ".join(
            m for msgs in err.error_dict.values() for m in msgs))
    columns = _columns()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([tk._("Cycle"), tk._("OPD code"), tk._("OPD"),
                     tk._("Submission due")] + [h for _k, h in columns])
    for cycle in result["cycles"]:
        for org in cycle["organizations"]:
            writer.writerow([neutralise(v) for v in (
                [cycle["code"], org["name"], org["title"],
                 cycle["submit_due"]]
                + ["" if org[k] is None else org[k] for k, _h in columns])])
    name = "kinerja-opd"
    if data_dict.get("cycle"):
        name += "-" + "".join(ch for ch in data_dict["cycle"]
                              if ch.isalnum() or ch in "-_")
    return Response(out.getvalue().encode("utf-8"),
                    mimetype="text/csv; charset=utf-8", headers={
                        "Content-Disposition":
                            f'attachment; filename="{name}.csv"'})


blueprint.add_url_rule("/sektoral/performance", "index", index,
                       methods=["GET"])
blueprint.add_url_rule("/sektoral/performance.csv", "export_csv", export_csv,
                       methods=["GET"])
