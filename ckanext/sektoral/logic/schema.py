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
