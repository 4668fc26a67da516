"""Actions of ckanext-sektoral (registered by ``tk.blanket.actions``).

Every action is prefixed ``sektoral_``, calls ``tk.check_access`` with its
own name first, and carries a docstring that ``help_show`` serves.
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict
from ckanext.scheming.helpers import scheming_get_dataset_schema

from ckanext.sektoral.logic import schema
from ckanext.sektoral.workflow import completeness

log = logging.getLogger(__name__)

__all__: list[str] = [
    "sektoral_completeness",
]


def _ui_lang(data_dict: DataDict) -> str:
    if data_dict.get("lang"):
        return data_dict["lang"]
    try:
        return tk.h.lang() or tk.config.get("ckan.locale_default", "id")
    except Exception:  # no request (CLI, background job)
        return tk.config.get("ckan.locale_default") or "id"


def _validation_info(resource_id: str) -> completeness.ValidationInfo | None:
    """ckanext-validation's record of one resource (None if it has none)."""
    try:
        result = tk.get_action("resource_validation_show")(
            {"ignore_auth": True}, {"resource_id": resource_id})
    except tk.ObjectNotFound:
        return completeness.ValidationInfo("none")
    except KeyError:  # validation plugin not loaded
        return None
    status = completeness.normalize_status(result.get("status"))
    return completeness.ValidationInfo(
        status=status,
        error_count=completeness.error_count_from_report(
            result.get("report"), status, result.get("error")),
    )


@tk.validate_action_data(schema.sektoral_completeness_schema)
@tk.side_effect_free
def sektoral_completeness(context: Context,
                          data_dict: DataDict) -> dict[str, Any]:
    """Completeness of one dataset: is it ready to be submitted?

    Checks every metadata field marked ``sektoral_required`` in the
    dataset type's scheming schema and, for types that hold data
    (``sektoral_requires_data``), each data resource: does it have a
    Table Schema, and what did ckanext-validation report?

    :param id: id or name of the dataset
    :type id: string
    :param lang: language of the field labels (``id`` or ``en``; default:
        the language of the request)
    :type lang: string

    :returns: ``{"complete": bool, "score": 0-100, "fields": [{"name",
        "label", "present"}], "missing_fields": [...], "requires_data":
        bool, "has_data_resource": bool, "resources": [{"id", "name",
        "has_schema", "validation_status" (success, failure, error,
        pending, none), "error_count", "ok"}], "id", "name", "type"}``
    :rtype: dictionary

    Example::

        ckanapi action sektoral_completeness id=jumlah-penduduk
    """
    tk.check_access("sektoral_completeness", context, data_dict)
    package = tk.get_action("package_show")(
        {"user": context.get("user"),
         "ignore_auth": context.get("ignore_auth", False)},
        {"id": data_dict["id"]})
    type_schema = scheming_get_dataset_schema(package["type"]) or {}
    requires_data = bool(type_schema.get(completeness.REQUIRES_DATA_KEY))
    validations: dict[str, completeness.ValidationInfo] = {}
    if requires_data:
        for res in package.get("resources") or []:
            if completeness.is_data_resource(res):
                info = _validation_info(res["id"])
                if info is not None:
                    validations[res["id"]] = info
    result = completeness.evaluate(
        package,
        type_schema.get("dataset_fields") or [],
        validations,
        lang=_ui_lang(data_dict),
        requires_data=requires_data,
    )
    out = result.to_dict()
    out.update(id=package["id"], name=package["name"], type=package["type"])
    return out
