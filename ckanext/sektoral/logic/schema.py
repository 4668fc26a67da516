"""Input schemas of the ckanext-sektoral actions (navl)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import Schema, Validator


@tk.validator_args
def sektoral_completeness_schema(
    not_missing: Validator,
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
) -> Schema:
    """Input of ``sektoral_completeness``."""
    return {
        "id": [not_missing, not_empty, unicode_safe],
        "lang": [ignore_missing, unicode_safe],
    }


@tk.validator_args
def sektoral_cycle_create_schema(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    isodate: Validator, sektoral_cycle_code: Validator,
    default: Validator,
) -> Schema:
    """Input of ``sektoral_cycle_create``."""
    return {
        "code": [not_empty, unicode_safe, sektoral_cycle_code],
        "title": [not_empty, unicode_safe],
        "start_date": [not_empty, isodate],
        "notes": [default(""), unicode_safe],
    }


@tk.validator_args
def sektoral_cycle_update_schema(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    one_of: Validator,
) -> Schema:
    """Input of ``sektoral_cycle_update``."""
    return {
        "id": [not_empty, unicode_safe],
        "title": [ignore_missing, not_empty, unicode_safe],
        "notes": [ignore_missing, unicode_safe],
        "status": [ignore_missing, one_of(["open", "closed"])],
    }


@tk.validator_args
def sektoral_id_schema(not_empty: Validator,
                       unicode_safe: Validator) -> Schema:
    """Input of actions that take one ``id``."""
    return {"id": [not_empty, unicode_safe]}


@tk.validator_args
def sektoral_cycle_list_schema(ignore_missing: Validator,
                               one_of: Validator) -> Schema:
    return {"status": [ignore_missing, one_of(["open", "closed"])]}


@tk.validator_args
def sektoral_item_create_schema(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    sektoral_template_name: Validator,
) -> Schema:
    """Input of ``sektoral_item_create``: the cycle and the owner OPD; any
    other key is a ``data-sektoral`` field passed to ``package_create``."""
    return {
        "cycle": [not_empty, unicode_safe],
        "owner_org": [not_empty, unicode_safe],
        "title": [not_empty, unicode_safe],
        "template": [ignore_missing, unicode_safe, sektoral_template_name],
        "__extras": [ignore_missing],
    }


@tk.validator_args
def sektoral_transition_schema(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    int_validator: Validator, default: Validator,
) -> Schema:
    """Input of the transition actions."""
    return {
        "id": [not_empty, unicode_safe],
        "note": [default(""), unicode_safe],
        "version": [ignore_missing, int_validator],
    }


@tk.validator_args
def sektoral_position_schema(
    not_empty: Validator, unicode_safe: Validator,
    sektoral_position_name: Validator,
) -> Schema:
    """Input of ``sektoral_position_assign`` / ``_revoke``."""
    return {
        "user": [not_empty, unicode_safe],
        "position": [not_empty, unicode_safe, sektoral_position_name],
    }


@tk.validator_args
def sektoral_cycle_status_schema(not_empty: Validator,
                                 unicode_safe: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe]}


@tk.validator_args
def sektoral_datalist_import_schema(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    boolean_validator: Validator,
) -> Schema:
    """Input of ``sektoral_datalist_import``."""
    return {
        "cycle": [not_empty, unicode_safe],
        "upload": [ignore_missing],
        "dry_run": [ignore_missing, boolean_validator],
    }
