"""Auth functions of publication, one per action of publication/action.py."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.sektoral.logic import authz, permissions
from ckanext.sektoral.publication import service

__all__: list[str] = [
    "sektoral_cycle_publish",
    "sektoral_publication_show",
    "sektoral_reopen",
    "sektoral_withdraw",
    "sektoral_push",
    "sektoral_push_status",
]


_result = authz.result
_staff = authz.staff


def sektoral_cycle_publish(context: Context, data_dict: DataDict) -> AuthResult:
    return _staff(context)


def sektoral_publication_show(context: Context,
                              data_dict: DataDict) -> AuthResult:
    """The Walidata and the Pembina Data."""
    return _result(permissions.may_read_all_items(context.get("user")),
                   tk._("Only the Walidata may see this"))


def sektoral_reopen(context: Context, data_dict: DataDict) -> AuthResult:
    return _result(service.may_after_publication(
        context.get("user"), "reopen", data_dict.get("id") or ""),
        tk._("Only Walidata staff may do this"))


def sektoral_withdraw(context: Context, data_dict: DataDict) -> AuthResult:
    return _result(service.may_after_publication(
        context.get("user"), "withdraw", data_dict.get("id") or ""),
        tk._("Only Walidata staff may do this"))


def sektoral_push(context: Context, data_dict: DataDict) -> AuthResult:
    return _staff(context)


def sektoral_push_status(context: Context, data_dict: DataDict) -> AuthResult:
    return sektoral_publication_show(context, data_dict)
