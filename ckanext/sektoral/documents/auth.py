"""Auth functions of the documents area, one per action of documents/action.py."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthResult, Context, DataDict

from ckanext.sektoral.logic import authz, permissions

__all__: list[str] = [
    "sektoral_letters_generate",
    "sektoral_letter_list",
    "sektoral_compilation_generate",
    "sektoral_compilation_list",
    "sektoral_report_generate",
    "sektoral_report_list",
    "sektoral_report_narrative_update",
    "sektoral_analysis_run",
    "sektoral_analysis_show",
]


_result = authz.result
_staff = authz.staff
_reader = authz.walidata_reader


def sektoral_letters_generate(context: Context, data_dict: DataDict
                              ) -> AuthResult:
    return _staff(context)


def sektoral_letter_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The Walidata and Pembina; an OPD producer for its own OPD's letter
    (the action filters the list to the caller's OPD)."""
    user = context.get("user")
    if permissions.may_read_all_items(user):
        return {"success": True}
    org = model.Group.get(data_dict.get("organization") or "")
    return _result(bool(org) and permissions.is_producer_of(user, org.id),
                   tk._("Only the Walidata and the OPD concerned may see "
                        "this letter"))


def sektoral_compilation_generate(context: Context, data_dict: DataDict
                                  ) -> AuthResult:
    return _staff(context)


def sektoral_compilation_list(context: Context, data_dict: DataDict
                              ) -> AuthResult:
    return _reader(context)


def sektoral_report_generate(context: Context, data_dict: DataDict
                             ) -> AuthResult:
    return _staff(context)


def sektoral_report_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _reader(context)


def sektoral_report_narrative_update(context: Context, data_dict: DataDict
                                     ) -> AuthResult:
    return _staff(context)


def sektoral_analysis_run(context: Context, data_dict: DataDict) -> AuthResult:
    return _staff(context)


def sektoral_analysis_show(context: Context, data_dict: DataDict
                           ) -> AuthResult:
    return _reader(context)
