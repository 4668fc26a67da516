"""Public pages: published statistics per cycle, downloads, DCAT JSON-LD.

* ``/statistik``                     cycles that published data
* ``/statistik/<code>``              one cycle: its datasets and its report
* ``/dataset/<id>/download/<fmt>``   the validated data of a published
                                     dataset, its series over all its
                                     releases, as ``csv``, ``xlsx`` or
                                     ``datapackage`` (zip)
* ``/dataset/<id>/chart-data.json``  its chart series (JSON of
                                     ``sektoral_chart_data``)

A withdrawn dataset keeps its page and notice, but its data is no longer
served: the downloads, the chart series and CKAN's own download of its
data files answer **410 Gone** with the withdrawal notice (the files stay
stored and are served again once a revision of the dataset is
published).
* ``/dataset/<id>.jsonld``           DCAT-compatible JSON-LD of a dataset
* ``/catalog.jsonld``                the catalogue of published datasets
                                     (``page``, 100 per page)

Everything is read through actions as the current user, so the public sees
only published datasets.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.sektoral.insight import dcat, exports, notices, tabledata
from ckanext.sektoral.insight.helpers import DOWNLOADS, jsonld_document
from ckanext.sektoral.core import codes, symbols as bps
from ckanext.sektoral.core.completeness import is_data_resource
from ckanext.sektoral import lang as sektoral_lang
from ckanext.sektoral.logic import releases

blueprint = Blueprint("sektoral_public", __name__)

CATALOG_PAGE_SIZE = 100
JSONLD_MIMETYPE = "application/ld+json"


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user
            and tk.current_user.is_authenticated else ""}


def cycle_list() -> str:
    cycles = tk.get_action("sektoral_public_cycle_list")(_context(), {})
    return tk.render("sektoral/public/cycle_list.html",
                     {"cycles": cycles})


def cycle_read(code: str) -> str:
    try:
        cycle = tk.get_action("sektoral_public_cycle_show")(
            _context(), {"id": code})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Cycle not found"))
    return tk.render("sektoral/public/cycle_read.html", {"cycle": cycle})


def _published_dataset(id: str) -> dict[str, Any]:
    try:
        pkg = tk.get_action("package_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))
    if pkg.get("private"):  # downloads and JSON-LD are for published data
        return tk.abort(404, tk._("Dataset not found"))
    return pkg


def _gone(notice: dict[str, Any]) -> Any:
    """410 with the withdrawal notice (CKAN's error page)."""
    return tk.abort(410, notices.withdrawal_text(notice))


def _withdrawn(package_id: str) -> Any:
    return notices.withdrawal_notice(package_id)


def download(id: str, fmt: str) -> Response:
    if fmt not in {key for key, _label, _mime in DOWNLOADS}:
        return tk.abort(404, tk._("Unknown format"))
    pkg = _published_dataset(id)
    notice = _withdrawn(pkg["id"])
    if notice is not None:
        return _gone(notice)
    files = tabledata.series_files(pkg, releases.releases(pkg["id"])) \
        if pkg.get("type") == "data-sektoral" else []
    if not files or any(f.path is None for f in files):
        return tk.abort(404, tk._(
            "This dataset has no validated data file to download"))
    schema = files[-1].schema  # the series' columns are the newest file's
    table = exports.canonical_rows(schema,
                                   tabledata.combined_rows(files).rows)
    name = exports.safe_name(pkg["name"])
    if fmt == "csv":
        body = exports.table_csv(table)
        mimetype, filename = "text/csv; charset=utf-8", f"{name}.csv"
    elif fmt == "xlsx":
        body = exports.table_xlsx(table, metadata=_metadata_rows(pkg))
        mimetype, filename = exports.XLSX_MIMETYPE, f"{name}.xlsx"
    else:
        body = exports.table_datapackage(
            pkg, schema, table,
            homepage=tk.url_for("dataset.read", id=pkg["name"],
                                _external=True))
        mimetype, filename = "application/zip", f"{name}-datapackage.zip"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-Type-Options": "nosniff"})


def chart_data(id: str) -> Response:
    """The chart series of a dataset as JSON (whoever may read it); 410
    with the notice for a withdrawn dataset."""
    try:
        data = tk.get_action("sektoral_chart_data")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))
    status = 200
    if data.get("withdrawn"):
        status = 410
        data = {"id": data["id"], "available": False, "withdrawn": True,
                "notice": data["notice"],
                "message": notices.withdrawal_text(data["notice"])}
    return Response(json.dumps(data, ensure_ascii=False), status=status,
                    mimetype="application/json")


def refuse_withdrawn_resource_download() -> Any:
    """Before CKAN's resource download (``/dataset/<id>/resource/<rid>/
    download``): a data file of a withdrawn dataset answers 410 with the
    notice. Other resources, and every other request, pass."""
    from flask import request

    endpoint = request.endpoint or ""
    if not endpoint.endswith("resource.download"):
        return None
    resource_id = (request.view_args or {}).get("resource_id")
    from ckan import model

    resource = model.Resource.get(resource_id or "")
    if resource is None or resource.state != "active":
        return None
    data = {"format": resource.format, "url": resource.url,
            "url_type": resource.url_type, "name": resource.name,
            "mimetype": resource.mimetype,
            **(resource.extras or {})}
    if not is_data_resource(data):
        return None
    notice = _withdrawn(resource.package_id)
    if notice is None:
        return None
    return _gone(notice)


def _metadata_rows(pkg: dict[str, Any]) -> list[tuple[str, str]]:
    """Label/value rows of the XLSX ``Metadata`` sheet (UI language)."""
    lang = sektoral_lang.current()

    def label(list_name: str, value: Any) -> str:
        if not value:
            return ""
        try:
            return codes.load(list_name).label(str(value), lang)
        except Exception:
            return str(value)

    rows = [
        (tk._("Title"), pkg.get("title") or ""),
        (tk._("Description"), pkg.get("notes") or ""),
        (tk._("OPD"), (pkg.get("organization") or {}).get("title") or ""),
        (tk._("Unit"), pkg.get("satuan") or ""),
        (tk._("Definition"), pkg.get("definisi") or ""),
        (tk._("Concept"), pkg.get("konsep") or ""),
        (tk._("Frequency"), label("frekuensi", pkg.get("frekuensi_penerbitan"))),
        (tk._("Level of presentation"),
         label("level_penyajian", pkg.get("level_penyajian"))),
        (tk._("Years"), "-".join(str(v) for v in (
            pkg.get("tahun_awal"), pkg.get("tahun_akhir")) if v)),
        (tk._("Licence"), pkg.get("license_title") or ""),
        (tk._("Source"), tk.url_for("dataset.read", id=pkg["name"],
                                    _external=True)),
        (tk._("Missing values"), tk._(bps.LEGEND)),
    ]
    return [(k, str(v)) for k, v in rows if v]


def _jsonld_response(document: dict[str, Any]) -> Response:
    return Response(json.dumps(document, ensure_ascii=False, indent=1),
                    mimetype=JSONLD_MIMETYPE)


def dataset_jsonld(id: str) -> Response:
    return _jsonld_response(jsonld_document(_published_dataset(id)))


def catalog_jsonld() -> Response:
    try:
        page = max(int(tk.request.args.get("page", 1)), 1)
    except ValueError:
        return tk.abort(400, tk._("page must be a whole number"))
    found = tk.get_action("package_search")(_context(), {
        "fq": "+dataset_type:data-sektoral", "sort": "metadata_modified desc",
        "rows": CATALOG_PAGE_SIZE, "start": (page - 1) * CATALOG_PAGE_SIZE})
    datasets = [jsonld_document(pkg, with_context=False)
                for pkg in found["results"] if not pkg.get("private")]
    next_url = None
    if page * CATALOG_PAGE_SIZE < found["count"]:
        next_url = tk.url_for("sektoral_public.catalog_jsonld",
                              page=page + 1, _external=True)
    return _jsonld_response(dcat.catalog_jsonld(
        title=tk.config.get("ckan.site_title") or "CKAN",
        url=tk.url_for("sektoral_public.catalog_jsonld", _external=True),
        description=tk.config.get("ckan.site_description") or "",
        datasets=datasets, total=found["count"], next_url=next_url))


blueprint.add_url_rule("/statistik", "cycle_list", cycle_list,
                       methods=["GET"])
blueprint.add_url_rule("/statistik/<code>", "cycle_read", cycle_read,
                       methods=["GET"])
blueprint.add_url_rule("/dataset/<id>/download/<fmt>", "download", download,
                       methods=["GET"])
blueprint.add_url_rule("/dataset/<id>/chart-data.json", "chart_data",
                       chart_data, methods=["GET"])
blueprint.before_app_request(refuse_withdrawn_resource_download)
blueprint.add_url_rule("/dataset/<id>.jsonld", "dataset_jsonld",
                       dataset_jsonld, methods=["GET"])
blueprint.add_url_rule("/catalog.jsonld", "catalog_jsonld", catalog_jsonld,
                       methods=["GET"])
