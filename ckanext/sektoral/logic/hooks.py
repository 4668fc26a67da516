"""What the ``sektoral`` plugin does in CKAN's dataset hooks.

The plugin module only wires interfaces; the decisions live here:

* permission labels: unpublished items carry ``sektoral-walidata``, held
  by users with a Walidata or Pembina position, so the Walidata finds
  every OPD's items in search while the public and other OPD see none;
* the workflow status shown with a dataset and indexed for facets.
"""
from __future__ import annotations

import json
from typing import Any

from ckan import model
from ckan.lib.plugins import DefaultPermissionLabels

from ckanext.sektoral.core import tables
from ckanext.sektoral.logic import permissions, releases, service

_default_labels = DefaultPermissionLabels()

#: Key of the workflow status in ``package_show`` output.
STATUS_KEY = "sektoral"


def dataset_labels(dataset_obj: model.Package) -> list[str]:
    labels = _default_labels.get_dataset_labels(dataset_obj)
    if dataset_obj.private and service.get_item(dataset_obj.id) is not None:
        labels.append(permissions.WALIDATA_LABEL)
    return labels


def user_labels(user_obj: model.User) -> list[str]:
    labels = _default_labels.get_user_dataset_labels(user_obj)
    if user_obj and permissions.positions_of(user_obj.id):
        labels.append(permissions.WALIDATA_LABEL)
    return labels


def after_dataset_show(pkg_dict: dict[str, Any]) -> None:
    info = service.item_info(pkg_dict["id"]) if pkg_dict.get("id") else None
    if info is not None:
        pkg_dict[STATUS_KEY] = info
    else:
        pkg_dict.pop(STATUS_KEY, None)


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Flat, facetable workflow fields instead of the nested status."""
    pkg_dict.pop(STATUS_KEY, None)
    info = service.item_info(pkg_dict["id"])
    if info is not None:
        pkg_dict["sektoral_stage"] = info["stage"]
        pkg_dict["sektoral_cycle"] = info["cycle"]
        pkg_dict["sektoral_late"] = info["late"]
        # the cycles a statistic was released in (its public cycle pages)
        released = [r["cycle_code"] for r in releases.releases(pkg_dict["id"])]
        if released:
            pkg_dict["sektoral_release"] = released
    return pkg_dict


def before_resource_create(context: Any, resource: dict[str, Any]) -> None:
    """A data file uploaded to an item without a Table Schema gets the
    schema of the item's template, so that ckanext-validation checks it
    (producers never have to paste JSON)."""
    if any(resource.get(key) for key in
           ("schema", "schema_upload", "schema_url", "schema_json")):
        return
    if resource.get("jenis_berkas") not in (None, "", "data"):
        return
    # the web form passes the dataset's name, the API usually its id
    pkg = model.Package.get(resource.get("package_id") or "")
    item = service.get_item(pkg.id) if pkg is not None else None
    if item is None or not item.template:
        return
    try:
        resource["schema"] = json.dumps(tables.load(item.template))
    except (KeyError, FileNotFoundError, ValueError):
        return
