"""Input schemas of the ckanext-sektoral actions (navl)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Schema, Validator

from ckanext.sektoral.logic.auth import TRANSITIONS


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
def sektoral_submission_diff_schema(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
) -> Schema:
    """Input of ``sektoral_submission_diff``."""
    return {
        "id": [not_empty, unicode_safe],
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
        "from_cycle": [ignore_missing, unicode_safe],
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
    """Input of ``sektoral_item_create``: the cycle and the owner OPD (or
    the statistic it is the cycle's submission for); any other key is a
    ``data-sektoral`` field passed to ``package_create``."""
    return {
        "cycle": [not_empty, unicode_safe],
        "statistic": [ignore_missing, unicode_safe],
        "owner_org": [ignore_missing, unicode_safe],
        "title": [ignore_missing, unicode_safe],
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


@tk.validator_args
def sektoral_bulk_transition_schema(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    one_of: Validator, ignore_empty: Validator,
) -> Schema:
    """Input of ``sektoral_bulk_transition``."""
    return {
        "transition": [not_empty, unicode_safe, one_of(list(TRANSITIONS))],
        "ids": [ignore_missing, sektoral_id_list],
        "cycle": [ignore_empty, unicode_safe],
        "stage": [ignore_empty, unicode_safe],
        "note": [ignore_missing, unicode_safe],
    }


def sektoral_id_list(value: Any, context: Any) -> list[str]:
    """A list of dataset ids (a JSON list, or a comma/space separated string)."""
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, str) and v.strip() for v in value):
        raise tk.Invalid(tk._("Must be a list of dataset ids"))
    if len(value) > BULK_LIMIT:
        raise tk.Invalid(tk._("At most %(limit)s datasets at once")
                         % {"limit": BULK_LIMIT})
    return list(dict.fromkeys(v.strip() for v in value))


#: Most items one bulk transition moves (a cycle has a few hundred).
BULK_LIMIT = 2000


# -- documents ----------------------------------------------------------------

@tk.validator_args
def sektoral_cycle_ref_schema(not_empty: Validator, ignore_missing: Validator,
                              unicode_safe: Validator) -> Schema:
    """Input of the actions on one cycle's documents (``cycle``; the
    letters also take one ``organization``)."""
    return {
        "cycle": [not_empty, unicode_safe, sektoral_strip],
        "organization": [ignore_missing, unicode_safe, sektoral_strip],
    }


@tk.validator_args
def sektoral_report_narrative_schema(not_empty: Validator,
                                     unicode_safe: Validator,
                                     default: Validator) -> Schema:
    """Input of ``sektoral_report_narrative_update``."""
    return {
        "cycle": [not_empty, unicode_safe, sektoral_strip],
        "chapter": [not_empty, unicode_safe, sektoral_strip],
        "text": [default(""), sektoral_narrative_text],
    }


#: Longest narrative of one report chapter (characters).
MAX_NARRATIVE = 20000


def sektoral_strip(value: Any, context: Any) -> Any:
    """The text without surrounding white space."""
    return value.strip() if isinstance(value, str) else value


def sektoral_narrative_text(value: Any, context: Any) -> str:
    """A chapter's narrative: text of at most :data:`MAX_NARRATIVE`
    characters, stripped."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise tk.Invalid(tk._("Must be text"))
    if len(value) > MAX_NARRATIVE:
        raise tk.Invalid(tk._(
            "The text is too long (at most 20000 characters)"))
    return value.strip()


# -- publication --------------------------------------------------------------

@tk.validator_args
def sektoral_cycle_publish_schema(not_empty: Validator,
                                  unicode_safe: Validator,
                                  default: Validator) -> Schema:
    """Input of ``sektoral_cycle_publish``."""
    return {
        "id": [not_empty, unicode_safe, sektoral_strip],
        "note": [default(""), unicode_safe],
    }


@tk.validator_args
def sektoral_push_schema(ignore_empty: Validator,
                         unicode_safe: Validator) -> Schema:
    """Input of ``sektoral_push`` / ``sektoral_push_status``: a ``cycle``
    or one dataset ``id``."""
    return {
        "cycle": [ignore_empty, unicode_safe, sektoral_strip],
        "id": [ignore_empty, unicode_safe, sektoral_strip],
        "__after": [sektoral_cycle_or_id],
    }


def sektoral_cycle_or_id(key: Any, data: dict[Any, Any],
                         errors: dict[Any, Any], context: Any) -> None:
    """Either ``cycle`` or ``id`` must be given (the error names ``id``)."""
    if not data.get(("cycle",)) and not data.get(("id",)):
        errors.setdefault(("id",), []).append(tk._("Missing value"))


# -- insight ------------------------------------------------------------------

@tk.validator_args
def sektoral_performance_schema(ignore_missing: Validator,
                                ignore_empty: Validator,
                                unicode_safe: Validator) -> Schema:
    """Input of ``sektoral_performance``."""
    return {
        "cycle": [ignore_missing, sektoral_ref_list],
        "owner_org": [ignore_empty, unicode_safe, sektoral_strip],
    }


def sektoral_empty_schema() -> Schema:
    """Input of actions that take nothing."""
    return {}


def sektoral_ref_list(value: Any, context: Any) -> list[str]:
    """Ids or codes: a list, or a comma/space separated string."""
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        return [v for v in value.replace(",", " ").split() if v]
    if not isinstance(value, (list, tuple)):
        raise tk.Invalid(tk._("Must be a list of ids or codes"))
    return [str(v) for v in value]
