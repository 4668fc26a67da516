"""The CKAN side of data-file checking.

* :func:`check_upload` (``before_resource_create``/``_update``): a data
  file that cannot be a table is refused with an explanation, before
  anything is stored; the format of an accepted one is taken from its
  content;
* :func:`after_validation` (ckanext-validation's ``IPipeValidation``):
  the checks of :mod:`.content` are added to the report, which is stored
  compact and without server paths; a file with such problems fails
  validation (and the submit gate);
* :func:`explained` (template helper ``sektoral_validation_problems``):
  the translated explanations of a resource's report.
"""
from __future__ import annotations

import json
import logging
import os
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sektoral.core import tables
from ckanext.sektoral.datafile import content, door, explain
from ckanext.sektoral.logic.context import site_context

log = logging.getLogger(__name__)

#: File name extensions and formats of files treated as data when the
#: resource has no ``jenis_berkas``.
_DATA_FORMATS = {"csv", "xlsx", "xls", "tsv", "txt", "ods"}


def _is_data(resource: dict[str, Any], filename: str) -> bool:
    jenis = resource.get("jenis_berkas")
    if jenis:
        return jenis == "data"
    fmt = (resource.get("format") or "").strip().lower()
    ext = os.path.splitext(filename)[1].lstrip(".").lower()
    return fmt in _DATA_FORMATS or (not fmt and ext in _DATA_FORMATS)


def _translate(problem: door.Problem) -> str:
    params = {key: (tk._(value) if key in problem.translate else value)
              for key, value in problem.params.items()}
    return tk._(problem.msgid) % params if params else tk._(problem.msgid)


def check_upload(resource: dict[str, Any], creating: bool = False) -> None:
    """Refuse an uploaded file over the size limit (stated in MB) and a
    data file that cannot be read as a table (``ValidationError`` on
    ``upload``, in the language of the request). When ``creating``, a
    data resource linked in a format the portal cannot read is refused
    too (it would stay "not validated" for ever)."""
    from ckan.lib import uploader
    upload = resource.get("upload")
    stream = getattr(upload, "stream", None)
    filename = getattr(upload, "filename", None) or ""
    if stream is None or not filename:
        fmt = (resource.get("format") or "").strip()
        if creating and resource.get("jenis_berkas") == "data" and fmt \
                and fmt.upper() not in door.ACCEPTED:
            raise tk.ValidationError({"format": [_translate(door.Problem(
                door.MSG_UNSUPPORTED_FORMAT, {
                    "format": fmt, "formats": ", ".join(door.ACCEPTED)}))]})
        return
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    limit = uploader.get_max_resource_size()
    if not _is_data(resource, filename):
        if size > limit * 1024 * 1024:
            raise tk.ValidationError(
                {"upload": [_translate(door.too_big(size, limit))]})
        return
    problem, kind = door.check(stream, os.path.basename(filename), size,
                               limit)
    stream.seek(0)
    if problem is not None:
        raise tk.ValidationError({"upload": [_translate(problem)]})
    if kind in ("csv", "xlsx", "xls"):
        resource["format"] = kind.upper()


# -- after validation ---------------------------------------------------------------

def _stored_path(resource: dict[str, Any]) -> Optional[str]:
    if resource.get("url_type") != "upload":
        return None
    from ckan.lib import uploader
    upload = uploader.get_resource_uploader(resource)
    if not isinstance(upload, uploader.ResourceUpload):
        return None
    path = upload.get_path(resource["id"])
    return path if os.path.exists(path) else None


def after_validation(record: dict[str, Any]) -> None:
    """Add the checks of :mod:`.content` to a finished validation and
    store the report compact; a new problem makes the file invalid."""
    from ckanext.validation.model import Validation

    if record.get("status") not in ("success", "failure", "error"):
        return
    row = model.Session.query(Validation).filter(
        Validation.resource_id == record["resource_id"]).first()
    if row is None:
        return
    try:
        report = json.loads(row.report) if row.report else {}
    except ValueError:
        report = {}
    extra: list[dict[str, Any]] = []
    status = row.status
    try:
        resource = tk.get_action("resource_show")(
            {"ignore_auth": True}, {"id": record["resource_id"]})
    except tk.ObjectNotFound:  # deleted while it was being validated
        resource = None
    if resource is not None and status in ("success", "failure"):
        path = _stored_path(resource)
        if path:
            try:
                extra = content.extra_errors(
                    path, resource.get("format") or "",
                    tables.resource_schema(resource))
            except Exception:  # noqa: BLE001 - a check must not lose the report
                log.exception("Content checks of resource %s failed",
                              record["resource_id"])
    report = content.compact(content.merge(report, extra))
    row.report = json.dumps(report)
    if isinstance(row.error, dict) and row.error.get("message"):
        row.error = {"message": [content.strip_paths(explain.value_text(m))
                                 for m in row.error["message"]]}
    changed = bool(extra) and status != "failure"
    if changed:
        row.status = "failure"
    model.Session.add(row)
    model.Session.commit()
    if changed:
        tk.get_action("resource_patch")(
            site_context(_validation_performed=True),
            {"id": record["resource_id"], "validation_status": "failure"})


# -- explanations -------------------------------------------------------------------

def _text(line: explain.Line) -> str:
    if line.plural:  # explain.MORE, spelt out for the message extractor
        return tk.ungettext("... and %(num)s more row with the same problem.",
                            "... and %(num)s more rows with the same problem.",
                            line.plural[2])
    return tk._(line.msgid) % line.params if line.params else tk._(line.msgid)


def explained(record: Optional[dict[str, Any]],
              resource: Optional[dict[str, Any]] = None,
              per_kind: int = 10) -> list[dict[str, Any]]:
    """The problems of a validation record (``resource_validation_show``
    output) as translated lines: ``[{"text", "row", "column"}]``."""
    if not record:
        return []
    schema = tables.resource_schema(resource or {})
    lines = explain.explain(record.get("report"), schema, per_kind,
                            record.get("error"))
    return [{"text": _text(line), "row": line.row, "column": line.column}
            for line in lines]
