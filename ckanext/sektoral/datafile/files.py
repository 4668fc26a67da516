"""Where a dataset's data files are: the local path of an uploaded
resource and the dataset's valid tabular data files with their Table
Schema (read by the analysis job, the compilation, the report and the
public pages alike)."""
from __future__ import annotations

import os
from typing import Any, Optional

from ckanext.sektoral.core import tables


def resource_path(res: dict[str, Any]) -> Optional[str]:
    """Local path of an uploaded resource file (None for a link, or when
    the file is not stored)."""
    if res.get("url_type") != "upload":
        return None
    from ckan.lib import uploader  # CKAN's uploader, once configured

    upload = uploader.get_resource_uploader(res)
    get_path = getattr(upload, "get_path", None)
    if get_path is None:
        return None
    path = get_path(res["id"])
    return path if path and os.path.exists(path) else None


def data_files(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """Valid tabular data files of a dataset: each with its resource,
    local path, schema and format. A file whose validation did not
    succeed, or that has no schema, is not a valid data file."""
    found = []
    for res in pkg.get("resources") or []:
        if res.get("jenis_berkas") not in (None, "", "data"):
            continue
        schema = tables.resource_schema(res)
        path = resource_path(res)
        if schema is None or path is None:
            continue
        if res.get("validation_status") not in (None, "success"):
            continue
        fmt = (res.get("format") or "").lower() or None
        found.append({"resource": res, "path": path, "schema": schema,
                      "format": fmt})
    return found


def newest_data_file(pkg: dict[str, Any],
                     resource_ids: Optional[list[str]] = None
                     ) -> Optional[dict[str, Any]]:
    """The newest valid data file of a dataset (of ``resource_ids`` only,
    when given), as :func:`data_files` gives it."""
    found = [f for f in data_files(pkg)
             if resource_ids is None or f["resource"]["id"] in resource_ids]
    if not found:
        return None
    return max(found, key=lambda f: (
        f["resource"].get("last_modified") or f["resource"].get("created")
        or "", f["resource"].get("position") or 0))
